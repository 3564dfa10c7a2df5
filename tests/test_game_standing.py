"""Standing decisions on the team page: every decision in force is shown, and the form
sent back as the page fills it changes only what the team changed (issue #23, 00: a
strategy's parameters were lost on a resubmission)."""

from html.parser import HTMLParser

import pytest

from crmsim.game import api, web

SETTINGS = {"customers": 800, "rounds": 3, "seed": 3}


class FormReader(HTMLParser):
    """The fields a browser sends for the form with id ``form_id``, as the page fills them."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        elif tag == "input" and self.inside and a.get("name"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.fields[a["name"]] = a.get("value", "on")
            else:
                self.fields[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def page_form(client, url, form_id="decisions") -> dict:
    reader = FormReader(form_id)
    reader.feed(client.get(url).get_data(as_text=True))
    return reader.fields


@pytest.fixture()
def game(tmp_path):
    db = f"sqlite:///{tmp_path / 'game.db'}"
    g = api.create_game(db, SETTINGS, teams=["Mei"])
    app = web.create_app(db)
    return db, g, app.test_client()


def _standing(db, token, r):
    rows = api.team_status(db, token)["results"]
    return next(x for x in rows if x["round"] == r)["decisions"]["standing"]


def test_a_resubmission_keeps_the_parameters_the_team_did_not_retype(game):
    db, g, client = game
    token = g["teams"]["Mei"]
    url = f"/team/{token}"
    form = page_form(client, url)
    form.update(use_win_back="1", target_win_back="tier=A|B",
                params_win_back="cost_per_contact=5", seats="6")
    assert client.post(url + "/submit", data=form).status_code == 200
    api.close_round(db, g["admin_token"])
    # round 2: the page shows the standing parameters, in the table and in the form
    html = client.get(url).get_data(as_text=True)
    form = page_form(client, url)
    assert "cost_per_contact=5" in form["params_win_back"]
    assert form["use_win_back"] == "1" and form["target_win_back"] == "tier=A|B"
    assert form["seats"] == "6"
    assert 'id="in-force"' in html and "cost_per_contact=5" in html
    # the team changes the seats only and sends the form back as the page filled it
    form["seats"] = "9"
    assert client.post(url + "/submit", data=form).status_code == 200
    api.close_round(db, g["admin_token"])
    one, two = _standing(db, token, 1), _standing(db, token, 2)
    assert two["seats"] == 9
    assert two["strategies"] == one["strategies"]
    assert two["strategies"][0]["win_back"]["cost_per_contact"] == 5.0
    assert two["strategies"][0]["win_back"]["target"] == "tier=A|B"


def test_a_second_submission_in_a_round_starts_from_the_first(game):
    db, g, client = game
    url = f"/team/{g['teams']['Mei']}"
    form = page_form(client, url)
    form.update(use_loyalty_program="1", params_loyalty_program="fee_per_member=2",
                discount="0.04", acq_direct_mail="700")
    assert client.post(url + "/submit", data=form).status_code == 200
    again = page_form(client, url)
    assert "fee_per_member=2" in again["params_loyalty_program"]
    assert again["discount"] == "0.04" and again["acq_direct_mail"] == "700"


def test_without_a_submission_the_form_shows_the_standing_decisions(game):
    db, g, client = game
    token = g["teams"]["Mei"]
    api.submit(db, token, {"strategies": [{"win_back": {"cost_per_contact": 5}}], "seats": 3,
                           "discount": 0.02})
    api.close_round(db, g["admin_token"])
    form = page_form(client, f"/team/{token}")
    assert form["use_win_back"] == "1" and "cost_per_contact=5" in form["params_win_back"]
    assert form["seats"] == "3" and form["discount"] == "0.02"
    assert web.form_decisions(form, api.team_status(db, token)["settings"])["strategies"][0][
        "win_back"]["cost_per_contact"] == 5.0

"""The game server as an attacker meets it: the real ``crmsim game serve`` (waitress) in
its own process, reached over HTTP only. Creating a game needs the instructor key, an
assistant cannot close a round, a form without its CSRF token is refused, and nothing a
refused request asks for happens."""

import urllib.request

import pytest

from crmsim.game import api
from tests.game_server import KEY, Browser, forged_post, free_port, kill, post, start_server_process


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = f"sqlite:///{tmp_path_factory.mktemp('sec') / 'game.db'}"
    g = api.create_game(db, {"customers": 600, "rounds": 3}, teams=["Red"])
    port = free_port()
    proc = start_server_process(db, port)
    try:
        yield db, g, f"http://127.0.0.1:{port}"
    finally:
        kill(proc)


def _games(db) -> int:
    with api.engine(db).begin() as conn:
        return len(conn.execute(api.store.GAMES.select()).fetchall())


def _round(db, admin) -> int:
    return api.game_status(db, admin)["round"]


def test_the_server_is_waitress_not_the_development_server(server):
    _db, _g, base = server
    with urllib.request.urlopen(base + "/") as resp:
        assert resp.headers["Server"] == "crmsim"  # waitress's ident; Werkzeug says Werkzeug


def test_creating_a_game_needs_the_instructor_key(server):
    db, _g, base = server
    before = _games(db)
    for given in ({}, {"instructor_key": ""}, {"instructor_key": "guess"},
                  {"instructor_key": KEY + "x"}, {"instructor_key": KEY[:-1]}):
        status, body = post(base + "/create", {"name": "spam", **given})
        assert status == 403 and "instructor_key" in body
    assert _games(db) == before  # 0 of 5 accepted
    status, body = post(base + "/create", {"name": "real", "customers": "500",
                                           "instructor_key": KEY})
    assert status == 200 and "join-code" in body
    assert _games(db) == before + 1


def test_an_assistant_sees_and_comments_but_cannot_close_a_round(server):
    db, g, base = server
    key = api.add_staff(db, g["admin_token"], "assistant", "Li (TA)")["key"]
    page = Browser()
    status, body = page.get(f"{base}/admin/{key}")
    assert status == 200 and "Red" in body and 'id="close-button"' not in body
    r = _round(db, g["admin_token"])
    token = page.csrf(f"{base}/admin/{key}")
    status, body = page.post(f"{base}/admin/{key}/close", {"csrf_token": token, "round": r})
    assert status == 403 and "assistant" in body and "close" in body
    status, _ = page.post(f"{base}/admin/{key}/deadline",
                          {"csrf_token": token, "round": r, "deadline": "2099-01-01T00:00"})
    assert status == 403
    assert _round(db, g["admin_token"]) == r
    assert api.game_status(db, g["admin_token"])["deadline"] is None
    status, _ = page.post(f"{base}/admin/{key}/comment",
                          {"csrf_token": token, "team": "Red", "text": "Look at churn."})
    assert status == 200
    team_page = Browser().get(f"{base}/team/{g['teams']['Red']}")[1]
    assert "Look at churn." in team_page and "Li (TA)" in team_page
    status, _ = page.post(f"{base}/admin/{key}/staff",
                          {"csrf_token": token, "role": "co-instructor", "label": "me"})
    assert status == 403  # only the instructor gives out keys


def test_a_co_instructor_closes_a_round(server):
    db, g, base = server
    key = api.add_staff(db, g["admin_token"], "co-instructor", "Dr Wang")["key"]
    r = _round(db, g["admin_token"])
    page = Browser()
    token = page.csrf(f"{base}/admin/{key}")
    status, body = page.post(f"{base}/admin/{key}/close", {"csrf_token": token, "round": r})
    assert status == 200 and f"Round {r} closed" in body
    assert _round(db, g["admin_token"]) == r + 1
    with api.engine(db).begin() as conn:
        closes = api.store.closes(conn, g["game_id"])
    assert closes[-1]["closed_by"] == "co-instructor: Dr Wang"


def test_a_forged_form_without_its_csrf_token_is_refused(server):
    db, g, base = server
    admin, team = g["admin_token"], g["teams"]["Red"]
    r, games = _round(db, admin), _games(db)
    subs = len(api.team_status(db, team)["history"])
    forged = [(f"{base}/admin/{admin}/close", {"round": r}),
              (f"{base}/team/{team}/submit", {"round": r, "seats": "7"}),
              (f"{base}/create", {"name": "x", "instructor_key": KEY}),
              (f"{base}/join", {"code": "ABC", "team": "Mallory"}),
              (f"{base}/admin/{admin}/staff", {"role": "co-instructor", "label": "Mallory"})]
    for url, data in forged:
        status, body = forged_post(url, data)
        assert status == 400 and "csrf_token" in body, url
        # a token of another browser's session does not help either
        other = Browser().csrf(base + "/")
        status, body = forged_post(url, {**data, "csrf_token": other})
        assert status == 400 and "csrf_token" in body, url
    assert _round(db, admin) == r and _games(db) == games
    assert len(api.team_status(db, team)["history"]) == subs
    assert api.game_status(db, admin)["staff"] == [s for s in api.game_status(db, admin)[
        "staff"] if s["label"] != "Mallory"]


def test_refusals_are_in_chinese_for_a_chinese_browser(server):
    _db, _g, base = server
    page = Browser()
    token = page.csrf(base + "/?lang=zh")
    status, body = page.post(base + "/create?lang=zh", {"csrf_token": token, "name": "x"})
    assert status == 403 and "教师密钥" in body
    status, body = forged_post(base + "/create?lang=zh", {"name": "x"})
    assert status == 400 and "未做任何更改" in body


def test_roles_through_the_python_api(tmp_path):
    db = f"sqlite:///{tmp_path / 'g.db'}"
    g = api.create_game(db, {"customers": 300, "rounds": 2})
    ta = api.add_staff(db, g["admin_token"], "assistant", "TA")["key"]
    co = api.add_staff(db, g["admin_token"], "co-instructor", "Co")["key"]
    with pytest.raises(api.AccessDenied, match="assistant key does not give the right to close"):
        api.close_round(db, ta)
    with pytest.raises(api.AccessDenied):
        api.add_staff(db, co, "assistant", "more")
    with pytest.raises(api.CrmsimError, match="role='owner' is invalid"):
        api.add_staff(db, g["admin_token"], "owner", "x")
    assert api.staff_role(db, ta) == "assistant" and api.staff_role(db, "nope") is None
    assert api.game_status(db, ta)["staff"] == []  # keys are listed to the instructor only
    assert api.close_round(db, co)["round"] == 1


def test_behind_a_reverse_proxy_the_server_takes_forwarded_requests(tmp_path):
    db = f"sqlite:///{tmp_path / 'p.db'}"
    port = free_port()
    proc = start_server_process(db, port, "--proxy", "127.0.0.1", "--threads", "4")
    try:
        req = urllib.request.Request(f"http://127.0.0.1:{port}/?lang=zh", headers={
            "X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.2.3",
            "X-Forwarded-Host": "crmgame.school.edu", "X-Forwarded-Port": "443"})
        with urllib.request.urlopen(req) as resp:
            assert resp.status == 200 and "教师密钥" in resp.read().decode()
    finally:
        kill(proc)

"""Malformed decisions, whatever the JSON looks like, through the Python API, the CLI, the
JSON endpoint and the form of the real server (waitress, over HTTP): a clean one-line
refusal (4xx on the web, exit 2 at the CLI) that changes nothing."""

import json
import random

import pytest

from crmsim.cli import main
from crmsim.errors import CrmsimError
from crmsim.game import api
from tests.game_server import Browser, free_port, kill, post_json, start_server_process

#: values that are wrong wherever a decision expects a number, a name or a list
ATOMS = [None, True, False, -1, 10**400, -(10**30), 1e308, float("nan"), float("inf"),
         float("-inf"), "5", "0.05", "", "x" * 5000, [], {}, [None], [[[]]], {"a": {"b": {}}},
         "tier=A|B", 2**64, -0.0]


def malformed(rng: random.Random, n: int) -> list:
    """``n`` decisions of many bad shapes: every atom in every place, then random mixes."""
    places = [
        lambda a: a,
        lambda a: {"acquisition": a},
        lambda a: {"acquisition": {"direct_mail": a}},
        lambda a: {"acquisition": {str(a)[:30]: 100}},
        lambda a: {"seats": a},
        lambda a: {"discount": a},
        lambda a: {"strategies": a},
        lambda a: {"strategies": [a]},
        lambda a: {"strategies": [{"win_back": a}]},
        lambda a: {"strategies": [{"win_back": {"cost_per_contact": a}}]},
        lambda a: {"strategies": [{"win_back": {"target": a}}]},
        lambda a: {"strategies": [{"win_back": {"no_such_param": a}}]},
        lambda a: {"reports": a},
        lambda a: {"reports": [a]},
        lambda a: {"unknown_key": a},
        lambda a: {"seats": 3, "budget": a},
    ]
    out = [place(a) for place in places for a in ATOMS]
    out = [d for d in out if not _fine(d)]
    while len(out) < n:
        d = {}
        for place in rng.sample(places[1:], 3):
            d.update(place(rng.choice(ATOMS)))
        if not _fine(d):
            out.append(d)
    return out


def _fine(d) -> bool:
    """The few shapes above that are valid decisions (an empty choice, a name)."""
    ok = [{}, {"acquisition": {}}, {"strategies": []}, {"reports": []}, {"seats": -0.0}]
    return d in ok or d in ({"strategies": [{"win_back": {}}]},
                            {"strategies": [{"win_back": None}]},
                            {"strategies": [{"win_back": {"target": None}}]},
                            {"strategies": [{"win_back": {"target": ""}}]},
                            {"strategies": [{"win_back": {"target": "tier=A|B"}}]},
                            {"strategies": [{"win_back": {"cost_per_contact": -0.0}}]},
                            {"strategies": None}, {"reports": None}, {"acquisition": None},
                            {"discount": -0.0}, {"acquisition": {"direct_mail": -0.0}})


def _one_line(msg: str) -> None:
    assert "\n" not in msg and 0 < len(msg) <= 600, msg[:200]
    assert "Traceback" not in msg


@pytest.fixture()
def game(tmp_path):
    db = f"sqlite:///{tmp_path / 'game.db'}"
    return db, api.create_game(db, {"customers": 500, "rounds": 2}, teams=["A"])


def _history(db, token) -> int:
    return len(api.team_status(db, token)["history"])


def test_malformed_decisions_through_the_python_api(game):
    db, g = game
    token = g["teams"]["A"]
    shapes = malformed(random.Random(23), 600)
    for d in shapes:
        try:
            api.submit(db, token, d)
        except CrmsimError as exc:
            _one_line(str(exc))
        else:
            pytest.fail(f"accepted {d!r:.200}")
    assert _history(db, token) == 0
    assert api.submit(db, token, {"seats": 3})["round"] == 1  # and a good one is accepted


def test_malformed_json_at_the_command_line(game, capsys):
    db, g = game
    token = g["teams"]["A"]
    texts = ["[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000,
             "[]", "null", '"seats"', "3", '{"seats": NaN}', '{"seats": Infinity}',
             '{"discount": 1e999}', '{"seats": 1' + "0" * 5000 + "}", '{"seats": "4"}',
             '{"acquisition": [1, 2]}', '{"strategies": {"win_back": 1}}', "{'seats': 3}",
             '{"seats": 3', "\x00\x01", '{"strategies": [{"win_back": {"target": [1]}}]}']
    for text in texts:
        assert main(["game", "submit", "--db", db, "--token", token, "--decisions", text]) == 2
        err = capsys.readouterr().err.strip()
        _one_line(err)
        assert err.startswith("crmsim: error:") or "is invalid" in err, err[:200]
    assert _history(db, token) == 0


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'game.db'}"
    g = api.create_game(db, {"customers": 500, "rounds": 2}, teams=["A"])
    port = free_port()
    proc = start_server_process(db, port)
    try:
        yield db, g, f"http://127.0.0.1:{port}"
    finally:
        kill(proc)


def _bodies(rng) -> list[bytes]:
    """Request bodies of the JSON endpoint: bad JSON text, bad envelopes, bad decisions."""
    raw = [b"", b"{", b"[]", b"null", b"\"x\"", b"1e999", b"{\"decisions\": NaN}",
           b"[" * 100_000 + b"]" * 100_000, b"\xff\xfe\x00", b"{\"decisions\": {\"seats\": 1"
           + b"0" * 4000 + b"}}", json.dumps({"decisions": {}, "round": "1"}).encode(),
           json.dumps({"decisions": {}, "round": 1.5}).encode(),
           json.dumps({"decisions": {}, "author": ["x"]}).encode(),
           json.dumps({"decisions": {}, "extra": 1}).encode(), b"x" * 70_000]
    wrapped = [json.dumps({"decisions": d}).encode() for d in malformed(rng, 120)]
    return raw + wrapped


def test_malformed_json_to_the_server(server):
    db, g, base = server
    token = g["teams"]["A"]
    url = f"{base}/api/team/{token}/submit"
    before = _history(db, token)
    for body in _bodies(random.Random(6)):
        status, answer = post_json(url, body)
        assert 400 <= status < 500, (status, body[:80])
        assert isinstance(answer, dict), (status, str(answer)[:200])
        _one_line(answer["error"])
    assert _history(db, token) == before
    status, answer = post_json(url, {"decisions": {"seats": 5}, "round": 1, "author": "ann"})
    assert status == 200 and answer["decisions"]["seats"] == 5
    assert _history(db, token) == before + 1
    status, _ = Browser().request(url, b'{"decisions": {}}', {"Content-Type": "text/plain"})
    assert status == 415


def test_malformed_form_fields_to_the_server(server):
    db, g, base = server
    token = g["teams"]["A"]
    page = Browser()
    url = f"{base}/team/{token}"
    csrf = page.csrf(url)
    before = _history(db, token)
    bad = [{"seats": v} for v in ("nan", "inf", "1e999", "4.5", "many", "-1", "9" * 400)] + \
          [{"discount": v} for v in ("nan", "-inf", "1e999", "x", "0.99")] + \
          [{"acq_direct_mail": v} for v in ("nan", "inf", "-5", "1e300", "x" * 3000)] + \
          [{"use_win_back": "1", "params_win_back": v} for v in
           ("cost_per_contact=nan", "cost_per_contact=inf", "=", "cost_per_contact",
            "nope=1", "cost_per_contact=1e999", "cost_per_contact=" + "9" * 500,
            "x" * 3000)] + \
          [{"use_win_back": "1", "target_win_back": v} for v in ("tier=Z", "((", "x" * 3000)] + \
          [{"round": v} for v in ("nan", "x", "2", "1e999")]
    for fields in bad:
        status, body = page.post(f"{url}/submit", {"csrf_token": csrf, "round": "1", **fields})
        assert status == 400, (fields, status)
        error = body.split('id="error">', 1)[1].split("</div>", 1)[0]
        _one_line(error)
    assert _history(db, token) == before

"""Deadlines: a round closes by itself at its deadline, also when the server was down at
that moment; a late submission is refused and changes nothing; a team without an accepted
submission plays its standing decisions."""

import datetime as dt
import time

import pytest

from crmsim.cli import main
from crmsim.errors import CrmsimError
from crmsim.game import api, deadlines, store
from tests.game_server import Browser, free_port, kill, start_server_process

SETTINGS = {"customers": 500, "rounds": 3, "seed": 4}


@pytest.fixture()
def game(tmp_path):
    db = f"sqlite:///{tmp_path / 'game.db'}"
    return db, api.create_game(db, SETTINGS, teams=["A", "B"])


def _pass_deadline(db, gid, r):
    """Move round r's deadline into the past, as if its time had come."""
    past = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)).isoformat(
        timespec="microseconds")
    with api.engine(db).begin() as conn:
        store.set_deadline(conn, game_id=gid, round_no=r, due_at=past, set_by="test")


def _closes(db, gid):
    with api.engine(db).begin() as conn:
        return [(c["round"], c["closed_by"]) for c in store.closes(conn, gid)]


def test_setting_a_deadline_needs_the_right_and_a_future_time(game):
    db, g = game
    ta = api.add_staff(db, g["admin_token"], "assistant", "TA")["key"]
    with pytest.raises(api.AccessDenied, match="assistant key does not give the right"):
        deadlines.set_deadline(db, ta, deadlines.in_minutes(10))
    with pytest.raises(CrmsimError, match="deadline=.* is invalid: expected a time after now"):
        deadlines.set_deadline(db, g["admin_token"], "2001-01-01T00:00")
    with pytest.raises(CrmsimError, match="deadline='next friday' is invalid"):
        deadlines.set_deadline(db, g["admin_token"], "next friday")
    with pytest.raises(CrmsimError, match="round=2 is invalid: expected the open round, 1"):
        deadlines.set_deadline(db, g["admin_token"], deadlines.in_minutes(5), round_no=2)
    done = deadlines.set_deadline(db, g["admin_token"], "2099-03-01T14:30")
    assert done == {"round": 1, "deadline": "2099-03-01T14:30:00.000000+00:00"}  # UTC
    assert api.team_status(db, g["teams"]["A"])["deadline"] == done["deadline"]
    assert deadlines.close_due(db) == []  # not due yet
    assert deadlines.set_deadline(db, g["admin_token"], None)["deadline"] is None
    assert api.game_status(db, g["admin_token"])["deadline"] is None


def test_a_late_submission_is_refused_and_a_missing_one_plays_standing_decisions(game):
    db, g = game
    a, b = g["teams"]["A"], g["teams"]["B"]
    api.submit(db, a, {"seats": 7, "strategies": ["loyalty_program"]})
    api.submit(db, b, {"seats": 2})
    api.close_round(db, g["admin_token"])
    api.submit(db, a, {"seats": 9, "acquisition": {"direct_mail": 500.0}})  # on time
    deadlines.set_deadline(db, g["admin_token"], deadlines.in_minutes(30))
    _pass_deadline(db, g["game_id"], 2)
    with pytest.raises(CrmsimError, match="round=2 is invalid: expected a submission before "
                       "the deadline.*late and not accepted"):
        api.submit(db, b, {"seats": 11})
    assert [h["round"] for h in api.team_status(db, b)["history"]] == [1]  # nothing stored
    assert deadlines.close_due(db) == [g["game_id"]]
    assert _closes(db, g["game_id"])[-1] == (2, "deadline")
    assert deadlines.close_due(db) == []  # closed once only
    ra = api.team_status(db, a)["results"][1]["decisions"]["standing"]
    rb = api.team_status(db, b)["results"][1]["decisions"]["standing"]
    assert ra["seats"] == 9 and ra["acquisition"] == {"direct_mail": 500.0}
    assert rb["seats"] == 2 and rb["acquisition"] == {} and rb["reports"] == []
    assert api.game_status(db, g["admin_token"])["round"] == 3


def test_a_deadline_of_a_round_closed_by_hand_does_nothing(game):
    db, g = game
    deadlines.set_deadline(db, g["admin_token"], deadlines.in_minutes(30))
    api.close_round(db, g["admin_token"])
    _pass_deadline(db, g["game_id"], 1)
    assert deadlines.close_due(db) == []
    assert api.game_status(db, g["admin_token"])["round"] == 2


def test_the_deadline_from_the_command_line(game, capsys):
    db, g = game
    assert main(["game", "deadline", "--db", db, "--token", g["admin_token"], "--in", "45"]) == 0
    assert "round 1: closes by itself at" in capsys.readouterr().out
    assert main(["game", "deadline", "--db", db, "--token", g["admin_token"], "--at",
                 "1999-01-01T00:00"]) == 2
    assert "expected a time after now" in capsys.readouterr().err
    assert main(["game", "deadline", "--db", db, "--token", g["admin_token"], "--clear"]) == 0
    assert "no deadline" in capsys.readouterr().out


def _wait_for_round(db, admin, r, seconds=90):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if api.game_status(db, admin)["round"] >= r:
            return True
        time.sleep(0.2)
    return False


def test_a_round_closes_at_its_deadline_across_a_server_restart(tmp_path):
    db = f"sqlite:///{tmp_path / 'game.db'}"
    g = api.create_game(db, SETTINGS, teams=["A"])
    admin = g["admin_token"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server_process(db, port)
    try:
        # round 1: the deadline comes while the server runs
        page = Browser()
        due = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=2)).replace(tzinfo=None)
        status, body = page.post(f"{base}/admin/{admin}/deadline", {
            "csrf_token": page.csrf(f"{base}/admin/{admin}"), "round": 1,
            "deadline": due.isoformat(timespec="seconds")})
        assert status == 200 and "closes by itself at" in body
        assert _wait_for_round(db, admin, 2)
        # round 2: the server is down when the deadline comes
        due = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=2)
        deadlines.set_deadline(db, admin, due)
        kill(proc)
        while dt.datetime.now(dt.timezone.utc) <= due:
            time.sleep(0.2)
        time.sleep(1.0)
        assert api.game_status(db, admin)["round"] == 2  # nobody closed it meanwhile
        proc = start_server_process(db, port)
        assert _wait_for_round(db, admin, 3)  # the restarted server reads the schedule
    finally:
        kill(proc)
    assert _closes(db, g["game_id"]) == [(1, "deadline"), (2, "deadline")]
    assert [r["round"] for r in api.team_status(db, g["teams"]["A"])["results"]] == [1, 2]

"""Nothing is lost when the server stops: in the middle of a round, while closing one, or
with a market snapshot missing. Each restarted game must end exactly like an
uninterrupted one with the same decisions."""

import pytest
import sqlalchemy as sa

from crmsim.errors import CrmsimError
from crmsim.game import api, rules, store, web
from tests.game_server import free_port, kill, post, start_server_process

SETTINGS = {"customers": 1500, "rounds": 3, "seed": 5,
            "events": [{"round": 2, "kind": "service_outage"}]}
DECISIONS = {
    "A": [{"acq_direct_mail": "1500", "seats": "4", "report_value_pyramid": "1"},
          {"use_win_back": "1", "target_win_back": "tier=A|B", "seats": "5"},
          {"discount": "0.05"}],
    "B": [{"acq_online_ads": "800", "use_loyalty_program": "1"},
          {"acq_telesales": "600", "report_churn_watchlist": "1"},
          {}],
}


def _form_decisions(form):
    return web.form_decisions(form, rules.check_settings(SETTINGS))


def _submit_round(db, g, r):
    """Both teams submit their decisions of round ``r + 1`` through the Python API."""
    for team, rounds in DECISIONS.items():
        api.submit(db, g["teams"][team], _form_decisions(rounds[r]), round_no=r + 1)


def _reference(db):
    """The game played without interruption through the Python API."""
    g = api.create_game(db, SETTINGS, teams=["A", "B"])
    for r in range(3):
        _submit_round(db, g, r)
        api.close_round(db, g["admin_token"])
    return _outcomes(db, g["admin_token"])


def _outcomes(db, admin):
    game = api.game_outcomes(db, admin)
    return sorted((o["team"], o["round"], store.dump(o["results"]),
                   store.dump(o["decisions"])) for o in game["outcomes"])


def test_server_killed_in_the_middle_of_a_round_loses_nothing(tmp_path):
    reference = _reference(f"sqlite:///{tmp_path / 'ref.db'}")
    db = f"sqlite:///{tmp_path / 'game.db'}"
    g = api.create_game(db, SETTINGS, teams=["A", "B"])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server_process(db, port)
    try:
        for r in range(3):
            status, _ = post(f"{base}/team/{g['teams']['A']}/submit",
                             {"round": r + 1, "author": "ann", **DECISIONS["A"][r]})
            assert status == 200
            if r == 1:  # A has submitted round 2, B not yet: the server dies
                kill(proc)
                proc = start_server_process(db, port)
            status, _ = post(f"{base}/team/{g['teams']['B']}/submit",
                             {"round": r + 1, **DECISIONS["B"][r]})
            assert status == 200
            if r == 2:  # and once more between the submissions and the close
                kill(proc)
                proc = start_server_process(db, port)
            status, body = post(f"{base}/admin/{g['admin_token']}/close", {"round": r + 1})
            assert status == 200 and f"Round {r + 1} closed" in body
    finally:
        kill(proc)
    assert _outcomes(db, g["admin_token"]) == reference
    authors = [s["author"] for s in api.game_outcomes(db, g["admin_token"])["submissions"]]
    assert authors.count("ann") == 3


def test_a_close_interrupted_after_it_began_is_finished_on_restart(tmp_path):
    reference = _reference(f"sqlite:///{tmp_path / 'ref.db'}")
    db = f"sqlite:///{tmp_path / 'game.db'}"
    g = api.create_game(db, SETTINGS, teams=["A", "B"])
    for r in range(3):
        _submit_round(db, g, r)
        if r < 2:
            api.close_round(db, g["admin_token"])
    # the last close got as far as marking the round closed, then the server died
    with api.engine(db).begin() as conn:
        store.set_status(conn, g["game_id"], status="closing", round_no=3)
        store.insert_close(conn, game_id=g["game_id"], round_no=3, closed_by="instructor")
    api.MARKETS.clear()  # a new process has no market in memory
    with pytest.raises(CrmsimError, match="round 3 is closed"):
        api.submit(db, g["teams"]["A"], {"seats": 1})
    web.create_app(db)  # starting the app finishes the close
    assert api.game_status(db, g["admin_token"])["status"] == "finished"
    assert _outcomes(db, g["admin_token"]) == reference


def test_a_missing_snapshot_is_rebuilt_by_replaying_the_stored_decisions(tmp_path):
    reference = _reference(f"sqlite:///{tmp_path / 'ref.db'}")
    db = f"sqlite:///{tmp_path / 'game.db'}"
    g = api.create_game(db, SETTINGS, teams=["A", "B"])
    for r in range(3):
        _submit_round(db, g, r)
        if r > 0:
            api.MARKETS.clear()
            with api.engine(db).begin() as conn:
                conn.execute(sa.update(store.OUTCOMES).values(snapshot=b""))
        api.close_round(db, g["admin_token"])
    assert _outcomes(db, g["admin_token"]) == reference


def test_customer_data_after_a_restart_is_byte_identical(tmp_path):
    db = f"sqlite:///{tmp_path / 'game.db'}"
    g = api.create_game(db, {**SETTINGS, "rounds": 2}, teams=["A"])
    api.submit(db, g["teams"]["A"], _form_decisions(DECISIONS["A"][0]))
    api.close_round(db, g["admin_token"])
    api.close_round(db, g["admin_token"])
    from_memory = api.customer_data(db, g["teams"]["A"])
    api.MARKETS.clear()
    assert api.customer_data(db, g["teams"]["A"]) == from_memory

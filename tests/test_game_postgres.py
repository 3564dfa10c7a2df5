"""The same game code on PostgreSQL. Runs when ``CRMSIM_TEST_POSTGRES`` names a database
URL (e.g. ``postgresql+psycopg://crm:crm@localhost/crmgame``; its game tables are dropped
first) and a driver is installed; skipped otherwise. ``.ci/run`` starts Debian's PostgreSQL
and sets it."""

import os
import threading

import pytest

from crmsim.errors import CrmsimError
from crmsim.game import api, store

URL = os.environ.get("CRMSIM_TEST_POSTGRES")
pytestmark = pytest.mark.skipif(not URL, reason="set CRMSIM_TEST_POSTGRES to a PostgreSQL URL")


@pytest.fixture()
def pg():
    pytest.importorskip("psycopg")
    eng = store.connect(URL)
    store.META.drop_all(eng)
    store.META.create_all(eng)
    api.MARKETS.clear()
    yield eng
    store.META.drop_all(eng)


def test_a_game_on_postgresql_with_thirty_teams_submitting_at_once(pg, tmp_path):
    names = [f"team{i:02d}" for i in range(30)]
    g = api.create_game(pg, {"customers": 300, "rounds": 2}, teams=names)
    gate = threading.Barrier(30)
    errors = []

    def work(i):
        gate.wait()
        try:
            api.submit(pg, g["teams"][names[i]], {"seats": i}, author=f"m{i}")
            api.submit(pg, g["teams"][names[i]], {"seats": i + 1}, author=f"m{i}")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with pytest.raises(CrmsimError, match="budget"):
        api.submit(pg, g["teams"]["team00"], {"acquisition": {"online_ads": 1e7}})
    api.close_round(pg, g["admin_token"])
    game = api.game_outcomes(pg, g["admin_token"])
    assert len(game["submissions"]) == 60
    assert {o["team"]: o["decisions"]["ran"]["seats"] for o in game["outcomes"]} == {
        n: i + 1 for i, n in enumerate(names)}
    # the same game on SQLite gives the same results: one code path, two databases
    lite = f"sqlite:///{tmp_path / 'g.db'}"
    g2 = api.create_game(lite, {"customers": 300, "rounds": 2}, teams=names)
    for i, n in enumerate(names):
        api.submit(lite, g2["teams"][n], {"seats": i + 1})
    api.close_round(lite, g2["admin_token"])
    assert api.leaderboard(lite, g2["admin_token"]).equals(api.leaderboard(pg, g["admin_token"]))


def test_a_shared_market_on_postgresql_ends_as_on_sqlite(pg, tmp_path):
    plan = [{"acquisition": {"direct_mail": 3000.0}}, {"acquisition": {"online_ads": 2000.0}}]
    boards = []
    for db in (pg, f"sqlite:///{tmp_path / 'shared.db'}"):
        api.MARKETS.clear()
        g = api.create_game(db, {"customers": 600, "rounds": 2, "market": "shared"},
                            teams=["A", "B"])
        for r in range(2):
            api.submit(db, g["teams"]["A"], plan[r])
            api.submit(db, g["teams"]["B"], plan[1 - r])
            api.close_round(db, g["admin_token"])
        boards.append(api.leaderboard(db, g["admin_token"]))
    assert boards[0].equals(boards[1])

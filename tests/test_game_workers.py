"""Markets kept in worker processes give the same game as markets kept in one process."""

import io
import zipfile

from crmsim.game import api

SETTINGS = {"customers": 600, "rounds": 3, "seed": 3}
PLANS = [{"acquisition": {"direct_mail": 400.0}, "seats": 3, "reports": ["value_pyramid"]},
         {"strategies": ["win_back"], "discount": 0.05},
         {"seats": 5}]


def _play(db, teams, *, restart_before=None):
    g = api.create_game(db, SETTINGS, teams=teams)
    for r in (1, 2, 3):
        for i, t in enumerate(teams):
            api.submit(db, g["teams"][t], PLANS[(r + i) % 3])
        if r == restart_before:
            api.MARKETS.clear()
            if api.WORKERS is not None:
                api.use_workers(len(api.WORKERS.procs))  # fresh workers hold nothing
        api.close_round(db, g["admin_token"])
    outcomes = sorted((o["team"], o["round"], str(o["results"]), str(o["decisions"]))
                      for o in api.game_outcomes(db, g["admin_token"])["outcomes"])
    data = zipfile.ZipFile(io.BytesIO(api.customer_data(db, g["teams"][teams[0]])))
    return outcomes, data.read("transactions.csv")


def test_two_market_workers_play_the_same_game_as_one_process(tmp_path):
    teams = ["A", "B", "C"]
    reference = _play(f"sqlite:///{tmp_path / 'one.db'}", teams)
    try:
        api.use_workers(2)
        assert _play(f"sqlite:///{tmp_path / 'two.db'}", teams) == reference
        assert _play(f"sqlite:///{tmp_path / 'restart.db'}", teams, restart_before=3) == reference
    finally:
        api.use_workers(1)
    assert api.WORKERS is None

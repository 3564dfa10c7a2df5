"""A shared market: teams compete for the same people. A prospect one team holds at the
start of a round cannot be won by another; the game stays deterministic across restarts,
snapshots rebuilt by replay and worker processes."""

import io
import zipfile

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from crmsim.game import api, play, store

SETTINGS = {"customers": 1500, "rounds": 3, "seed": 5}
PLAN = {"Red": [{"acquisition": {"direct_mail": 6000.0, "online_ads": 6000.0}},
                {"acquisition": {"online_ads": 3000.0}}, {}],
        "Blue": [{}, {"acquisition": {"direct_mail": 6000.0, "online_ads": 6000.0}},
                 {"acquisition": {"telesales": 2000.0}}]}


def _customers(db, token) -> pd.DataFrame:
    with zipfile.ZipFile(io.BytesIO(api.customer_data(db, token))) as z:
        return pd.read_csv(z.open("customers.csv"))


def _play(db, market, rounds=3, between=None):
    """Play PLAN; return each team's customers after every round."""
    g = api.create_game(db, {**SETTINGS, "market": market}, teams=list(PLAN))
    seen = {team: [] for team in PLAN}
    for r in range(rounds):
        for team, plan in PLAN.items():
            api.submit(db, g["teams"][team], plan[r], round_no=r + 1)
        if between:
            between(db, r)
        api.close_round(db, g["admin_token"])
        for team in PLAN:
            seen[team].append(_customers(db, g["teams"][team]))
    return g, seen


def _won(c: pd.DataFrame, start: float, end: float) -> set:
    t = c["acquisition_time"]
    return set(c.loc[c["acquired"] & (t >= start) & (t < end), "customer_id"])


@pytest.fixture(scope="module")
def games(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shared")
    out = {}
    for m in ("copies", "shared"):
        out[f"{m}_db"] = f"sqlite:///{tmp / f'{m}.db'}"
        out[m] = _play(out[f"{m}_db"], m)
    return out


def _events(db, token) -> pd.DataFrame:
    with zipfile.ZipFile(io.BytesIO(api.customer_data(db, token))) as z:
        return pd.read_csv(z.open("events.csv"))


def _red_holds_after_round_1(db) -> set:
    """Whom Red held at the end of round 1, as the server stored it (ground truth)."""
    with api.engine(db).begin() as conn:
        teams = {t["name"]: t["id"] for t in store.teams(conn, 1)}
        row = [o for o in store.outcomes(conn, 1, teams["Red"]) if o["round"] == 1][0]
    return set(np.flatnonzero(play.unpack(store.load(row["decisions"])["holds"],
                                          SETTINGS["customers"])).tolist())


def test_a_team_cannot_win_what_a_rival_holds(games):
    red = _red_holds_after_round_1(games["shared_db"])
    blue = {}
    for market in ("copies", "shared"):
        gm, _ = games[market]
        ev = _events(games[f"{market}_db"], gm["teams"]["Blue"])
        r2 = ev[(ev["timestamp"] >= 91) & (ev["timestamp"] < 182)]
        blue[market] = r2
    contacted = {m: set(e.loc[e["kind"] == "contact", "customer_id"]) for m, e in blue.items()}
    # in separate copies Blue's round-2 campaigns reach people Red holds ...
    assert len(contacted["copies"] & red) > 20
    # ... in a shared market none of the people Red holds
    assert contacted["shared"] and not contacted["shared"] & red
    refs = blue["shared"][blue["shared"]["kind"] == "referral"]
    to_red = refs[refs["related_customer"].isin(red)]
    assert set(to_red["detail"]) <= {"a rival's customer", "already a customer"}
    assert (to_red["detail"] == "a rival's customer").any()


def test_round_1_is_the_same_in_both_kinds_of_market(games):
    for team in PLAN:
        assert games["copies"][1][team][0].equals(games["shared"][1][team][0])
    assert not games["copies"][1]["Blue"][1].equals(games["shared"][1]["Blue"][1])


def test_who_holds_whom_stays_on_the_server(games, tmp_path):
    db = f"sqlite:///{tmp_path / 'g.db'}"
    g, _ = _play(db, "shared", rounds=2)
    with api.engine(db).begin() as conn:  # stored for the next round and for replays ...
        stored = [store.load(r["decisions"]) for r in conn.execute(
            sa.select(store.OUTCOMES)).mappings()]
    assert all({"rivals", "holds"} <= set(d) for d in stored)
    assert any(d["rivals"] for d in stored)
    for token in g["teams"].values():  # ... but neither a team nor the debrief sees them
        for r in api.team_status(db, token)["results"]:
            assert not {"rivals", "holds"} & set(r["decisions"])
    for o in api.game_outcomes(db, g["admin_token"])["outcomes"]:
        assert not {"rivals", "holds"} & set(o["decisions"])


def test_a_shared_game_after_restarts_and_replays_ends_the_same(games, tmp_path):
    ref_db = tmp_path / "ref.db"
    reference, _ = _play(f"sqlite:///{ref_db}", "shared")

    def restart(db, r):
        if r > 0:
            api.MARKETS.clear()
            with api.engine(db).begin() as conn:
                conn.execute(sa.update(store.OUTCOMES).values(snapshot=b""))

    g, _ = _play(f"sqlite:///{tmp_path / 'restarted.db'}", "shared", between=restart)
    assert _outcomes(f"sqlite:///{tmp_path / 'restarted.db'}", g["admin_token"]) == \
        _outcomes(f"sqlite:///{ref_db}", reference["admin_token"])


def _outcomes(db, admin):
    with api.engine(db).begin() as conn:
        rows = conn.execute(sa.select(store.OUTCOMES)).mappings().all()
        return sorted((r["team_id"], r["round"], r["results"], r["decisions"]) for r in rows)


def test_market_setting_is_checked(tmp_path):
    from crmsim.errors import CrmsimError

    with pytest.raises(CrmsimError, match="market='mixed' is invalid.*'copies'.*'shared'"):
        api.create_game(f"sqlite:///{tmp_path / 'g.db'}", {"market": "mixed"})


def test_a_shared_game_in_worker_processes_ends_the_same(tmp_path):
    ref_db = f"sqlite:///{tmp_path / 'ref.db'}"
    reference, _ = _play(ref_db, "shared", rounds=2)
    db = f"sqlite:///{tmp_path / 'workers.db'}"
    try:
        api.use_workers(2)
        g, _ = _play(db, "shared", rounds=2)
    finally:
        api.use_workers(1)
    assert _outcomes(db, g["admin_token"]) == _outcomes(ref_db, reference["admin_token"])

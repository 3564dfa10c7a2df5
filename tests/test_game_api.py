"""The classroom game end to end through its Python API: rules, safety, scoring, events."""

import io
import zipfile

import numpy as np
import pandas as pd
import pytest

import crmsim
from crmsim.analysis import simple_clv
from crmsim.errors import CrmsimError
from crmsim.game import api, scoring, store

SMALL = {"customers": 1500, "rounds": 3, "round_days": 91.0, "seed": 11}
RED = {"acquisition": {"direct_mail": 2000.0}, "seats": 4,
       "strategies": [{"win_back": {"target": "tier=A|B|C"}}], "reports": ["rfm_segments"]}
BLUE = {"discount": 0.05, "strategies": ["loyalty_program"], "reports": ["satisfaction_survey"]}


@pytest.fixture()
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'game.db'}"


def _count(db, table):
    with api.engine(db).begin() as conn:
        return len(conn.execute(table.select()).fetchall())


def test_three_rounds_three_teams_end_to_end(db):
    g = api.create_game(db, SMALL, teams=["Red", "Blue", "Idle"])
    red, blue, idle = (g["teams"][t] for t in ("Red", "Blue", "Idle"))
    for r in (1, 2, 3):
        api.submit(db, red, RED, round_no=r, author="ann")
        if r == 1:
            api.submit(db, blue, BLUE, round_no=r)
        done = api.close_round(db, g["admin_token"], round_no=r)
        assert done == {"round": r, "teams": 3, "finished": r == 3}
    board = api.leaderboard(db, g["admin_token"])
    assert list(board["rank"]) == [1, 2, 3] and set(board["team"]) == {"Red", "Blue", "Idle"}
    assert board["score"].is_monotonic_decreasing
    np.testing.assert_allclose(board["score"],
                               board["cumulative_profit"] + board["customer_equity"])
    # each team sees its own results of every round, and its own reports only
    st = api.team_status(db, red)
    assert [r["round"] for r in st["results"]] == [1, 2, 3]
    assert all(set(r["reports"]) == {"rfm_segments"} for r in st["results"])
    sb = api.team_status(db, blue)
    assert set(sb["results"][0]["reports"]) == {"satisfaction_survey"}
    assert sb["results"][1]["reports"] == {}  # reports are bought per round, not carried
    # standing decisions carry over: Blue's loyalty programme and discount stay in force
    assert sb["results"][2]["decisions"]["standing"]["discount"] == 0.05
    # report prices are paid: profit = market profit - reports
    x = st["results"][0]["results"]
    assert x["report_cost"] == 1500.0
    assert x["profit"] == pytest.approx(x["market_profit"] - 1500.0)
    assert api.game_status(db, g["admin_token"])["status"] == "finished"


def test_a_team_market_is_the_rounds_engine_with_its_decisions(db):
    """Teams play copies of one market: a team's results equal simulate(schedule=...) with
    its decisions, and two teams with the same decisions get identical results."""
    g = api.create_game(db, {**SMALL, "rounds": 2}, teams=["A", "B"])
    d1 = {"acquisition": {"telesales": 1200.0}, "seats": 3}
    d2 = {"strategies": ["proactive_care"], "discount": 0.1}
    for d in (d1, d2):
        for t in ("A", "B"):
            api.submit(db, g["teams"][t], d)
        api.close_round(db, g["admin_token"])
    ra = api.team_status(db, g["teams"]["A"])["results"]
    rb = api.team_status(db, g["teams"]["B"])["results"]
    assert [r["results"] for r in ra] == [r["results"] for r in rb]
    full1 = {"strategies": [], "seats": 3, "discount": 0.0, "acquisition": {"telesales": 1200.0}}
    full2 = {"strategies": ["proactive_care"], "seats": 3, "discount": 0.1, "acquisition": {}}
    res = crmsim.simulate("retail", seed=11, customers=1500, years=2 * 91 / 365,
                          schedule=[(0, full1), (91, full2)])
    ts = res.ledger["timestamp"].to_numpy()
    for r, (t0, t1) in zip(ra, [(0, 91), (91, 182)], strict=True):
        keep = (ts >= t0) & (ts < t1)
        assert r["results"]["market_profit"] == pytest.approx(
            res.ledger["amount"].to_numpy()[keep].sum(), rel=1e-12)


def test_customer_equity_is_alive_customers_times_simple_clv(db):
    g = api.create_game(db, {**SMALL, "rounds": 2}, teams=["A"])
    api.close_round(db, g["admin_token"])
    api.close_round(db, g["admin_token"])
    x = api.team_status(db, g["teams"]["A"])["results"][1]["results"]
    d = (1.10) ** (91 / 365) - 1
    clv = simple_clv(x["margin_per_customer"], x["retention"], d, horizon=8)
    assert x["customer_equity"] == pytest.approx(x["alive"] * clv)
    assert 0 < x["retention"] < 1 and x["alive"] > 0


@pytest.mark.parametrize("decisions, field", [
    ({"seats": -1}, "seats"),
    ({"seats": 2.5}, "seats"),
    ({"discount": 0.7}, "discount"),
    ({"acquisition": {"billboards": 100}}, "acquisition"),
    ({"acquisition": {"online_ads": 30000}}, "budget"),
    ({"acquisition": {"online_ads": 19000}, "reports": ["satisfaction_survey"]}, "budget"),
    ({"strategies": ["no_such_strategy"]}, "strategies"),
    ({"strategies": [{"win_back": {"target": "tier=Z"}}]}, "target"),
    ({"reports": ["crystal_ball"]}, "reports"),
    ({"price": 3}, "decisions"),
])
def test_invalid_or_over_budget_decisions_are_rejected_and_change_nothing(db, decisions,
                                                                           field):
    g = api.create_game(db, SMALL, teams=["A"])
    api.submit(db, g["teams"]["A"], {"seats": 5})
    with pytest.raises(CrmsimError, match=field):
        api.submit(db, g["teams"]["A"], decisions)
    assert _count(db, store.SUBMISSIONS) == 1
    assert api.team_status(db, g["teams"]["A"])["submission"] == {"seats": 5, "reports": []}


def test_a_decision_the_game_does_not_allow_is_rejected(db):
    g = api.create_game(db, {**SMALL, "decisions": ["seats", "reports"],
                             "strategies": ["win_back"]}, teams=["A"])
    with pytest.raises(CrmsimError, match="does not allow the decision 'discount'"):
        api.submit(db, g["teams"]["A"], {"discount": 0.1})
    g2 = api.create_game(db, {**SMALL, "strategies": ["win_back"]}, teams=["B"])
    with pytest.raises(CrmsimError, match="strategies this game allows: win_back"):
        api.submit(db, g2["teams"]["B"], {"strategies": ["loyalty_program"]})


def test_resubmission_replaces_and_late_submission_is_rejected(db):
    g = api.create_game(db, {**SMALL, "rounds": 2}, teams=["A"])
    a = g["teams"]["A"]
    assert api.submit(db, a, {"seats": 5}, author="x")["replaced"] is False
    assert api.submit(db, a, {"seats": 7}, author="y")["replaced"] is True
    api.close_round(db, g["admin_token"])
    out = api.team_status(db, a)
    assert out["results"][0]["decisions"]["ran"]["seats"] == 7  # the latest counts
    assert [(h["author"], h["decisions"]["seats"]) for h in out["history"]] == [("x", 5),
                                                                               ("y", 7)]
    with pytest.raises(CrmsimError, match="round=1 is invalid: expected the open round, 2 "
                       r"\(round 1 is closed\)"):
        api.submit(db, a, {"seats": 9}, round_no=1)
    with pytest.raises(CrmsimError, match="round=3 is invalid: expected the open round, 2"):
        api.close_round(db, g["admin_token"], round_no=3)
    api.close_round(db, g["admin_token"])
    with pytest.raises(CrmsimError, match="game is over"):
        api.submit(db, a, {"seats": 9})
    with pytest.raises(CrmsimError, match="game is finished"):
        api.close_round(db, g["admin_token"])
    assert _count(db, store.SUBMISSIONS) == 2


def test_tokens_grant_only_their_own_team_or_game(db):
    g = api.create_game(db, {**SMALL, "rounds": 1}, teams=["A", "B"])
    a, b = g["teams"]["A"], g["teams"]["B"]
    with pytest.raises(api.AccessDenied):
        api.close_round(db, a)  # a team token is no instructor token
    with pytest.raises(api.AccessDenied):
        api.submit(db, g["admin_token"], {"seats": 1})
    with pytest.raises(api.AccessDenied):
        api.team_status(db, "guess")
    api.submit(db, a, {"acquisition": {"online_ads": 900.0}})
    api.close_round(db, g["admin_token"])
    sa, sb = api.team_status(db, a), api.team_status(db, b)
    assert sa["team"] == "A" and sb["team"] == "B"
    assert all(h["decisions"] != {} for h in sa["history"]) and sb["history"] == []
    za = zipfile.ZipFile(io.BytesIO(api.customer_data(db, a)))
    zb = zipfile.ZipFile(io.BytesIO(api.customer_data(db, b)))
    ca = pd.read_csv(za.open("customers.csv"))
    cb = pd.read_csv(zb.open("customers.csv"))
    assert not any(c.startswith("true_") for c in ca.columns)
    assert ca["acquired"].sum() > cb["acquired"].sum()  # A's campaign won customers
    pq = zipfile.ZipFile(io.BytesIO(api.customer_data(db, a, "parquet")))
    assert sorted(pq.namelist()) == ["customers.parquet", "events.parquet",
                                     "transactions.parquet"]
    # tokens are stored only as hashes
    with api.engine(db).begin() as conn:
        rows = conn.execute(store.TEAMS.select()).mappings().all()
    assert {r["token_hash"] for r in rows} == {store.token_hash(a), store.token_hash(b)}


def test_tokens_are_letters_and_digits_a_command_line_can_take():
    """A token such as ``-6YT…`` was read by ``crmsim game close --token`` as an option."""
    tokens = {api._new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    assert all(len(t) == 20 and t.isascii() and t.isalnum() for t in tokens)


def test_events_hit_every_team_in_their_round(db):
    ev = [{"round": 2, "kind": "service_outage", "capacity": 0.5},
          {"round": 2, "kind": "competitor_campaign", "share": 0.5},
          {"round": 3, "kind": "price_war", "discount": 0.08}]
    g = api.create_game(db, {**SMALL, "events": ev}, teams=["A", "B"])
    for _ in range(3):
        for t in ("A", "B"):
            api.submit(db, g["teams"][t], {"seats": 6, "acquisition": {"direct_mail": 800.0}})
        api.close_round(db, g["admin_token"])
    for t in ("A", "B"):
        res = api.team_status(db, g["teams"][t])["results"]
        ran = [r["decisions"]["ran"] for r in res]
        assert [d["seats"] for d in ran] == [6, 3, 6]
        assert [d["acquisition"]["direct_mail"] for d in ran] == [800.0, 400.0, 800.0]
        assert [d["discount"] for d in ran] == [0.0, 0.0, 0.08]
        assert [r["results"]["event_cost"] for r in res] == [0.0, 400.0, 0.0]
        assert all(r["decisions"]["standing"]["seats"] == 6 for r in res)


def test_bad_settings_are_refused_with_the_field_named(db):
    for settings, field in [({"rounds": 0}, "rounds"), ({"customers": 10}, "customers"),
                            ({"events": [{"round": 9, "kind": "service_outage"}]},
                             "events.round"),
                            ({"events": [{"round": 1, "kind": "meteor"}]}, "events.kind"),
                            ({"reports": ["nope"]}, "reports"), ({"colour": 1}, "settings"),
                            ({"scenario": "atlantis"}, "scenario")]:
        with pytest.raises(CrmsimError, match=field):
            api.create_game(db, {**SMALL, **settings})
    assert _count(db, store.GAMES) == 0


def test_leaderboard_ranks_latest_round_by_score():
    rows = [{"team": "A", "round": 1, "score": 5, "cumulative_profit": 1,
             "customer_equity": 4, "alive": 1, "retention": 0.5},
            {"team": "A", "round": 2, "score": 1, "cumulative_profit": 0,
             "customer_equity": 1, "alive": 1, "retention": 0.5},
            {"team": "B", "round": 2, "score": 3, "cumulative_profit": 1,
             "customer_equity": 2, "alive": 1, "retention": 0.5}]
    board = scoring.leaderboard(rows)
    assert list(board["team"]) == ["B", "A"] and list(board["score"]) == [3, 1]


def test_two_databases_in_one_process_keep_their_own_markets(tmp_path):
    """Games in two databases share ids (game 1, teams 1-2): the markets kept in memory
    must not mix them (a team once got the other database's data)."""
    dbs = [f"sqlite:///{tmp_path / f'{x}.db'}" for x in "ab"]
    games = [api.create_game(db, {**SMALL, "rounds": 2, "seed": seed}, teams=["A"])
             for db, seed in zip(dbs, (1, 2), strict=True)]
    for r in (1, 2):
        for db, g in zip(dbs, games, strict=True):
            api.submit(db, g["teams"]["A"], {"acquisition": {"online_ads": 500.0 * r}})
            api.close_round(db, g["admin_token"])
    in_memory = [api.customer_data(db, g["teams"]["A"]) for db, g in zip(dbs, games,
                                                                          strict=True)]
    api.MARKETS.clear()
    stored = [api.customer_data(db, g["teams"]["A"]) for db, g in zip(dbs, games,
                                                                       strict=True)]
    assert in_memory == stored and stored[0] != stored[1]

"""Round-by-round play (crmsim.rounds): save/restore, schedules, decisions that act, bad input."""

import json

import numpy as np
import pytest

from crmsim import rounds, simulate
from crmsim.errors import CrmsimError
from crmsim.result import TABLES

MARKET = {"scenario": "retail", "seed": 11, "customers": 1200, "years": 1.0}

# each: [(day, decisions), ...]; round lengths follow from the days (the last runs to the end)
SEQUENCES = {
    "targets_seats_budgets": [
        (0, {"strategies": ["win_back:target=tier=A|B", "loyalty_program"], "seats": 3,
             "acquisition": {"online_ads": 1500, "direct_mail": 400}}),
        (91, {"strategies": ["loyalty_program",
                             {"vip_tiering": {"vip_share": 0.1, "target": "stage=maturity"}}],
              "seats": 1, "acquisition": {"telesales": 600}}),
        (182, {"strategies": [], "acquisition": {}, "discount": 0.1}),
        (273, {"strategies": ["win_back:target=tier=A|B", "loyalty_program"], "seats": 2}),
    ],
    "care_discount_restart": [
        (0, {"discount": 0.2, "seats": 0}),
        (50, {"strategies": ["proactive_care:target=tier=A", "personalised_offers"],
              "discount": 0.0}),
        (120, {"strategies": ["proactive_care:extra_seats=4,target=tier=A|B"]}),
        (200, {"strategies": ["discount:target=stage=decline", "customer_training"],
               "seats": 5, "acquisition": {"online_ads": 300}}),
    ],
}


def _lengths(schedule, horizon):
    days = [t for t, _ in schedule] + [horizon]
    return [b - a for a, b in zip(days, days[1:], strict=False)]


@pytest.mark.parametrize("name", SEQUENCES)
def test_round_by_round_with_saves_is_byte_identical_to_a_schedule(name, tmp_path):
    schedule = SEQUENCES[name]
    m = rounds.open_market(MARKET["scenario"], seed=MARKET["seed"],
                           customers=MARKET["customers"], years=MARKET["years"])
    for (_, decisions), days in zip(schedule, _lengths(schedule, m.horizon), strict=True):
        rounds.advance(m, decisions, days=days)
        m = rounds.loads(rounds.dumps(m))  # save and continue in a fresh object
    played = rounds.result(m)
    one_go = simulate(**MARKET, schedule=schedule)
    for table in TABLES:
        assert getattr(played, table).equals(getattr(one_go, table)), table
    played.save(tmp_path / "a", csv=True)
    one_go.save(tmp_path / "b", csv=True)
    for table in TABLES:
        assert (tmp_path / "a" / f"{table}.csv").read_bytes() == \
            (tmp_path / "b" / f"{table}.csv").read_bytes(), table


def test_a_schedule_of_one_round_is_the_plain_run():
    strategies = ["loyalty_program", "vip_tiering:target=region=North"]
    plain = simulate(**MARKET, strategies=strategies)
    scheduled = simulate(**MARKET, schedule=[(0, {"strategies": strategies})])
    for table in TABLES:
        assert getattr(plain, table).equals(getattr(scheduled, table)), table


def test_a_run_without_a_schedule_does_not_depend_on_the_rounds_module():
    # the unscheduled path never pauses; same seed, same bytes
    a = simulate(**MARKET, strategies=["proactive_care"])
    b = simulate(**MARKET, strategies=["proactive_care"])
    assert a.ledger.equals(b.ledger) and a.events.equals(b.events)


@pytest.fixture(scope="module")
def played():
    """Four quarters with different decisions, and each round's report."""
    m = rounds.open_market("retail", seed=5, customers=1500, years=1.0)
    reports = [
        rounds.advance(m, {"strategies": ["proactive_care"], "seats": 2}, days=91),
        rounds.advance(m, {"strategies": [], "seats": 0,
                           "acquisition": {"direct_mail": 800, "telesales": 1200}}, days=91),
        rounds.advance(m, {"acquisition": {}, "seats": 4, "discount": 0.25}, days=91),
        rounds.advance(m, {"discount": 0}, days=m.horizon - m.now),
    ]
    return m, reports, rounds.result(m)


def _in(df, start, end):
    ts = df["timestamp"].to_numpy(float)
    return df[(ts >= start) & (ts < end)]


def test_decisions_act_in_their_round_only(played):
    m, reports, res = played
    acc = res.ledger["account"].astype(str)
    # proactive_care runs in round 1 only: its spending stops when it is dropped
    care = res.ledger[acc == "strategy:proactive_care"]
    assert len(care) and care["timestamp"].max() < 91
    # budgets buy contacts at their channel's cost, at the round's start
    sc = m.scenario["channels"]
    contacts = res.events[(res.events["kind"] == "contact")
                          & res.events["detail"].str.startswith("acquisition:")]
    assert set(contacts["timestamp"]) == {91.0}
    by = contacts["detail"].value_counts()
    assert by["acquisition:direct_mail"] == 800 // sc["direct_mail_cost"]
    assert by["acquisition:telesales"] == 1200 // sc["telesales_cost"]
    assert reports[1].kpis["acquisition_cost"] >= 800 // 4 * 4 + 1200 // 12 * 12
    assert reports[1].kpis["customers_acquired"] > reports[2].kpis["customers_acquired"]
    # no seats in round 2: every call there is abandoned; seats again in round 3
    calls = res.events[res.events["kind"] == "service_request"]
    r2, r3 = _in(calls, 91 + 1, 182), _in(calls, 182 + 1, 273)
    assert len(r2) and (r2["detail"] == "abandoned").all()
    assert (r3["detail"] == "served").mean() > 0.9
    # the round's discount is booked only while it is in force
    disc = res.ledger[acc == "discount:price_cut"]
    assert len(disc) and disc["timestamp"].min() >= 182 and disc["timestamp"].max() < 273
    assert reports[2].kpis["discounts"] > 0 and reports[3].kpis["discounts"] == 0
    # seat wages follow the seats decided
    wages = res.ledger[acc == "seats"]
    seats = wages.groupby(wages["timestamp"] // 91)["amount"].sum().reindex(range(4),
                                                                             fill_value=0)
    assert seats[1] == 0 and seats[2] < seats[0] < 0


def test_round_reports_are_the_rounds_slice_of_the_tables():
    m = rounds.open_market("retail", seed=8, customers=1000, years=1.0)
    plan = [({"strategies": ["proactive_care"], "seats": 2}, 91),
            ({"strategies": [], "acquisition": {"telesales": 900}}, 100),
            ({"discount": 0.15, "seats": 0}, 80), ({}, None)]
    for decisions, days in plan:
        rep = rounds.advance(m, decisions, days=days or m.horizon - m.now)
        res, unit = rounds.result(m), m.market.units
        ref = rounds.period_headline(res, unit(rep.start), unit(rep.end), m.finished)
        assert list(rep.kpis) == list(ref)
        for key, value in ref.items():
            assert rep.kpis[key] == pytest.approx(value, rel=1e-12, nan_ok=True), key
        assert rep.ledger.equals(rounds._period(res.ledger, unit(rep.start), unit(rep.end),
                                                m.finished))


def test_round_reports_add_up_to_the_run(played):
    m, reports, res = played
    assert [r.start for r in reports] == [0, 91, 182, 273]
    assert reports[-1].end == m.horizon and m.finished
    assert sum(r.kpis["profit"] for r in reports) == pytest.approx(res.ledger["amount"].sum())
    assert sum(r.kpis["orders"] for r in reports) == res.transactions["order_id"].nunique()
    assert sum(len(r.ledger) for r in reports) == len(res.ledger)


def test_result_mid_run_covers_the_time_so_far():
    m = rounds.open_market("retail", seed=2, customers=800, years=1.0)
    rounds.advance(m, {}, days=100)
    res = rounds.result(m)
    assert len(res.kpis) == 4  # 28-day KPI periods: three full and one of 16 days
    assert res.kpis["period_length"].tolist() == [28, 28, 28, 16]
    assert res.transactions["timestamp"].max() < 100
    assert res.ledger["timestamp"].max() < 100
    assert res.kpis["active"].iloc[-1] == res.customers["true_alive"].sum()
    again = rounds.result(m)  # building tables consumes nothing
    assert again.ledger.equals(res.ledger) and again.events.equals(res.events)


BAD = [
    ({"strategies": ["no_such_thing"]}, "strategy='no_such_thing'"),
    ({"strategies": ["win_back:target=tier=Z"]}, "tier"),
    ({"seats": -1}, "seats=-1"),
    ({"seats": 2.5}, "seats=2.5"),
    ({"acquisition": {"online_ads": "lots"}}, "acquisition.online_ads='lots'"),
    ({"acquisition": {"online_ads": float("nan")}}, "acquisition.online_ads"),
    ({"acquisition": {"billboards": 100}}, "acquisition='billboards'"),
    ({"acquisition": {"online_ads": -5}}, "acquisition.online_ads=-5"),
    ({"discount": 0.6}, "discount=0.6"),
    ({"discount": True}, "discount=True"),
    ({"price": 3}, "decisions='price'"),
    ("seats=3", "decisions='seats=3'"),
]


@pytest.mark.parametrize(("decisions", "named"), BAD)
def test_bad_decisions_are_refused_and_change_nothing(decisions, named):
    m = rounds.open_market("retail", seed=1, customers=300, years=0.5)
    rounds.advance(m, {"seats": 2}, days=28)
    before = (rounds.digest(m), m.now, len(m.history), json.dumps(m.settings))
    with pytest.raises(CrmsimError) as err:
        rounds.advance(m, decisions, days=28)
    assert named in str(err.value) and "expected" in str(err.value)
    assert (rounds.digest(m), m.now, len(m.history), json.dumps(m.settings)) == before
    rounds.advance(m, {}, days=28)  # still playable


@pytest.mark.parametrize("days", [0, -7, 1000, float("inf"), "91", None])
def test_bad_round_lengths_are_refused(days):
    m = rounds.open_market("retail", seed=1, customers=300, years=0.5)
    with pytest.raises(CrmsimError, match="days="):
        rounds.advance(m, {}, days=days)
    assert m.now == 0 and not m.history


def test_advancing_past_the_end_is_refused():
    m = rounds.open_market("retail", seed=1, customers=300, years=0.25)
    rounds.advance(m, {}, days=m.horizon)
    with pytest.raises(CrmsimError, match="market ended"):
        rounds.advance(m, {}, days=1)


def test_check_decisions_normalises():
    d = rounds.check_decisions({"strategies": "win_back:target=tier=A|B", "seats": 3,
                                "acquisition": {"telesales": 10, "online_ads": 5}},
                               "retail")
    assert list(d["strategies"][0]) == ["win_back"]
    assert d["strategies"][0]["win_back"]["target"] == "tier=A|B"
    assert d["strategies"][0]["win_back"]["comeback_prob"] == 0.2
    assert list(d["acquisition"]) == ["online_ads", "telesales"]
    assert rounds.check_decisions(d, "retail") == d  # normalised decisions stay as they are


def test_loads_refuses_what_dumps_did_not_write():
    m = rounds.open_market("retail", seed=1, customers=300, years=0.5)
    rounds.advance(m, {"seats": 1}, days=28)
    blob = json.loads(rounds.dumps(m))
    blob["history"][0]["decisions"]["seats"] = 2  # an edited save
    with pytest.raises(CrmsimError, match="replay did not reach the saved state"):
        rounds.loads(json.dumps(blob).encode())
    for junk in (b"not json", b"{}", json.dumps({**blob, "version": 99}).encode()):
        with pytest.raises(CrmsimError, match="blob="):
            rounds.loads(junk)


def test_schedule_errors_name_the_entry():
    with pytest.raises(CrmsimError, match="schedule"):
        simulate(**MARKET, schedule=[(10, {})])
    with pytest.raises(CrmsimError, match="schedule"):
        simulate(**MARKET, schedule=[(0, {}), (0, {})])
    with pytest.raises(CrmsimError, match="seats=-2"):
        simulate(**MARKET, schedule=[(0, {}), (91, {"seats": -2})])
    with pytest.raises(CrmsimError, match="strategies="):
        simulate(**MARKET, strategies=["win_back"], schedule=[(0, {})])


def test_weekly_scenario_counts_rounds_in_days():
    m = rounds.open_market("cdnow", seed=3, customers=500)
    rep = rounds.advance(m, {}, days=91)
    assert rep.end == 91 and m.market.now == 13
    assert np.isfinite(rep.kpis["revenue"])


def test_result_before_the_first_round_is_refused():
    m = rounds.open_market("retail", seed=1, customers=300, years=0.5)
    with pytest.raises(CrmsimError, match="at least one round"):
        rounds.result(m)


def test_stopping_strategies_removes_their_levers():
    m = rounds.open_market("retail", seed=4, customers=800, years=1.0)
    rounds.advance(m, {"strategies": ["vip_tiering", "proactive_care", "personalised_offers",
                                      "discount", "customer_training"], "seats": 3}, days=56)
    lv = m.market.levers
    assert lv.priority.any() and lv.followup.any() and lv.offer_discount > 0
    assert m.market.seats == 3 + 2 and m.market.call_centre.capacity == 5
    rounds.advance(m, {"strategies": ["loyalty_program"]}, days=56)
    assert not lv.priority.any() and not lv.followup.any() and lv.offer_discount == 0
    assert lv.rate == {} and lv.discount == {} and lv.calls == {} and lv.extra_seats == {}
    assert m.market.call_centre.capacity == 3 and list(m.market.running) == ["loyalty_program"]
    res = rounds.result(m)
    late = res.ledger[res.ledger["timestamp"] >= 56]["account"].astype(str)
    assert not late.str.contains("vip_tiering|proactive_care|personalised|discount:").any()
    acts = res.events[(res.events["kind"] == "strategy_action")
                      & (res.events["timestamp"] >= 56)]["detail"]
    assert acts.str.startswith("loyalty_program").all() and len(acts) == 2  # days 56 and 84


def test_a_restarted_loyalty_programme_does_not_pay_for_the_time_it_was_off():
    m = rounds.open_market("retail", seed=6, customers=1500, years=1.0)
    rounds.advance(m, {"strategies": ["loyalty_program"]}, days=91)
    rounds.advance(m, {"strategies": []}, days=91)
    rounds.advance(m, {"strategies": ["loyalty_program"]}, days=91)
    led = rounds.result(m).ledger
    acc, ts = led["account"].astype(str), led["timestamp"]
    first = led[(acc == "strategy:loyalty_program") & (ts == 182)]
    step = led[(ts >= 182) & (ts < 189) & acc.isin(["sales", "discount:price_cut"])]
    assert len(first) > 50  # the members of day 182
    # fee per member plus points on at most the revenue of the round's first step
    assert -first["amount"].sum() <= 0.4 * len(first) + 0.01 * step["amount"].sum() + 1e-6


def test_saves_hold_plain_numbers_and_a_fresh_market_round_trips():
    m = rounds.open_market("retail", seed=1, customers=300, years=0.5)
    assert rounds.loads(rounds.dumps(m)).now == 0
    rounds.advance(m, {"strategies": [{"loyalty_program": {"min_orders": np.int64(3)}}],
                       "seats": np.int64(2), "acquisition": {"online_ads": np.float64(90)}},
                   days=30)
    again = rounds.loads(rounds.dumps(m))
    assert again.history == m.history and rounds.digest(again) == rounds.digest(m)
    assert type(again.history[0]["decisions"]["seats"]) is int

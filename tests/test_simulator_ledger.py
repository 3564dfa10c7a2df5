"""Money is booked once, in one ledger, and every KPI is a sum over it."""

import re

import numpy as np
import pytest

import crmsim
from crmsim.sim import ledger as ledger_mod
from crmsim.sim.strategies import REGISTRY

KW = dict(customers=2500, years=1.5, seed=5)
STRATEGIES = [s for s in REGISTRY if s != "none"]


def run(strategies):
    return crmsim.simulate("retail", strategies=strategies, **KW)


def check_books(res):
    led, k, tx = res.ledger, res.kpis, res.transactions
    acc = led["account"].astype(str)
    total = led.groupby(acc)["amount"].sum()
    assert np.isclose(led["amount"].sum(), k["profit"].sum())
    assert np.isclose(total.get("sales", 0) + total[total.index.str.startswith("discount:")].sum(),
                      k["revenue"].sum())
    assert np.isclose(k["revenue"].sum(), tx["amount"].sum())
    assert np.isclose(k["discounts"].sum(), tx["discount"].sum())
    assert np.isclose(k["cost_of_goods"].sum(), tx["cost"].sum())
    assert np.isclose(-total[total.index.str.startswith("strategy:")].sum(),
                      k["strategy_cost"].sum())
    assert np.isclose(-(total.get("seats", 0) + total.get("calls", 0)), k["service_cost"].sum())
    assert np.isclose(-total.get("acquisition", 0), k["acquisition_cost"].sum())
    assert np.allclose(k["profit"], k["gross_margin"] - k["acquisition_cost"]
                       - k["service_cost"] - k["strategy_cost"])
    assert np.allclose(k["gross_margin"], k["revenue"] - k["cost_of_goods"])
    assert "cost" not in res.events.columns  # events describe; money lives in the ledger
    summary = res.summary().set_index("metric")["value"]
    assert np.isclose(summary["profit"], led["amount"].sum())
    return acc


@pytest.mark.parametrize("name", STRATEGIES)
def test_ledger_totals_equal_the_kpis_for_each_strategy(name):
    res = run([name])
    acc = check_books(res)
    spent = ledger_mod.strategy_spend(res.ledger, name)
    assert spent > 0, f"{name} spent nothing"
    # every account a strategy books is its own
    mine = acc[acc.str.contains(":")].unique()
    assert set(mine) <= {f"strategy:{name}", f"discount:{name}"}, mine


def test_ledger_totals_equal_the_kpis_with_all_strategies_combined():
    check_books(run(STRATEGIES))


def targeted_counts(res, name):
    ev = res.events[(res.events["kind"] == "strategy_action")
                    & res.events["detail"].str.startswith(name + " ")]
    return ev["detail"].map(lambda d: int(re.search(r"\((\d+) targeted\)", d).group(1)))


def test_a_strategys_cost_appears_once():
    res = run(["win_back", "participation", "proactive_care"])
    ev, led = res.events, res.ledger
    acc = led["account"].astype(str)
    # win-back: one booking per contact, at the documented price, nowhere else
    contacts = ((ev["kind"] == "contact") & (ev["detail"] == "win_back")).sum()
    assert contacts > 50
    wb = led[acc == "strategy:win_back"]
    assert len(wb) == contacts and np.allclose(wb["amount"], -8.0)
    # participation: cost per targeted customer per round
    n = targeted_counts(res, "participation").sum()
    assert np.isclose(-led.loc[acc == "strategy:participation", "amount"].sum(), 2.5 * n)
    # proactive care: its extra seats, follow-ups and check-ins, and nothing in service cost
    sc = res.scenario
    seats = 2 * sc["service"]["seat_cost"] * sc.horizon / sc["market"]["kpi_period"]
    follow = (ev["kind"] == "contact") & ev["detail"].str.startswith("proactive_care")
    per_contact = {"proactive_care follow-up": 2.0, "proactive_care check-in": 3.0}
    expected = seats + ev.loc[follow, "detail"].map(per_contact).sum()
    assert np.isclose(-led.loc[acc == "strategy:proactive_care", "amount"].sum(), expected)
    base_seats = sc["service"]["seats"] * sc["service"]["seat_cost"] * sc.horizon / sc[
        "market"]["kpi_period"]
    assert np.isclose(-led.loc[acc == "seats", "amount"].sum(), base_seats)


def test_acquisition_is_booked_once_per_contact_and_new_customer():
    res = run([])
    ev, led, c = res.events, res.ledger, res.customers
    acc = led["account"].astype(str)
    contacts = ((ev["kind"] == "contact") & (ev["detail"] == "acquisition")).sum()
    sc = res.scenario["acquisition"]
    expected = contacts * sc["contact_cost"] + c["acquired"].sum() * sc["onboarding_cost"]
    assert np.isclose(-led.loc[acc == "acquisition", "amount"].sum(), expected)


def test_a_discount_lowers_the_price_never_the_cost():
    """10% off at a 30% list margin cuts the margin per order by a third."""
    none, disc = run([]), run(["discount:rate=0.1,demand_lift=1.0"])
    tx = disc.transactions
    listed = tx["amount"] + tx["discount"]
    assert np.isclose(tx["discount"].sum() / listed.sum(), 0.10, atol=0.002)
    margin_share = (tx["amount"] - tx["cost"]).sum() / (listed - tx["cost"]).sum()
    assert margin_share == pytest.approx(2 / 3, abs=0.01)
    # same customers, same orders (no demand lift): the cost of goods does not move
    assert np.isclose(disc.kpis["cost_of_goods"].sum(), none.kpis["cost_of_goods"].sum(),
                      rtol=0.01)
    assert disc.kpis["gross_margin"].sum() < 0.75 * none.kpis["gross_margin"].sum()

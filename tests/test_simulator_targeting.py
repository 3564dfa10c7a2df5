"""Target rules: strategies address customers by what the firm observes and pay only for them."""

import numpy as np
import pytest

import crmsim
from crmsim.errors import CrmsimError
from crmsim.sim.latent import TEMPERAMENTS, sensitivity_matrix
from crmsim.sim.scenarios import load
from crmsim.sim.targeting import describe, parse, value_tiers


@pytest.mark.parametrize("rule, canonical", [
    ("", ""),
    ("tier=A|B", "tier=A|B"),
    ({"tier": ["A", "B"]}, "tier=A|B"),
    ("stage=growth|maturity&rfm>=12", "stage=growth|maturity&rfm>=12"),
    ({"temperament": "choleric", "orders": ">=3"}, "temperament=choleric&orders>=3"),
    ("region=North", "region=North"),
])
def test_rules_parse_to_a_canonical_string(rule, canonical):
    assert describe(parse(rule)) == canonical


@pytest.mark.parametrize("rule, names", [
    ("tier=E", "target.tier"),
    ("colour=red", "target='colour'"),
    ("rfm>=high", "target.rfm"),
    ("tier>=A", "target.tier"),
    ("tier", "target"),
    (42, "target"),
])
def test_bad_rules_get_one_line_naming_the_part(rule, names):
    with pytest.raises(CrmsimError) as err:
        parse(rule)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith(names)


def test_bad_rule_in_a_strategy_string_is_caught_before_running():
    with pytest.raises(CrmsimError, match="decision_right.target"):
        crmsim.simulate("retail", customers=100, years=0.1,
                        strategies=["decision_right:target=stage=teen"])


def test_value_tiers_follow_the_pyramid():
    revenue = np.arange(1000, dtype=float)
    tiers = value_tiers(revenue, np.ones(1000, bool))
    assert [int((tiers == k).sum()) for k in range(4)] == [10, 40, 150, 800]
    assert (tiers[-10:] == 0).all() and tiers[:800].max() == 3


def spent_on(res, name):
    led = res.ledger
    return led.loc[led["account"] == f"strategy:{name}", "customer_id"]


def test_a_targeted_strategy_pays_only_for_its_targets():
    kw = dict(customers=3000, years=1.5, seed=3)
    res = crmsim.simulate("retail", strategies=["decision_right:target=temperament=choleric"],
                          **kw)
    c = res.customers.set_index("customer_id")
    who = spent_on(res, "decision_right")
    assert len(who) > 100
    # only surveyed choleric customers: the firm's observable column says so
    assert (c.loc[who, "temperament"] == "choleric").all()
    assert (c.loc[who, "true_temperament"] == "choleric").all()
    blanket = crmsim.simulate("retail", strategies=["decision_right"], **kw)
    assert spent_on(blanket, "decision_right").nunique() > 5 * who.nunique()
    win = crmsim.simulate("retail", strategies=["win_back:target=tier=A|B|C"], **kw)
    contacted = spent_on(win, "win_back").unique()
    assert len(contacted) > 10
    # win-back contacts only lapsed customers of the top tiers (never tier D's small buyers)
    paid = win.transactions.groupby("customer_id")["amount"].sum()
    assert paid.reindex(contacted).min() > paid.quantile(0.5)


def test_targeting_the_most_sensitive_segment_beats_blanket_roi():
    """decision_right acts on autonomy and impact; the choleric temperament is the most
    sensitive to both. Targeting it returns more per unit spent than a blanket roll-out
    (paired over replications on common random numbers)."""
    sens = sensitivity_matrix(load("retail")["behaviour"])
    choleric = TEMPERAMENTS.index("choleric")
    assert sens[:, 2:].sum(axis=1).argmax() == choleric
    table, runs = crmsim.compare(
        "retail", ["none", "decision_right", "decision_right:target=temperament=choleric"],
        replications=8, seed=6, customers=15_000, years=3, n_jobs=2, runs=True)
    wide = runs.pivot(index="replication", columns="strategy")
    base = wide["profit"]["none"]

    def roi(label):
        spent = wide["strategy_cost"][label] + wide["discounts"][label]
        return (wide["profit"][label] - base) / spent

    diff = roi("decision_right:target=temperament=choleric") - roi("decision_right")
    mean, half = crmsim.comparison.mean_ci(diff.to_numpy())
    assert mean - half > 0, (mean, half, diff)
    assert table.loc[2, "roi"] > table.loc[1, "roi"]
    assert table.loc[2, "strategy_cost"] < 0.3 * table.loc[1, "strategy_cost"]

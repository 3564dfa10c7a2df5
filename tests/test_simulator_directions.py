"""Each documented effect shows its documented sign, on common random numbers.

Every comparison uses the same seeds for both arms, so the people and random
streams are shared and the difference is the strategy's effect. We pool a few
replications so a single lucky seed cannot decide the test.
"""

import numpy as np
import pytest

import crmsim
from crmsim.sim import latent
from crmsim.sim.scenarios import load

SEEDS = (1, 2, 3)
KW = dict(customers=4000, years=2)


def pooled(strategies=None, overrides=None):
    runs = [crmsim.simulate("retail", seed=s, strategies=strategies, overrides=overrides, **KW)
            for s in SEEDS]
    return runs


def churn_share(runs):
    acquired = sum(r.customers["acquired"].sum() for r in runs)
    churned = sum((r.true_events["kind"] == "dropout").sum() for r in runs)
    return churned / acquired


def mean_wait(runs):
    w = np.concatenate([r.events.loc[r.events["kind"] == "service_request", "wait"].to_numpy()
                        for r in runs])
    return w.mean()


@pytest.fixture(scope="module")
def none():
    return pooled()


def test_loyalty_program_lowers_true_churn(none):
    assert churn_share(pooled(["loyalty_program"])) < churn_share(none)


def test_more_seats_lower_mean_wait(none):
    more = pooled(overrides={"service": {"seats": 4}})
    assert mean_wait(more) < 0.5 * mean_wait(none)
    assert mean_wait(pooled(["proactive_care"])) < mean_wait(none)


@pytest.mark.parametrize("name", ["suggestion_right", "choice_right", "decision_right",
                                  "participation", "information_sharing", "customer_rewards",
                                  "customer_training"])
def test_empowerment_raises_perceived_empowerment_satisfaction_and_loyalty(none, name):
    runs = pooled([name])
    for r, base in zip(runs, none, strict=True):
        acq = r.customers["acquired"] & base.customers["acquired"]
        for col in ("true_satisfaction", "true_loyalty"):
            assert r.customers.loc[acq, col].mean() > base.customers.loc[acq, col].mean()
        dims = ["true_meaning", "true_competence", "true_autonomy", "true_impact"]
        assert (r.customers.loc[acq, dims].mean() >= base.customers.loc[acq, dims].mean()
                - 1e-12).all()
    assert churn_share(runs) < churn_share(none)
    assert sum(r.kpis["strategy_cost"].sum() for r in runs) > 0


def test_discount_lowers_spend_per_order(none):
    def spend(runs):
        return np.mean([r.transactions.groupby("order_id")["amount"].sum().mean()
                        for r in runs])
    assert spend(pooled(["discount"])) < spend(none)


def test_training_reduces_calls_per_order(none):
    def calls_per_order(runs):
        return (sum((r.events["kind"] == "service_request").sum() for r in runs)
                / sum(r.transactions["order_id"].nunique() for r in runs))
    assert calls_per_order(pooled(["customer_training"])) < 0.85 * calls_per_order(none)


def test_win_back_brings_customers_back(none):
    runs = pooled(["win_back"])
    assert sum((r.true_events["kind"] == "reactivation").sum() for r in runs) > 0
    assert all((r.true_events["kind"] == "reactivation").sum() == 0 for r in none)
    assert sum((r.events["to_stage"] == "win_back").sum() for r in runs) > 0


def test_vip_callers_wait_less():
    r = crmsim.simulate("retail", seed=4, strategies=["vip_tiering"], customers=6000, years=2,
                        overrides={"service": {"seats": 1}})
    calls = r.events[r.events["kind"] == "service_request"]
    spend = r.transactions.groupby("customer_id")["amount"].sum()
    vip = spend.nlargest(int(0.05 * len(spend))).index
    assert len(vip) > 10
    assert calls[calls["customer_id"].isin(vip)]["wait"].mean() < \
        calls[~calls["customer_id"].isin(vip)]["wait"].mean()


def test_satisfied_customers_refer_more(none):
    r = none[0]
    ref = r.events[r.events["kind"] == "referral"].groupby("customer_id").size()
    c = r.customers[r.customers["acquired"]].set_index("customer_id")
    n = ref.reindex(c.index, fill_value=0)
    hi = c["true_satisfaction"] > c["true_satisfaction"].median()
    assert n[hi].mean() > n[~hi].mean()


def test_latent_chain_signs_and_diminishing_returns():
    b = load("retail")["behaviour"]
    rng = np.random.default_rng(0)
    base = latent.draw_baselines(500, b, rng)
    sens = latent.sensitivity_matrix(b)[rng.integers(0, 4, 500)]
    zero = np.zeros(500)

    def state(dose_level, service=0.0, bond=0.0):
        dose = np.full((500, 4), dose_level)
        return latent.evaluate(base, dose, zero + service, zero + bond, sens, b)

    s0, s1, s2, s3 = (state(d) for d in (0.0, 0.5, 1.0, 1.5))
    assert np.allclose(s0["loyalty"], base["loyalty"])  # no action: baseline exactly
    gains = [(s["loyalty"] - s0["loyalty"]).mean() for s in (s1, s2, s3)]
    assert 0 < gains[0] < gains[1] < gains[2]
    assert gains[1] - gains[0] > gains[2] - gains[1]  # diminishing returns
    hurt = state(0.0, service=-0.1)
    assert (hurt["satisfaction"] <= s0["satisfaction"]).all()
    assert hurt["loyalty"].mean() < s0["loyalty"].mean()
    mult = latent.behaviour_multipliers(s2["loyalty"], base["loyalty"], b)
    assert (mult["dropout"] <= 1).all() and (mult["rate"] >= 1).all()
    assert (mult["spend"] >= 1).all()


def test_temperaments_feel_doses_differently():
    b = load("retail")["behaviour"]
    sens = latent.sensitivity_matrix(b)
    choleric, phlegmatic = latent.TEMPERAMENTS.index("choleric"), latent.TEMPERAMENTS.index(
        "phlegmatic")
    autonomy = latent.DIMENSIONS.index("autonomy")
    assert sens[choleric, autonomy] > sens[phlegmatic, autonomy]


def test_attitudinal_loyalty_goes_with_low_dropout(none):
    """Retail is Pareto/NBD: the dropout propensity is the dropout rate μ (rank correlation,
    as μ is heavily skewed)."""
    c = none[0].customers
    c = c[c["acquired"]]
    assert c["true_loyalty"].corr(c["true_dropout_rate"], method="spearman") < -0.3
    off = crmsim.simulate("retail", seed=1, overrides={
        "behaviour": {"attitude_dropout_correlation": 0.0}}, **KW).customers
    off = off[off["acquired"]]
    assert abs(off["true_loyalty"].corr(off["true_dropout_rate"], method="spearman")) < 0.05

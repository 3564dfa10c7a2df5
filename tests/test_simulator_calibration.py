"""With no strategy and its realism switched off, the cdnow scenario is exactly its
purchase model: BG/NBD + Gamma-Gamma, and likewise MBG/NBD and Pareto/NBD.

We simulate 20,000 customers for 39 weeks (the CDNOW calibration period), fit
each model by maximum likelihood (BG/NBD and Gamma-Gamma with test-local code,
MBG/NBD and Pareto/NBD with the toolkit, itself checked against the lifetimes
package in test_analysis_btyd.py), and require every
estimate to lie within 4 standard errors of the scenario's true value. The
standard errors come from the inverse Hessian of the log-likelihood, i.e. from
the sampling error of a data set of this size; 4 SE gives a false-alarm rate
below 1e-4 per parameter if the simulator is right, while a wrong process (for
example dropout allowed after the first purchase, or λ per day instead of per
week) moves the estimates by many SEs.
"""

import numpy as np
import pytest

import crmsim
from crmsim.analysis import fit_mbgnbd, fit_pareto_nbd

from .bgnbd_mle import bgnbd_negll, fit, gg_negll

PURCHASE = crmsim.load_scenario("cdnow")["purchase"]
TRUE_BG = {k: PURCHASE[k] for k in ("r", "alpha", "a", "b")}
TRUE_GG = {k: PURCHASE[k] for k in ("p", "q", "v")}
TRUE_PARETO = {"r": 0.55, "alpha": 10.58, "s": 0.61, "beta": 11.67}  # CDNOW, Fader-Hardie
#: the cdnow scenario's departures from the textbook process, switched off
PURE = {"purchase": {"trial_boost": 0.0, "rate_spend_correlation": 0.0},
        "market": {"demand_shock_cv": 0.0}}
KW = dict(customers=20_000, years=39 * 7 / 365, seed=2024)


def simulate(model="bgnbd", **purchase):
    over = {"purchase": {**PURE["purchase"], "model": model, **purchase},
            "market": PURE["market"]}
    return crmsim.simulate("cdnow", overrides=over, **KW)


def summarise(res):
    """BG/NBD (x, t_x, T) and Gamma-Gamma (repeat count, mean repeat spend) inputs."""
    horizon = res.scenario.horizon
    tx = res.transactions.groupby("order_id").agg(customer_id=("customer_id", "first"),
                                                  t=("timestamp", "first"),
                                                  value=("amount", "sum"))
    g = tx.groupby("customer_id")
    first, last, n = g["t"].min(), g["t"].max(), g["t"].size()
    x = (n - 1).to_numpy(float)
    tx_ = (last - first).to_numpy()
    T = horizon - first.to_numpy()
    repeat = tx[tx.groupby("customer_id")["t"].rank(method="first") > 1]
    m = repeat.groupby("customer_id")["value"].mean()
    xr = repeat.groupby("customer_id").size()
    return horizon, x, tx_, T, xr.to_numpy(float), m.to_numpy()


@pytest.fixture(scope="module")
def cdnow_summary():
    return summarise(simulate())


def test_horizon_is_39_weeks(cdnow_summary):
    assert cdnow_summary[0] == pytest.approx(39.0, abs=1e-9)


def test_bgnbd_parameters_recovered(cdnow_summary):
    _, x, tx, T, _, _ = cdnow_summary
    assert len(x) == 20_000
    est, se = fit(bgnbd_negll, [0.5, 5.0, 1.0, 2.0], x, tx, T)
    for (name, true), e, s in zip(TRUE_BG.items(), est, se, strict=True):
        assert abs(e - true) < 4 * s, f"{name}: estimate {e:.4f} vs true {true} (SE {s:.4f})"
        assert s < 0.25 * true, f"{name}: SE {s:.4f} too large to test anything"


def test_gamma_gamma_parameters_recovered(cdnow_summary):
    *_, xr, m = cdnow_summary
    est, se = fit(gg_negll, [5.0, 3.0, 15.0], xr, m)
    for (name, true), e, s in zip(TRUE_GG.items(), est, se, strict=True):
        assert abs(e - true) < 4 * s, f"{name}: estimate {e:.4f} vs true {true} (SE {s:.4f})"


def test_tolerance_detects_a_30_percent_faster_process():
    """The 4-SE tolerance has power: the same test on a process whose purchase rate is
    30% higher (α / 1.3) rejects it."""
    x, tx, T = summarise(simulate(alpha=TRUE_BG["alpha"] / 1.3))[1:4]
    est, se = fit(bgnbd_negll, [0.5, 5.0, 1.0, 2.0], x, tx, T)
    outside = [abs(e - true) > 4 * s for true, e, s in zip(TRUE_BG.values(), est, se,
                                                           strict=True)]
    assert any(outside), (est, se)
    assert np.isfinite(se).all()


@pytest.mark.parametrize("model, fitter, truth", [
    ("mbgnbd", fit_mbgnbd, TRUE_BG),
    ("pareto_nbd", fit_pareto_nbd, TRUE_PARETO),
])
def test_mbgnbd_and_pareto_nbd_parameters_recovered(model, fitter, truth):
    _, x, tx, T, _, _ = summarise(simulate(model, **truth))
    f = fitter(x, tx, T)
    for name, true in truth.items():
        e, s = f.params[name], f.se[name]
        assert abs(e - true) < 4 * s, f"{model} {name}: estimate {e:.4f} vs {true} (SE {s:.4f})"
        assert s < 0.5 * true, f"{model} {name}: SE {s:.4f} too large to test anything"

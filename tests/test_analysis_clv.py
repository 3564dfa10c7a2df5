"""CLV: simple formula, summaries, BG/NBD and Gamma-Gamma (CDNOW reproduction), plots."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from crmsim.analysis import (
    BGNBDFit,
    bgnbd_log,
    calibration_and_holdout_data,
    clv_bgnbd_gg,
    fit_bgnbd,
    fit_gamma_gamma,
    plot_cumulative_transactions,
    plot_frequency_histogram,
    simple_clv,
    summary_data_from_log,
)
from crmsim.datasets import CDNOW_CALIBRATION_END, load_cdnow, load_cdnow_summary
from crmsim.errors import CrmsimError

matplotlib.use("Agg")


def sig3(x):
    return float(f"{x:.3g}")


@pytest.fixture(scope="module")
def cdnow_fit():
    s = load_cdnow_summary()
    return s, fit_bgnbd(s["frequency"], s["recency"], s["T"])


# ----------------------------------------------------------------------------- simple CLV
def test_simple_clv_formulas():
    # m r / (1 + d - r) = 100 * 0.8 / 0.3
    assert simple_clv(100, 0.8, 0.1) == pytest.approx(800 / 3)
    # finite horizon: 100 * (0.8/1.1 + (0.8/1.1)^2)
    q = 0.8 / 1.1
    assert simple_clv(100, 0.8, 0.1, horizon=2) == pytest.approx(100 * (q + q * q))
    assert simple_clv(100, 0.8, 0.1, horizon=2000) == pytest.approx(800 / 3)
    assert simple_clv(100, 0.8, 0.1, first_period_paid=True, acquisition_cost=50) == \
        pytest.approx(800 / 3 + 50)
    arr = simple_clv(100, np.array([0.5, 0.9]), 0.1)
    assert arr.shape == (2,) and arr[1] > arr[0]
    assert simple_clv(10, 1.0, 0.0, horizon=5) == pytest.approx(50)
    with pytest.raises(CrmsimError):
        simple_clv(100, 1.2, 0.1)


# ----------------------------------------------------------------------------- summaries
@pytest.fixture
def small_log():
    return pd.DataFrame({
        "customer_id": [1, 1, 1, 1, 2, 3, 3],
        "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-08", "2024-01-22",
                                "2024-01-15", "2024-01-03", "2024-02-10"]),
        "amount": [5.0, 5.0, 20.0, 30.0, 7.0, 10.0, 99.0],
    })


def test_summary_data_from_log_days(small_log):
    s = summary_data_from_log(small_log, "2024-01-29")
    assert s.loc[1].tolist() == [2, 21, 28, 25.0]  # repeats Jan 8 (20) and Jan 22 (30)
    assert s.loc[2].tolist() == [0, 0, 14, 0.0]
    assert s.loc[3].tolist() == [0, 0, 26, 0.0]  # Feb 10 is after the end
    w = summary_data_from_log(small_log, "2024-01-29", freq="D", freq_multiplier=7)
    assert w.loc[1, "T"] == 4.0 and w.loc[1, "recency"] == 3.0


def test_summary_data_from_log_weeks_and_numeric(small_log):
    w = summary_data_from_log(small_log, "2024-01-29", freq="W")
    # 2024-01-01 is a Monday: weeks of Jan 1, 8, 22 -> 2 repeat weeks, T = 4 weeks
    assert w.loc[1, "frequency"] == 2 and w.loc[1, "T"] == 4 and w.loc[1, "recency"] == 3
    num = pd.DataFrame({"customer_id": [1, 1, 1, 2], "timestamp": [0.5, 0.5, 2.25, 1.0],
                        "amount": [1.0, 1.0, 4.0, 2.0]})
    s = summary_data_from_log(num, 3.0, time_col="timestamp", freq=None)
    assert s.loc[1].tolist() == [1, 1.75, 2.5, 4.0]
    s1 = summary_data_from_log(num, 3.0, time_col="timestamp", freq=1.0)
    assert s1.loc[1].tolist() == [1, 2.0, 3.0, 4.0]
    with pytest.raises(CrmsimError):
        summary_data_from_log(small_log, freq="M")


def test_calibration_and_holdout(small_log):
    ch = calibration_and_holdout_data(small_log, "2024-01-10", "2024-02-15")
    assert list(ch.index) == [1, 3]  # customer 2 first bought after the calibration end
    assert ch.loc[1, "frequency_cal"] == 1 and ch.loc[1, "frequency_holdout"] == 1
    assert ch.loc[3, "frequency_holdout"] == 1 and ch.loc[3, "monetary_value_holdout"] == 99
    assert (ch["duration_holdout"] == 36).all()


# ----------------------------------------------------------------------------- BG/NBD
def test_bgnbd_reproduces_cdnow_published_estimates(cdnow_fit):
    _, f = cdnow_fit
    p = f.params
    # Fader, Hardie & Lee (2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426
    assert [sig3(p["r"]), sig3(p["alpha"]), sig3(p["a"]), sig3(p["b"])] == \
        [0.243, 4.41, 0.793, 2.43]
    assert f.loglik == pytest.approx(-9582.4, abs=0.1)
    # standard errors as reported by lifetimes for the same data
    assert [round(f.se[k], 3) for k in ("r", "alpha", "a")] == [0.013, 0.378, 0.186]
    assert f.se["b"] == pytest.approx(0.70, abs=0.01)
    assert f.summary().shape == (4, 4)


def test_bgnbd_predictions_on_cdnow(cdnow_fit):
    s, f = cdnow_fit
    # FHL 2005, section 5: customer with x=2, t_x=30.43, T=38.86 -> 1.226 purchases in 39 wk
    assert f.expected_purchases(39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=0.001)
    # P(alive) is 1 for customers without repeats and lower for long-silent ones
    pa = f.p_alive(s["frequency"], s["recency"], s["T"])
    assert isinstance(pa, pd.Series) and (pa.loc[s["frequency"] == 0] == 1).all()
    assert f.p_alive(5, 5, 38) < f.p_alive(5, 37, 38)
    # the expected-purchase distribution sums to 1 and its mean matches E[X(t)]
    n = np.arange(400)
    probs = f.probability_of_n_purchases(39.0, n)
    assert probs.sum() == pytest.approx(1.0, abs=1e-6)
    assert (n * probs).sum() == pytest.approx(f.expected_purchases_new(39.0), rel=1e-4)


def test_bgnbd_p_alive_and_expectation_match_numerical_integrals():
    r, alpha, a, b = 0.5, 3.0, 0.8, 2.5
    f = BGNBDFit(params={"r": r, "alpha": alpha, "a": a, "b": b}, se={}, loglik=np.nan, n=0)
    x, tx, T = 3, 4.0, 12.0
    # P(alive) = E[alive-likelihood] / E[likelihood], integrating lambda and p separately
    lam = lambda t: integrate.quad(  # noqa: E731
        lambda v: v**x * np.exp(-v * t) * stats.gamma.pdf(v, r, scale=1 / alpha), 0, np.inf)[0]
    e_alive = integrate.quad(lambda p: (1 - p) ** x * stats.beta.pdf(p, a, b), 0, 1)[0]
    e_dead = integrate.quad(lambda p: p * (1 - p) ** (x - 1) * stats.beta.pdf(p, a, b), 0, 1)[0]
    expected = e_alive * lam(T) / (e_alive * lam(T) + e_dead * lam(tx))
    assert f.p_alive(x, tx, T) == pytest.approx(expected, rel=1e-6)
    assert f.p_alive(0, 0, T) == 1.0
    # E[X(t)] of a new customer = E over lambda, p of (1 - exp(-lambda p t)) / p (FHL eq. 7);
    # the gamma mixing over lambda is the Laplace transform (alpha / (alpha + p t))^r
    t = 10.0
    val = integrate.quad(lambda p: (1 - (alpha / (alpha + p * t)) ** r) / p
                         * stats.beta.pdf(p, a, b), 0, 1)[0]
    assert f.expected_purchases_new(t) == pytest.approx(val, rel=1e-3)


def test_bgnbd_recovers_synthetic_parameters():
    cust, tx = bgnbd_log(20000, r=0.3, alpha=5.0, a=1.2, b=3.0, seed=3)
    s = summary_data_from_log(tx, 546 / 7, time_col="timestamp", freq=None)
    f = fit_bgnbd(s["frequency"], s["recency"], s["T"])
    for k, true in {"r": 0.3, "alpha": 5.0, "a": 1.2, "b": 3.0}.items():
        assert abs(f.params[k] - true) < 4 * f.se[k], (k, f.params[k], f.se[k])
    g = fit_gamma_gamma(s["frequency"], s["monetary_value"])
    assert g.expected_spend(0, 0) == pytest.approx(g.population_mean_spend())
    assert abs(g.population_mean_spend() - 6.0 * 15.0 / 3.0) < 3.0


def test_fit_input_errors():
    with pytest.raises(CrmsimError):
        fit_bgnbd([1, 2], [5, 1], [4, 4])  # recency > T
    with pytest.raises(CrmsimError):
        fit_gamma_gamma([1, 2], [0.0, 3.0])


# ----------------------------------------------------------------------------- Gamma-Gamma
def test_gamma_gamma_reproduces_cdnow():
    s = load_cdnow_summary(monetary=True)
    g = fit_gamma_gamma(s["frequency"], s["monetary_value"])
    assert g.n == 946
    # Fader & Hardie: p = 6.25, q = 3.74, gamma = 15.44 (lifetimes reports 15.45)
    assert [sig3(g.params["p"]), sig3(g.params["q"]), sig3(g.params["v"])] == \
        [6.25, 3.74, 15.4]
    assert g.params["v"] == pytest.approx(15.44, abs=0.015)
    assert g.population_mean_spend() == pytest.approx(6.25 * 15.44 / 2.74, rel=0.005)
    # shrinkage: a one-off big spender is pulled towards the population mean
    e = g.expected_spend(1, 100.0)
    assert g.population_mean_spend() < e < 100


def test_clv_per_customer(cdnow_fit):
    s = load_cdnow_summary(monetary=True)
    _, bg = cdnow_fit
    gg = fit_gamma_gamma(s["frequency"], s["monetary_value"])
    clv = clv_bgnbd_gg(bg, gg, s["frequency"], s["recency"], s["T"], s["monetary_value"],
                       horizon=52, steps=12, discount_rate=0.0)
    assert isinstance(clv, pd.Series) and (clv >= 0).all()
    # without discounting CLV = E[purchases in 52 weeks] x expected spend
    direct = bg.expected_purchases(52, s["frequency"], s["recency"], s["T"]) * \
        gg.expected_spend(s["frequency"], s["monetary_value"])
    assert np.allclose(clv, direct)
    disc = clv_bgnbd_gg(bg, gg, s["frequency"], s["recency"], s["T"], s["monetary_value"],
                        horizon=52, steps=12, discount_rate=0.01)
    assert (disc <= clv + 1e-12).all()


# ----------------------------------------------------------------------------- plots
def test_cdnow_plots(cdnow_fit):
    s, f = cdnow_fit
    ax = plot_frequency_histogram(f, s["frequency"], s["T"])
    heights = [p.get_height() for p in ax.patches]
    assert len(heights) == 16 and sum(heights[:8]) == len(s)
    assert sum(heights[8:]) == pytest.approx(len(s))
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    log = load_cdnow()
    ax2 = plot_cumulative_transactions(f, log, calibration_end=CDNOW_CALIBRATION_END,
                                       freq_multiplier=7)
    actual, model = (line.get_ydata() for line in ax2.get_lines()[:2])
    # FHL 2005 Figure 3: the model tracks the actual cumulative repeat purchases closely
    assert abs(model[-1] - actual[-1]) / actual[-1] < 0.05
    assert ax2.get_ylabel() == "cumulative repeat purchases"
    plt.close("all")

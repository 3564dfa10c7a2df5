"""MBG/NBD and Pareto/NBD: independent checks (lifetimes, numerical integration, published
CDNOW estimates), calibration on data simulated from each model, and the simulators."""

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

from crmsim.analysis import (
    BTYD_MODELS,
    MBGNBDFit,
    ParetoNBDFit,
    fit_bgnbd,
    fit_btyd,
    fit_mbgnbd,
    fit_pareto_nbd,
    mbgnbd_log,
    pareto_nbd_log,
    summary_data_from_log,
)
from crmsim.datasets import load_cdnow_summary
from crmsim.errors import CrmsimError

# Published CDNOW (2357 customers, 39 calibration weeks) estimates.
# Pareto/NBD: Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related
# Expressions": r = 0.55, alpha = 10.58, s = 0.61, beta = 11.67, LL = -9595.0.
PNBD_CDNOW = {"r": 0.55, "alpha": 10.58, "s": 0.61, "beta": 11.67}
# MBG/NBD: BTYDplus (Platzer), mbgnbd.EstimateParameters on CDNOW, as quoted by the lifetimes
# test suite (test_params_out_is_close_to_BTYDplus): r = 0.525, alpha = 6.183, a = 0.891,
# b = 1.614. Batislam et al. (2007) did not fit CDNOW.
MBG_CDNOW = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}


@pytest.fixture(scope="module")
def cdnow():
    s = load_cdnow_summary()
    return s["frequency"], s["recency"], s["T"]


@pytest.fixture(scope="module")
def cdnow_fits(cdnow):
    return fit_mbgnbd(*cdnow), fit_pareto_nbd(*cdnow)


def arrays(cdnow):
    return [np.asarray(c, dtype=float) for c in cdnow]


# ----------------------------------------------------------------------------- published
def test_fits_reproduce_published_cdnow_estimates(cdnow_fits):
    mbg, pnbd = cdnow_fits
    assert {k: round(v, 3) for k, v in mbg.params.items()} == MBG_CDNOW
    assert {k: round(v, 2) for k, v in pnbd.params.items()} == PNBD_CDNOW
    assert pnbd.loglik == pytest.approx(-9595.0, abs=0.05)
    # MBG/NBD fits CDNOW as well as BG/NBD (-9582.4) with the same number of parameters
    assert mbg.loglik == pytest.approx(-9582.13, abs=0.01)
    assert mbg.summary().shape == (4, 4) and pnbd.summary().shape == (4, 4)
    assert all(np.isfinite(list(f.se.values())).all() for f in (mbg, pnbd))
    assert mbg.n == pnbd.n == 2357


# ----------------------------------------------------------------------------- lifetimes
def test_mbgnbd_matches_lifetimes(cdnow, cdnow_fits):
    import lifetimes  # dev extra: the independent reference implementation
    x, tx, T = arrays(cdnow)
    p = np.array(list(MBG_CDNOW.values()))
    # lifetimes returns the mean negative log-likelihood of log-parameters
    ref = -lifetimes.ModifiedBetaGeoFitter._negative_log_likelihood(
        np.log(p), x, tx, T, np.ones_like(x), 0.0) * x.size
    mine = MBGNBDFit(MBG_CDNOW, {}, np.nan, 0)
    assert mine.log_likelihood(x, tx, T) == pytest.approx(ref, abs=1e-7)
    fitted = lifetimes.ModifiedBetaGeoFitter().fit(x, tx, T)
    mbg, _ = cdnow_fits
    for k in MBG_CDNOW:
        assert mbg.params[k] == pytest.approx(fitted.params_[k], rel=1e-4)
        assert mbg.se[k] == pytest.approx(fitted.standard_errors_[k], rel=1e-2)
    ref_pa = fitted.conditional_probability_alive(x, tx, T)
    assert np.allclose(mbg.p_alive(x, tx, T), ref_pa, atol=1e-5)
    ref_e = fitted.conditional_expected_number_of_purchases_up_to_time(39, x, tx, T)
    assert np.allclose(mbg.expected_purchases(39, x, tx, T), ref_e, rtol=1e-4)
    t = np.array([1.0, 39.0, 78.0])
    assert np.allclose(mbg.expected_purchases_new(t),
                       fitted.expected_number_of_purchases_up_to_time(t), rtol=1e-4)


def test_pareto_nbd_matches_lifetimes(cdnow, cdnow_fits):
    import lifetimes  # dev extra: the independent reference implementation
    x, tx, T = arrays(cdnow)
    p = np.array(list(PNBD_CDNOW.values()))
    ref = lifetimes.ParetoNBDFitter._conditional_log_likelihood(p, x, tx, T)
    mine = ParetoNBDFit(PNBD_CDNOW, {}, np.nan, 0)
    each = [mine.log_likelihood(x[i:i + 1], tx[i:i + 1], T[i:i + 1]) for i in range(0, 2357, 7)]
    assert np.allclose(each, ref[::7], rtol=0, atol=1e-9)
    assert mine.log_likelihood(x, tx, T) == pytest.approx(ref.sum(), abs=1e-7)
    fitted = lifetimes.ParetoNBDFitter().fit(x, tx, T)
    _, pnbd = cdnow_fits
    ref_ll = lifetimes.ParetoNBDFitter._conditional_log_likelihood(
        fitted.params_.to_numpy(), x, tx, T).sum()
    assert pnbd.loglik >= ref_ll - 1e-6  # ours is at least as good a maximum
    for k in PNBD_CDNOW:  # beta is weakly identified (SE about 6): looser
        assert pnbd.params[k] == pytest.approx(fitted.params_[k], rel=1e-3)
    assert np.allclose(pnbd.p_alive(x, tx, T), fitted.conditional_probability_alive(x, tx, T),
                       atol=1e-4)
    ref_e = fitted.conditional_expected_number_of_purchases_up_to_time(39, x, tx, T)
    assert np.allclose(pnbd.expected_purchases(39, x, tx, T), ref_e, rtol=1e-3)


# ----------------------------------------------------------------------------- integrals
def gamma_pdf(v, shape, rate):
    return np.exp(shape * np.log(rate) + (shape - 1) * np.log(v) - rate * v
                  - special.gammaln(shape))


def e_gamma(g, shape, rate, peak=None):
    """E[g(v)] for v ~ Gamma(shape, rate), by quadrature split around the integrand's peak."""
    f = lambda v: g(v) * gamma_pdf(v, shape, rate)  # noqa: E731
    peak = peak or 1.0 / rate
    pieces = [(0, peak), (peak, 10 * peak), (10 * peak, np.inf)]
    return sum(integrate.quad(f, lo, hi, epsabs=0, epsrel=1e-11, limit=200)[0]
               for lo, hi in pieces)


def e_lam(x, t, r, alpha):
    """E[λ^x exp(-λ t)] for λ ~ Gamma(r, α), numerically."""
    return e_gamma(lambda v: v**x * np.exp(-v * t), r, alpha,
                   peak=max((x + r - 1) / (alpha + t), 1e-3))


def pareto_lik_by_tau(x, tx, T, r, alpha, s, beta):
    """Pareto/NBD likelihood: λ and μ integrated in closed form (Gamma Laplace transforms),
    the unobserved death time τ in (t_x, T] numerically - no hypergeometric function."""
    def e_lam_closed(t):  # E[λ^x exp(-λ t)]
        return np.exp(special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
                      - (r + x) * np.log(alpha + t))

    alive = e_lam_closed(T) * (beta / (beta + T)) ** s
    dead = integrate.quad(lambda tau: e_lam_closed(tau) * s / beta * (beta / (beta + tau))
                          ** (s + 1), tx, T, epsabs=0, epsrel=1e-12, limit=200)[0]
    return alive + dead


def pareto_lik_by_latent_integration(x, tx, T, r, alpha, s, beta):
    """Alive through T, or died at τ in (t_x, T]: integrate λ, μ and τ all numerically."""
    alive = e_lam(x, T, r, alpha) * e_gamma(lambda m: np.exp(-m * T), s, beta)
    dead = integrate.quad(
        lambda tau: e_lam(x, tau, r, alpha) * e_gamma(lambda m: m * np.exp(-m * tau), s, beta),
        tx, T, epsabs=0, epsrel=1e-9)[0]
    return alive + dead


def mbg_lik_by_integration(x, tx, T, r, alpha, a, b):
    """Alive after the first purchase and x repeats, or dropped right after the last one."""
    e_p = lambda g: integrate.quad(lambda p: g(p) * stats.beta.pdf(p, a, b), 0, 1,  # noqa: E731
                                   epsabs=0, epsrel=1e-11, limit=200)[0]
    return (e_p(lambda p: (1 - p) ** (x + 1)) * e_lam(x, T, r, alpha)
            + e_p(lambda p: p * (1 - p) ** x) * e_lam(x, tx, r, alpha))


CUSTOMERS = [(0, 0.0, 38.86), (2, 30.43, 38.86), (5, 39.0, 39.0), (14, 0.5, 78.0),
             (40, 5.0, 39.0)]


@pytest.mark.parametrize("params", [
    PNBD_CDNOW,                                          # alpha < beta
    {"r": 0.55, "alpha": 20.0, "s": 0.61, "beta": 2.0},  # alpha > beta
    {"r": 2.0, "alpha": 0.05, "s": 0.3, "beta": 80.0},   # extreme ratios both ways
    {"r": 0.3, "alpha": 80.0, "s": 2.0, "beta": 0.05},
])
def test_pareto_likelihood_matches_numerical_integration(params):
    f = ParetoNBDFit(params, {}, np.nan, 0)
    for x, tx, T in CUSTOMERS:
        ref = np.log(pareto_lik_by_tau(x, tx, T, *params.values()))
        assert f.log_likelihood(x, tx, T) == pytest.approx(ref, abs=1e-8), (x, tx, T)


def test_pareto_likelihood_matches_integration_over_all_latent_variables():
    x, tx, T = 2, 30.43, 38.86
    ref = np.log(pareto_lik_by_latent_integration(x, tx, T, *PNBD_CDNOW.values()))
    assert ParetoNBDFit(PNBD_CDNOW, {}, np.nan, 0).log_likelihood(x, tx, T) == \
        pytest.approx(ref, abs=1e-6)


@pytest.mark.parametrize("params", [MBG_CDNOW, {"r": 2.0, "alpha": 0.5, "a": 3.0, "b": 0.4}])
def test_mbgnbd_likelihood_matches_numerical_integration(params):
    f = MBGNBDFit(params, {}, np.nan, 0)
    for x, tx, T in CUSTOMERS:
        ref = np.log(mbg_lik_by_integration(x, tx, T, *params.values()))
        assert f.log_likelihood(x, tx, T) == pytest.approx(ref, abs=1e-6), (x, tx, T)


def test_predictions_match_numerical_integrals():
    r, alpha, s, beta = 0.7, 8.0, 1.6, 12.0
    pn = ParetoNBDFit({"r": r, "alpha": alpha, "s": s, "beta": beta}, {}, np.nan, 0)
    x, tx, T, t = 3, 10.0, 30.0, 20.0
    lik = pareto_lik_by_tau(x, tx, T, r, alpha, s, beta)
    alive = e_lam(x, T, r, alpha) * e_gamma(lambda m: np.exp(-m * T), s, beta)
    assert pn.p_alive(x, tx, T) == pytest.approx(alive / lik, rel=1e-7)
    # alive customers buy at rate λ for the rest of their life: E[(λ/μ)(1 - exp(-μ t))]
    future = e_lam(x + 1, T, r, alpha) * e_gamma(
        lambda m: np.exp(-m * T) * -np.expm1(-m * t) / m, s, beta)
    assert pn.expected_purchases(t, x, tx, T) == pytest.approx(future / lik, rel=1e-6)
    new = r / alpha * e_gamma(lambda m: -np.expm1(-m * t) / m, s, beta)
    assert pn.expected_purchases_new(t) == pytest.approx(new, rel=1e-7)
    # s = 1 exactly uses the logarithmic limit
    pn1 = ParetoNBDFit({"r": r, "alpha": alpha, "s": 1.0, "beta": beta}, {}, np.nan, 0)
    assert pn1.expected_purchases_new(t) == pytest.approx(
        r / alpha * beta * np.log1p(t / beta), rel=1e-12)

    r, alpha, a, b = 0.5, 3.0, 1.8, 2.5
    mb = MBGNBDFit({"r": r, "alpha": alpha, "a": a, "b": b}, {}, np.nan, 0)
    beta_pdf = lambda p: np.exp((a - 1) * np.log(p) + (b - 1) * np.log1p(-p)  # noqa: E731
                                - special.betaln(a, b))
    lik = mbg_lik_by_integration(x, tx, T, r, alpha, a, b)
    alive = integrate.quad(lambda p: (1 - p) ** (x + 1) * beta_pdf(p), 0, 1)[0] \
        * e_lam(x, T, r, alpha)
    assert mb.p_alive(x, tx, T) == pytest.approx(alive / lik, rel=1e-7)
    assert mb.p_alive(0, 0, T) < 1  # one-time buyers can be gone already
    # E[(1/p)(1 - exp(-λ p t))] for the alive, integrating λ and p numerically
    future = integrate.dblquad(
        lambda lam, p: (1 - p) ** (x + 1) * beta_pdf(p) * lam**x * np.exp(-lam * T)
        * gamma_pdf(lam, r, alpha) * -np.expm1(-lam * p * t) / p,
        0, 1, 0, np.inf, epsabs=0, epsrel=1e-7)[0]
    assert mb.expected_purchases(t, x, tx, T) == pytest.approx(future / lik, rel=1e-5)
    new = integrate.quad(lambda p: (1 - p) / p * (1 - (alpha / (alpha + p * t)) ** r)
                         * beta_pdf(p), 0, 1)[0]
    assert mb.expected_purchases_new(t) == pytest.approx(new, rel=1e-7)


def test_pareto_likelihood_is_finite_on_cdnow_for_any_alpha_beta_order(cdnow):
    x, tx, T = arrays(cdnow)
    for alpha, beta in [(10.0, 10.0), (1e-3, 1e3), (1e3, 1e-3), (0.1, 30.0), (30.0, 0.1)]:
        f = ParetoNBDFit({"r": 0.55, "alpha": alpha, "s": 0.61, "beta": beta}, {}, np.nan, 0)
        assert np.isfinite(f.log_likelihood(x, tx, T)), (alpha, beta)
        assert np.all((f.p_alive(x, tx, T) >= 0) & (f.p_alive(x, tx, T) <= 1))


# ----------------------------------------------------------------------------- calibration
def within(fit, params, k=4.0):
    """Is every parameter within k standard errors of the fitted estimate?"""
    return all(abs(fit.params[n] - v) < k * fit.se[n] for n, v in params.items())


def fit_simulated(simulate, fit, truth, n=15000, seed=1):
    _, tx = simulate(n, seed=seed, **truth)
    s = summary_data_from_log(tx, 546 / 7, time_col="timestamp", freq=None)
    return s, fit(s["frequency"], s["recency"], s["T"])


def test_mbgnbd_recovers_simulated_parameters():
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.9, "b": 1.6}
    s, f = fit_simulated(mbgnbd_log, fit_mbgnbd, truth)
    assert within(f, truth), (f.params, f.se)
    # the same tolerance rejects a clearly wrong truth: same mean rate, other heterogeneity
    assert not within(f, {**truth, "r": 1.0, "alpha": 12.0})
    assert not within(f, {**truth, "a": 1.8})
    # the BG/NBD (no dropout at the first purchase) fits these data clearly worse
    bg = fit_bgnbd(s["frequency"], s["recency"], s["T"])
    assert f.loglik - bg.loglik > 10


def test_pareto_nbd_recovers_simulated_parameters():
    truth = dict(PNBD_CDNOW)
    _, f = fit_simulated(pareto_nbd_log, fit_pareto_nbd, truth)
    assert within(f, truth), (f.params, f.se)
    assert not within(f, {**truth, "r": 1.1, "alpha": 21.16})
    assert not within(f, {**truth, "s": 1.22})


# ----------------------------------------------------------------------------- simulators
def test_mbgnbd_log_truth_columns():
    cust, tx = mbgnbd_log(20000, a=1.0, b=3.0, seed=4)
    assert list(tx.columns) == ["customer_id", "timestamp", "date", "amount"]
    assert tx.groupby("customer_id").size().index.tolist() == cust["customer_id"].tolist()
    gone_at_once = cust["true_dropout_time"] == cust["acquisition_time"]
    assert gone_at_once.mean() == pytest.approx(1.0 / 4.0, abs=0.01)  # E[p] = a / (a + b)
    assert not cust.loc[gone_at_once, "true_alive"].any()
    repeats = tx.groupby("customer_id").size() - 1
    assert (repeats.to_numpy()[gone_at_once.to_numpy()] == 0).all()
    last = tx.groupby("customer_id")["timestamp"].max().to_numpy()
    dead = ~cust["true_alive"].to_numpy()
    assert np.allclose(last[dead], cust["true_dropout_time"].to_numpy()[dead])
    assert cust.loc[cust["true_alive"], "true_dropout_time"].isna().all()


def test_pareto_nbd_log_truth_columns():
    s, beta = 0.8, 10.0
    cust, tx = pareto_nbd_log(20000, s=s, beta=beta, seed=5)
    assert "true_dropout_rate" in cust.columns
    merged = tx.merge(cust, on="customer_id")
    dead = merged["true_dropout_time"].notna()
    assert (merged.loc[dead, "timestamp"] <= merged.loc[dead, "true_dropout_time"]).all()
    # P(alive at age u) = E[exp(-μ u)] = (β / (β + u))^s
    age = 546 / 7 - cust["acquisition_time"]
    expected = ((beta / (beta + age)) ** s).mean()
    assert cust["true_alive"].mean() == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("simulate", [mbgnbd_log, pareto_nbd_log])
def test_simulators_are_deterministic_and_check_input(simulate):
    c1, t1 = simulate(300, seed=9)
    c2, t2 = simulate(300, seed=9)
    pd.testing.assert_frame_equal(c1, c2)
    pd.testing.assert_frame_equal(t1, t2)
    assert not simulate(300, seed=10)[1]["timestamp"].equals(t1["timestamp"])
    with pytest.raises(CrmsimError, match="r=-1"):
        simulate(10, r=-1)
    with pytest.raises(CrmsimError, match="n_customers"):
        simulate(0)


# ----------------------------------------------------------------------------- choice
def test_fit_btyd_by_name(cdnow):
    assert set(BTYD_MODELS) == {"bgnbd", "mbgnbd", "pareto_nbd"}
    fits = {m: fit_btyd(*cdnow, model=m) for m in BTYD_MODELS}
    x, tx, T = cdnow
    for f in fits.values():
        e = f.expected_purchases(39, x, tx, T)
        assert isinstance(e, pd.Series) and (e >= 0).all()
        assert 0 < f.expected_purchases_new(39.0) < 3
    assert fits["mbgnbd"].params == fit_mbgnbd(*cdnow).params
    with pytest.raises(CrmsimError, match="model='nbd'"):
        fit_btyd(*cdnow, model="nbd")
    with pytest.raises(CrmsimError):
        fit_pareto_nbd([1, 2], [5, 1], [4, 4])  # recency > T
    with pytest.raises(CrmsimError):
        fit_mbgnbd([], [], [])

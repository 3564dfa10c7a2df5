"""Pareto/NBD: Schmittlein, Morrison & Colombo (1987), "Counting your customers: who are
they and what will they do next?" (Management Science 33(1), 1-24).

While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); it drops out
in continuous time, after an exponential lifetime with rate μ ~ Gamma(s, β), independent
of λ. Equation numbers are those of Fader & Hardie (2005), "A note on deriving the
Pareto/NBD model and related expressions" (brucehardie.com note 009, version of
2005-11-05), which writes the paper's results in a form that is easy to evaluate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import special

from crmsim.analysis._common import as_array, like
from crmsim.analysis.btyd.base import CountFit, check_frt, count_data, fit_ml, rate_scale_start

__all__ = ["ParetoNBDFit", "fit_pareto_nbd"]


def _log_f(r, alpha, s, beta, x, t):
    """log of 2F1(...)/(max(α,β)+t)^(r+s+x), the piece of A0 at time t (eqs. 19 and 20).

    The hypergeometric argument is kept in [0, 1) by expanding around the larger of α and
    β (eq. 19 for α >= β, eq. 20 for α <= β), where scipy's ``hyp2f1`` is accurate.
    """
    rsx = r + s + x
    if alpha >= beta:
        hyp = special.hyp2f1(rsx, s + 1, rsx + 1, (alpha - beta) / (alpha + t))
        return np.log(hyp) - rsx * np.log(alpha + t)
    hyp = special.hyp2f1(rsx, r + x, rsx + 1, (beta - alpha) / (beta + t))
    return np.log(hyp) - rsx * np.log(beta + t)


def _terms(params, x, tx, T):
    """Log of the common factor and of the 'alive at T' / 'died in (t_x, T]' terms (eq. 18).

    L = Γ(r+x) α^r β^s / Γ(r) [ (α+T)^-(r+x) (β+T)^-s + s/(r+s+x) A0 ] with
    A0 = F(t_x) - F(T); evaluated in log space as log F(t_x) + log1p(-F(T)/F(t_x)).
    """
    r, alpha, s, beta = params
    base = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    f_tx = _log_f(r, alpha, s, beta, x, tx)
    f_T = _log_f(r, alpha, s, beta, x, T)
    with np.errstate(divide="ignore"):  # t_x == T: no time left to die in, A0 = 0
        log_a0 = f_tx + np.log1p(-np.exp(np.minimum(f_T - f_tx, 0.0)))
    dead = np.log(s) - np.log(r + s + x) + log_a0
    return base, alive, dead


def _nll(params, x, tx, T, w):
    base, t1, t2 = _terms(params, x, tx, T)
    return -float(np.sum(w * (base + np.logaddexp(t1, t2))))


def _nll_grad(params, x, tx, T, w):
    """NLL and its central-difference gradient (2F1 has no handy parameter derivative)."""
    theta = np.asarray(params, dtype=float)
    g = np.empty_like(theta)
    for i in range(theta.size):
        h = 1e-6 * theta[i]
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        g[i] = (_nll(up, x, tx, T, w) - _nll(down, x, tx, T, w)) / (2 * h)
    return _nll(theta, x, tx, T, w), g


def _growth(s, u):
    """(1 - (1+u)^-(s-1)) / (s-1), continuous at s = 1 (where it is log(1+u))."""
    k = s - 1.0
    lg = np.log1p(u)
    if abs(k) < 1e-10:
        return lg
    return -np.expm1(-k * lg) / k


@dataclass(frozen=True)
class ParetoNBDFit(CountFit):
    """A fitted Pareto/NBD model: parameters ``r, alpha, s, beta``, SEs and log-likelihood.

    Purchase rates λ ~ Gamma(r, α) and dropout rates μ ~ Gamma(s, β), independent; each
    customer's lifetime is exponential with rate μ. Time is in the unit of the data.
    P(alive) = 1 / (1 + s/(r+s+x) (α+T)^(r+x) (β+T)^s A0), the note's P(alive) section,
    comes from the likelihood terms (:meth:`CountFit.p_alive`).
    """

    param_names: ClassVar[tuple] = ("r", "alpha", "s", "beta")
    likelihood_terms = staticmethod(_terms)
    negative_loglik = staticmethod(_nll)

    def expected_purchases(self, t, frequency, recency, T):
        """E[Y(t) | x, t_x, T]: expected purchases in the next ``t`` time units (eq. 41).

        P(alive) (r+x)(β+T) / ((α+T)(s-1)) [1 - ((β+T)/(β+T+t))^(s-1)].
        """
        r, alpha, s, beta = self.theta()
        x, tx, T_ = check_frt(frequency, recency, T)
        t = as_array(t, "t")
        cond = (r + x) / (alpha + T_) * (beta + T_) * _growth(s, t / (beta + T_))
        return like(cond * np.asarray(self.p_alive(x, tx, T_)), frequency)

    def expected_purchases_new(self, t):
        """E[X(t)] of a new customer: r β / (α (s-1)) [1 - (β/(β+t))^(s-1)] (eq. 27)."""
        r, alpha, s, beta = self.theta()
        t = as_array(t, "t")
        out = r / alpha * beta * _growth(s, t / beta)
        return float(out) if np.ndim(out) == 0 else out


def fit_pareto_nbd(frequency, recency, T, *, initial=None) -> ParetoNBDFit:
    """Fit the Pareto/NBD model by maximum likelihood (the sum over customers of log eq. 18).

    Same inputs as :func:`crmsim.analysis.fit_bgnbd`. ``initial`` optionally gives
    starting values (r, alpha, s, beta). Returns a frozen :class:`ParetoNBDFit`. Slower
    than the BG-type fits: the likelihood needs a Gaussian hypergeometric function and a
    numerical gradient.
    """
    x, _, T_, ((ux, utx, uT), w) = count_data(frequency, recency, T, "fit_pareto_nbd")
    if initial is None:
        initial = (1.0, rate_scale_start(x, T_), 1.0, float(np.mean(T_)) + 1.0)
    params, se, ll = fit_ml(lambda p: _nll(p, ux, utx, uT, w),
                            lambda p: _nll_grad(p, ux, utx, uT, w),
                            np.array(initial, dtype=float), list(ParetoNBDFit.param_names),
                            scale=[1.0, max(float(np.mean(T_)), 1e-12), 1.0,
                                   max(float(np.mean(T_)), 1e-12)],
                            model="Pareto/NBD", data_name="frequency", data=frequency)
    return ParetoNBDFit(params=params, se=se, loglik=ll, n=int(x.size))

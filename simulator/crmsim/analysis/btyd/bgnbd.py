"""BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers" the easy way.

While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after every
*repeat* purchase it drops out (客户流失) with probability p ~ Beta(a, b), so a customer
without repeats is always alive. Equation numbers are those of the paper (Marketing
Science 24(2), 275-284); P(alive) is written out in Fader, Hardie & Lee (2008),
"Computing P(alive) using the BG/NBD model" (brucehardie.com note 021).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import special

from crmsim.analysis._common import as_array, like, shown
from crmsim.analysis.btyd.base import (
    CountFit,
    check_fit_type,
    check_frt,
    compress,
    fit_ml,
    rate_scale_start,
    starting_values,
)
from crmsim.errors import invalid

__all__ = ["BGNBDFit", "expected_cumulative_transactions", "fit_bgnbd"]


def _terms(params, x, tx, T):
    """Logs of eq. 6's common factor and of its parts: alive at T, dropped after t_x."""
    r, alpha, a, b = params
    base = (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
            - special.betaln(a, b))
    bx1 = np.maximum(b + x - 1, 1e-300)
    alive = special.betaln(a, b + x) - (r + x) * np.log(alpha + T)
    dead = np.where(x > 0, special.betaln(a + 1, bx1) - (r + x) * np.log(alpha + tx), -np.inf)
    return base, alive, dead


def _nll(params, x, tx, T, w):
    return _nll_grad(params, x, tx, T, w, grad=False)[0]


def _nll_grad(params, x, tx, T, w, grad=True):
    """Negative log-likelihood (eq. 6 in gammaln/betaln form) and its analytic gradient."""
    r, alpha, a, b = params
    base, term1, term2 = _terms(params, x, tx, T)
    lse = np.logaddexp(term1, term2)
    nll = -float(np.sum(w * (base + lse)))
    if not grad:
        return nll, None
    bx1 = np.maximum(b + x - 1, 1e-300)
    log_aT, log_atx = np.log(alpha + T), np.log(alpha + tx)
    w1, w2 = np.exp(term1 - lse), np.exp(term2 - lse)  # posterior weights: alive / dropped
    psi = special.digamma
    p_abx = psi(a + b + x)
    d_r = psi(r + x) - psi(r) + np.log(alpha) - w1 * log_aT - w2 * log_atx
    d_alpha = r / alpha - (r + x) * (w1 / (alpha + T) + w2 / (alpha + tx))
    d_a = (-(psi(a) - psi(a + b)) + w1 * (psi(a) - p_abx) + w2 * (psi(a + 1) - p_abx))
    d_b = (-(psi(b) - psi(a + b)) + w1 * (psi(b + x) - p_abx)
           + np.where(x > 0, w2 * (psi(bx1) - p_abx), 0.0))
    g = -np.array([np.sum(w * d) for d in (d_r, d_alpha, d_a, d_b)])
    return nll, g


def _log_dropped_odds(r, alpha, a, b, x, tx, T_):
    """log[a/(b+x-1) ((α+T)/(α+t_x))^(r+x)]: the odds of "dropped" to "alive" (eq. 10)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return (np.log(a) - np.log(np.maximum(b + x - 1, 1e-300))
                + (r + x) * (np.log(alpha + T_) - np.log(alpha + tx)))


@dataclass(frozen=True)
class BGNBDFit(CountFit):
    """A fitted BG/NBD model: parameters ``r, alpha, a, b``, standard errors, log-likelihood.

    Purchase rates λ ~ Gamma(r, α) across customers, dropout probabilities after each
    repeat purchase p ~ Beta(a, b). Time is in the unit of the data the model was fitted
    on. All prediction methods are pure functions of the stored parameters.
    """

    param_names: ClassVar[tuple] = ("r", "alpha", "a", "b")
    likelihood_terms = staticmethod(_terms)
    negative_loglik = staticmethod(_nll)

    def p_alive(self, frequency, recency, T):
        """P(still alive | x, t_x, T) = 1 / (1 + δ(x>0) a/(b+x-1) ((α+T)/(α+t_x))^(r+x)).

        Note 021's closed form, the reciprocal of the denominator of eq. 10.
        """
        r, alpha, a, b = self.theta()
        x, tx, T_ = check_frt(frequency, recency, T)
        log_ratio = _log_dropped_odds(r, alpha, a, b, x, tx, T_)
        out = np.where(x > 0, 1.0 / (1.0 + np.exp(np.minimum(log_ratio, 700))), 1.0)
        return like(out, frequency)

    def expected_purchases(self, t, frequency, recency, T):
        """E[Y(t) | x, t_x, T]: expected purchases in the next ``t`` time units (eq. 10)."""
        r, alpha, a, b = self.theta()
        x, tx, T_ = check_frt(frequency, recency, T)
        t = as_array(t, "t", lo=0)
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T_ + t))
        first = (a + b + x - 1) / (a - 1)
        second = 1 - ((alpha + T_) / (alpha + T_ + t)) ** (r + x) * hyp
        log_ratio = _log_dropped_odds(r, alpha, a, b, x, tx, T_)
        denom = 1 + np.where(x > 0, np.exp(np.minimum(log_ratio, 700)), 0.0)
        return like(first * second / denom, frequency)

    def expected_purchases_new(self, t):
        """E[X(t)]: expected repeat purchases in ``t`` time units of a new customer (eq. 9)."""
        r, alpha, a, b = self.theta()
        t = as_array(t, "t", lo=0)
        hyp = special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
        out = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp)
        return float(out) if np.ndim(out) == 0 else out

    def probability_of_n_purchases(self, t, n):
        """P(X(t) = n): probability of exactly ``n`` repeat purchases in ``t`` (eq. 8)."""
        r, alpha, a, b = self.theta()
        t = as_array(t, "t", lo=0)
        n = as_array(n, "n", lo=0)
        t, n = np.broadcast_arrays(t, n)
        lb = special.betaln(a, b)
        log_q = np.log(alpha) - np.log(alpha + t)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_nb = (special.gammaln(r + n) - special.gammaln(r) - special.gammaln(n + 1)
                      + r * log_q + n * (np.log(t) - np.log(alpha + t)))
            log_nb = np.where((n == 0), r * log_q, log_nb)
        term1 = np.exp(special.betaln(a, b + n) - lb + log_nb)
        # 1 - sum_{j<n} NB(j): the NB cdf up to n-1 via the regularised incomplete beta
        cdf = special.betainc(r, np.maximum(n, 1), alpha / (alpha + t))  # P(NB <= n-1)
        tail = 1 - cdf
        with np.errstate(divide="ignore", invalid="ignore"):
            term2 = np.where(n > 0,
                             np.exp(special.betaln(a + 1, np.maximum(b + n - 1, 1e-300)) - lb)
                             * tail, 0.0)
        out = term1 + term2
        return float(out) if np.ndim(out) == 0 else out


def fit_bgnbd(frequency, recency, T, *, initial=None) -> BGNBDFit:
    """Fit the BG/NBD model by maximum likelihood (the sum over customers of log eq. 6).

    ``frequency`` = repeat purchases x, ``recency`` = t_x, ``T`` = age of the customer,
    all in the same time unit (see :func:`crmsim.analysis.summary_data_from_log`). Returns
    a frozen :class:`BGNBDFit` with parameters ``r, alpha, a, b``, their standard errors
    (from the inverse numerical Hessian of the negative log-likelihood) and the
    log-likelihood. ``initial`` optionally gives starting values (r, alpha, a, b).
    """
    x, tx, T_ = check_frt(frequency, recency, T, fit=True)
    if x.size == 0:
        raise invalid("frequency", shown(frequency), "at least one customer")
    if not np.any(x > 0):
        raise invalid("frequency", shown(frequency), "at least one repeat buyer (frequency > "
                      "0): without repeats the dropout process cannot be estimated")
    (ux, utx, uT), w = compress(x, tx, T_)
    if initial is None:  # rate r / alpha near the observed repeat rate
        initial = (1.0, rate_scale_start(x, T_), 1.0, 1.0)
    x0 = starting_values(initial, 4)
    params, se, ll = fit_ml(lambda p: _nll(p, ux, utx, uT, w),
                            lambda p: _nll_grad(p, ux, utx, uT, w), x0,
                            list(BGNBDFit.param_names),
                            scale=[1.0, max(float(np.mean(T_)), 1e-12), 1.0, 1.0],
                            model="BG/NBD", data_name="frequency", data=frequency)
    return BGNBDFit(params=params, se=se, loglik=ll, n=int(x.size))


def expected_cumulative_transactions(bgnbd: BGNBDFit, first_purchase, times):
    """Model-expected cumulative repeat purchases of all customers at each of ``times``.

    ``first_purchase`` holds each customer's first-purchase time and ``times`` the
    calendar times, both in the model's time unit. Sums E[X(s - t0)] (eq. 9) over
    customers already acquired at ``s`` (the paper's cumulative tracking check);
    customers are grouped by first-purchase time for speed.
    """
    check_fit_type("bgnbd", bgnbd, BGNBDFit, "fit_bgnbd")
    t0, counts = np.unique(as_array(first_purchase, "first_purchase"), return_counts=True)
    s = as_array(times, "times")
    if np.ndim(s) != 1:
        raise invalid("times", shown(times), "a list of times (one dimension)")
    age = s[:, None] - t0[None, :]
    ex = np.zeros_like(age)
    pos = age > 0
    ex[pos] = bgnbd.expected_purchases_new(age[pos])
    return ex @ counts

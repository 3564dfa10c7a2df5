"""MBG/NBD: Batislam, Denizel & Filiztekin (2007), "Empirical validation and comparison of
models for customer base analysis" (International Journal of Research in Marketing 24(3),
201-209), with the erratum of Wagner & Hoppe (2008).

The BG/NBD of :mod:`~crmsim.analysis.btyd.bgnbd` with one change: the dropout coin
p ~ Beta(a, b) is also tossed right after the *first* purchase, so one-time buyers may
already be gone. The paper's Appendix A derives the expressions below; "FHL eq. n" points
to the BG/NBD counterpart in Fader, Hardie & Lee (2005).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import special

from crmsim.analysis._common import as_array, like
from crmsim.analysis.btyd.base import CountFit, check_frt, count_data, fit_ml, rate_scale_start

__all__ = ["MBGNBDFit", "fit_mbgnbd"]


def _terms(params, x, tx, T):
    """Log of the common factor and of the 'alive at T' / 'dropped after t_x' terms."""
    r, alpha, a, b = params
    base = (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
            - special.betaln(a, b))
    alive = special.betaln(a, b + x + 1) - (r + x) * np.log(alpha + T)
    dead = special.betaln(a + 1, b + x) - (r + x) * np.log(alpha + tx)
    return base, alive, dead


def _nll(params, x, tx, T, w):
    return _nll_grad(params, x, tx, T, w, grad=False)[0]


def _nll_grad(params, x, tx, T, w, grad=True):
    """Negative log-likelihood and its analytic gradient.

    L = E[(1-p)^(x+1)] NB(x, T) + E[p (1-p)^x] NB(x, t_x): alive after the first purchase
    and all x repeats, or dropped right after the last purchase (at time 0 when x = 0);
    BG/NBD's eq. 6 with the extra toss, and no δ(x>0).
    """
    r, alpha, a, b = params
    base, t1, t2 = _terms(params, x, tx, T)
    lse = np.logaddexp(t1, t2)
    nll = -float(np.sum(w * (base + lse)))
    if not grad:
        return nll, None
    w1, w2 = np.exp(t1 - lse), np.exp(t2 - lse)  # posterior weights: alive / dropped
    psi = special.digamma
    p_all = psi(a + b + x + 1)
    log_aT, log_atx = np.log(alpha + T), np.log(alpha + tx)
    d_r = psi(r + x) - psi(r) + np.log(alpha) - w1 * log_aT - w2 * log_atx
    d_alpha = r / alpha - (r + x) * (w1 / (alpha + T) + w2 / (alpha + tx))
    d_a = -(psi(a) - psi(a + b)) + w1 * (psi(a) - p_all) + w2 * (psi(a + 1) - p_all)
    d_b = -(psi(b) - psi(a + b)) + w1 * (psi(b + x + 1) - p_all) + w2 * (psi(b + x) - p_all)
    g = -np.array([np.sum(w * d) for d in (d_r, d_alpha, d_a, d_b)])
    return nll, g


@dataclass(frozen=True)
class MBGNBDFit(CountFit):
    """A fitted MBG/NBD model: parameters ``r, alpha, a, b``, standard errors, log-likelihood.

    Purchase rates λ ~ Gamma(r, α); dropout probability p ~ Beta(a, b), tossed right after
    the first purchase and after every repeat purchase. Time is in the unit of the data.
    P(alive) = 1 / (1 + a/(b+x) ((α+T)/(α+t_x))^(r+x)) (Appendix A, eq. 5) comes from
    the likelihood terms (:meth:`CountFit.p_alive`).
    """

    param_names: ClassVar[tuple] = ("r", "alpha", "a", "b")
    likelihood_terms = staticmethod(_terms)
    negative_loglik = staticmethod(_nll)

    def expected_purchases(self, t, frequency, recency, T):
        """E[purchases in the next ``t`` time units | x, t_x, T].

        P(alive) times the BG/NBD-type expectation (FHL eq. 10) under the posterior
        λ ~ Gamma(r + x, α + T), p ~ Beta(a, b + x + 1):
        (a+b+x)/(a-1) [1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; t/(α+T+t))].
        """
        r, alpha, a, b = self.theta()
        x, tx, T_ = check_frt(frequency, recency, T)
        t = as_array(t, "t")
        z = t / (alpha + T_ + t)
        hyp = special.hyp2f1(r + x, b + x + 1, a + b + x, z)
        cond = (a + b + x) / (a - 1) * (1 - np.exp((r + x) * np.log1p(-z)) * hyp)
        return like(cond * np.asarray(self.p_alive(x, tx, T_)), frequency)

    def expected_purchases_new(self, t):
        """E[X(t)]: expected repeat purchases in ``t`` time units of a newly acquired customer.

        b/(a-1) [1 - (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))], the analogue of FHL eq. 9.
        """
        r, alpha, a, b = self.theta()
        t = as_array(t, "t")
        z = t / (alpha + t)
        out = b / (a - 1) * (1 - np.exp(r * np.log1p(-z)) * special.hyp2f1(r, b + 1, a + b, z))
        return float(out) if np.ndim(out) == 0 else out


def fit_mbgnbd(frequency, recency, T, *, initial=None) -> MBGNBDFit:
    """Fit the MBG/NBD model by maximum likelihood.

    Same inputs as :func:`crmsim.analysis.fit_bgnbd`: ``frequency`` = repeat purchases
    x, ``recency`` = t_x, ``T`` = age, all in one time unit. ``initial`` optionally gives
    starting values (r, alpha, a, b). Returns a frozen :class:`MBGNBDFit`.
    """
    x, _, T_, ((ux, utx, uT), w) = count_data(frequency, recency, T, "fit_mbgnbd")
    if initial is None:
        initial = (1.0, rate_scale_start(x, T_), 1.0, 1.0)
    params, se, ll = fit_ml(lambda p: _nll(p, ux, utx, uT, w),
                            lambda p: _nll_grad(p, ux, utx, uT, w),
                            np.array(initial, dtype=float), list(MBGNBDFit.param_names),
                            scale=[1.0, max(float(np.mean(T_)), 1e-12), 1.0, 1.0],
                            model="MBG/NBD", data_name="frequency", data=frequency)
    return MBGNBDFit(params=params, se=se, loglik=ll, n=int(x.size))

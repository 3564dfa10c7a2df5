"""Buy-till-you-die (BTYD) models beyond BG/NBD: MBG/NBD and Pareto/NBD.

All three models describe a non-contractual customer base from frequency ``x`` (repeat
purchases), recency ``t_x`` and age ``T``: purchases follow a Poisson process with rate
λ ~ Gamma(r, α) while the customer is "alive", and each customer silently drops out
(客户流失) at some unobserved moment. They differ only in *when* dropout can happen:

* BG/NBD (Fader, Hardie & Lee 2005; :func:`crmsim.analysis.clv.fit_bgnbd`): a coin with
  dropout probability p ~ Beta(a, b) is tossed after every *repeat* purchase, so a
  customer without repeats is always alive.
* MBG/NBD (Batislam, Denizel & Filiztekin 2007; :func:`fit_mbgnbd`): the coin is also
  tossed right after the *first* purchase, so one-time buyers may already be gone.
* Pareto/NBD (Schmittlein, Morrison & Colombo 1987; :func:`fit_pareto_nbd`): dropout
  happens in continuous time, an exponential lifetime with rate μ ~ Gamma(s, β),
  independent of λ. Expressions follow Fader & Hardie (2005), "A Note on Deriving the
  Pareto/NBD Model and Related Expressions".

Fits use the same maximum-likelihood machinery as :mod:`crmsim.analysis.clv` (optimised
on log-parameters; standard errors from the numerical Hessian) and return frozen result
objects with ``params``, ``se``, ``loglik``, ``n`` and pure prediction methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import special

from crmsim.analysis._common import as_array
from crmsim.analysis.clv import _compress, _fit_ml, _frt, _params_table, _wrap, fit_bgnbd
from crmsim.errors import CrmsimError, invalid

__all__ = [
    "BTYD_MODELS",
    "MBGNBDFit",
    "ParetoNBDFit",
    "fit_btyd",
    "fit_mbgnbd",
    "fit_pareto_nbd",
]


def _prepare(frequency, recency, T, who):
    """Validated arrays plus the unique (x, t_x, T) rows and their counts."""
    x, tx, T_ = _frt(frequency, recency, T)
    if x.size == 0:
        raise CrmsimError(f"{who} needs at least one customer")
    return x, tx, T_, _compress(x, tx, T_)


def _default_rate_scale(x, T_):
    """Starting value for α (or β): mean age over mean purchases, so r / α is near the rate."""
    return max(float(np.mean(T_)) / (float(np.mean(x)) + 1.0), 1e-3)


# --------------------------------------------------------------------------- MBG/NBD
def _mbgnbd_terms(params, x, tx, T):
    """Log of the common factor and of the 'alive at T' / 'dropped after t_x' terms."""
    r, alpha, a, b = params
    base = (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
            - special.betaln(a, b))
    alive = special.betaln(a, b + x + 1) - (r + x) * np.log(alpha + T)
    dead = special.betaln(a + 1, b + x) - (r + x) * np.log(alpha + tx)
    return base, alive, dead


def _mbgnbd_nll(params, x, tx, T, w):
    return _mbgnbd_nll_grad(params, x, tx, T, w, grad=False)[0]


def _mbgnbd_nll_grad(params, x, tx, T, w, grad=True):
    """MBG/NBD negative log-likelihood and its analytic gradient.

    L = E[(1-p)^(x+1)] NB(x, T) + E[p (1-p)^x] NB(x, t_x): alive after the first purchase
    and all x repeats, or dropped right after the last purchase (at time 0 when x = 0).
    """
    r, alpha, a, b = params
    base, t1, t2 = _mbgnbd_terms(params, x, tx, T)
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
class _CountModelFit:
    """What MBG/NBD and Pareto/NBD fits share: parameters, their table, likelihood, P(alive).

    A subclass names its parameters (``_names``) and its per-customer likelihood terms
    (``_terms``, ``_nll``), as static functions of (params, x, t_x, T)."""

    params: dict
    se: dict
    loglik: float
    n: int

    _names: ClassVar[tuple] = ()

    def summary(self):
        """Parameter table with estimate, standard error and a 95% Wald interval."""
        return _params_table(self.params, self.se)

    def _p(self):
        return tuple(self.params[k] for k in self._names)

    def log_likelihood(self, frequency, recency, T) -> float:
        """Total log-likelihood of customers (x, t_x, T) under these parameters."""
        x, tx, T_ = _frt(frequency, recency, T)
        return -type(self)._nll(self._p(), x, tx, T_, np.ones_like(x))

    def p_alive(self, frequency, recency, T):
        """P(still alive | x, t_x, T)."""
        x, tx, T_ = _frt(frequency, recency, T)
        _, t1, t2 = type(self)._terms(self._p(), x, tx, T_)
        return _wrap(special.expit(t1 - t2), frequency)


@dataclass(frozen=True)
class MBGNBDFit(_CountModelFit):
    """A fitted MBG/NBD model: parameters ``r, alpha, a, b``, standard errors, log-likelihood.

    Purchase rates λ ~ Gamma(r, α); dropout probability p ~ Beta(a, b), tossed right after
    the first purchase and after every repeat purchase. Time is in the unit of the data.
    """

    _names: ClassVar[tuple] = ("r", "alpha", "a", "b")
    _nll = staticmethod(_mbgnbd_nll)
    _terms = staticmethod(_mbgnbd_terms)

    def expected_purchases(self, t, frequency, recency, T):
        """E[purchases in the next ``t`` time units | x, t_x, T].

        P(alive) times the BG/NBD-type expectation under the posterior λ ~ Gamma(r + x,
        α + T), p ~ Beta(a, b + x + 1): (a+b+x)/(a-1) [1 - ((α+T)/(α+T+t))^(r+x)
        2F1(r+x, b+x+1; a+b+x; t/(α+T+t))].
        """
        r, alpha, a, b = self._p()
        x, tx, T_ = _frt(frequency, recency, T)
        t = as_array(t, "t")
        z = t / (alpha + T_ + t)
        hyp = special.hyp2f1(r + x, b + x + 1, a + b + x, z)
        cond = (a + b + x) / (a - 1) * (1 - np.exp((r + x) * np.log1p(-z)) * hyp)
        return _wrap(cond * np.asarray(self.p_alive(x, tx, T_)), frequency)

    def expected_purchases_new(self, t):
        """E[X(t)]: expected repeat purchases in ``t`` time units of a newly acquired customer.

        b/(a-1) [1 - (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))] (Batislam et al. 2007).
        """
        r, alpha, a, b = self._p()
        t = as_array(t, "t")
        z = t / (alpha + t)
        out = b / (a - 1) * (1 - np.exp(r * np.log1p(-z)) * special.hyp2f1(r, b + 1, a + b, z))
        return float(out) if np.ndim(out) == 0 else out


def fit_mbgnbd(frequency, recency, T, *, initial=None) -> MBGNBDFit:
    """Fit the MBG/NBD model by maximum likelihood (Batislam, Denizel & Filiztekin 2007).

    Same inputs as :func:`crmsim.analysis.clv.fit_bgnbd`: ``frequency`` = repeat purchases
    x, ``recency`` = t_x, ``T`` = age, all in one time unit. ``initial`` optionally gives
    starting values (r, alpha, a, b). Returns a frozen :class:`MBGNBDFit`.
    """
    x, _, T_, ((ux, utx, uT), w) = _prepare(frequency, recency, T, "fit_mbgnbd")
    if initial is None:
        initial = (1.0, _default_rate_scale(x, T_), 1.0, 1.0)
    params, se, ll = _fit_ml(lambda p: _mbgnbd_nll(p, ux, utx, uT, w),
                             lambda p: _mbgnbd_nll_grad(p, ux, utx, uT, w),
                             np.array(initial, dtype=float), ["r", "alpha", "a", "b"],
                             scale=[1.0, max(float(np.mean(T_)), 1e-12), 1.0, 1.0],
                             model="MBG/NBD", data_name="frequency", data=frequency)
    return MBGNBDFit(params=params, se=se, loglik=ll, n=int(x.size))


# --------------------------------------------------------------------------- Pareto/NBD
def _pnbd_log_f(r, alpha, s, beta, x, t):
    """log of 2F1(...)/(max(α,β)+t)^(r+s+x), the antiderivative piece of Fader-Hardie eq. 22.

    The hypergeometric argument is kept in [0, 1) by expanding around the larger of α and
    β (the two branches of the note), where scipy's ``hyp2f1`` is accurate.
    """
    rsx = r + s + x
    if alpha >= beta:
        hyp = special.hyp2f1(rsx, s + 1, rsx + 1, (alpha - beta) / (alpha + t))
        return np.log(hyp) - rsx * np.log(alpha + t)
    hyp = special.hyp2f1(rsx, r + x, rsx + 1, (beta - alpha) / (beta + t))
    return np.log(hyp) - rsx * np.log(beta + t)


def _pnbd_terms(params, x, tx, T):
    """Log of the common factor and of the 'alive at T' / 'died in (t_x, T]' terms.

    L = Γ(r+x) α^r β^s / Γ(r) [ (α+T)^-(r+x) (β+T)^-s + s/(r+s+x) A0 ] with
    A0 = F(t_x) - F(T); evaluated in log space as log F(t_x) + log1p(-F(T)/F(t_x)).
    """
    r, alpha, s, beta = params
    base = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    f_tx = _pnbd_log_f(r, alpha, s, beta, x, tx)
    f_T = _pnbd_log_f(r, alpha, s, beta, x, T)
    with np.errstate(divide="ignore"):  # t_x == T: no time left to die in, A0 = 0
        log_a0 = f_tx + np.log1p(-np.exp(np.minimum(f_T - f_tx, 0.0)))
    dead = np.log(s) - np.log(r + s + x) + log_a0
    return base, alive, dead


def _pnbd_nll(params, x, tx, T, w):
    base, t1, t2 = _pnbd_terms(params, x, tx, T)
    return -float(np.sum(w * (base + np.logaddexp(t1, t2))))


def _pnbd_nll_grad(params, x, tx, T, w):
    """NLL and its central-difference gradient (2F1 has no handy parameter derivative)."""
    theta = np.asarray(params, dtype=float)
    g = np.empty_like(theta)
    for i in range(theta.size):
        h = 1e-6 * theta[i]
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        g[i] = (_pnbd_nll(up, x, tx, T, w) - _pnbd_nll(down, x, tx, T, w)) / (2 * h)
    return _pnbd_nll(theta, x, tx, T, w), g


def _growth(s, u):
    """(1 - (1+u)^-(s-1)) / (s-1), continuous at s = 1 (where it is log(1+u))."""
    k = s - 1.0
    lg = np.log1p(u)
    if abs(k) < 1e-10:
        return lg
    return -np.expm1(-k * lg) / k


@dataclass(frozen=True)
class ParetoNBDFit(_CountModelFit):
    """A fitted Pareto/NBD model: parameters ``r, alpha, s, beta``, SEs and log-likelihood.

    Purchase rates λ ~ Gamma(r, α) and dropout rates μ ~ Gamma(s, β), independent; each
    customer's lifetime is exponential with rate μ. Time is in the unit of the data.
    """

    _names: ClassVar[tuple] = ("r", "alpha", "s", "beta")
    _nll = staticmethod(_pnbd_nll)
    _terms = staticmethod(_pnbd_terms)

    def expected_purchases(self, t, frequency, recency, T):
        """E[purchases in the next ``t`` time units | x, t_x, T] (Fader & Hardie note, eq. 23).

        P(alive) (r+x)(β+T) / ((α+T)(s-1)) [1 - ((β+T)/(β+T+t))^(s-1)].
        """
        r, alpha, s, beta = self._p()
        x, tx, T_ = _frt(frequency, recency, T)
        t = as_array(t, "t")
        cond = (r + x) / (alpha + T_) * (beta + T_) * _growth(s, t / (beta + T_))
        return _wrap(cond * np.asarray(self.p_alive(x, tx, T_)), frequency)

    def expected_purchases_new(self, t):
        """E[X(t)] of a newly acquired customer: r β / (α (s-1)) [1 - (β/(β+t))^(s-1)]."""
        r, alpha, s, beta = self._p()
        t = as_array(t, "t")
        out = r / alpha * beta * _growth(s, t / beta)
        return float(out) if np.ndim(out) == 0 else out


def fit_pareto_nbd(frequency, recency, T, *, initial=None) -> ParetoNBDFit:
    """Fit the Pareto/NBD model by maximum likelihood (Schmittlein, Morrison & Colombo 1987).

    Same inputs as :func:`crmsim.analysis.clv.fit_bgnbd`. ``initial`` optionally gives
    starting values (r, alpha, s, beta). Returns a frozen :class:`ParetoNBDFit`. Slower
    than the BG-type fits: the likelihood needs a Gaussian hypergeometric function and a
    numerical gradient.
    """
    x, _, T_, ((ux, utx, uT), w) = _prepare(frequency, recency, T, "fit_pareto_nbd")
    if initial is None:
        initial = (1.0, _default_rate_scale(x, T_), 1.0, float(np.mean(T_)) + 1.0)
    params, se, ll = _fit_ml(lambda p: _pnbd_nll(p, ux, utx, uT, w),
                             lambda p: _pnbd_nll_grad(p, ux, utx, uT, w),
                             np.array(initial, dtype=float), ["r", "alpha", "s", "beta"],
                             scale=[1.0, max(float(np.mean(T_)), 1e-12), 1.0,
                                    max(float(np.mean(T_)), 1e-12)],
                             model="Pareto/NBD", data_name="frequency", data=frequency)
    return ParetoNBDFit(params=params, se=se, loglik=ll, n=int(x.size))


# --------------------------------------------------------------------------- choice
#: The buy-till-you-die models by name, each fitted from (frequency, recency, T).
BTYD_MODELS = {"bgnbd": fit_bgnbd, "mbgnbd": fit_mbgnbd, "pareto_nbd": fit_pareto_nbd}


def fit_btyd(frequency, recency, T, *, model: str = "bgnbd", initial=None):
    """Fit one of the buy-till-you-die models in :data:`BTYD_MODELS` by name.

    All fits share ``params``, ``se``, ``loglik``, ``summary()``, ``p_alive()``,
    ``expected_purchases()`` and ``expected_purchases_new()``, so they can be compared
    on the same data (same number of parameters: compare ``loglik`` directly).
    """
    if model not in BTYD_MODELS:
        raise invalid("model", model, "one of " + ", ".join(sorted(BTYD_MODELS)))
    return BTYD_MODELS[model](frequency, recency, T, initial=initial)

"""Small, fast synthetic data with known truth, for exercises, tests and benchmarks.

:func:`bgnbd_log`, :func:`mbgnbd_log` and :func:`pareto_nbd_log` draw customers from
exactly the assumptions of the BG/NBD, MBG/NBD and Pareto/NBD purchase-and-dropout models,
with Gamma-Gamma spending (vectorised numpy, no per-customer loop), so students can check
that the estimators in :mod:`crmsim.analysis.btyd` recover the true parameters. The full
SimPy simulator (``crmsim.simulate``) produces richer data with the same ``true_`` columns.

Shared keyword arguments: purchase rates λ ~ Gamma(``r``, ``alpha``) per time unit
(``time_unit_days`` days, weeks by default); every amount is Gamma(``p``, ν) with
ν ~ Gamma(``q``, ``v``); first purchases at a uniform time in the first
``acquisition_days``; observation lasts ``days`` days from ``start``; ``seed`` makes the
draw reproducible. Each returns ``(customers, transactions)``: customers with
``customer_id``, ``acquisition_time``, ``acquisition_date``, ``true_purchase_rate``, the
model's true dropout parameter, ``true_spend_scale``, ``true_alive`` (at the end) and
``true_dropout_time`` (time units since start, NaN while alive); transactions with
``customer_id``, ``timestamp`` (time units), ``date`` and ``amount``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmsim.errors import check_range

__all__ = ["bgnbd_log", "mbgnbd_log", "pareto_nbd_log"]


def _check(n_customers, days, acquisition_days, **positive):
    check_range("n_customers", n_customers, 1)
    for name, val in positive.items():
        check_range(name, val, 0, lo_open=True)
    check_range("days", days, 0, lo_open=True)
    check_range("acquisition_days", acquisition_days, 0, days)


def _repeat_purchases(rng, lam, window, cap):
    """Poisson(λ) purchase times on (0, window], of which only the first ``cap`` happen.

    Returns ``(cid, u, n_poisson, cap_time)``: customer index and time since the first
    purchase of each purchase that happens, the number of Poisson events in the window,
    and the time of each customer's ``cap``-th event (NaN when the window has fewer).
    """
    n_poisson = rng.poisson(lam * window)
    # the Poisson event times are uniform order statistics on (0, window]
    cid = np.repeat(np.arange(lam.size), n_poisson)
    u = rng.uniform(0.0, 1.0, cid.size) * window[cid]
    order = np.lexsort((u, cid))
    cid, u = cid[order], u[order]
    starts = np.concatenate([[0], np.cumsum(n_poisson)[:-1]])
    rank = np.arange(cid.size) - starts[cid]
    cap_time = np.full(lam.size, np.nan)
    at_cap = rank == (cap[cid] - 1)
    cap_time[cid[at_cap]] = u[at_cap]
    keep = rank < cap[cid]
    return cid[keep], u[keep], n_poisson, cap_time


def _log_frames(rng, t0, cid, u, nu, p, start, time_unit_days, customer_cols):
    """Transactions (first plus repeat purchases, Gamma-Gamma amounts) and customers."""
    n = t0.size
    all_c = np.concatenate([np.arange(n), cid])
    all_t = np.concatenate([t0, t0[cid] + u])
    amounts = rng.gamma(p, 1.0 / nu[all_c])
    order = np.lexsort((all_t, all_c))
    all_c, all_t, amounts = all_c[order], all_t[order], amounts[order]
    start_ts = pd.Timestamp(start)
    to_date = lambda t: start_ts + pd.to_timedelta(t * time_unit_days, unit="D")  # noqa: E731
    transactions = pd.DataFrame({
        "customer_id": all_c.astype("int64") + 1,
        "timestamp": all_t,
        "date": to_date(all_t).floor("D"),
        "amount": np.round(amounts, 2),
    })
    customers = pd.DataFrame({
        "customer_id": np.arange(1, n + 1, dtype="int64"),
        "acquisition_time": t0,
        "acquisition_date": to_date(t0).floor("D"),
        **customer_cols,
    })
    return customers, transactions


def bgnbd_log(
    n_customers: int = 1000,
    *,
    r: float = 0.25,
    alpha: float = 4.0,
    a: float = 0.8,
    b: float = 2.5,
    p: float = 6.0,
    q: float = 4.0,
    v: float = 15.0,
    days: int = 546,
    acquisition_days: int = 84,
    time_unit_days: float = 7.0,
    start="2020-01-01",
    seed: int | None = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate a transaction log from BG/NBD purchasing and Gamma-Gamma spending.

    Repeat purchases at rate λ ~ Gamma(r, α); after each *repeat* purchase the customer
    drops out with probability ``true_dropout_prob`` ~ Beta(a, b) (Fader, Hardie & Lee
    2005). Defaults are close to the CDNOW estimates (weeks). See the module docstring
    for the shared arguments and the returned columns.
    """
    _check(n_customers, days, acquisition_days, r=r, alpha=alpha, a=a, b=b, p=p, q=q, v=v)
    rng = np.random.default_rng(seed)
    n = int(n_customers)
    horizon = days / time_unit_days
    lam = rng.gamma(r, 1.0 / alpha, n)
    drop = rng.beta(a, b, n)
    nu = rng.gamma(q, 1.0 / v, n)
    t0 = rng.uniform(0.0, acquisition_days / time_unit_days, n)
    age = horizon - t0
    # repeats before dropout K ~ Geometric(p) on 1, 2, ...; it drops out after the K-th
    k = rng.geometric(np.clip(drop, 1e-12, 1.0))
    cid, u, n_poisson, cap_time = _repeat_purchases(rng, lam, age, k)
    return _log_frames(rng, t0, cid, u, nu, p, start, time_unit_days, {
        "true_purchase_rate": lam,
        "true_dropout_prob": drop,
        "true_spend_scale": nu,
        "true_alive": n_poisson < k,
        "true_dropout_time": t0 + cap_time,
    })


def mbgnbd_log(
    n_customers: int = 1000,
    *,
    r: float = 0.5,
    alpha: float = 6.0,
    a: float = 0.9,
    b: float = 1.6,
    p: float = 6.0,
    q: float = 4.0,
    v: float = 15.0,
    days: int = 546,
    acquisition_days: int = 84,
    time_unit_days: float = 7.0,
    start="2020-01-01",
    seed: int | None = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate a transaction log from MBG/NBD purchasing and Gamma-Gamma spending.

    Like :func:`bgnbd_log`, but the dropout coin with probability ``true_dropout_prob`` ~
    Beta(a, b) is also tossed right after the *first* purchase (Batislam, Denizel &
    Filiztekin 2007): a customer may never come back. Defaults are close to the CDNOW
    MBG/NBD estimates (r=0.525, α=6.18, a=0.891, b=1.61 in weeks).
    """
    _check(n_customers, days, acquisition_days, r=r, alpha=alpha, a=a, b=b, p=p, q=q, v=v)
    rng = np.random.default_rng(seed)
    n = int(n_customers)
    horizon = days / time_unit_days
    lam = rng.gamma(r, 1.0 / alpha, n)
    drop = rng.beta(a, b, n)
    nu = rng.gamma(q, 1.0 / v, n)
    t0 = rng.uniform(0.0, acquisition_days / time_unit_days, n)
    age = horizon - t0
    # repeats before dropout K ~ Geometric(p) on 0, 1, ...; K = 0: gone at the first purchase
    k = rng.geometric(np.clip(drop, 1e-12, 1.0)) - 1
    cid, u, n_poisson, cap_time = _repeat_purchases(rng, lam, age, k)
    return _log_frames(rng, t0, cid, u, nu, p, start, time_unit_days, {
        "true_purchase_rate": lam,
        "true_dropout_prob": drop,
        "true_spend_scale": nu,
        "true_alive": n_poisson < k,
        "true_dropout_time": t0 + np.where(k == 0, 0.0, cap_time),
    })


def pareto_nbd_log(
    n_customers: int = 1000,
    *,
    r: float = 0.55,
    alpha: float = 10.58,
    s: float = 0.61,
    beta: float = 11.67,
    p: float = 6.0,
    q: float = 4.0,
    v: float = 15.0,
    days: int = 546,
    acquisition_days: int = 84,
    time_unit_days: float = 7.0,
    start="2020-01-01",
    seed: int | None = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate a transaction log from Pareto/NBD purchasing and Gamma-Gamma spending.

    Each customer buys at rate λ ~ Gamma(r, α) for an exponential lifetime with rate
    ``true_dropout_rate`` μ ~ Gamma(s, β) per time unit, independent of λ (Schmittlein,
    Morrison & Colombo 1987). Defaults are the CDNOW estimates in weeks (Fader & Hardie
    2005: r=0.55, α=10.58, s=0.61, β=11.67).
    """
    _check(n_customers, days, acquisition_days, r=r, alpha=alpha, s=s, beta=beta, p=p, q=q,
           v=v)
    rng = np.random.default_rng(seed)
    n = int(n_customers)
    horizon = days / time_unit_days
    lam = rng.gamma(r, 1.0 / alpha, n)
    mu = rng.gamma(s, 1.0 / beta, n)
    nu = rng.gamma(q, 1.0 / v, n)
    t0 = rng.uniform(0.0, acquisition_days / time_unit_days, n)
    age = horizon - t0
    with np.errstate(divide="ignore"):  # μ can underflow to 0: an endless lifetime
        lifetime = rng.standard_exponential(n) / mu
    alive = lifetime > age
    no_cap = np.full(n, np.iinfo(np.int64).max)
    cid, u, _, _ = _repeat_purchases(rng, lam, np.minimum(lifetime, age), no_cap)
    return _log_frames(rng, t0, cid, u, nu, p, start, time_unit_days, {
        "true_purchase_rate": lam,
        "true_dropout_rate": mu,
        "true_spend_scale": nu,
        "true_alive": alive,
        "true_dropout_time": np.where(alive, np.nan, t0 + lifetime),
    })

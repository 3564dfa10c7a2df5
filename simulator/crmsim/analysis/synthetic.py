"""Small, fast synthetic data with known truth, for exercises, tests and benchmarks.

:func:`bgnbd_log` draws customers from exactly the BG/NBD and Gamma-Gamma assumptions
(vectorised numpy, no per-customer loop), so students can check that the estimators in
:mod:`crmsim.analysis.clv` recover the true parameters. The full SimPy simulator
(``crmsim.simulate``) produces richer data with the same ``true_`` columns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmsim.errors import check_range

__all__ = ["bgnbd_log"]


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

    Each customer makes a first purchase at a uniform time in the first
    ``acquisition_days``, then repeat purchases at rate λ ~ Gamma(r, α) per time unit
    (``time_unit_days`` days, weeks by default) and drops out after each repeat purchase
    with probability p ~ Beta(a, b); every amount is Gamma(p, ν) with ν ~ Gamma(q, v).
    Observation lasts ``days`` days. Returns ``(customers, transactions)``: customers with
    ``customer_id``, ``acquisition_date``, ``true_purchase_rate``, ``true_dropout_prob``,
    ``true_spend_scale``, ``true_alive``, ``true_dropout_time`` (time units since start);
    transactions with ``customer_id``, ``timestamp`` (time units), ``date`` and ``amount``.
    """
    check_range("n_customers", n_customers, 1)
    for name, val in {"r": r, "alpha": alpha, "a": a, "b": b, "p": p, "q": q, "v": v}.items():
        check_range(name, val, 0, lo_open=True)
    check_range("days", days, 0, lo_open=True)
    check_range("acquisition_days", acquisition_days, 0, days)
    rng = np.random.default_rng(seed)
    n = int(n_customers)
    horizon = days / time_unit_days
    lam = rng.gamma(r, 1.0 / alpha, n)
    drop = rng.beta(a, b, n)
    nu = rng.gamma(q, 1.0 / v, n)
    t0 = rng.uniform(0.0, acquisition_days / time_unit_days, n)
    age = horizon - t0
    # repeats before dropout K ~ Geometric(p) on 1, 2, ...; Poisson count in (0, age]
    k = rng.geometric(np.clip(drop, 1e-12, 1.0))
    n_poisson = rng.poisson(lam * age)
    n_obs = np.minimum(n_poisson, k)
    alive = n_poisson < k
    # the Poisson event times are uniform order statistics on (0, age]
    cid = np.repeat(np.arange(n), n_poisson)
    u = rng.uniform(0.0, 1.0, cid.size) * age[cid]
    order = np.lexsort((u, cid))
    cid, u = cid[order], u[order]
    starts = np.concatenate([[0], np.cumsum(n_poisson)[:-1]])
    rank = np.arange(cid.size) - starts[cid]
    keep = rank < n_obs[cid]
    dropout_time = np.full(n, np.nan)
    last_rank = rank == (k[cid] - 1)  # the K-th repeat purchase, after which it drops out
    dropout_time[cid[last_rank]] = t0[cid[last_rank]] + u[last_rank]
    cid, u = cid[keep], u[keep]
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
        "true_purchase_rate": lam,
        "true_dropout_prob": drop,
        "true_spend_scale": nu,
        "true_alive": alive,
        "true_dropout_time": dropout_time,
    })
    return customers, transactions

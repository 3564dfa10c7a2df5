"""Scores: customer equity of the customer base plus cumulative profit, and the leaderboard.

Customer equity (客户资产) is the value of the customers a team holds at the end of a round:
customers alive x the retention-based CLV of :func:`crmsim.analysis.simple_clv`
(Gupta & Lehmann 2003) with

* margin: the round's profit excluding acquisition spending, per customer alive at the
  end of the round (what the base earned net of service, strategies and discounts);
* retention: the share of customers alive at the start of the round who are still alive
  at its end (the simulator's truth: the game master may use it, the teams cannot see it);
  in a round where nobody was a customer at its start, the share of the round's new
  customers still alive at its end;
* discount rate per round from the game's yearly ``discount_rate``, summed over
  ``equity_rounds`` future rounds.

Score = cumulative profit (market profit minus reports bought and money events wasted)
+ customer equity at the end of the latest closed round.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmsim.analysis import simple_clv
from crmsim.result import headline
from crmsim.sim.scenarios import DAYS_PER_YEAR


def round_discount(settings: dict) -> float:
    """Discount rate per round from the yearly rate."""
    return (1.0 + settings["discount_rate"]) ** (settings["round_days"] / DAYS_PER_YEAR) - 1.0


def market_profit(res, t0: float, t1: float, *, acquisition: bool = True) -> float:
    """Ledger profit booked in ``[t0, t1)`` (optionally without the acquisition account)."""
    led = res.ledger
    ts = led["timestamp"].to_numpy(float)
    keep = (ts >= t0) & (ts < t1)
    if not acquisition:
        keep &= (led["account"].astype(str) != "acquisition").to_numpy()
    return float(led["amount"].to_numpy(float)[keep].sum())


def retention(res, t0: float, t1: float) -> float:
    """True share of the customers alive at ``t0`` still alive at ``t1`` (see module doc)."""
    c = res.customers
    acq_t = c["acquisition_time"].to_numpy(float)
    drop = c["true_dropout_time"].to_numpy(float)
    acquired = c["acquired"].to_numpy(bool)
    alive_end = c["true_alive"].to_numpy(bool)
    with np.errstate(invalid="ignore"):
        at_start = acquired & (acq_t < t0) & (np.isnan(drop) | (drop >= t0))
        base = at_start if at_start.any() else acquired & (acq_t >= t0) & (acq_t < t1)
    if not base.any():
        return 0.0
    return float((alive_end & base).sum() / base.sum())


def customer_equity(res, t0: float, t1: float, settings: dict) -> dict:
    """Customer equity at ``t1`` and its parts: alive, margin per customer, retention."""
    alive = int(res.customers["true_alive"].sum())
    r = retention(res, t0, t1)
    margin = market_profit(res, t0, t1, acquisition=False) / alive if alive else 0.0
    clv = simple_clv(margin, r, round_discount(settings), horizon=settings["equity_rounds"])
    return {"alive": alive, "margin_per_customer": margin, "retention": r,
            "clv": float(clv), "customer_equity": float(alive * clv)}


def round_results(res, t0: float, t1: float, settings: dict, *, report_cost: float,
                  event_cost: float, previous_profit: float) -> dict:
    """Everything a team learns about its round (JSON-ready numbers)."""
    mp = market_profit(res, t0, t1)
    profit = mp - report_cost - event_cost
    ce = customer_equity(res, t0, t1, settings)
    tx = res.transactions
    in_round = (tx["timestamp"].to_numpy(float) >= t0) & (tx["timestamp"].to_numpy(float) < t1)
    acq = res.customers["acquisition_time"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        new = int(((acq >= t0) & (acq < t1)).sum())
    totals = headline(res)
    return {
        "revenue": float(tx.loc[in_round, "amount"].sum()),
        "orders": int(tx.loc[in_round, "order_id"].nunique()),
        "new_customers": new,
        "customers_acquired_so_far": int(totals["customers_acquired"]),
        "market_profit": mp,
        "report_cost": float(report_cost),
        "event_cost": float(event_cost),
        "profit": profit,
        "cumulative_profit": previous_profit + profit,
        **ce,
        "score": previous_profit + profit + ce["customer_equity"],
    }


def leaderboard(rows: list[dict]) -> pd.DataFrame:
    """Rank teams by score after their latest closed round.

    ``rows``: ``{"team", "round", **round_results}`` per team and round. Columns: rank,
    team, round, score, cumulative_profit, customer_equity, alive, retention.
    """
    cols = ["rank", "team", "round", "score", "cumulative_profit", "customer_equity", "alive",
            "retention"]
    if not rows:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(rows).sort_values(["team", "round"]).groupby("team").tail(1)
    df = df.sort_values(["score", "team"], ascending=[False, True]).reset_index(drop=True)
    df["rank"] = np.arange(1, len(df) + 1)
    return df[cols]

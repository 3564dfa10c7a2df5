"""Profit by lifecycle stage on a panel of the same customers (lecture 2, the six stages:
``course/02-lifecycle.md``).

Each ledger row about a customer is assigned the stage the firm had the customer
in at that moment (the stage reviews are in the event log); money before the
first review, i.e. the first purchase and its acquisition cost, belongs to
development. Dividing by the time each customer spent in each stage gives profit
per customer-day (or week) by stage. Restricting to customers who went through
the stages compared keeps the panel the same, so the profile comes from how
relationships evolve, not from who happens to be in which stage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmsim.sim.lifecycle import STAGES

ACCOUNTS = {"revenue": None, "gross_margin": None, "service_cost": ("seats", "calls")}


def stage_spells(res) -> pd.DataFrame:
    """One row per (customer, stage spell): customer_id, stage, start, end."""
    ch = res.events[res.events["kind"] == "stage_change"]
    ch = ch[["customer_id", "timestamp", "to_stage"]].sort_values(["customer_id", "timestamp"],
                                                                  kind="stable")
    end = ch.groupby("customer_id")["timestamp"].shift(-1).fillna(res.scenario.horizon)
    return pd.DataFrame({"customer_id": ch["customer_id"].to_numpy(),
                         "stage": ch["to_stage"].astype(str).to_numpy(),
                         "start": ch["timestamp"].to_numpy(), "end": end.to_numpy()})


def profit_by_stage(res, *, panel: tuple[str, ...] = ("development", "growth", "maturity"),
                    stages: tuple[str, ...] = STAGES[1:]) -> pd.DataFrame:
    """Money per customer per time unit in each stage, over customers who lived through
    every stage in ``panel``.

    Columns: stage, customers, customer_time, orders_per_time, revenue, cost_to_serve
    (calls and strategies' per-customer spending), profit: all per customer per time
    unit; ``order_value``: mean paid per order.
    """
    spells = stage_spells(res)
    seen = spells.groupby("customer_id")["stage"].agg(set)
    members = seen[seen.map(lambda s: set(panel) <= s)].index
    spells = spells[spells["customer_id"].isin(members)]
    led = res.ledger[res.ledger["customer_id"].isin(members)].sort_values("timestamp")
    led = pd.merge_asof(led, spells[["customer_id", "start", "stage"]].sort_values("start"),
                        left_on="timestamp", right_on="start", by="customer_id",
                        direction="backward", allow_exact_matches=False)
    led["stage"] = led["stage"].fillna("development")
    acc = led["account"].astype(str)
    led["revenue"] = np.where((acc == "sales") | acc.str.startswith("discount:"),
                              led["amount"], 0.0)
    led["cost_to_serve"] = -np.where((acc == "calls") | acc.str.startswith("strategy:"),
                                     led["amount"], 0.0)
    tx = res.transactions.drop_duplicates("order_id")
    tx = tx[tx["customer_id"].isin(members)].sort_values("timestamp")
    tx = pd.merge_asof(tx, spells[["customer_id", "start", "stage"]].sort_values("start"),
                       left_on="timestamp", right_on="start", by="customer_id",
                       direction="backward", allow_exact_matches=False)
    tx["stage"] = tx["stage"].fillna("development")
    paid = res.transactions.groupby("order_id")["amount"].sum()
    tx["paid"] = tx["order_id"].map(paid)
    time = (spells["end"] - spells["start"]).groupby(spells["stage"]).sum()
    money = led.groupby("stage")[["revenue", "cost_to_serve", "amount"]].sum()
    orders = tx.groupby("stage").agg(orders=("order_id", "size"), paid=("paid", "sum"))
    rows = []
    for s in stages:
        t = float(time.get(s, 0.0))
        if t <= 0:
            continue
        mo = money.loc[s] if s in money.index else pd.Series(0.0, index=money.columns)
        n_orders = int(orders["orders"].get(s, 0))
        rows.append({"stage": s, "customers": int(spells.loc[spells["stage"] == s,
                                                             "customer_id"].nunique()),
                     "customer_time": t, "orders_per_time": n_orders / t,
                     "order_value": orders["paid"].get(s, np.nan) / max(n_orders, 1),
                     "revenue": mo["revenue"] / t, "cost_to_serve": mo["cost_to_serve"] / t,
                     "profit": mo["amount"] / t})
    return pd.DataFrame(rows)

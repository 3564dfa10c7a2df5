"""The money ledger: every movement of money, booked exactly once, where the money moves.

One row per booking: when, which customer (-1 for the firm as a whole), which
account, how much (positive = money in, negative = money out). KPIs, the run
summary, ``compare`` and reports are sums over this one table, so a cost can
never be counted twice and every number can be traced to its rows.

Accounts
--------
=====================  ======================================================
``sales``              list value of the goods sold (+)
``discount:<name>``    price cut granted by strategy ``<name>`` (-): lowers
                       the price paid, never the cost of the goods
``cost_of_goods``      unit cost of the goods sold (-)
``acquisition``        acquisition campaign contacts and onboarding of new
                       customers (-)
``seats``              call-centre seats of the base scenario (-)
``calls``              handling cost of each service call (-)
``strategy:<name>``    everything strategy ``<name>`` spends: contacts, rewards,
                       points, extra seats, follow-up calls, programmes (-)
=====================  ======================================================

revenue = sales + discounts; gross margin = revenue + cost_of_goods;
profit = the sum of every row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BASE_ACCOUNTS = ("sales", "cost_of_goods", "acquisition", "seats", "calls")


class Ledger:
    """Append-only bookings, kept as arrays (vectorised) until the run ends."""

    def __init__(self):
        self._parts: list[tuple] = []
        self._rows: list[tuple] = []  # single bookings (one call, one follow-up)
        self._accounts: dict[str, int] = {a: i for i, a in enumerate(BASE_ACCOUNTS)}

    def code(self, account: str) -> int:
        return self._accounts.setdefault(account, len(self._accounts))

    def book(self, t, customer, account: str, amount) -> None:
        """Book ``amount`` (scalar or one per customer) on ``account`` at time(s) ``t``."""
        if isinstance(customer, int | np.integer) and np.ndim(amount) == 0:
            if amount != 0:
                self._rows.append((float(t), int(customer), self.code(account), float(amount)))
            return
        customer = np.atleast_1d(np.asarray(customer, np.int64))
        if customer.size == 0:
            return
        amount = np.broadcast_to(np.asarray(amount, float), customer.shape)
        keep = amount != 0
        if not keep.any():
            return
        t = np.broadcast_to(np.asarray(t, float), customer.shape)
        self._parts.append((t[keep].copy(), customer[keep].copy(),
                            np.full(int(keep.sum()), self.code(account), np.int16),
                            amount[keep].copy()))

    def frame(self) -> pd.DataFrame:
        """Bookings sorted by time, account and customer (columns: see ``schema.LEDGER``)."""
        parts = list(self._parts)
        if self._rows:
            t, c, a, x = zip(*self._rows, strict=True)
            parts.append((np.array(t), np.array(c, np.int64), np.array(a, np.int16),
                          np.array(x)))
        if parts:
            t, c, a, x = (np.concatenate(cols) for cols in zip(*parts, strict=True))
        else:
            t, c, a, x = np.array([]), np.array([], np.int64), np.array([], np.int16), np.array([])
        names = sorted(self._accounts, key=self._accounts.get)
        order = np.lexsort((c, a, t))
        return pd.DataFrame({
            "timestamp": t[order],
            "customer_id": c[order],
            "account": pd.Categorical.from_codes(a[order], categories=names),
            "amount": x[order],
        })


def money_columns(ledger: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per-row contributions of ``ledger`` to each KPI money column (same length as rows).

    revenue, discounts, cost_of_goods, gross_margin, acquisition_cost,
    service_cost, strategy_cost, profit: costs are positive numbers here.
    """
    acc = ledger["account"].astype("category")
    names = np.asarray(acc.cat.categories, str)
    codes = acc.cat.codes.to_numpy()
    x = ledger["amount"].to_numpy(float)

    def part(mask_of_names):
        return np.where(np.asarray(mask_of_names, bool)[codes], x, 0.0)

    sales = part(names == "sales")
    disc = part(np.char.startswith(names, "discount:"))
    cogs = part(names == "cost_of_goods")
    return {
        "revenue": sales + disc,
        "discounts": -disc,
        "cost_of_goods": -cogs,
        "gross_margin": sales + disc + cogs,
        "acquisition_cost": -part(names == "acquisition"),
        "service_cost": -part((names == "seats") | (names == "calls")),
        "strategy_cost": -part(np.char.startswith(names, "strategy:")),
        "profit": x,
    }


def by_account(ledger: pd.DataFrame) -> pd.DataFrame:
    """Total per account, largest outflow first (a trial balance)."""
    out = (ledger.groupby("account", observed=True)["amount"].agg(["sum", "size"])
           .rename(columns={"sum": "amount", "size": "bookings"}).reset_index())
    return out.sort_values("amount", kind="stable").reset_index(drop=True)


def strategy_spend(ledger: pd.DataFrame, name: str) -> float:
    """What strategy ``name`` cost the firm: its spending plus the discounts it granted."""
    acc = ledger["account"].astype(str)
    mask = (acc == f"strategy:{name}") | (acc == f"discount:{name}")
    return float(-ledger.loc[mask, "amount"].sum())

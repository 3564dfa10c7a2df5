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

from crmsim.sim.tables import sorted_frame

BASE_ACCOUNTS = ("sales", "cost_of_goods", "acquisition", "seats", "calls")


COLUMNS = ("timestamp", "customer_id", "account", "amount")


class Ledger:
    """Append-only bookings, kept as arrays per column (vectorised) until the run ends."""

    def __init__(self):
        self._cols: dict[str, list] = {c: [] for c in COLUMNS}
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
        for name, values in zip(COLUMNS, (t[keep], customer[keep],
                                          np.full(int(keep.sum()), self.code(account), np.int16),
                                          amount[keep]), strict=True):
            self._cols[name].append(values.copy())

    def frame(self) -> pd.DataFrame:
        """Bookings sorted by time, account and customer (columns: see ``schema.LEDGER``);
        the ledger is emptied (large runs would otherwise hold every booking twice)."""
        if self._rows:
            for name, values, dtype in zip(COLUMNS, zip(*self._rows, strict=True),
                                           (float, np.int64, np.int16, float), strict=True):
                self._cols[name].append(np.array(values, dtype))
            self._rows = []
        cols, self._cols = self._cols, {c: [] for c in COLUMNS}
        names = sorted(self._accounts, key=self._accounts.get)
        return sorted_frame(cols, ("timestamp", "account", "customer_id"),
                            {"account": lambda codes: pd.Categorical.from_codes(
                                codes, categories=names)},
                            {"timestamp": float, "customer_id": np.int64, "account": np.int16,
                             "amount": float})


def totals_by(ledger: pd.DataFrame, key: np.ndarray, n: int) -> pd.DataFrame:
    """Sum of the ledger per account for each group ``key`` (integers 0..n-1, one per row):
    a wide table, one row per group and one column per account."""
    acc = ledger["account"].astype("category")
    names = list(acc.cat.categories)
    codes = acc.cat.codes.to_numpy().astype(np.int64)
    flat = np.bincount(np.asarray(key, np.int64) * len(names) + codes,
                       weights=ledger["amount"].to_numpy(float), minlength=n * len(names))
    return pd.DataFrame(flat[: n * len(names)].reshape(n, len(names)), columns=names)


def money_columns(totals: pd.DataFrame) -> dict[str, np.ndarray]:
    """KPI money columns from a wide table of per-account sums (see :func:`totals_by`).

    revenue, discounts, cost_of_goods, gross_margin, acquisition_cost,
    service_cost, strategy_cost, profit: costs are positive numbers here.
    """
    cols = totals.columns.astype(str)

    def total(mask):
        return totals.loc[:, np.asarray(mask, bool)].sum(axis=1).to_numpy(float)

    sales = total(cols == "sales")
    disc = total(cols.str.startswith("discount:"))
    cogs = total(cols == "cost_of_goods")
    return {
        "revenue": sales + disc,
        "discounts": -disc,
        "cost_of_goods": -cogs,
        "gross_margin": sales + disc + cogs,
        "acquisition_cost": -total(cols == "acquisition"),
        "service_cost": -total((cols == "seats") | (cols == "calls")),
        "strategy_cost": -total(cols.str.startswith("strategy:")),
        "profit": totals.sum(axis=1).to_numpy(float),
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

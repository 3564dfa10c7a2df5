"""Shared input checks and small helpers for the analysis modules (not public API)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmsim.errors import CrmsimError


def check_columns(df: pd.DataFrame, cols, what: str = "log") -> None:
    """Raise a one-line :class:`CrmsimError` naming any missing column."""
    if not isinstance(df, pd.DataFrame):
        raise CrmsimError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in cols if c is not None and c not in df.columns]
    if missing:
        raise CrmsimError(
            f"{what} is missing column(s) {missing}; it has {list(df.columns)} "
            "(pass customer_col=, date_col=, amount_col= to use other names)"
        )


def to_timestamp(value, name: str = "cutoff") -> pd.Timestamp:
    """Convert a date-like value to a Timestamp with a clear error."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise CrmsimError(f"{name}={value!r} is invalid: expected a date") from None
    if ts is pd.NaT:
        raise CrmsimError(f"{name}={value!r} is invalid: expected a date, not NaT")
    return ts


def occasions(
    log: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = "amount",
    order_col: str | None = "order_id",
) -> pd.DataFrame:
    """Collapse order lines into purchase occasions (one row per basket).

    A basket is one ``order_col`` value when that column exists, else one
    (customer, date) pair. Returns columns customer, date (first line's date) and
    amount (sum of the lines), sorted by customer and date.
    """
    cols = [customer_col, date_col] + ([amount_col] if amount_col else [])
    check_columns(log, cols)
    if order_col is not None and order_col in log.columns:
        keys = [order_col]
        agg = {customer_col: "first", date_col: "min"}
    else:
        keys = [customer_col, date_col]
        agg = {}
    if amount_col:
        agg[amount_col] = "sum"
    if agg:
        out = log.groupby(keys, sort=False, observed=True).agg(agg).reset_index()
    else:
        out = log[keys].drop_duplicates()
    out = out[cols].sort_values([customer_col, date_col], kind="stable")
    return out.reset_index(drop=True)


def as_array(x, name: str) -> np.ndarray:
    """Float array from a Series/list/scalar with a clear error for non-numeric input."""
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        raise CrmsimError(f"{name} must be numeric") from None
    return arr


def get_ax(ax=None, figsize=(6.4, 4.8)):
    """Return ``ax`` or a fresh Axes on a new figure (never calls ``plt.show``)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax

"""Shared input checks and small helpers for the analysis modules (not public API)."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from crmsim.errors import check_range, invalid
from crmsim.i18n import get_language


class _Shown:
    """A value shown by a short one-line description instead of its (multi-line) repr."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def shown(value, width: int = 60):
    """``value`` itself when its repr is short and on one line, else a one-line summary."""
    if isinstance(value, pd.DataFrame):
        cols = list(value.columns)
        more = ", ..." if len(cols) > 6 else ""
        return _Shown(f"<DataFrame: {len(value)} rows, columns "
                      f"{str(cols[:6])[:-1]}{more}]>")
    if isinstance(value, np.generic):  # numpy scalars print as np.float64(...) otherwise
        value = value.item()
    if isinstance(value, (pd.Series, np.ndarray, list, tuple)) and np.size(value) > 6:
        return _Shown(f"<{type(value).__name__} of {np.size(value)} values>")
    text = repr(value)
    if len(text) > width or "\n" in text:
        return _Shown(f"<{type(value).__name__}: {' '.join(text.split())[:width - 5]}...>")
    return value


def check_frame(df, what: str = "log") -> pd.DataFrame:
    """Raise a one-line :class:`CrmsimError` unless ``df`` is a pandas DataFrame."""
    if not isinstance(df, pd.DataFrame):
        raise invalid(what, shown(df), "a pandas DataFrame")
    return df


def check_columns(df: pd.DataFrame, cols, what: str = "log") -> None:
    """Raise a one-line :class:`CrmsimError` naming any missing column."""
    check_frame(df, what)
    missing = [c for c in cols if c is not None and c not in df.columns]
    if missing:
        raise invalid(what, shown(df), f"a table with column(s) {missing} (missing column; "
                      "pass customer_col=, date_col=, amount_col= to use other names)")


def check_not_empty(df, what: str = "log") -> None:
    """Raise unless the table (or array) has at least one row."""
    if len(df) == 0:
        raise invalid(what, shown(df), "at least one row (it is empty)")


def _first_bad(values: pd.Series, bad) -> tuple:
    """(label, value) of the first entry where the boolean array ``bad`` is True."""
    i = int(np.flatnonzero(np.asarray(bad))[0])
    return shown(values.index[i]), shown(values.iloc[i])


def numeric_column(df: pd.DataFrame, col, what: str = "log", *, lo=None, lo_open=False,
                   allow_nan: bool = False) -> np.ndarray:
    """Check that column ``col`` holds finite numbers (>= or > ``lo``); return it as floats.

    Text (e.g. amounts read as strings, which pandas would concatenate when summing),
    booleans, NaN, infinities and values below ``lo`` raise a one-line error naming the
    column, the first bad value and its row. The table itself is not changed.
    """
    s = df[col]
    name = f"{what}[{col!r}]"
    if pd.api.types.is_bool_dtype(s.dtype):
        raise invalid(name, shown(s.iloc[0]) if len(s) else "bool", "numbers, not True/False")
    if not pd.api.types.is_numeric_dtype(s.dtype):
        kind = pd.api.types.infer_dtype(s, skipna=True)
        if kind not in ("integer", "floating", "mixed-integer-float", "decimal", "empty"):
            notnum = [not isinstance(v, numbers.Real) or isinstance(v, bool)
                      for v in s.to_numpy()]
            notnum = np.asarray(notnum) & s.notna().to_numpy()
            if notnum.any():
                row, v = _first_bad(s, notnum)
                raise invalid(name, shown(v), f"numbers, not {type(v).__name__} "
                              f"(first bad value at row {row!r}; convert with pd.to_numeric)")
    try:
        arr = s.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise invalid(name, shown(s), "numbers") from None
    if not allow_nan and np.isnan(arr).any():
        row, v = _first_bad(s, np.isnan(arr))
        raise invalid(name, shown(v), f"numbers, not missing (first missing at row {row!r})")
    if np.isinf(arr).any():
        row, v = _first_bad(s, np.isinf(arr))
        raise invalid(name, shown(v), f"finite numbers (first infinite at row {row!r})")
    if lo is not None:
        with np.errstate(invalid="ignore"):
            low = arr <= lo if lo_open else arr < lo
        if low.any():
            row, v = _first_bad(s, low)
            sign = ">" if lo_open else ">="
            raise invalid(name, shown(v), f"numbers {sign} {lo:g} (first bad value at row "
                          f"{row!r})")
    return arr


def date_column(df: pd.DataFrame, col, what: str = "log") -> pd.Series:
    """Parse column ``col`` as dates (like ``pd.to_datetime``) with a one-line error.

    Numbers are refused (``pd.to_datetime`` would read them as nanoseconds since 1970),
    as are unparseable text and missing dates (NaT).
    """
    s = df[col]
    name = f"{what}[{col!r}]"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        dates = s
    else:
        if pd.api.types.is_numeric_dtype(s.dtype) and len(s):
            raise invalid(name, shown(s.iloc[0]), "dates (datetime64 values or date text), "
                          "not numbers")
        try:
            dates = pd.to_datetime(s)
        except (TypeError, ValueError, OverflowError):
            for row, v in s.items():
                try:
                    pd.Timestamp(v)
                except (TypeError, ValueError, OverflowError):
                    raise invalid(name, shown(v), f"dates (first bad value at row {row!r})"
                                  ) from None
            raise invalid(name, shown(s), "dates in one format") from None
    nat = dates.isna().to_numpy()
    if nat.any():
        row, v = _first_bad(s, nat)
        raise invalid(name, shown(v), f"dates, not missing (first missing at row {row!r})")
    return dates


def check_int(name: str, value, lo=None, hi=None) -> int:
    """Raise unless ``value`` is a whole number in [lo, hi]; return it as int."""
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not ok and isinstance(value, (float, np.floating)) and np.isfinite(value):
        ok = float(value).is_integer()
    lo_s = "-inf" if lo is None else str(lo)
    hi_s = "inf" if hi is None else str(hi)
    if not ok or (lo is not None and value < lo) or (hi is not None and value > hi):
        raise invalid(name, shown(value), f"a whole number in [{lo_s}, {hi_s}]")
    return int(value)


def check_number(name: str, value, lo=None, hi=None, *, lo_open=False, hi_open=False):
    """Raise unless ``value`` is one finite real number within the bounds; return it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not np.isfinite(float(value)):
        raise invalid(name, shown(value), "a finite number")
    check_range(name, value, lo, hi, lo_open=lo_open, hi_open=hi_open)
    return value


def check_choice(name: str, value, choices) -> None:
    """Raise unless ``value`` is one of ``choices``."""
    if not any(value is c or (type(value) is type(c) and value == c) for c in choices):
        raise invalid(name, shown(value), " or ".join(repr(c) for c in choices))


def check_period(name: str, value) -> None:
    """Raise unless ``value`` is a pandas period alias such as 'M', 'Q', 'W' or 'Y'."""
    try:
        pd.Period("2000-01-01", freq=value)
    except (TypeError, ValueError, AttributeError):
        raise invalid(name, shown(value), "a period such as 'W', 'M', 'Q' or 'Y'") from None


def as_flags(x, name: str) -> np.ndarray:
    """Boolean array from True/False or 0/1 values; text such as 'no' is refused."""
    raw = np.asarray(x.to_numpy() if isinstance(x, (pd.Series, pd.Index)) else x)
    if raw.dtype.kind == "b":
        return raw.astype(bool)
    flat = raw.ravel()
    bad = [v for v in flat if not (isinstance(v, (bool, np.bool_, numbers.Real))
                                   and v in (0, 1))]
    if bad:
        raise invalid(name, shown(bad[0]), "True/False (or 1/0) values")
    return raw.astype(bool)


def check_bool(name: str, value) -> None:
    """Raise unless ``value`` is True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise invalid(name, shown(value), "True or False")


def check_log(log, *, customer_col="customer_id", date_col: str | None = "date",
              amount_col: str | None = "amount", what: str = "log"):
    """Validate a transaction log; return its dates parsed (None without ``date_col``).

    One check for every toolkit function that reads a log: a non-empty DataFrame with the
    named columns, no missing customer ids (pandas would silently drop those rows), real
    dates (no NaT) and finite, non-negative amounts (net refunds out first). Row order
    does not matter: every function sorts what it needs.
    """
    check_columns(log, [customer_col, date_col, amount_col], what)
    check_not_empty(log, what)
    ids = log[customer_col]
    if ids.isna().any():
        row, v = _first_bad(ids, ids.isna().to_numpy())
        raise invalid(f"{what}[{customer_col!r}]", shown(v), f"a customer id in every row "
                      f"(first missing at row {row!r})")
    if amount_col is not None:
        numeric_column(log, amount_col, what, lo=0)
    return date_column(log, date_col, what) if date_col is not None else None


def to_timestamp(value, name: str = "cutoff") -> pd.Timestamp:
    """Convert a date-like value to a Timestamp with a clear error."""
    if isinstance(value, (bool, numbers.Number)):
        raise invalid(name, shown(value), "a date, not a number")
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError):
        raise invalid(name, shown(value), "a date") from None
    if ts is pd.NaT:
        raise invalid(name, shown(value), "a date, not NaT")
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


def as_array(x, name: str, *, lo=None, lo_open=False, allow_nan: bool = False) -> np.ndarray:
    """Float array from a Series/list/scalar, refusing text, booleans, NaN and infinities.

    With ``lo`` every value must be >= ``lo`` (> with ``lo_open``). NaN is refused unless
    ``allow_nan``. The error names the parameter and the first bad value.
    """
    raw = np.asarray(x.to_numpy() if isinstance(x, (pd.Series, pd.Index)) else x)
    if raw.dtype.kind == "b":
        raise invalid(name, shown(x), "numbers, not True/False")
    if raw.dtype.kind not in "iuf":
        flat = raw.ravel()
        bad = [v for v in flat if isinstance(v, bool) or not isinstance(v, numbers.Real)]
        if bad:
            raise invalid(name, shown(bad[0]), f"numbers, not {type(bad[0]).__name__}")
    arr = np.asarray(raw, dtype=float)
    flat = arr.ravel()
    if not allow_nan and np.isnan(flat).any():
        raise invalid(name, shown(x), "numbers, not NaN")
    if np.isinf(flat).any():
        raise invalid(name, float(flat[np.isinf(flat)][0]), "finite numbers")
    if lo is not None:
        with np.errstate(invalid="ignore"):
            low = flat <= lo if lo_open else flat < lo
        if low.any():
            raise invalid(name, float(flat[low][0]), f"numbers {'>' if lo_open else '>='} "
                          f"{lo:g}")
    return arr


def same_length(**arrays) -> None:
    """Raise unless the 1-d arrays have one length; Series must also share one index."""
    lengths = {k: int(np.size(v)) for k, v in arrays.items()}
    if len(set(lengths.values())) > 1:
        (k0, n0), *rest = lengths.items()
        k1, n1 = next((k, n) for k, n in rest if n != n0)
        raise invalid(k1, _Shown(f"<{n1} values>"), f"as many values as {k0} ({n0})")
    series = [(k, v) for k, v in arrays.items() if isinstance(v, pd.Series)]
    for k, v in series[1:]:
        if not v.index.equals(series[0][1].index):
            raise invalid(k, shown(v), f"the same index (customers, in the same order) as "
                          f"{series[0][0]}")



def broadcastable(**arrays) -> None:
    """Raise unless the arrays broadcast together (same length, or single values)."""
    shape = ()
    for k, a in arrays.items():
        try:
            shape = np.broadcast_shapes(shape, np.shape(a))
        except ValueError:
            sizes = ", ".join(f"{n}: {np.size(v)}" for n, v in arrays.items())
            raise invalid(k, shown(a), f"as many values as the other inputs, or one value "
                          f"({sizes})") from None


def like(values, template):
    """``values`` as a Series with ``template``'s index when that is a Series, else as is."""
    if isinstance(template, pd.Series):
        return pd.Series(values, index=template.index)
    return values

def get_ax(ax=None, figsize=(6.4, 4.8)):
    """Return ``ax`` or a fresh Axes on a new figure (never calls ``plt.show``); the CJK
    font is registered first, so labels in Chinese (:mod:`crmsim.i18n`) have glyphs."""
    get_language()
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax

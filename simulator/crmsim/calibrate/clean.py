"""Cleaning a shop's log with a report, never silently.

Each rule drops (or changes) rows for one named reason, and the report counts them:
unreadable values, missing customer ids, cancellations and returns, non-positive prices,
exact duplicates, obvious outliers. Invoice lines are then grouped into orders (one
invoice, or one customer and timestamp when there is no invoice number). The rules'
thresholds are the documented parameters of :data:`CLEANING`.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmsim.errors import CrmsimError, invalid
from crmsim.params import Param

CLEANING: dict[str, Param] = {
    "outlier_z": Param(5.0, "robust z of log order value", "an order is an obvious outlier "
                       "when its log value lies more than this many robust standard deviations "
                       "(1.4826 x the median absolute deviation) from the median: 5 is about 1 "
                       "order in 3.5 million under a lognormal; wholesale orders of a retail "
                       "shop (UCI Online Retail's 80,995 units) lie far beyond", lo=1),
    "max_amount": Param(1e12, "currency per order", "an order worth more than this is an "
                        "input error (an id in the price column, a value that overflows); it is "
                        "dropped as an outlier, never summed into an infinite total", lo=0,
                        lo_open=True),
    "min_days": Param(28, "days", "the cleaned log must span at least this long: a purchase "
                      "and dropout model needs repeat purchases to be seen", lo=1, kind="int"),
    "parse_share": Param(0.5, "share of rows", "a column of which fewer than this share "
                         "parses (dates, numbers) is refused instead of cleaned", lo=0, hi=1),
}
SETTINGS = {k: p.default for k, p in CLEANING.items()}
#: Excel stores a date as days since 1899-12-30 (1900 date system)
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
REASONS = ("date that does not parse", "number that does not parse", "missing customer id",
           "cancellation or return", "non-positive price", "exact duplicate",
           "obvious outlier")


@dataclass
class Cleaned:
    """The cleaned log: ``lines`` (every kept row with its ``order_id``), ``orders`` (one row
    per order: customer_id, order_id, date, amount, lines, units) and ``report`` (reason,
    rows, orders) of what was dropped and why."""

    lines: pd.DataFrame
    orders: pd.DataFrame
    report: pd.DataFrame
    layout: str
    rows_read: int


def _text(s: pd.Series) -> pd.Series:
    """Ids as text: whitespace stripped, Excel's 17850.0 back to 17850, blanks missing.

    Each distinct value is normalised once (a log has far fewer ids than rows)."""
    codes, uniques = pd.factorize(pd.Series(s).to_numpy(), use_na_sentinel=True)
    u = pd.Series(uniques, dtype=object).astype(str).str.strip()
    u = u.str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)
    u = u.mask(u.isin(["", "nan", "NaN", "None", "NULL", "null", "NA", "<NA>", "NaT"]))
    values = np.append(u.to_numpy(dtype=object), None)  # code -1 (missing) -> None
    return pd.Series(values[codes], index=s.index, dtype=object)


_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_numbers(s: pd.Series) -> pd.Series:
    """Numbers from numbers or text (currency signs, thousands commas, spaces removed)."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return pd.Series(np.nan, index=s.index)
    if pd.api.types.is_numeric_dtype(s.dtype):
        return s.astype("float64")
    codes, uniques = pd.factorize(s.to_numpy(), use_na_sentinel=True)
    t = pd.Series(uniques, dtype=object).astype(str).str.strip()
    t = t.str.replace(r"[\s$£€¥]", "", regex=True)
    commas = t.str.contains(",", regex=False).fillna(False)
    if commas.any():
        thousands = t.str.match(_THOUSANDS).fillna(False)
        t = t.where(~thousands, t.str.replace(",", "", regex=False))
        t = t.where(thousands | ~commas, t.str.replace(",", ".", regex=False))  # 2,5 = 2.5
    values = np.append(pd.to_numeric(t, errors="coerce").to_numpy(dtype="float64"), np.nan)
    return pd.Series(values[codes], index=s.index)  # each distinct text parsed once


_TZ = re.compile(r"(?:Z|[+-]\d\d:?\d\d)$")


def parse_dates(s: pd.Series) -> pd.Series:
    """Timestamps (naive, UTC wall time for time-zone-aware input) or NaT.

    Accepts datetimes (aware ones are converted to UTC), ISO and other text pandas
    recognises, and Excel serial day numbers (days since 1899-12-30).
    """
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC").dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s.astype("datetime64[ns]")
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        return _excel_days(s.astype("float64"))
    t = s.astype("string").str.strip()
    sample = t.dropna().head(1000)
    if len(sample) and pd.to_numeric(sample, errors="coerce").notna().all():
        return _excel_days(pd.to_numeric(t, errors="coerce"))
    aware = bool(len(sample)) and sample.str.contains(_TZ).mean() > 0.5
    with warnings.catch_warnings():  # "could not infer format": the rows are retried below
        warnings.simplefilter("ignore", UserWarning)
        try:
            out = pd.to_datetime(t, errors="coerce", utc=aware)
        except (ValueError, TypeError, OverflowError):
            out = pd.to_datetime(t, errors="coerce", utc=aware, format="mixed")
    again = out.isna() & t.notna()
    if again.any():  # dates in more than one format: each of the rest on its own
        out = out.copy()
        out[again] = pd.to_datetime(t[again], errors="coerce", utc=aware, format="mixed")
    if isinstance(out.dtype, pd.DatetimeTZDtype):
        out = out.dt.tz_convert("UTC").dt.tz_localize(None)
    return out.astype("datetime64[ns]")


def _excel_days(x: pd.Series) -> pd.Series:
    ok = (x > 1) & (x < 2_958_466)  # 1900-01-01 to 9999-12-31
    days = x.where(ok)
    return (EXCEL_EPOCH + pd.to_timedelta(days, unit="D")).astype("datetime64[ns]")


def _refuse_unparsed(raw: pd.Series, parsed: pd.Series, role: str, what: str, share: float):
    given = raw.notna()
    bad = given & parsed.isna()
    if given.any() and bad.sum() > (1 - share) * given.sum():
        first = raw[bad].iloc[0]
        raise invalid(f"log column {role}", first, f"{what} (this one and {int(bad.sum()) - 1:,}"
                      f" more of {int(given.sum()):,} do not parse)")


def clean(table: pd.DataFrame, layout: str, settings: dict | None = None) -> Cleaned:
    """Apply the rules in order, count each drop, group lines into orders."""
    cfg = {**SETTINGS, **(settings or {})}
    for k, v in cfg.items():
        cfg[k] = CLEANING[k].check(k, v) if k in CLEANING else _unknown(k, v)
    rows_read = len(table)
    df = pd.DataFrame(index=pd.RangeIndex(rows_read))
    dropped: dict[str, list] = {r: [0, 0] for r in REASONS}

    def drop(mask, reason):
        mask = np.asarray(mask, bool)
        dropped[reason][0] += int(mask.sum())
        return ~mask

    df["customer_id"] = _text(table["customer"]).to_numpy()
    df["date"] = parse_dates(table["date"]).to_numpy()
    _refuse_unparsed(table["date"], df["date"], "date", "dates such as 2010-12-01 08:26 or "
                     "Excel day numbers", cfg["parse_share"])
    numbers = [c for c in ("quantity", "unit_price", "amount") if c in table]
    for col in numbers:
        df[col] = parse_numbers(table[col]).to_numpy()
        _refuse_unparsed(table[col], df[col], col, "numbers", cfg["parse_share"])
    for col in ("invoice", "product", "description", "country"):
        if col in table:
            df[col] = _text(table[col]).to_numpy() if col in ("invoice", "product") else \
                table[col].to_numpy()
    if layout == "lines":
        if "quantity" not in df:
            df["quantity"] = 1.0
        df["amount"] = df["quantity"] * df["unit_price"]
    keep = drop(df["date"].isna(), "date that does not parse")
    keep &= drop(keep & df[["amount", *numbers]].isna().any(axis=1).to_numpy(),
                 "number that does not parse")
    keep &= drop(keep & df["customer_id"].isna().to_numpy(), "missing customer id")
    cancelled = (df["amount"] < 0).to_numpy()
    if "quantity" in df:
        cancelled |= (df["quantity"] < 0).to_numpy()
    if "invoice" in df:
        cancelled |= df["invoice"].str.upper().str.startswith("C").fillna(False).to_numpy()
    keep &= drop(keep & cancelled, "cancellation or return")
    price = df["unit_price"] if layout == "lines" else df["amount"]
    keep &= drop(keep & (price <= 0).to_numpy(), "non-positive price")
    df = df[keep]
    dup = df.duplicated(keep="first").to_numpy()
    df = df[drop(dup, "exact duplicate")]
    df = _order_ids(df, layout)
    orders = _orders(df)
    out = _outliers(orders, cfg)
    dropped["obvious outlier"] = [int(orders.loc[out, "lines"].sum()), int(out.sum())]
    if out.any():
        bad = set(orders.loc[out, "order_id"])
        df = df[~df["order_id"].isin(bad)]
        orders = orders[~out].reset_index(drop=True)
    _check_usable(orders, cfg)
    report = pd.DataFrame([{"reason": r, "rows": n, "orders": o} for r, (n, o)
                           in dropped.items()])
    return Cleaned(lines=df.reset_index(drop=True), orders=orders, report=report,
                   layout=layout, rows_read=rows_read)


def _unknown(k, v):
    raise invalid("cleaning setting", k, "one of " + ", ".join(CLEANING))


def _order_ids(df: pd.DataFrame, layout: str) -> pd.DataFrame:
    """An integer ``order_id``: one per invoice (per customer), else per customer and time."""
    keys = ["customer_id", "invoice"] if layout == "lines" and "invoice" in df else \
        ["customer_id", "date"]
    df = df.sort_values(["date", "customer_id"], kind="stable")
    df["order_id"] = df.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    return df


def _orders(df: pd.DataFrame) -> pd.DataFrame:
    """One row per order: its customer, first timestamp, value, lines and units."""
    g = df.groupby("order_id", sort=True)
    orders = pd.DataFrame({
        "customer_id": g["customer_id"].first(),
        "date": g["date"].min(),
        "amount": g["amount"].sum(),
        "lines": g.size(),
        "units": g["quantity"].sum() if "quantity" in df else g.size().astype(float),
    }).reset_index()
    return orders.sort_values(["date", "customer_id", "order_id"], kind="stable") \
        .reset_index(drop=True)


def _outliers(orders: pd.DataFrame, cfg: dict) -> np.ndarray:
    """Orders whose log value is more than ``outlier_z`` robust SDs from the median, or
    worth more than ``max_amount`` (or not finite: a product that overflowed)."""
    a = orders["amount"].to_numpy(float)
    la = np.log(np.maximum(a, 1e-300))
    med = np.median(la) if len(la) else 0.0
    mad = 1.4826 * np.median(np.abs(la - med)) if len(la) else 0.0
    far = np.abs(la - med) > cfg["outlier_z"] * mad if mad > 0 else np.zeros(len(a), bool)
    return far | ~np.isfinite(a) | (a > cfg["max_amount"])


def _check_usable(orders: pd.DataFrame, cfg: dict) -> None:
    if len(orders) == 0:
        raise CrmsimError("log is invalid: expected at least one order left after cleaning "
                          "(every row was dropped; see the cleaning rules)")
    span = (orders["date"].max() - orders["date"].min()) / pd.Timedelta(days=1)
    if span < cfg["min_days"]:
        raise invalid("log", f"{orders['date'].min().date()} to {orders['date'].max().date()}",
                      f"a log spanning at least {cfg['min_days']} days (a purchase model needs "
                      "repeat purchases to be seen)")

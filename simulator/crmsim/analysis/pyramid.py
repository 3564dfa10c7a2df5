"""Customer value pyramid (客户金字塔, ABC analysis) and combined classifications.

Customers ranked by value to the firm are split into VIP (A, top 1%), major (B, next
4%), ordinary (C, next 15%) and small (D, remaining 80%) customers; the summary shows how
much of the value each tier brings, the basis of tiered service. Combined classifications
cross customer loyalty (忠诚度) with credit rating (信用等级) and scale (客户规模).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmsim.analysis._common import (
    as_array,
    check_bool,
    check_choice,
    check_columns,
    check_int,
    check_log,
    check_not_empty,
    get_ax,
    numeric_column,
    shown,
)
from crmsim.errors import invalid
from crmsim.i18n import get_language, t
from crmsim.sim.targeting import TIER_SHARES, TIERS

__all__ = [
    "DEFAULT_TIERS",
    "combined_classification",
    "customer_value",
    "level",
    "plot_pyramid",
    "pyramid_summary",
    "value_pyramid",
]

#: (tier, label, Chinese name, share of customers), from the top of the pyramid down; the
#: tiers and shares are the ones strategies target by (``tier=A|B``, crmsim.sim.targeting)
DEFAULT_TIERS = tuple(zip(TIERS, ("VIP", "major", "ordinary", "small"),
                          ("VIP客户", "主要客户", "普通客户", "小客户"), TIER_SHARES, strict=True))


def customer_value(log: pd.DataFrame, *, customer_col: str = "customer_id",
                   amount_col: str = "amount") -> pd.Series:
    """Total amount per customer: the simplest measure of value to the firm."""
    check_log(log, customer_col=customer_col, date_col=None, amount_col=amount_col)
    return log.groupby(customer_col)[amount_col].sum().rename("value")


def value_pyramid(values, tiers=DEFAULT_TIERS, **log_cols) -> pd.DataFrame:
    """Assign each customer to a value tier (A/B/C/D by default).

    ``values`` is a Series of customer value (e.g. revenue, profit or CLV) indexed by
    customer, or a transaction log (then :func:`customer_value` is used; pass
    ``customer_col=``/``amount_col=``). Customers are ranked by value, ties by id; the
    customer at rank position i (0-based) of n goes to the first tier whose cumulative
    share exceeds i / n, so the top customer is always in tier A. Returns columns
    ``value``, ``rank`` (1 = most valuable), ``tier``, ``tier_label``, ``tier_zh``.
    """
    if isinstance(values, pd.DataFrame):
        values = customer_value(values, **log_cols)
    if not isinstance(values, pd.Series):
        values = pd.Series(values)
    check_not_empty(values, "values")
    as_array(values, "values")
    ok = isinstance(tiers, (list, tuple)) and len(tiers) > 0 and all(
        isinstance(t, (list, tuple)) and len(t) == 4 for t in tiers)
    shares = as_array([t[3] for t in tiers], "tiers shares") if ok else np.array([])
    if not ok or np.any(shares <= 0) or not np.isclose(shares.sum(), 1.0):
        raise invalid("tiers", shown(tiers), "(tier, label, Chinese name, share) tuples "
                      "with shares > 0 summing to 1")
    df = pd.DataFrame({"value": values.astype(float)})
    df["_id"] = np.arange(len(df))
    df = df.sort_values(["value", "_id"], ascending=[False, True], kind="stable")
    n = len(df)
    pos = np.arange(n)
    bounds = np.cumsum(shares) * n - 1e-9
    idx = np.minimum(np.searchsorted(bounds, pos, side="right"), len(tiers) - 1)
    df["rank"] = pos + 1
    df["tier"] = pd.Categorical([tiers[i][0] for i in idx], categories=[t[0] for t in tiers],
                                ordered=True)
    df["tier_label"] = [tiers[i][1] for i in idx]
    df["tier_zh"] = [tiers[i][2] for i in idx]
    return df.drop(columns="_id")


def pyramid_summary(pyramid: pd.DataFrame) -> pd.DataFrame:
    """Per tier: customers, share of customers, total value, share of value, mean value."""
    check_columns(pyramid, ["tier", "value"], what="pyramid")
    check_not_empty(pyramid, "pyramid")
    numeric_column(pyramid, "value", "pyramid")
    g = pyramid.groupby("tier", observed=False)["value"]
    out = pd.DataFrame({"customers": g.size(), "value": g.sum()})
    out["customer_share"] = out["customers"] / out["customers"].sum()
    total = out["value"].sum()
    out["value_share"] = out["value"] / total if total else np.nan
    out["mean_value"] = out["value"] / out["customers"].replace(0, np.nan)
    if "tier_label" in pyramid.columns:
        labels = pyramid.groupby("tier", observed=False)["tier_label"].first()
        out.insert(0, "label", labels)
    return out


def plot_pyramid(summary: pd.DataFrame, ax=None):
    """Draw the value pyramid: one trapezoid layer per tier, annotated with shares.

    Layers have equal height (tier A on top); the text gives each tier's name (Chinese in
    zh for the default tiers), its share of customers and of value. Returns the Axes.
    """
    check_columns(summary, ["customer_share", "value_share"], what="summary")
    check_not_empty(summary, "summary")
    from matplotlib.patches import Polygon

    ax = get_ax(ax)
    k = len(summary)
    chinese = {label: zh for _, label, zh, _ in DEFAULT_TIERS} if get_language() == "zh" else {}
    colors = ["#b2182b", "#ef8a62", "#67a9cf", "#2166ac", "#999999", "#666666"]
    for i, (tier, row) in enumerate(summary.iterrows()):
        top, bottom = k - i, k - i - 1  # layer i spans y in [bottom, top]
        half_top, half_bottom = i / k, (i + 1) / k
        poly = Polygon([(-half_bottom, bottom), (half_bottom, bottom), (half_top, top),
                        (-half_top, top)], closed=True, facecolor=colors[i % len(colors)],
                       edgecolor="white")
        ax.add_patch(poly)
        name = f"{tier} {chinese.get(row['label'], row['label'])}" if "label" in summary \
            else str(tier)
        ax.text(1.05, bottom + 0.5,
                t("plot.pyramid_row", name=name, customers=row["customer_share"],
                  value=row["value_share"]), va="center", fontsize=9)
    ax.set_xlim(-1.05, 2.6)
    ax.set_ylim(0, k)
    ax.set_yticks([k - i - 0.5 for i in range(k)], [str(t) for t in summary.index])
    ax.set_xticks([])
    ax.set_xlabel(t("plot.pyramid_xlabel"))
    ax.set_ylabel(t("plot.tier"))
    ax.set_title(t("plot.pyramid_title"))
    return ax


def level(values, q: int = 3, labels=("low", "medium", "high")) -> pd.Series:
    """Cut a numeric Series into ``q`` equal-count ordered levels (ties broken by position).

    Use it to turn a loyalty measure (e.g. purchase frequency or tenure) or a scale
    measure (e.g. total spend or turnover) into low / medium / high classes.
    """
    s = pd.Series(values)
    as_array(s, "values")
    q = check_int("q", q, 1)
    if isinstance(labels, str) or len(labels) != q:
        raise invalid("labels", shown(labels), f"{q} labels (one per level, q={q})")
    ranks = s.rank(method="first")
    codes = np.clip(np.ceil(ranks.to_numpy() * q / max(len(s), 1)).astype(int), 1, q) - 1
    return pd.Series(pd.Categorical.from_codes(codes, categories=list(labels), ordered=True),
                     index=s.index, name=s.name)


def combined_classification(df: pd.DataFrame, rows="loyalty", columns="credit_rating", *,
                            values: str | None = None, aggfunc: str = "sum",
                            normalize: bool | str = False, margins: bool = False):
    """Crosstab of customer classes, e.g. loyalty x credit rating (客户组合分类).

    ``rows`` and ``columns`` are column names or lists of names, so loyalty x scale x
    credit is ``rows=["loyalty", "scale"], columns="credit_rating"``. Counts customers,
    or aggregates ``values`` (e.g. revenue) with ``aggfunc``. ``normalize`` is passed to
    :func:`pandas.crosstab` (True, "index" or "columns").
    """
    rows = [rows] if isinstance(rows, str) else list(rows)
    columns = [columns] if isinstance(columns, str) else list(columns)
    check_columns(df, rows + columns + ([values] if values else []), what="table")
    check_choice("normalize", normalize, (False, True, "index", "columns", "all"))
    check_bool("margins", margins)
    if values is not None:
        numeric_column(df, values, "table")
    kw = {}
    if values is not None:
        kw = {"values": df[values], "aggfunc": aggfunc}
    return pd.crosstab([df[c] for c in rows], [df[c] for c in columns], normalize=normalize,
                       margins=margins, dropna=False, **kw)

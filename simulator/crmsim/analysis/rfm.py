"""RFM analysis (最近购买 recency、购买频率 frequency、购买金额 monetary value).

RFM describes each customer's buying behaviour with three numbers computed from the
transaction log at a cut-off date, scores them into quintiles and names the segments,
so that a firm can treat "champions" differently from customers "at risk".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmsim.analysis._common import (
    check_choice,
    check_columns,
    check_int,
    check_log,
    check_not_empty,
    get_ax,
    numeric_column,
    occasions,
    shown,
    to_timestamp,
)
from crmsim.errors import invalid
from crmsim.i18n import catalogue, t

__all__ = [
    "RF_SEGMENT_RULES",
    "VALUE8_SEGMENTS",
    "plot_rfm_heatmap",
    "rfm_scores",
    "rfm_segments",
    "rfm_table",
]


def rfm_table(
    log: pd.DataFrame,
    cutoff=None,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    order_col: str | None = "order_id",
    monetary: str = "total",
) -> pd.DataFrame:
    """Recency, frequency and monetary value per customer as seen at ``cutoff``.

    Only purchases on or before ``cutoff`` (default: the last date in the log) count.
    ``recency`` is the number of days from the last purchase to the cut-off,
    ``frequency`` the number of purchase occasions (orders if ``order_col`` exists,
    else distinct customer-date pairs), ``monetary`` the total spend (or the mean spend
    per occasion with ``monetary="mean"``). Also returns ``first_purchase``,
    ``last_purchase`` and ``tenure`` (days from first purchase to the cut-off).
    """
    check_choice("monetary", monetary, ("total", "mean"))
    dates = check_log(log, customer_col=customer_col, date_col=date_col, amount_col=amount_col)
    cutoff = dates.max() if cutoff is None else to_timestamp(cutoff)
    obs = log.loc[(dates <= cutoff).to_numpy()]
    if obs.empty:
        raise invalid("cutoff", shown(cutoff), f"a date on or after the first purchase "
                      f"({dates.min()})")
    if not np.issubdtype(obs[date_col].dtype, np.datetime64):
        obs = obs.assign(**{date_col: pd.to_datetime(obs[date_col])})
    occ = occasions(obs, customer_col=customer_col, date_col=date_col,
                    amount_col=amount_col, order_col=order_col)
    g = occ.groupby(customer_col, sort=True)
    out = pd.DataFrame({
        "first_purchase": g[date_col].min(),
        "last_purchase": g[date_col].max(),
        "frequency": g.size().astype("int64"),
        "total": g[amount_col].sum(),
    })
    out["recency"] = (cutoff - out["last_purchase"]).dt.days.astype("int64")
    out["tenure"] = (cutoff - out["first_purchase"]).dt.days.astype("int64")
    out["monetary"] = out["total"] if monetary == "total" else out["total"] / out["frequency"]
    out.index.name = customer_col
    return out[["recency", "frequency", "monetary", "first_purchase", "last_purchase", "tenure"]]


def _quantile_score(values: pd.Series, bins: int, higher_is_better: bool,
                    ties: str) -> pd.Series:
    ranks = values.rank(method=ties, ascending=higher_is_better)
    n = len(values)
    score = np.ceil(ranks.to_numpy() * bins / n).astype("int64") if n else np.array([], int)
    return pd.Series(np.clip(score, 1, bins), index=values.index)


def rfm_scores(rfm: pd.DataFrame, bins: int = 5, ties: str = "min") -> pd.DataFrame:
    """Add quantile scores ``R``, ``F``, ``M`` (1 = worst, ``bins`` = best) to an RFM table.

    Recent buyers (small recency) score high on R. Customers are ranked and cut into
    ``bins`` groups of equal size (quintiles by default). With ``ties="min"`` equal values
    get the same score (the score of the lowest rank among them), so groups can be uneven
    when many customers share a value (e.g. one purchase); ``ties="first"`` breaks ties by
    order of appearance to force equal-sized groups. Also adds ``RFM`` (cell code such as
    "545") and ``score`` (R + F + M).
    """
    check_columns(rfm, ["recency", "frequency", "monetary"], what="rfm")
    for col in ("recency", "frequency", "monetary"):
        numeric_column(rfm, col, "rfm")
    check_int("bins", bins, 2)
    check_choice("ties", ties, ("min", "first"))
    out = rfm.copy()
    out["R"] = _quantile_score(rfm["recency"], bins, higher_is_better=False, ties=ties)
    out["F"] = _quantile_score(rfm["frequency"], bins, higher_is_better=True, ties=ties)
    out["M"] = _quantile_score(rfm["monetary"], bins, higher_is_better=True, ties=ties)
    out["RFM"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    out["score"] = out["R"] + out["F"] + out["M"]
    return out


#: Segment rules on the R x F quintile grid, applied in order; together they cover all 25
#: cells: (segment, Chinese name, R scores, F scores).
RF_SEGMENT_RULES = (
    ("champions", "冠军客户", (5,), (4, 5)),
    ("loyal", "忠诚客户", (3, 4), (4, 5)),
    ("potential_loyalist", "潜在忠诚客户", (4, 5), (2, 3)),
    ("new_customers", "新客户", (5,), (1,)),
    ("promising", "有潜力客户", (4,), (1,)),
    ("need_attention", "需要关注客户", (3,), (3,)),
    ("about_to_sleep", "即将沉睡客户", (3,), (1, 2)),
    ("cant_lose", "不能失去的客户", (1, 2), (5,)),
    ("at_risk", "流失风险客户", (1, 2), (3, 4)),
    ("hibernating", "沉睡客户", (1, 2), (1, 2)),
)

#: The eight value classes of the Chinese RFM model: each of R, F, M is "high" when it is
#: better than the mean (recency: smaller than the mean). Key: (R high, F high, M high).
VALUE8_SEGMENTS = {
    (True, True, True): ("important_value", "重要价值客户"),
    (True, False, True): ("important_develop", "重要发展客户"),
    (False, True, True): ("important_keep", "重要保持客户"),
    (False, False, True): ("important_retain", "重要挽留客户"),
    (True, True, False): ("general_value", "一般价值客户"),
    (True, False, False): ("general_develop", "一般发展客户"),
    (False, True, False): ("general_keep", "一般保持客户"),
    (False, False, False): ("general_retain", "一般挽留客户"),
}


def rfm_segments(scores: pd.DataFrame, scheme: str = "rf_grid") -> pd.DataFrame:
    """Name each customer's segment; returns ``scores`` with ``segment`` and ``segment_zh``.

    ``scheme="rf_grid"`` uses :data:`RF_SEGMENT_RULES` on the 5 x 5 grid of R and F
    quintile scores (needs :func:`rfm_scores` with ``bins=5``); ``scheme="value8"`` uses
    the eight classes of :data:`VALUE8_SEGMENTS` (high/low against the mean of the raw
    recency, frequency and monetary columns).
    """
    check_choice("scheme", scheme, ("rf_grid", "value8"))
    out = scores.copy()
    if scheme == "rf_grid":
        check_columns(scores, ["R", "F"], what="scores")
        for col in ("R", "F"):
            bad = ~scores[col].isin(range(1, 6)).to_numpy()
            if bad.any():
                raise invalid(f"scores[{col!r}]", shown(scores[col].to_numpy()[bad][0]),
                              "scores 1..5 (from rfm_scores with bins=5)")
        seg = pd.Series(None, index=scores.index, dtype=object)
        zh = seg.copy()
        for name, name_zh, rs, fs in RF_SEGMENT_RULES:
            hit = scores["R"].isin(rs) & scores["F"].isin(fs) & seg.isna()
            seg[hit] = name
            zh[hit] = name_zh
    else:  # value8
        check_columns(scores, ["recency", "frequency", "monetary"], what="scores")
        for col in ("recency", "frequency", "monetary"):
            numeric_column(scores, col, "scores")
        r_hi = scores["recency"] < scores["recency"].mean()
        f_hi = scores["frequency"] > scores["frequency"].mean()
        m_hi = scores["monetary"] > scores["monetary"].mean()
        keys = list(zip(r_hi, f_hi, m_hi, strict=True))
        seg = pd.Series([VALUE8_SEGMENTS[k][0] for k in keys], index=scores.index)
        zh = pd.Series([VALUE8_SEGMENTS[k][1] for k in keys], index=scores.index)
    out["segment"] = seg.astype(object)
    out["segment_zh"] = zh.astype(object)
    return out


def plot_rfm_heatmap(scores: pd.DataFrame, value: str = "monetary", agg: str = "mean",
                     ax=None):
    """Heat map of ``value`` aggregated (``agg``: mean, sum, count) over the R x F score grid.

    Shows where the money sits: the top-right cells hold recent, frequent buyers.
    Returns the matplotlib Axes.
    """
    check_columns(scores, ["R", "F", value], what="scores")
    check_not_empty(scores, "scores")
    numeric_column(scores, value, "scores", allow_nan=True)
    check_choice("agg", agg, ("mean", "sum", "count"))
    grid = scores.pivot_table(index="F", columns="R", values=value, aggfunc=agg)
    grid = grid.sort_index(ascending=False)
    ax = get_ax(ax)
    im = ax.imshow(grid.to_numpy(dtype=float), cmap="YlGnBu", aspect="auto")
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [str(i) for i in grid.index])
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            v = grid.iat[i, j]
            if pd.notna(v):
                ax.text(j, i, f"{v:,.0f}" if abs(v) >= 10 else f"{v:.2g}",
                        ha="center", va="center", fontsize=8)
    ax.set_xlabel(t("plot.r_score"))
    ax.set_ylabel(t("plot.f_score"))
    names = {"agg": t(f"plot.agg.{agg}"), "value": _display(value)}
    ax.set_title(t("plot.rfm_title", **names))
    ax.figure.colorbar(im, ax=ax, label=t("plot.rfm_colorbar", **names))
    return ax


def _display(value: str) -> str:
    """Display name of an RFM column (recency, frequency, monetary), else the name itself."""
    key = f"plot.rfm.{value}"
    return t(key) if key in catalogue() else value

"""CRM reports a team can buy each round: information costs money (as in Customer Centricity).

Each report is a tidy DataFrame computed with :mod:`crmsim.analysis` from the team's own
market at the end of the round. All but the survey use only what the team could compute
from its free customer data itself (buying saves analysis time); the satisfaction survey
reveals what no transaction log shows. Prices are defaults an instructor can change
(``report_prices``); they are assumptions scaled to the default starting budget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmsim import analysis


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    price: float  # currency, default price per purchase
    build: Callable  # (SimulationResult) -> DataFrame


def _log(res) -> pd.DataFrame:
    return res.transactions


def rfm_segment_report(res) -> pd.DataFrame:
    """Customers, mean recency/frequency/monetary per RFM segment (quintile R x F grid)."""
    scores = analysis.rfm_segments(analysis.rfm_scores(analysis.rfm_table(_log(res))))
    g = scores.groupby("segment", observed=True)
    out = pd.DataFrame({"customers": g.size(), "recency_days": g["recency"].mean(),
                        "frequency": g["frequency"].mean(), "monetary": g["monetary"].mean()})
    return out.sort_values("customers", ascending=False).reset_index()


def pyramid_report(res) -> pd.DataFrame:
    """The value pyramid (客户金字塔): customers and revenue per A/B/C/D tier."""
    return analysis.pyramid_summary(analysis.value_pyramid(_log(res))).reset_index()


def cohort_report(res) -> pd.DataFrame:
    """Quarterly acquisition cohorts: share of each cohort buying in later quarters."""
    table = analysis.cohort_retention(_log(res), "Q").reset_index()
    first = table.columns[0]
    table[first] = table[first].astype(str)
    table.columns = ["cohort", *[str(c) for c in table.columns[1:]]]
    return table


def churn_watchlist_report(res, top: int = 50) -> pd.DataFrame:
    """The customers most overdue for their next purchase (recency / mean gap between
    purchases), with their value so far: who to call first."""
    feats = analysis.churn_features(_log(res))
    feats = feats[feats["frequency"] >= 2]
    return (feats.sort_values(["recency_ratio", "monetary"], ascending=[False, False])
            .head(top)[["recency", "frequency", "monetary", "mean_gap", "recency_ratio"]]
            .reset_index())


def satisfaction_survey_report(res) -> pd.DataFrame:
    """A satisfaction survey of current customers by customer type and region: mean
    satisfaction and loyalty (0-1 scales), which the transaction log does not show."""
    c = res.customers
    alive = c[c["true_alive"]]
    g = alive.groupby(["customer_type", "region"], observed=True)
    out = pd.DataFrame({"customers": g.size(),
                        "satisfaction": g["true_satisfaction"].mean().round(3),
                        "loyalty": g["true_loyalty"].mean().round(3)})
    return out.reset_index()


#: every report on sale, by name
REPORTS = {r.name: r for r in [
    Report("rfm_segments", "RFM segments (R x F quintile grid)", 1500.0, rfm_segment_report),
    Report("value_pyramid", "Value pyramid A/B/C/D", 1000.0, pyramid_report),
    Report("cohort_retention", "Quarterly cohort retention", 1000.0, cohort_report),
    Report("churn_watchlist", "Churn watch list: 50 most overdue customers", 2000.0,
           churn_watchlist_report),
    Report("satisfaction_survey", "Satisfaction survey by type and region", 3000.0,
           satisfaction_survey_report),
]}


def build(names, res) -> dict:
    """``{report: {"title", "columns", "rows"}}`` for the reports bought (JSON-ready); a
    report that cannot be computed yet (e.g. no orders) says why instead of failing."""
    out = {}
    for name in names:
        rep = REPORTS[name]
        try:
            df = rep.build(res)
            df = df.replace([np.inf, -np.inf], np.nan)
            rows = [[None if (isinstance(v, float) and v != v) else
                     (round(v, 4) if isinstance(v, float) else v) for v in row]
                    for row in df.astype(object).itertuples(index=False)]
            out[name] = {"title": rep.title, "columns": [str(c) for c in df.columns],
                         "rows": rows}
        except ValueError as exc:
            out[name] = {"title": rep.title, "columns": ["note"],
                         "rows": [[f"not available this round: {exc}"]]}
    return out


def frame(report: dict) -> pd.DataFrame:
    """A stored report back as a DataFrame."""
    return pd.DataFrame(report["rows"], columns=report["columns"])

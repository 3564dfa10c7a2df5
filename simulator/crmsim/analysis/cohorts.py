"""Acquisition cohorts (获客批次): retention matrix and Kaplan-Meier survival.

Customers acquired in the same period form a cohort; the share of each cohort that buys
again k periods later shows whether retention (客户保持) is improving. Kaplan-Meier curves
estimate how long customers stay, handling customers still active at the cut-off
(censored) correctly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmsim.analysis._common import (
    as_array,
    as_flags,
    check_bool,
    check_frame,
    check_int,
    check_log,
    check_not_empty,
    check_period,
    get_ax,
    same_length,
    shown,
    to_timestamp,
)
from crmsim.errors import invalid
from crmsim.i18n import display_label, t

__all__ = [
    "cohort_retention",
    "kaplan_meier",
    "lifetimes_from_log",
    "plot_cohort_heatmap",
    "plot_survival",
]


def cohort_retention(log: pd.DataFrame, period: str = "M", *, normalize: bool = True,
                     customer_col: str = "customer_id", date_col: str = "date") -> pd.DataFrame:
    """Acquisition-cohort retention matrix.

    Rows: cohort = the ``period`` ("M" month, "Q" quarter, "W" week, "Y" year) of each
    customer's first purchase; columns: periods since acquisition (0, 1, 2, ...); cells:
    the share of the cohort buying in that period (counts with ``normalize=False``).
    Column 0 is 1.0 by construction; column ``size`` gives the cohort size; cells a
    cohort has not reached by the end of the log are NaN.
    """
    check_period("period", period)
    check_bool("normalize", normalize)
    dates = check_log(log, customer_col=customer_col, date_col=date_col, amount_col=None)
    per = dates.dt.to_period(period)
    df = pd.DataFrame({"c": log[customer_col].to_numpy(), "p": per.array.asi8})
    df = df.drop_duplicates()
    df["cohort"] = df.groupby("c")["p"].transform("min")
    df["age"] = df["p"] - df["cohort"]
    counts = df.pivot_table(index="cohort", columns="age", values="c", aggfunc="count",
                            fill_value=0)
    # a cohort cannot be observed beyond the last period of the log: missing, not zero
    reach = df["p"].max() - counts.index.to_numpy()
    counts = counts.astype(float).where(counts.columns.to_numpy()[None, :] <= reach[:, None])
    counts.index = pd.PeriodIndex.from_ordinals(counts.index, freq=per.dt.freq)
    counts.index.name = "cohort"
    size = counts[0]
    out = counts.div(size, axis=0) if normalize else counts
    out.insert(0, "size", size.astype("int64"))
    out.columns.name = "periods since acquisition"
    return out


def plot_cohort_heatmap(matrix: pd.DataFrame, ax=None):
    """Heat map of a :func:`cohort_retention` matrix (cohorts down, age across). Returns Axes."""
    check_frame(matrix, "matrix")
    check_not_empty(matrix, "matrix")
    data = matrix.drop(columns="size", errors="ignore")
    ax = get_ax(ax, figsize=(8, 5))
    arr = data.to_numpy(dtype=float)
    n = arr.shape[0]
    im = ax.imshow(arr, cmap="Greens", aspect="auto", vmin=0)
    ax.set_xticks(range(data.shape[1]), [str(c) for c in data.columns])
    ax.set_yticks(range(n), [str(i) for i in data.index])
    ax.set_xlabel(t("plot.periods_since_acquisition"))
    ax.set_ylabel(t("plot.acquisition_cohort"))
    ax.set_title(t("plot.cohort_title"))
    ax.figure.colorbar(im, ax=ax, label=t("plot.retention"))
    return ax


def lifetimes_from_log(log: pd.DataFrame, cutoff=None, *, inactivity_days: int = 180,
                       cohort_period: str = "Q", customer_col: str = "customer_id",
                       date_col: str = "date") -> pd.DataFrame:
    """Observed customer lifetimes for survival analysis, from the log alone.

    A customer counts as lost (event = True) when it has not bought for more than
    ``inactivity_days`` before ``cutoff``; its lifetime then ends at its last purchase.
    Otherwise it is censored at the cut-off. Returns ``cohort``, ``duration`` (days from
    first purchase) and ``event`` per customer. (With simulated data use the true
    dropout times instead and compare.)
    """
    check_int("inactivity_days", inactivity_days, 0)
    check_period("cohort_period", cohort_period)
    dates = check_log(log, customer_col=customer_col, date_col=date_col, amount_col=None)
    cutoff = dates.max() if cutoff is None else to_timestamp(cutoff)
    obs = pd.DataFrame({"c": log[customer_col].to_numpy(), "d": dates.to_numpy()})
    obs = obs[obs["d"] <= cutoff]
    if obs.empty:
        raise invalid("cutoff", shown(cutoff), f"a date on or after the first purchase "
                      f"({dates.min()})")
    g = obs.groupby("c")["d"]
    first, last = g.min(), g.max()
    lost = (cutoff - last).dt.days > inactivity_days
    end = last.where(lost, cutoff)
    out = pd.DataFrame({
        "cohort": first.dt.to_period(cohort_period),
        "duration": (end - first).dt.days.astype(float),
        "event": lost.to_numpy(),
    }, index=first.index)
    out.index.name = customer_col
    return out


def kaplan_meier(durations, events, groups=None) -> pd.DataFrame:
    """Kaplan-Meier survival curve(s) S(t) = prod over event times of (1 - d_i / n_i).

    ``events`` is True where the lifetime ended (churn observed) and False where it is
    censored. With ``groups`` (e.g. cohorts) returns one column per group; the index is
    the time line. Equals ``lifelines.KaplanMeierFitter`` (checked in the tests).
    """
    d = pd.Series(as_array(durations, "durations", lo=0).ravel())
    e = pd.Series(as_flags(events, "events").ravel())
    check_not_empty(d, "durations")
    same_length(durations=d, events=e)
    if groups is not None:
        same_length(durations=d, groups=np.asarray(groups))
        if pd.isna(pd.Series(np.asarray(groups))).any():
            raise invalid("groups", shown(groups), "a group for every lifetime (no missing)")
    if groups is None:
        groups = pd.Series(np.zeros(len(d), dtype=int))
        single = True
    else:
        groups = pd.Series(np.asarray(groups))
        single = False
    timeline = np.unique(np.concatenate([[0.0], d.to_numpy()]))
    curves = {}
    for key, idx in groups.groupby(groups).groups.items():
        dd = d.loc[idx].to_numpy()
        ee = e.loc[idx].to_numpy()
        times, inv = np.unique(dd, return_inverse=True)
        deaths = np.bincount(inv, weights=ee.astype(float), minlength=len(times))
        removed = np.bincount(inv, minlength=len(times))
        at_risk = len(dd) - np.concatenate([[0], np.cumsum(removed)[:-1]])
        surv = np.cumprod(1.0 - deaths / at_risk)
        # step function evaluated on the common timeline
        pos = np.searchsorted(times, timeline, side="right") - 1
        curves[key] = np.where(pos >= 0, surv[np.maximum(pos, 0)], 1.0)
    out = pd.DataFrame(curves, index=pd.Index(timeline, name="timeline"))
    return out.rename(columns={0: "survival"}) if single else out


def plot_survival(curves: pd.DataFrame, ax=None, *, xlabel: str | None = None):
    """Plot survival curves from :func:`kaplan_meier` as step functions (groups named in the
    reader's language where the catalogue knows them; ``xlabel`` defaults
    to "days since acquisition" in the current language). Returns the Axes."""
    check_frame(curves, "curves")
    check_not_empty(curves, "curves")
    ax = get_ax(ax)
    for col in curves.columns:
        ax.step(curves.index, curves[col], where="post",
                label=str(display_label(col, curves.columns.name)))
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(xlabel or t("plot.days_since_acquisition"))
    ax.set_ylabel(t("plot.survival_share"))
    ax.set_title(t("plot.survival_title"))
    if curves.shape[1] > 1:
        ax.legend(title=curves.columns.name or t("plot.group"), fontsize=8)
    return ax

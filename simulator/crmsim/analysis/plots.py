"""Plots comparing estimates with outcomes (among them the BG/NBD fit checks).

Plot functions across :mod:`crmsim.analysis` create a figure only when no ``ax`` is
given, label their axes, never call ``plt.show()`` and work with the Agg backend, so
they run in notebooks, scripts and headless tests alike; each returns the Axes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmsim.analysis._common import (
    as_array,
    as_flags,
    check_int,
    check_log,
    check_number,
    get_ax,
    same_length,
    shown,
    to_timestamp,
)
from crmsim.analysis.btyd.base import check_fit_type
from crmsim.analysis.btyd.bgnbd import BGNBDFit, expected_cumulative_transactions
from crmsim.analysis.truth import align
from crmsim.errors import invalid
from crmsim.i18n import label, t

__all__ = [
    "plot_calibration",
    "plot_clv_distribution",
    "plot_cumulative_transactions",
    "plot_frequency_histogram",
    "plot_predicted_vs_actual",
]


def plot_predicted_vs_actual(predicted, actual, *, max_x: int = 7, ax=None,
                             xlabel: str | None = None,
                             group_by=None):
    """Mean predicted vs mean actual outcome per group (default: the actual values capped
    at ``max_x``; pass ``group_by``, e.g. calibration frequency, for the classic check of
    conditional expectations, Fader, Hardie & Lee 2005, Figure 4). ``xlabel`` defaults to
    "purchases in the calibration period" in the current language. Returns the Axes.
    """
    check_int("max_x", max_x, 0)
    pred, act = align(predicted, actual)
    as_array(pred, "predicted")
    as_array(act, "actual")
    if group_by is not None:
        as_array(group_by, "group_by")
    key = act.clip(upper=max_x) if group_by is None else pd.Series(group_by).reindex(
        pred.index).clip(upper=max_x)
    df = pd.DataFrame({"predicted": pred, "actual": act, "key": key})
    g = df.groupby("key")[["predicted", "actual"]].mean()
    ax = get_ax(ax)
    ax.plot(g.index, g["actual"], marker="o", color="black", label=t("plot.actual"))
    ax.plot(g.index, g["predicted"], marker="s", linestyle="--", color="tab:blue",
            label=t("plot.predicted"))
    ax.set_xlabel(t("plot.capped", label=xlabel or t("plot.calibration_purchases"), n=max_x))
    ax.set_ylabel(t("plot.mean_outcome"))
    ax.set_title(t("plot.predicted_vs_actual"))
    ax.legend()
    return ax


def plot_calibration(probability, truth, *, bins: int = 10, ax=None):
    """Reliability diagram: observed share of True per bin of predicted probability.

    A well-calibrated P(alive) lies on the diagonal. Returns the Axes.
    """
    bins = check_int("bins", bins, 1)
    p, y = align(probability, truth)
    raw = as_array(p, "probability")
    if np.any((raw < 0) | (raw > 1)):
        raise invalid("probability", float(raw[(raw < 0) | (raw > 1)][0]),
                      "probabilities in [0, 1]")
    y = pd.Series(as_flags(y, "truth"), index=y.index)
    edges = np.linspace(0, 1, int(bins) + 1)
    idx = np.clip(np.digitize(p.to_numpy(dtype=float), edges[1:-1]), 0, int(bins) - 1)
    df = pd.DataFrame({"p": p.to_numpy(dtype=float), "y": y.to_numpy(dtype=float), "b": idx})
    g = df.groupby("b").agg(p=("p", "mean"), y=("y", "mean"), n=("y", "size"))
    ax = get_ax(ax)
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label=t("plot.perfect_calibration"))
    ax.plot(g["p"], g["y"], marker="o", label=t("plot.model"))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(t("plot.predicted_probability"))
    ax.set_ylabel(t("plot.observed_share"))
    ax.set_title(t("plot.calibration_title"))
    ax.legend()
    return ax


def plot_clv_distribution(clv, *, bins: int = 50, ax=None, currency: str = ""):
    """Histogram of customer lifetime values with the mean, median and top-20% cut-off.

    CLV is very skewed: a few customers carry most of the value (the pyramid), which
    the marked lines make visible. Returns the Axes.
    """
    check_int("bins", bins, 1)
    values = pd.Series(as_array(clv, "clv", allow_nan=True).ravel()).dropna()
    if values.empty:
        raise invalid("clv", shown(clv), "at least one value that is not NaN")
    ax = get_ax(ax)
    ax.hist(values, bins=int(bins), color="tab:blue", alpha=0.7)
    for x, style, key in ((values.mean(), "-", "plot.mean"), (values.median(), "--", "plot.median"),
                          (values.quantile(0.8), ":", "plot.top20")):
        ax.axvline(x, color="black", linestyle=style, label=f"{t(key)}: {x:,.0f}")
    ax.set_xlabel(t("plot.clv", currency=currency).strip())
    ax.set_ylabel(t("plot.customers"))
    ax.set_title(t("plot.clv_title"))
    ax.legend()
    return ax


def plot_cumulative_transactions(
    bgnbd: BGNBDFit,
    log: pd.DataFrame,
    *,
    calibration_end=None,
    freq_multiplier: float = 1,
    customer_col: str = "customer_id",
    date_col: str = "date",
    ax=None,
):
    """Cumulative repeat purchases over calendar time: actual (from ``log``) vs BG/NBD.

    The model must have been fitted with time in days / ``freq_multiplier`` (e.g. weeks
    with ``freq_multiplier=7``). Purchases are grouped per customer and day; a dashed line
    marks ``calibration_end``. Returns the Axes.
    """
    check_fit_type("bgnbd", bgnbd, BGNBDFit, "fit_bgnbd")
    check_number("freq_multiplier", freq_multiplier, 0, lo_open=True)
    day = check_log(log, customer_col=customer_col, date_col=date_col, amount_col=None)
    day = day.dt.normalize()
    if calibration_end is not None:
        to_timestamp(calibration_end, "calibration_end")
    occ = pd.DataFrame({"c": log[customer_col].to_numpy(), "d": day.to_numpy()})
    occ = occ.drop_duplicates().sort_values(["c", "d"])
    first = occ.groupby("c")["d"].transform("min")
    start = occ["d"].min()
    repeat_days = (occ.loc[occ["d"] > first, "d"] - start).dt.days.to_numpy()
    n_days = int((occ["d"].max() - start).days) + 1
    actual = np.cumsum(np.bincount(repeat_days, minlength=n_days))
    grid = np.arange(n_days) + 1.0  # end of each day
    t0 = ((occ.groupby("c")["d"].min() - start).dt.days.to_numpy() + 1.0) / freq_multiplier
    expected = expected_cumulative_transactions(bgnbd, t0, grid / freq_multiplier)
    ax = get_ax(ax)
    x = start + pd.to_timedelta(np.arange(n_days), unit="D")
    ax.plot(x, actual, label=t("plot.actual"), color="black")
    ax.plot(x, expected, label=t("plot.bgnbd_model"), color="tab:blue", linestyle="--")
    if calibration_end is not None:
        ax.axvline(pd.Timestamp(calibration_end), color="grey", linestyle=":",
                   label=t("plot.end_of_calibration"))
    ax.set_xlabel(label("date"))
    ax.set_ylabel(t("plot.cumulative_repeat"))
    ax.set_title(t("plot.cumulative_title"))
    ax.legend()
    return ax


def plot_frequency_histogram(bgnbd: BGNBDFit, frequency, T, *, max_frequency: int = 7,
                             ax=None):
    """Number of customers with 0, 1, ..., ``max_frequency``+ repeat purchases: actual vs model.

    The model count for x is the sum over customers of P(X(T_i) = x), the calibration
    fit check of Fader, Hardie & Lee (2005, Figure 2). Returns the Axes.
    """
    check_fit_type("bgnbd", bgnbd, BGNBDFit, "fit_bgnbd")
    x = as_array(frequency, "frequency", lo=0)
    T_ = as_array(T, "T", lo=0)
    same_length(frequency=frequency, T=T)
    if T_.ndim != 1 or T_.size == 0:
        raise invalid("T", shown(T), "one age per customer (at least one customer)")
    k = check_int("max_frequency", max_frequency, 1)
    ns = np.arange(k)
    probs = bgnbd.probability_of_n_purchases(T_[:, None], ns[None, :])
    model = np.append(probs.sum(axis=0), len(T_) - probs.sum())
    actual = np.append([np.sum(x == n) for n in ns], np.sum(x >= k))
    ax = get_ax(ax)
    pos = np.arange(k + 1)
    ax.bar(pos - 0.2, actual, width=0.4, label=t("plot.actual"), color="0.3")
    ax.bar(pos + 0.2, model, width=0.4, label=t("plot.bgnbd_model"), color="tab:blue")
    ax.set_xticks(pos, [str(n) for n in ns] + [f"{k}+"])
    ax.set_xlabel(t("plot.repeat_in_calibration"))
    ax.set_ylabel(t("plot.customers"))
    ax.set_title(t("plot.frequency_title"))
    ax.legend()
    return ax

"""Plots comparing estimates with outcomes; every function returns the matplotlib Axes.

Plot functions across :mod:`crmsim.analysis` create a figure only when no ``ax`` is
given, label their axes, never call ``plt.show()`` and work with the Agg backend, so
they run in notebooks, scripts and headless tests alike.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmsim.analysis._common import as_array, as_flags, check_int, get_ax, shown
from crmsim.analysis.truth import align
from crmsim.errors import invalid
from crmsim.i18n import t

__all__ = ["plot_calibration", "plot_clv_distribution", "plot_predicted_vs_actual"]


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

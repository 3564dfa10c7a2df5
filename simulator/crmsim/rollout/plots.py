"""Plots of simulated rollouts: the Gantt chart, adoption and the cumulative net benefit."""

from __future__ import annotations

import numpy as np

from crmsim.errors import invalid
from crmsim.i18n import get_language, t
from crmsim.rollout.model import RolloutResult

_SIDE_COLOURS = {"philosophy": "tab:purple", "technology": "tab:blue",
                 "implementation": "tab:green"}


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
    return ax


def _results(results) -> dict[str, RolloutResult]:
    if isinstance(results, RolloutResult):
        return {"": results}
    if isinstance(results, dict) and results and all(
            isinstance(r, RolloutResult) for r in results.values()):
        return results
    raise invalid("results", results, "a RolloutResult or a dict of label -> RolloutResult")


def plot_gantt(result: RolloutResult, ax=None, chinese: bool = False):
    """Gantt chart of the phases, coloured by iron-triangle side, rework rounds annotated.

    Phases are named in the current language (:mod:`crmsim.i18n`: the textbook's Chinese
    names in zh); ``chinese=True`` adds the Chinese names to the English ones.
    """
    ax = _axes(ax)
    if not isinstance(result, RolloutResult):
        raise invalid("result", result, "a RolloutResult")
    ph = result.phases
    y = np.arange(len(ph))[::-1]
    ax.barh(y, ph["duration"], left=ph["start_week"],
            color=[_SIDE_COLOURS[s] for s in ph["side"]], edgecolor="black", linewidth=0.5)
    for yi, row in zip(y, ph.itertuples(), strict=True):
        if row.rework_count:
            ax.text(row.end_week + 0.3, yi, t("plot.rework", n=row.rework_count), va="center",
                    fontsize=8)
    zh = get_language() == "zh"
    labels = [c if zh else f"{p} {c}" if chinese else p
              for p, c in zip(ph["phase"], ph["chinese"], strict=True)]
    ax.set_yticks(y, labels)
    from matplotlib.patches import Patch

    go_live = ax.axvline(result.summary["go_live_week"], color="red", linestyle="--",
                         label=t("plot.go_live"))
    sides = [Patch(color=colour, label=t(f"side.{side}")) for side, colour in
             _SIDE_COLOURS.items()]
    ax.set(title=t("plot.gantt_title"), xlabel=t("plot.week"), ylabel=t("plot.phase"))
    ax.legend(handles=[*sides, go_live], fontsize=8, loc="upper right")
    return ax


def plot_adoption(results, ax=None):
    """Share of front-line users using the system per week (one line per labelled result)."""
    ax = _axes(ax)
    for label, res in _results(results).items():
        line, = ax.plot(res.weekly["week"], res.weekly["adoption"],
                        label=label or t("plot.adoption"))
        ax.axvline(res.summary["go_live_week"], color=line.get_color(), linestyle=":",
                   linewidth=1)
    ax.set(title=t("plot.adoption_title"), xlabel=t("plot.week"),
           ylabel=t("plot.share_users_active"), ylim=(0, 1))
    ax.legend()
    return ax


def plot_cumulative_net(results, ax=None, currency=""):
    """Cumulative benefit minus cost per week; the zero crossing is the payback week."""
    ax = _axes(ax)
    for label, res in _results(results).items():
        ax.plot(res.weekly["week"], res.weekly["cumulative_net"],
                label=label or t("plot.cumulative_net"))
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.set(title=t("plot.cumulative_net_title"), xlabel=t("plot.week"),
           ylabel=t("plot.cumulative_net_axis", currency=currency).strip())
    ax.legend()
    return ax

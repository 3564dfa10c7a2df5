"""Plots of a simulation run and of a strategy comparison (matplotlib, labelled axes).

Every title, axis label and legend entry is in the student's language (:mod:`crmsim.i18n`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from crmsim.i18n import catalogue, label, register_cjk_font, stage, t, value
from crmsim.sim.lifecycle import STAGES

register_cjk_font()


def full_periods(kpis):
    """Drop a last period shorter than half the others, whose flows would mislead."""
    if "period_length" not in kpis or len(kpis) < 2:
        return kpis
    return kpis[kpis["period_length"] >= 0.5 * kpis["period_length"].max()]


def _ax(ax):
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    return ax


def plot_profit(kpis, ax=None, currency=""):
    """Revenue, costs and profit per KPI period."""
    ax = _ax(ax)
    kpis = full_periods(kpis)
    x = kpis["period_start"]
    ax.plot(x, kpis["revenue"], label=label("revenue"))
    ax.plot(x, kpis["gross_margin"], label=label("gross_margin"))
    ax.plot(x, kpis["acquisition_cost"] + kpis["service_cost"] + kpis["strategy_cost"],
            label=t("plot.crm_costs"))
    ax.plot(x, kpis["profit"], label=label("profit"), linewidth=2)
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.set(title=t("plot.profit_title"), xlabel=label("period_start"),
           ylabel=t("plot.money_per_period", currency=currency).strip())
    ax.legend()
    return ax


def plot_stages(kpis, ax=None, include_potential=False):
    """Stacked area of how many customers are in each lifecycle stage over time."""
    ax = _ax(ax)
    stages = [s for s in STAGES if include_potential or s != "potential"]
    ax.stackplot(kpis["period_start"], *[kpis[f"n_{s}"] for s in stages],
                 labels=[stage(s) for s in stages])
    ax.set(title=t("plot.stages_title"), xlabel=t("plot.period_end"),
           ylabel=t("plot.customers"))
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_latent(kpis, ax=None):
    """Mean latent satisfaction and loyalty of alive customers (ground truth)."""
    ax = _ax(ax)
    ax.plot(kpis["period_start"], kpis["mean_satisfaction"], label=t("plot.satisfaction"))
    ax.plot(kpis["period_start"], kpis["mean_loyalty"], label=t("plot.loyalty"))
    ax.set(title=t("plot.latent_title"), xlabel=t("plot.period_end"),
           ylabel=t("plot.scale_0_1"), ylim=(0, 1))
    ax.legend()
    return ax


def plot_waits(kpis, ax=None):
    """Calls per period and their mean wait for a call-centre seat."""
    ax = _ax(ax)
    kpis = full_periods(kpis)
    ax.bar(kpis["period_start"], kpis["service_requests"], width=20, alpha=0.4,
           label=label("service_requests"))
    ax.set(title=t("plot.waits_title"), xlabel=label("period_start"),
           ylabel=label("service_requests"))
    ax2 = ax.twinx()
    ax2.plot(kpis["period_start"], kpis["mean_wait"], color="C3", label=t("plot.mean_wait"))
    ax2.set_ylabel(label("mean_wait"))
    return ax


def plot_comparison(table, metric="profit", ax=None):
    """Mean of ``metric`` per strategy with its 95% confidence interval; strategies are named
    in the reader's language (a target, ``:target=...``, stays as typed)."""
    ax = _ax(ax)
    y = np.arange(len(table))
    ax.barh(y, table[metric], xerr=table[f"{metric}_ci95"], capsize=4, color="C0", alpha=0.8)
    ax.set_yticks(y, [value("strategy", s) for s in table["strategy"]])
    ax.invert_yaxis()
    name = label(metric) if f"column.{metric}" in catalogue() else metric.replace("_", " ")
    ax.set(title=t("plot.comparison_title", metric=name), xlabel=name,
           ylabel=t("plot.strategy"))
    return ax


def report_figure(kpis, currency=""):
    """Four panels for a run report."""
    fig, axes = plt.subplots(2, 2, figsize=(13, 8), constrained_layout=True)
    plot_profit(kpis, axes[0, 0], currency)
    plot_stages(kpis, axes[0, 1])
    plot_latent(kpis, axes[1, 0])
    plot_waits(kpis, axes[1, 1])
    return fig

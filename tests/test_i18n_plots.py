"""Plots speak the student's language: every plotting function of crmsim draws in Chinese
with the CJK font from PyPI (no missing-glyph warning) and Chinese titles and labels."""

from __future__ import annotations

import importlib
import pkgutil
import re
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import crmsim  # noqa: E402
import crmsim.analysis as an  # noqa: E402
from crmsim import i18n, plots  # noqa: E402
from crmsim import rollout as implementation  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def zh():
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


@pytest.fixture(scope="module")
def run():
    return crmsim.simulate("retail", customers=400, years=1.5, seed=3)


@pytest.fixture(scope="module")
def log(run):
    return run.transactions


def plotting_functions():
    """Every public ``plot_*`` function (and ``report_figure``) crmsim defines."""
    mods = [importlib.import_module(m.name)
            for m in pkgutil.walk_packages(crmsim.__path__, "crmsim.")
            if not m.name.startswith(("crmsim.game", "crmsim.grading", "crmsim.cli"))]
    found = {"report_figure"}
    for mod in mods:
        found |= {n for n, f in vars(mod).items()
                  if n.startswith("plot_") and callable(f) and f.__module__ == mod.__name__}
    return found


@pytest.fixture(scope="module")
def calls(run, log):
    return _calls(run, log)


def _calls(run, log):
    """name -> a call drawing that plot on small data."""
    kpis = run.kpis
    tx = log
    s = an.summary_data_from_log(tx, tx["date"].max())
    fit = an.fit_bgnbd(s["frequency"], s["recency"], s["T"])
    p_alive = fit.p_alive(s["frequency"], s["recency"], s["T"])
    truth = pd.Series(np.arange(len(s)) % 3 == 0, index=s.index)
    rollout = crmsim.simulate_rollout(seed=1)
    table = pd.DataFrame({"strategy": ["none", "loyalty_program"], "profit": [1.0, 2.0],
                          "profit_ci95": [0.1, 0.2]})
    pyramid = an.pyramid_summary(an.value_pyramid(tx))
    rfm = an.rfm_table(tx, tx["date"].max())
    scores = an.rfm_scores(rfm, bins=3)
    km = an.kaplan_meier(np.arange(1, 41), np.arange(40) % 4 != 0, groups=np.arange(40) % 2)
    return {
        "plot_profit": lambda: plots.plot_profit(kpis, currency="CNY"),
        "plot_stages": lambda: plots.plot_stages(kpis),
        "plot_latent": lambda: plots.plot_latent(kpis),
        "plot_waits": lambda: plots.plot_waits(kpis),
        "plot_comparison": lambda: plots.plot_comparison(table),
        "report_figure": lambda: plots.report_figure(kpis).axes[0],
        "plot_gantt": lambda: implementation.plot_gantt(rollout),
        "plot_adoption": lambda: implementation.plot_adoption(rollout),
        "plot_cumulative_net": lambda: implementation.plot_cumulative_net(rollout),
        "plot_transitions": lambda: an.plot_transitions(
            an.next_item_transitions(tx, "category")),
        "plot_roc": lambda: an.plot_roc({"BG/NBD": 1 - p_alive}, truth),
        "plot_cumulative_transactions": lambda: an.plot_cumulative_transactions(fit, tx),
        "plot_frequency_histogram": lambda: an.plot_frequency_histogram(
            fit, s["frequency"], s["T"]),
        "plot_cohort_heatmap": lambda: an.plot_cohort_heatmap(an.cohort_retention(tx, "M")),
        "plot_survival": lambda: an.plot_survival(km),
        "plot_predicted_vs_actual": lambda: an.plot_predicted_vs_actual(
            s["frequency"] * 0.9, s["frequency"]),
        "plot_calibration": lambda: an.plot_calibration(p_alive, truth),
        "plot_clv_distribution": lambda: an.plot_clv_distribution(s["monetary_value"]),
        "plot_pyramid": lambda: an.plot_pyramid(pyramid),
        "plot_rfm_heatmap": lambda: an.plot_rfm_heatmap(scores),
        "plot_elbow": lambda: an.plot_elbow(an.elbow_table(
            rfm, range(2, 4), columns=["recency", "frequency", "monetary"])),
        "plot_tracking": lambda: an.plot_tracking(tx),
        "plot_repeat_histograms": lambda: an.plot_repeat_histograms(
            tx, windows=[(1, 10), (11, 20)], max_repeats=2)[0],
    }


def _texts(fig):
    """Every piece of text a figure shows: titles, axis labels, legends, annotations."""
    out = []
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        out += [t.get_text() for t in ax.texts]
        if ax.get_legend():
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    return [s for s in out if s]


def test_every_plotting_function_is_covered(calls):
    assert plotting_functions() == set(calls)


@pytest.mark.parametrize("name", sorted(plotting_functions()))
def test_plot_in_chinese_has_every_glyph(name, calls, zh):
    call = calls[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = call()
        fig = ax.figure
        fig.canvas.draw()  # glyphs are looked up when text is rendered
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == []
    texts = _texts(fig)
    assert any(CJK.search(s) for s in texts), texts
    assert CJK.search(ax.get_title()) or CJK.search(ax.get_xlabel()), texts
    plt.close("all")


def test_same_plot_in_english_has_no_chinese(run, log):
    i18n.set_language("en")
    ax = plots.plot_profit(run.kpis)
    assert ax.get_title() == "Revenue, costs and profit per period"
    assert not any(CJK.search(s) for s in _texts(ax.figure))
    plt.close("all")


def test_font_without_cjk_would_be_caught(run, zh):
    """The glyph check can fail: with only DejaVu Sans, Chinese text warns."""
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.sans-serif": ["DejaVu Sans"]}):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig, ax = plt.subplots()
            ax.set_title(i18n.t("plot.profit_title"))
            fig.canvas.draw()
    assert any("missing from" in str(w.message) for w in caught)
    plt.close("all")

"""The validation report: the real log against one run of the calibrated market.

Both logs are reduced to purchase occasions (customer-days, as the fits count them) and
measured with :mod:`crmsim.analysis.tracking` on the calibration period and on what
follows it: repeat purchases per week, first-to-repeat conversion, the frequency
histogram, the revenue concentration (Lorenz curve, top-20% share, Gini) and the
order-value distribution. The report is a table of the figures and their differences,
in Markdown in both languages, with the plots (``*_en.png``, ``*_zh.png``).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from crmsim.analysis.tracking import repeat_conversion, repeat_histogram, weekly_tracking
from crmsim.calibrate.fit import days_log
from crmsim.calibrate.messages import LANGS, text
from crmsim.i18n import get_language, set_language
from crmsim.output import md_table, staged_folder
from crmsim.params import Param
from crmsim.simulation import simulate

#: the simulated figures are means over this many runs: the weekly demand shock alone moves
#: one run's total of a 39-week period by several per cent (CDNOW: from -12% to +7% over
#: six seeds), more than the fit's own error
RUNS = Param(5, "runs", "runs of the calibrated market averaged in the validation report",
             lo=1, hi=100, kind="int")
#: repeat counts of this many and more are one bar of the frequency histogram ("7+")
HISTOGRAM_MAX = 7
PLOTS = ("weekly", "histogram", "lorenz", "order_values")


def simulated_occasions(res) -> pd.DataFrame:
    """A run's transactions as customer-day occasions (amount summed)."""
    tx = res.transactions
    orders = tx.groupby("order_id", sort=True).agg(customer_id=("customer_id", "first"),
                                                   date=("date", "first"),
                                                   amount=("amount", "sum")).reset_index()
    return days_log(orders)


def lorenz(revenue: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(share of customers, share of revenue) from the smallest customer up."""
    r = np.sort(np.asarray(revenue, float))
    total = r.sum()
    x = np.concatenate([[0.0], np.arange(1, len(r) + 1) / len(r)])
    y = np.concatenate([[0.0], np.cumsum(r) / total]) if total > 0 else x
    return x, y


def _concentration(revenue):
    r = np.sort(np.asarray(revenue, float))[::-1]
    k = max(int(np.ceil(0.2 * len(r))), 1)
    top = float(r[:k].sum() / r.sum()) if r.sum() > 0 else np.nan
    x, y = lorenz(revenue)
    gini = float(1 - np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1])))
    return top, gini


def _windows(fits):
    w = [("calibration", 1, fits.calibration_weeks)]
    if fits.weeks > fits.calibration_weeks:
        w.append(("holdout", fits.calibration_weeks + 1, fits.weeks))
    return w


def measures(occ: pd.DataFrame, fits) -> dict:
    """``{(metric, period): value}`` of one log of occasions."""
    start = fits.start
    wins = _windows(fits)
    kw = {"start": start, "order_col": "order_id"}
    wk = weekly_tracking(occ, weeks=fits.weeks, **kw)
    conv = repeat_conversion(occ, [b for _, _, b in wins], **kw).set_index("weeks")
    hist = repeat_histogram(occ, [(a, b) for _, a, b in wins], **kw)
    week = ((occ["date"] - start).dt.days // 7 + 1).to_numpy()
    m = {}
    for name, a, b in wins:
        sel = wk[(wk["week"] >= a) & (wk["week"] <= b)]
        m[("customers", name)] = float(sel["cohort"].iloc[-1])
        m[("repeats", name)] = float(sel["repeat"].sum())
        m[("repeats_per_week", name)] = float(sel["repeat"].mean())
        m[("conversion", name)] = float(conv.loc[b, "share"])
        h = hist[(hist["first_week"] == a)]
        m[("no_repeat", name)] = float(h.loc[h["repeats"] == 0, "share"].sum())
        inside = occ[(week >= a) & (week <= b)]
        top, gini = _concentration(inside.groupby("customer_id")["amount"].sum().to_numpy())
        m[("top20", name)], m[("gini", name)] = top, gini
        a_ = inside["amount"].to_numpy(float)
        m[("mean_order", name)] = float(a_.mean())
        m[("median_order", name)] = float(np.median(a_))
        m[("p90_order", name)] = float(np.quantile(a_, 0.9))
    return m


def compare(real: pd.DataFrame, sims: list, fits) -> pd.DataFrame:
    """One row per figure and period: real, simulated (the mean over the runs ``sims``),
    the runs' lowest and highest, difference and relative difference."""
    a = measures(real, fits)
    runs = [measures(s, fits) for s in sims]
    rows = []
    for k, v in a.items():
        vals = np.array([r[k] for r in runs])
        b = float(vals.mean())
        rows.append({"metric": k[0], "period": k[1], "real": v, "simulated": b,
                     "lowest": float(vals.min()), "highest": float(vals.max()),
                     "difference": b - v, "relative": (b - v) / v if v else np.nan})
    return pd.DataFrame(rows)


def _fmt(x, metric):
    if x != x:
        return "-"
    if metric in ("conversion", "no_repeat", "top20"):
        return f"{x:.1%}"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}"


def markdown(table: pd.DataFrame, fits, scenario: str, seed: int, runs: int, lang: str) -> str:
    """The report in ``lang``: the model comparison, the table, the plots."""
    hold = fits.weeks > fits.calibration_weeks
    customers = int(table.loc[table["metric"] == "customers", "simulated"].max())
    lines = [f"# {text('report.title', lang)}", "",
             text("report.intro", lang, scenario=scenario, seed=seed, runs=runs,
                  customers=f"{customers:,}",
                  cal_weeks=fits.calibration_weeks, hold_from=fits.calibration_weeks + 1,
                  weeks=fits.weeks), ""]
    if not hold:
        lines += [text("report.no_holdout", lang), ""]
    lines += [f"## {text('report.models', lang, split=fits.models['forecast_from'].iloc[0])}", ""]
    cols = ["model", "loglik", "forecast", "actual", "error", "chosen"]
    rows = [{"model": r.model, "loglik": f"{r.loglik:.2f}", "forecast": f"{r.forecast:.1f}",
             "actual": f"{r.actual:.0f}", "error": f"{r.error:+.1%}",
             "chosen": "✓" if r.chosen else ""} for r in fits.models.itertuples()]
    lines += md_table([{text(f"col.{c}", lang): r[c] for c in cols} for r in rows],
                      [text(f"col.{c}", lang) for c in cols])
    lines += ["", f"## {text('report.table', lang)}", ""]
    cols = ["metric", "period", "real", "simulated", "range", "difference", "relative"]
    rows = [{"metric": text(f"metric.{r.metric}", lang),
             "period": text(f"period.{r.period}", lang),
             "real": _fmt(r.real, r.metric), "simulated": _fmt(r.simulated, r.metric),
             "range": f"{_fmt(r.lowest, r.metric)} - {_fmt(r.highest, r.metric)}",
             "difference": (f"{r.difference * 100:+.1f} pt" if r.metric in
                            ("conversion", "no_repeat", "top20") else f"{r.difference:+.3g}"),
             "relative": "-" if r.relative != r.relative else f"{r.relative:+.1%}"}
            for r in table.itertuples()]
    lines += md_table([{text(f"col.{c}", lang): r[c] for c in cols} for r in rows],
                      [text(f"col.{c}", lang) for c in cols])
    lines += ["", f"## {text('report.plots', lang)}", ""]
    lines += [f"![{p}]({p}_{lang}.png)" for p in PLOTS]
    return "\n".join(lines) + "\n"


def plots(real, sim, fits, folder, lang: str) -> None:
    """The four figures in ``lang``, as PNG files in ``folder``."""
    labels = (text("col.real", lang), text("col.simulated", lang))
    kw = {"start": fits.start, "order_col": "order_id"}
    fig, ax = plt.subplots(figsize=(8, 3.5))
    for occ, lab in zip((real, sim), labels, strict=True):
        wk = weekly_tracking(occ, weeks=fits.weeks, **kw)
        ax.plot(wk["week"], wk["repeat"], label=lab)
    ax.axvline(fits.calibration_weeks + 0.5, color="grey", ls="--",
               label=text("plot.calibration_end", lang))
    ax.set(title=text("plot.weekly", lang), xlabel=text("plot.week", lang))
    ax.legend()
    _save(fig, folder / f"weekly_{lang}.png")
    wins = _windows(fits)
    fig, axes = plt.subplots(1, len(wins), figsize=(5.5 * len(wins), 3.5), squeeze=False)
    for ax, (name, a, b) in zip(axes[0], wins, strict=True):
        for i, (occ, lab) in enumerate(zip((real, sim), labels, strict=True)):
            h = repeat_histogram(occ, [(a, b)], max_repeats=HISTOGRAM_MAX, **kw)
            ax.bar(h["repeats"] + (i - 0.5) * 0.4, h["share"], width=0.4, label=lab)
            ax.set_xticks(h["repeats"], h["label"])
        ax.set(title=text("plot.histogram", lang, period=text(f"period.{name}", lang)),
               xlabel=text("plot.repeats", lang), ylabel=text("plot.share", lang))
        ax.legend()
    _save(fig, folder / f"histogram_{lang}.png")
    fig, axes = plt.subplots(1, len(wins), figsize=(5.5 * len(wins), 4), squeeze=False)
    for ax, (name, a, b) in zip(axes[0], wins, strict=True):
        for occ, lab in zip((real, sim), labels, strict=True):
            week = (occ["date"] - fits.start).dt.days // 7 + 1
            rev = occ[(week >= a) & (week <= b)].groupby("customer_id")["amount"].sum()
            ax.plot(*lorenz(rev.to_numpy()), label=lab)
        ax.plot([0, 1], [0, 1], color="grey", lw=0.8)
        ax.set(title=text("plot.lorenz", lang, period=text(f"period.{name}", lang)),
               xlabel=text("plot.customers_share", lang), ylabel=text("plot.revenue_share", lang))
        ax.legend()
    _save(fig, folder / f"lorenz_{lang}.png")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    values = [occ["amount"].to_numpy(float) for occ in (real, sim)]
    pos = np.concatenate(values)
    pos = pos[pos > 0]
    bins = np.geomspace(max(pos.min(), 1e-2), pos.max(), 40)
    for v, lab in zip(values, labels, strict=True):
        ax.hist(v[v > 0], bins=bins, weights=np.full((v > 0).sum(), 1 / max((v > 0).sum(), 1)),
                histtype="step", label=lab)
    ax.set_xscale("log")
    ax.set(title=text("plot.order_values", lang), xlabel=text("plot.order_value", lang),
           ylabel=text("plot.density", lang))
    ax.legend()
    _save(fig, folder / f"order_values_{lang}.png")


def _save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def validate(calibration, seed: int = 0, runs: int = RUNS.default
             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(table, real occasions, occasions of the first run) for ``runs`` runs of the
    calibrated market, seeds ``seed``, ``seed + 1``, ..."""
    runs = RUNS.check("runs", runs)
    sims = [simulated_occasions(simulate(calibration.scenario, seed=seed + i))
            for i in range(runs)]
    real = days_log(calibration.cleaned.orders)
    return compare(real, sims, calibration.fits), real, sims[0]


def write_report(calibration, folder, *, seed: int = 0, runs: int = RUNS.default,
                 force: bool = False) -> pd.DataFrame:
    """Write ``report.md``, ``report.zh.md``, ``validation.csv`` and the plots to ``folder``
    (all or nothing); return the validation table."""
    table, real, sim = validate(calibration, seed, runs)
    before = get_language()
    with staged_folder("report", folder, force=force) as tmp:
        table.to_csv(tmp / "validation.csv", index=False)
        try:
            for lang in LANGS:
                set_language(lang)
                plots(real, sim, calibration.fits, tmp, lang)
                name = "report.md" if lang == "en" else f"report.{lang}.md"
                (tmp / name).write_text(markdown(table, calibration.fits,
                                                 calibration.scenario.name, seed, runs, lang),
                                        encoding="utf-8")
        finally:
            set_language(before)
    return table

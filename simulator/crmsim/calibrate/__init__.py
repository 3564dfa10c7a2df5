"""Bring your own data: calibrate a market from a shop's real transaction log.

``crmsim.calibrate("sales.csv", "shop.toml")`` reads the log (:mod:`.read`), cleans it
with a report (:mod:`.clean`), fits the purchase and dropout model, spend, arrivals,
calendar and baskets on the calibration period (:mod:`.fit`) and writes a scenario in
which every calibrated value is a documented parameter with its provenance
(:mod:`.scenario`); ``report=DIR`` adds the validation report, real against simulated
(:mod:`.validate`). ``crmsim simulate --scenario shop.toml`` then runs the shop's market.
"""

from __future__ import annotations

import sys
import textwrap
import types
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from crmsim.calibrate.clean import CLEANING, Cleaned, clean
from crmsim.calibrate.messages import cleaning_report
from crmsim.calibrate.read import read_log
from crmsim.calibrate.scenario import ASSUMPTIONS, check_assumptions, scenario_text
from crmsim.errors import invalid
from crmsim.output import check_target_folder, write_file
from crmsim.params import check_text
from crmsim.sim import scenarios

if TYPE_CHECKING:
    from crmsim.calibrate.fit import Fits

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["ASSUMPTIONS", "CLEANING", "Calibration", "calibrate"]

_PURCHASE = {"bgnbd": ("r", "alpha", "a", "b"), "mbgnbd": ("r", "alpha", "a", "b"),
             "pareto_nbd": ("r", "alpha", "s", "beta")}
_NAMES = {"bgnbd": "BG/NBD", "mbgnbd": "MBG/NBD", "pareto_nbd": "Pareto/NBD"}


@dataclass
class Calibration:
    """What :func:`calibrate` made: the ``scenario``, its TOML ``text``, the ``cleaned`` log,
    the ``fits`` (estimates, model comparison), the cleaning report in both languages and
    the validation table (None without ``report``)."""

    scenario: scenarios.Scenario
    text: str
    cleaned: Cleaned
    fits: Fits
    cleaning: dict
    validation: pd.DataFrame | None = None


def _settings(table, values, what):
    values = dict(values or {})
    for k in values:
        if k not in table:
            raise invalid(what, k, "one of " + ", ".join(table))
    return {k: p.check(k, values.get(k, p.default)) for k, p in table.items()}


def calibrate(log, out=None, *, columns: dict | None = None, calibration_end=None,
              report=None, assumptions: dict | None = None, cleaning: dict | None = None,
              fitting_settings: dict | None = None, name: str | None = None, seed: int = 0,
              runs: int = 5, force: bool = False) -> Calibration:
    """Calibrate a market from ``log`` (a CSV/Parquet/Excel path or a DataFrame).

    ``columns`` maps roles to column names (``{"customer": "CustID"}``); ``calibration_end``
    (a date; default the whole log) ends the period the fits see; ``assumptions`` sets what
    a log cannot tell (:data:`ASSUMPTIONS`). With ``out`` the scenario is written there and
    the cleaning report beside it (``<name>.cleaning.md``, ``.cleaning.zh.md``); with
    ``report`` a validation folder (Markdown in both languages, plots). Bad input raises a
    one-line :class:`~crmsim.errors.CrmsimError` before anything is written.
    """
    out_path = _check_out(out, force)
    if report is not None:
        check_target_folder("report", report, force=force)
    from crmsim.calibrate import fit as fitting  # the toolkit: imported when it is needed

    chosen_assumptions = check_assumptions(assumptions)
    cfg = _settings(fitting.FITTING, fitting_settings, "fitting setting")
    table, layout, found = read_log(log, columns)
    cleaned = clean(table, layout, cleaning)
    fits = fit_all(cleaned, calibration_end, cfg, found)
    name = name or (out_path.stem if out_path is not None else "calibrated")
    check_text("name", name)
    desc = (f"Calibrated by crmsim calibrate on {len(cleaned.orders):,} orders of "
            f"{cleaned.orders['customer_id'].nunique():,} customers, {fits.start.date()} to "
            f"{fits.end.date()} (fitted on the weeks to {fits.calibration_end.date()}); "
            f"purchases and dropout {_NAMES[fits.chosen]}.")
    source = "a DataFrame" if isinstance(log, pd.DataFrame) else str(log)
    header = [f"crmsim scenario calibrated from {source}",
              f"layout: {layout}; columns: " + ", ".join(f"{r}={c}" for r, c in found.items()),
              "Every value below says where it comes from. Edit the assumptions to your shop.",
              "Models compared (error of the forecast total of repeat purchases):"]
    header += [f"  {_NAMES[r.model]}: log-likelihood {r.loglik:.2f}, forecast {r.forecast:.1f}"
               f" vs actual {r.actual:.0f} ({r.error:+.1%}){' <- chosen' if r.chosen else ''}"
               for r in fits.models.itertuples()]
    week = ", ".join(f"{d} {x:.1%}" for d, x in zip(
        ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), fits.profiles["weekday"], strict=True))
    header += textwrap.wrap(f"Weekday shares of purchase occasions (calibration period): "
                            f"{week}; the market steps a week at a time, so they are reported "
                            "here, not simulated.", 94)
    text = scenario_text(name, desc, fits, chosen_assumptions, header)
    sc = scenarios.build(name, desc, scenarios.iso_dates(tomllib.loads(text)))
    notes = cleaning_report(cleaned, fits)
    result = Calibration(sc, text, cleaned, fits, notes)
    if report is not None:
        from crmsim.calibrate.validate import write_report

        result.validation = write_report(result, report, seed=seed, runs=runs, force=force)
    if out_path is not None:
        write_file("out", out_path, text, force=force)
        stem = out_path.with_suffix("")
        for lang, suffix in (("en", ".cleaning.md"), ("zh", ".cleaning.zh.md")):
            write_file("out", Path(f"{stem}{suffix}"), notes[lang], force=force)
    return result


def _check_out(out, force):
    if out is None:
        return None
    p = Path(out)
    if p.suffix.lower() != ".toml":
        raise invalid("out", str(out), "a scenario file name ending in .toml")
    if not p.absolute().parent.is_dir():
        raise invalid("out", str(out), "a file in an existing folder")
    stem = p.with_suffix("")
    for target in (p, Path(f"{stem}.cleaning.md"), Path(f"{stem}.cleaning.zh.md")):
        if target.exists() and not force:
            raise invalid("out", str(target), "a new file (it exists; add --force to replace it)")
    return p


def fit_all(cleaned: Cleaned, calibration_end, cfg: dict, found: dict) -> Fits:
    """Every fit of :mod:`crmsim.calibrate.fit` on the cleaned log, in one Fits."""
    from crmsim.calibrate import fit as fitting

    occ = fitting.days_log(cleaned.orders)
    start, cal_end, end, cal_weeks, weeks = fitting.period(cleaned.orders, calibration_end)
    fits = fitting.Fits(start=start, calibration_end=cal_end, end=end,
                        calibration_weeks=cal_weeks, weeks=weeks)
    money = found.get("amount") or f"{found.get('quantity', '1')} x {found['unit_price']}"
    what = (f"columns {found['customer']}, {found['date']}, {money}; "
            f"{start.date()} to {cal_end.date()}")
    fits.models, by_name = fitting.choose_model(occ, start, cal_end, end, cfg)
    fits.all_fits = by_name
    fits.chosen = str(fits.models.loc[fits.models["chosen"], "model"].iloc[0])
    best = by_name[fits.chosen]
    n = best.n
    fits.put("purchase", "model", fits.chosen, float("nan"),
             f"{_NAMES[fits.chosen]}: the smallest error forecasting the repeat purchases "
             f"after {fits.models['forecast_from'].iloc[0]} (all three in the header)")
    for k in _PURCHASE[fits.chosen]:
        fits.put("purchase", k, best.params[k], best.se[k],
                 f"{_NAMES[fits.chosen]} maximum likelihood on frequency, recency and age of "
                 f"{n:,} customers (same-day orders one occasion, weeks = days / 7), {what}")
    fitting.fit_spend(occ, cal_end, fits, what)
    fitting.fit_arrivals(occ, fits, cfg, what)
    fitting.fit_calendar(occ, fits, cfg, what)
    fitting.fit_catalogue(cleaned.lines, cleaned.orders, cleaned.layout, fits, cfg, what)
    return fits


class _CallableModule(types.ModuleType):
    """``crmsim.calibrate(...)`` calls :func:`calibrate` while ``crmsim.calibrate`` stays
    the package (so ``import crmsim.calibrate.validate`` keeps working)."""

    def __call__(self, *args, **kwargs) -> Calibration:
        return calibrate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

"""Fitting a market to a cleaned log: purchases and dropout, spend, arrivals, calendar, baskets.

Time is in weeks measured in days (same-day orders are one purchase occasion; ``T`` and
``t_x`` in days / 7), the convention of the published CDNOW fits (Fader, Hardie & Lee
2005), so that a BG/NBD fitted here is the simulator's ``purchase`` section as it stands
(``market.time_unit = "week"``). The purchase and dropout model is chosen among BG/NBD,
MBG/NBD and Pareto/NBD by how well each forecasts the repeat purchases after the fitting
period (:func:`choose_model`); every fit's estimates and standard errors are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmsim.analysis.btyd import BTYD_MODELS, fit_gamma_gamma
from crmsim.analysis.summaries import calibration_and_holdout_data, summary_data_from_log
from crmsim.analysis.tracking import dispersion, expected_weekly_repeats
from crmsim.errors import CrmsimError, invalid
from crmsim.params import Param

FITTING: dict[str, Param] = {
    "choice_share": Param(2 / 3, "share of the calibration period", "with no period left "
                          "after the calibration end, the models are compared by fitting on "
                          "this first share of it and forecasting the rest", lo=0.2, hi=0.9),
    "steady_weeks": Param(13, "weeks", "the rate of new customers after the calibration end "
                          "is their mean weekly number over this many last calibration weeks",
                          lo=1, kind="int"),
    "season_weeks": Param(52, "weeks", "monthly seasonality is fitted only on a calibration "
                          "period of at least this many weeks (each month seen once)", lo=13,
                          kind="int"),
    "price_bands": Param(5, "categories", "the catalogue's products are grouped into this many "
                         "price bands (a log has product codes, not categories)", lo=1, hi=20,
                         kind="int"),
}
DAYS = pd.Timedelta(days=1)


@dataclass
class Estimate:
    """One calibrated number: its value, standard error (NaN when none) and provenance."""

    value: object
    se: float = float("nan")
    source: str = ""


@dataclass
class Fits:
    """Everything fitted: ``estimates[section][param]``, the model comparison table, the
    period (``start``, ``calibration_end``, ``end`` dates; ``weeks`` of each) and notes."""

    estimates: dict = field(default_factory=dict)
    models: pd.DataFrame | None = None
    chosen: str = ""
    start: pd.Timestamp | None = None
    calibration_end: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    calibration_weeks: int = 0
    weeks: int = 0
    profiles: dict = field(default_factory=dict)
    all_fits: dict = field(default_factory=dict)

    def put(self, section, name, value, se=float("nan"), source=""):
        self.estimates.setdefault(section, {})[name] = Estimate(value, float(se), source)


def days_log(orders: pd.DataFrame) -> pd.DataFrame:
    """Orders on the same day by the same customer as one purchase occasion (summed)."""
    day = orders["date"].dt.normalize()
    g = orders.assign(date=day).groupby(["customer_id", "date"], sort=False)
    out = g["amount"].sum().reset_index()
    out = out.sort_values(["date", "customer_id"], kind="stable").reset_index(drop=True)
    out["order_id"] = np.arange(len(out))
    return out


def period(orders: pd.DataFrame, calibration_end) -> tuple:
    """(start, calibration end, end, calibration weeks, weeks): whole weeks from the first day."""
    start = orders["date"].min().normalize()
    last = orders["date"].max().normalize()
    weeks = int(np.ceil(((last - start) / DAYS + 1) / 7))
    end = start + pd.Timedelta(days=7 * weeks - 1)
    if calibration_end is None:
        cal_end, cal_weeks = end, weeks
    else:
        try:
            cal_end = pd.Timestamp(calibration_end)
        except (ValueError, TypeError):
            raise invalid("calibration_end", calibration_end, "a date such as 1997-09-30") \
                from None
        if cal_end.tzinfo is not None:
            cal_end = cal_end.tz_convert("UTC").tz_localize(None)
        cal_end = cal_end.normalize()
        cal_weeks = int(np.floor(((cal_end - start) / DAYS + 1) / 7))
        if not 4 <= cal_weeks <= weeks:
            raise invalid("calibration_end", str(calibration_end)[:40], f"a date from "
                          f"{(start + pd.Timedelta(days=27)).date()} to {end.date()} (the log "
                          f"runs {start.date()} to {last.date()}; at least 4 weeks to fit on)")
        cal_end = start + pd.Timedelta(days=7 * cal_weeks - 1)
    return start, cal_end, end, cal_weeks, weeks


def _summary(occ, end):
    return summary_data_from_log(occ, observation_end=end, freq="D", freq_multiplier=7,
                                 customer_col="customer_id", date_col="date",
                                 amount_col="amount")


def _try_fit(name, s, start=None):
    try:
        return BTYD_MODELS[name](s["frequency"], s["recency"], s["T"], initial=start)
    except CrmsimError as exc:
        return str(exc)


def _fit_three(s) -> dict:
    """The three models on one summary; Pareto/NBD starts from BG/NBD's purchase rates
    (the same Gamma(r, α)), which spares its slow hypergeometric likelihood many steps."""
    fits = {m: _try_fit(m, s) for m in ("bgnbd", "mbgnbd")}
    bg = fits["bgnbd"]
    start = None if isinstance(bg, str) else (bg.params["r"], bg.params["alpha"], 1.0,
                                              float(s["T"].mean()) + 1.0)
    fits["pareto_nbd"] = _try_fit("pareto_nbd", s, start)
    if isinstance(fits["pareto_nbd"], str) and start is not None:
        fits["pareto_nbd"] = _try_fit("pareto_nbd", s)
    return {m: fits[m] for m in BTYD_MODELS}


def choose_model(occ: pd.DataFrame, start, cal_end, end, cfg) -> tuple[pd.DataFrame, dict]:
    """Fit the three models on the calibration period and forecast the repeat purchases
    that follow it (the rest of the log, or with none the last third of the calibration
    period); the chosen model has the smallest error of the total forecast.

    Returns the comparison table (model, log-likelihood, forecast, actual, error) and the
    fits on the calibration period by name (a failed fit is its one-line reason).
    """
    cal = _summary(occ[occ["date"] <= cal_end], cal_end)
    fits = _fit_three(cal)
    if cal_end < end:
        split, hold_end, on = cal_end, end, fits
    else:
        days = int(round(((cal_end - start) / DAYS + 1) * cfg["choice_share"]))
        split, hold_end = start + pd.Timedelta(days=days - 1), cal_end
        part = _summary(occ[occ["date"] <= split], split)
        on = _fit_three(part)
    hold = calibration_and_holdout_data(occ[occ["date"] <= hold_end], split, hold_end,
                                        freq="D", freq_multiplier=7,
                                        customer_col="customer_id", date_col="date",
                                        amount_col="amount")
    actual = float(hold["frequency_holdout"].sum())
    rows = []
    for m in BTYD_MODELS:
        fit = on[m]
        row = {"model": m, "loglik": getattr(fits[m], "loglik", np.nan),
               "forecast_from": split.date().isoformat(), "actual": actual}
        if isinstance(fit, str):
            row.update(forecast=np.nan, error=np.nan, note=fit)
        else:
            pred = fit.expected_purchases(hold["duration_holdout"].to_numpy(),
                                          hold["frequency_cal"], hold["recency_cal"],
                                          hold["T_cal"])
            f = float(np.sum(pred))
            row.update(forecast=f, error=(f - actual) / actual if actual else np.nan, note="")
        if isinstance(fits[m], str):
            row["note"] = fits[m]
        rows.append(row)
    table = pd.DataFrame(rows)
    usable = table[table["error"].notna() & table["model"].map(
        lambda m: not isinstance(fits[m], str))]
    if usable.empty:
        raise CrmsimError("log is invalid: expected a log on which a purchase and dropout "
                          "model can be fitted (" + "; ".join(str(v) for v in fits.values())[:300]
                          + ")")
    chosen = usable.loc[usable["error"].abs().idxmin(), "model"]
    table["chosen"] = table["model"] == chosen
    return table, fits


def fit_spend(occ, cal_end, fits: Fits, what: str) -> None:
    """Gamma-Gamma on repeat occasions; first orders apart, as a factor on its mean."""
    s = _summary(occ[occ["date"] <= cal_end], cal_end)
    rep = s[(s["frequency"] > 0) & (s["monetary_value"] > 0)]
    if len(rep) < 10:
        raise invalid("log", what, "a log with at least 10 customers who buy again in the "
                      "calibration period (for the spend model)")
    gg = fit_gamma_gamma(rep["frequency"], rep["monetary_value"])
    src = f"Gamma-Gamma on the mean repeat spend of {len(rep):,} repeat buyers, {what}"
    for k in ("p", "q", "v"):
        fits.put("purchase", k, gg.params[k], gg.se[k], src)
    cal = occ[occ["date"] <= cal_end]
    first = cal.groupby("customer_id", sort=False)["amount"].first()
    mean = gg.population_mean_spend()
    fits.put("purchase", "first_order_spend", float(first.mean() / mean),
             float(first.std(ddof=1) / np.sqrt(len(first)) / mean),
             f"mean first-order value ({first.mean():.4g}, {len(first):,} customers) / the "
             f"Gamma-Gamma mean spend ({mean:.4g}), {what}")
    corr = float(pd.Series(rep["frequency"].to_numpy()).corr(
        pd.Series(rep["monetary_value"].to_numpy()), method="spearman"))
    fits.put("purchase", "rate_spend_correlation", 0.0, float("nan"),
             f"0 as Gamma-Gamma assumes (measured Spearman correlation of repeat frequency and "
             f"mean repeat spend: {corr:.3f}), {what}")


def fit_arrivals(occ, fits: Fits, cfg, what: str) -> None:
    """New customers per week over the log (the launch profile), those already buying when
    it starts, and beyond the calibration end a steady rate."""
    first = occ.groupby("customer_id", sort=False)["date"].min()
    week = ((first - fits.start) / DAYS // 7).astype(int).to_numpy()
    cal = np.bincount(week[week < fits.calibration_weeks], minlength=fits.calibration_weeks)
    k = min(cfg["steady_weeks"], fits.calibration_weeks)
    rate = float(cal[-k:].mean())
    rate_se = float(np.sqrt(cal[-k:].sum()) / k)
    rest = fits.weeks - fits.calibration_weeks
    profile = np.concatenate([cal.astype(float), np.full(rest, rate)])
    total = int(round(profile.sum()))
    fits.profiles["arrivals"] = profile
    fits.put("market", "customers", max(total, 1), rest * rate_se if rest else np.nan,
             f"customers first seen in the calibration period ({int(cal.sum()):,})"
             + (f" plus {rate:.3g} a week for the {rest} weeks after it" if rest else "")
             + f", {what}")
    share = profile / max(profile.sum(), 1e-300)
    fits.put("acquisition", "launch_share", 1.0, float("nan"), "every customer of the log "
             "arrives through the launch profile (no campaigns: a log does not show them)")
    fits.put("acquisition", "launch_window", float(fits.weeks), float("nan"),
             f"the log's {fits.weeks} weeks, one slice a week")
    fits.put("acquisition", "launch_profile", [round(float(x), 6) for x in share], float("nan"),
             "share of all first purchases in each week (weeks 1-"
             f"{fits.calibration_weeks} counted"
             + (f", weeks {fits.calibration_weeks + 1}-{fits.weeks} at the steady rate "
                f"{rate:.3g} ± {rate_se:.2g} a week (last {k} calibration weeks)" if rest else "")
             + f"), {what}")
    # first-seen customers beyond the steady rate are old customers coming back for the
    # first time in the log; a closed cohort (no one arrives at the end) had none before it
    w = fits.calibration_weeks
    existing = max(float(cal.sum() - w * rate), 0.0) if rate > 0 else 0.0
    fits.profiles["existing_customers"] = (existing, float(np.sqrt(cal.sum()
                                                                   + (w * rate_se) ** 2)))


def fit_calendar(occ, fits: Fits, cfg, what: str) -> None:
    """Monthly seasonality from repeat purchases against what the fitted BG/NBD expects
    without seasons (a moving level would flatten seasons longer than its window), where
    the calibration period covers a year; weekday and week-of-year profiles are
    reported (a weekly-step market cannot use them)."""
    cal = occ[occ["date"] <= fits.calibration_end]
    fits.profiles["weekday"] = (cal["date"].dt.dayofweek.value_counts(normalize=True)
                                .reindex(range(7), fill_value=0.0).to_numpy())
    rep = cal[cal.duplicated("customer_id", keep="first")]
    week = ((rep["date"] - fits.start) / DAYS // 7).astype(int).to_numpy()
    counts = np.bincount(week, minlength=fits.calibration_weeks)[:fits.calibration_weeks]
    if fits.calibration_weeks >= 13 and counts[12:].sum() > 0 and len(counts[12:]) > 5:
        cv = dispersion(counts[12:].astype(float))["shock_cv"]
        fits.put("market", "demand_shock_cv", round(min(cv, 2.0), 4), float("nan"),
                 f"common weekly shock of the repeat series from week 13 on "
                 f"(crmsim.analysis.tracking.dispersion), {what}")
    if fits.calibration_weeks < cfg["season_weeks"]:
        fits.put("market", "seasonality", [1.0] * 12, float("nan"), f"none: the calibration "
                 f"period is {fits.calibration_weeks} weeks, under the "
                 f"{cfg['season_weeks']} needed to see each month")
        return
    bg = fits.all_fits.get("bgnbd")
    if bg is not None and not isinstance(bg, str):  # what the cohort's decay alone gives
        level = expected_weekly_repeats(bg, cal, start=fits.start,
                                        weeks=fits.calibration_weeks)["expected_repeat"]
        how = "the weekly repeat purchases the BG/NBD fit expects"
    else:
        level = pd.Series(counts, dtype=float).rolling(13, center=True, min_periods=1).mean()
        how = "their 13-week moving level"
    mid = fits.start + pd.to_timedelta(np.arange(len(counts)) * 7 + 3, unit="D")
    month = pd.DatetimeIndex(mid).month.to_numpy() - 1
    real = np.bincount(month, weights=counts, minlength=12)
    base = np.bincount(month, weights=np.asarray(level, float), minlength=12)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(base > 0, real / base, 1.0)
    index = index / np.mean(index)
    se = np.where(real > 0, index / np.sqrt(np.maximum(real, 1)), np.nan)
    fits.put("market", "seasonality", [round(float(x), 4) for x in index],
             float(np.nanmean(se)), f"repeat purchases per calendar month over {how}, "
             f"mean 1 (standard error: the mean of the months'), {what}")


def fit_catalogue(lines: pd.DataFrame, orders: pd.DataFrame, layout: str, fits: Fits, cfg,
                  what: str) -> None:
    """Price level, products, categories (price bands) and basket size from the lines."""
    lines = lines[lines["date"] < fits.calibration_end + DAYS]
    orders = orders[orders["date"] < fits.calibration_end + DAYS]
    if layout == "lines":
        price = lines["unit_price"].to_numpy(float)
        n_products = int(lines["product"].nunique()) if "product" in lines else len(lines)
        extra = orders["lines"].to_numpy(float) - 1
        src = f"{len(lines):,} invoice lines of {len(orders):,} orders"
    else:
        price = (orders["amount"] / orders["units"].clip(lower=1)).to_numpy(float)
        n_products, extra = 0, orders["units"].to_numpy(float) - 1
        src = f"{len(orders):,} orders (units per order as lines)"
    bands = cfg["price_bands"]
    fits.put("population", "mean_price", round(float(np.mean(price)), 4),
             float(np.std(price, ddof=1) / np.sqrt(len(price))) if len(price) > 1 else np.nan,
             f"mean unit price of {src}, {what}")
    fits.put("population", "basket_extra_items", round(float(min(np.mean(extra), 10.0)), 4),
             float(np.std(extra, ddof=1) / np.sqrt(len(extra))) if len(extra) > 1 else np.nan,
             f"mean lines per order minus one (at most 10; the market draws at most 5 extra "
             f"lines) of {src}, {what}")
    edges = np.quantile(price, np.linspace(0, 1, bands + 1))
    names = [f"price_{i + 1}_{edges[i]:.2f}_to_{edges[i + 1]:.2f}" for i in range(bands)]
    fits.put("population", "categories", names, float("nan"),
             f"{bands} price bands of equal numbers of lines (the log has no categories)")
    per = int(np.clip(np.ceil(n_products / bands), 1, 50)) if n_products else 4
    fits.put("population", "products_per_category", per, float("nan"),
             f"{n_products:,} distinct products over {bands} bands (at most 50 a band)"
             if n_products else "the simulator's default (the log has no products)")

"""Tracking a customer cohort week by week: trial, repeat, spend, roughness, seasons.

The measures a side-by-side comparison of two transaction logs needs (a real one such
as :func:`crmsim.datasets.load_cdnow` and a simulated one): weekly first (trial 初次购买)
and repeat (重复购买) purchases, the trial curve, repeat purchases per customer in week
windows, first vs repeat order value, first-to-repeat conversion, how rough the weekly
repeat series is, calendar effects, and :func:`compare_logs` putting them side by side.

Conventions shared by every function here:

* a *purchase occasion* is one basket (one ``order_col`` value when the log has that
  column, else one customer-date pair), as in the rest of :mod:`crmsim.analysis`;
* a customer's *first* occasion in the log is its trial purchase, later ones are repeats;
* week ``k`` (1, 2, ...) covers days ``7(k-1)`` to ``7k - 1`` after ``start`` (default:
  the first day of the log), so CDNOW's weeks 1-39 end on 1997-09-30 and 1-78 on
  1998-06-30.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmsim.analysis._common import as_array, get_ax, occasions, to_timestamp
from crmsim.analysis.btyd.bgnbd import expected_cumulative_transactions
from crmsim.errors import CrmsimError, check_range, invalid
from crmsim.i18n import t

__all__ = [
    "calendar_effects",
    "compare_logs",
    "dispersion",
    "expected_weekly_repeats",
    "first_vs_repeat_spend",
    "plot_repeat_histograms",
    "plot_tracking",
    "repeat_conversion",
    "repeat_histogram",
    "repeat_rate_by_tenure",
    "spend_by_order_number",
    "trial_curve",
    "weekly_tracking",
    "weekly_variability",
]

_WINDOWS = ((1, 39), (40, 78))


# --------------------------------------------------------------------------- helpers
def _weekly_occasions(log, start, customer_col, date_col, amount_col, order_col):
    """Occasions with ``week`` (1-based), ``order_number`` (1 = trial) and the start day."""
    occ = occasions(log, customer_col=customer_col, date_col=date_col,
                    amount_col=amount_col, order_col=order_col)
    dates = pd.to_datetime(occ[date_col])
    if len(occ) == 0:
        raise CrmsimError("log has no purchases")
    start = dates.min().normalize() if start is None else to_timestamp(start, "start")
    days = (dates - start) / pd.Timedelta(days=1)
    if (days < 0).any():
        raise CrmsimError(f"start={start.date()} is invalid: expected a day on or before the "
                          f"first purchase ({dates.min().date()})")
    out = pd.DataFrame({
        "customer": occ[customer_col].to_numpy(),
        "date": dates.to_numpy(),
        "week": (np.floor(days.to_numpy() / 7.0) + 1).astype("int64"),
    })
    if amount_col:
        out["amount"] = occ[amount_col].to_numpy(dtype=float)
    out["order_number"] = out.groupby("customer", sort=False).cumcount().to_numpy() + 1
    return out, start


def _check_windows(windows):
    try:
        pairs = [(int(a), int(b)) for a, b in windows]
    except (TypeError, ValueError):
        raise invalid("windows", windows, "a list of (first_week, last_week) pairs") from None
    for a, b in pairs:
        if a < 1 or b < a:
            raise invalid("windows", windows, "pairs with 1 <= first_week <= last_week")
    return pairs


def _n_weeks(weeks, occ):
    if weeks is None:
        return int(occ["week"].max())
    check_range("weeks", weeks, 1)
    return int(weeks)


# --------------------------------------------------------------------------- tracking
def weekly_tracking(log: pd.DataFrame, *, start=None, weeks: int | None = None,
                    customer_col: str = "customer_id", date_col: str = "date",
                    order_col: str | None = "order_id") -> pd.DataFrame:
    """Weekly purchase occasions split into trial (first) and repeat purchases.

    Columns: ``week`` (1..weeks), ``week_start`` (date), ``trial`` (first purchases that
    week = customers acquired), ``repeat`` (repeat purchases), ``total``,
    ``cumulative_repeat`` and ``cohort`` (customers acquired up to and including that
    week). ``weeks`` defaults to the last week with a purchase; later weeks are dropped.
    The weekly and cumulative tracking plots of Fader, Hardie & Lee (2005) use this table.
    """
    occ, start = _weekly_occasions(log, start, customer_col, date_col, None, order_col)
    n = _n_weeks(weeks, occ)
    occ = occ[occ["week"] <= n]
    first = occ["order_number"] == 1
    trial = np.bincount(occ.loc[first, "week"], minlength=n + 1)[1:n + 1]
    repeat = np.bincount(occ.loc[~first, "week"], minlength=n + 1)[1:n + 1]
    week = np.arange(1, n + 1)
    return pd.DataFrame({
        "week": week,
        "week_start": start + pd.to_timedelta(7 * (week - 1), unit="D"),
        "trial": trial.astype("int64"),
        "repeat": repeat.astype("int64"),
        "total": (trial + repeat).astype("int64"),
        "cumulative_repeat": np.cumsum(repeat).astype("int64"),
        "cohort": np.cumsum(trial).astype("int64"),
    })


def trial_curve(log: pd.DataFrame, *, start=None, weeks: int | None = None,
                customer_col: str = "customer_id", date_col: str = "date",
                order_col: str | None = "order_id") -> pd.DataFrame:
    """The trial (acquisition) curve: share of the cohort making its first purchase each week.

    Columns: ``week``, ``new_customers``, ``share`` (of all customers whose first
    purchase is in weeks 1..``weeks``) and ``cumulative_share``. ``weeks`` defaults to the
    last week with a first purchase (12 for CDNOW's first-quarter cohort).
    """
    occ, _ = _weekly_occasions(log, start, customer_col, date_col, None, order_col)
    if weeks is None:
        weeks = int(occ.loc[occ["order_number"] == 1, "week"].max())
    wk = weekly_tracking(log, start=start, weeks=weeks, customer_col=customer_col,
                         date_col=date_col, order_col=order_col)
    total = wk["trial"].sum()
    return pd.DataFrame({
        "week": wk["week"],
        "new_customers": wk["trial"],
        "share": wk["trial"] / total,
        "cumulative_share": wk["cohort"] / total,
    })


def repeat_histogram(log: pd.DataFrame, windows=_WINDOWS, *, start=None,
                     max_repeats: int | None = None, customer_col: str = "customer_id",
                     date_col: str = "date", order_col: str | None = "order_id"
                     ) -> pd.DataFrame:
    """How many customers made 0, 1, 2, ... repeat purchases in each week window.

    ``windows`` are inclusive (first_week, last_week) pairs. A customer counts in a
    window once acquired by its last week; a repeat purchase is any occasion after the
    customer's first that falls in the window. With ``max_repeats=k`` counts of k and
    more are pooled into ``repeats == k`` (``label`` "k+"). Columns: ``window`` ("1-39"),
    ``first_week``, ``last_week``, ``repeats``, ``label``, ``customers`` and ``share``
    (of the customers counted in that window). This is the fit check of FHL (2005, Fig. 2)
    applied to a calibration and a holdout window.
    """
    pairs = _check_windows(windows)
    if max_repeats is not None:
        check_range("max_repeats", max_repeats, 1)
    occ, _ = _weekly_occasions(log, start, customer_col, date_col, None, order_col)
    first_week = occ.loc[occ["order_number"] == 1].set_index("customer")["week"]
    rows = []
    for a, b in pairs:
        who = first_week.index[first_week.to_numpy() <= b]
        rep = occ[(occ["order_number"] > 1) & occ["week"].between(a, b)]
        counts = rep.groupby("customer").size().reindex(who, fill_value=0).to_numpy()
        if max_repeats is not None:
            counts = np.minimum(counts, int(max_repeats))
        hist = np.bincount(counts, minlength=1) if len(counts) else np.zeros(1, int)
        for k, c in enumerate(hist):
            top = max_repeats is not None and k == int(max_repeats)
            rows.append((f"{a}-{b}", a, b, k, f"{k}+" if top else str(k), int(c),
                         c / max(len(who), 1)))
    return pd.DataFrame(rows, columns=["window", "first_week", "last_week", "repeats",
                                       "label", "customers", "share"])


def repeat_conversion(log: pd.DataFrame, weeks=(39, 78), *, start=None,
                      by: str = "calendar", customer_col: str = "customer_id",
                      date_col: str = "date", order_col: str | None = "order_id"
                      ) -> pd.DataFrame:
    """First-to-repeat conversion: share of first-time buyers who buy again.

    ``by="calendar"``: among customers acquired by the end of week ``w``, the share with a
    repeat purchase by the end of week ``w``. ``by="tenure"``: the share with a repeat
    purchase within ``w`` weeks (7w days) of their own first purchase, among customers
    observed that long (first purchase at least 7w days before the log's last day).
    Columns: ``weeks``, ``customers``, ``converted``, ``share``.
    """
    if by not in ("calendar", "tenure"):
        raise invalid("by", by, "'calendar' or 'tenure'")
    occ, start = _weekly_occasions(log, start, customer_col, date_col, None, order_col)
    g = occ.groupby("customer", sort=False)
    first = g["date"].min()
    second = occ[occ["order_number"] == 2].set_index("customer")["date"].reindex(first.index)
    first_week = occ[occ["order_number"] == 1].set_index("customer")["week"]
    second_week = occ[occ["order_number"] == 2].set_index("customer")["week"]
    second_week = second_week.reindex(first_week.index)
    end = pd.to_datetime(occ["date"]).max()
    rows = []
    for w in np.atleast_1d(weeks):
        check_range("weeks", w, 0, lo_open=True)
        if by == "calendar":
            who = first_week.to_numpy() <= w
            conv = (second_week.to_numpy() <= w) & who
        else:
            span = pd.Timedelta(days=7 * float(w))
            who = (first + span <= end + pd.Timedelta(days=1)).to_numpy()
            conv = ((second - first) < span).to_numpy() & who
        n = int(who.sum())
        rows.append((w, n, int(conv.sum()), conv.sum() / n if n else float("nan")))
    return pd.DataFrame(rows, columns=["weeks", "customers", "converted", "share"])


def repeat_rate_by_tenure(log: pd.DataFrame, *, weeks: int | None = None, bgnbd=None,
                          observation_end=None, customer_col: str = "customer_id",
                          date_col: str = "date", order_col: str | None = "order_id"
                          ) -> pd.DataFrame:
    """Repeat purchases per customer in each week since the customer's own first purchase.

    Tenure week k covers days 7(k-1)+1 .. 7k after the first-purchase day (time of day
    ignored). A customer counts in week k only when the log covers that whole week
    (up to ``observation_end``, default the log's last day). Columns: ``tenure_week``,
    ``customers``, ``repeats``, ``rate`` (repeats per customer). With a fitted BG/NBD
    ``bgnbd`` (time in weeks) also ``expected_rate`` = E[X(k)] - E[X(k-1)] and
    ``ratio`` = rate / expected_rate: above 1 right after the trial purchase means new
    customers come back sooner than the model's constant purchase rate allows.
    """
    occ, _ = _weekly_occasions(log, None, customer_col, date_col, None, order_col)
    day = pd.to_datetime(occ["date"]).dt.normalize()
    first = day.groupby(occ["customer"]).transform("min")
    end = day.max() if observation_end is None else to_timestamp(observation_end,
                                                                 "observation_end")
    seen_days = ((end - first.groupby(occ["customer"]).first()).dt.days).to_numpy()
    n = int(seen_days.max() // 7) if weeks is None else int(check_range("weeks", weeks, 1))
    age = (day - first).dt.days.to_numpy()
    rep = (occ["order_number"].to_numpy() > 1) & (age > 0)
    k = (age[rep] - 1) // 7 + 1
    cust_seen = (end - first).dt.days.to_numpy()[rep]
    whole = cust_seen >= 7 * k  # the customer's tenure week k lies inside the log
    repeats = np.bincount(k[whole & (k <= n)], minlength=n + 1)[1:n + 1]
    customers = np.array([(seen_days >= 7 * w).sum() for w in range(1, n + 1)])
    out = pd.DataFrame({"tenure_week": np.arange(1, n + 1), "customers": customers,
                        "repeats": repeats.astype("int64")})
    with np.errstate(invalid="ignore", divide="ignore"):
        out["rate"] = out["repeats"] / out["customers"]
    if bgnbd is not None:
        out["expected_rate"] = np.diff(bgnbd.expected_purchases_new(np.arange(0, n + 1.0)))
        out["ratio"] = out["rate"] / out["expected_rate"]
    return out


# --------------------------------------------------------------------------- spend
def _spend_row(a):
    a = np.asarray(a, dtype=float)
    pos = a[a > 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "orders": int(a.size),
            "mean": float(np.mean(a)) if a.size else np.nan,
            "median": float(np.median(a)) if a.size else np.nan,
            "std": float(np.std(a, ddof=1)) if a.size > 1 else np.nan,
            "cv": float(np.std(a, ddof=1) / np.mean(a)) if a.size > 1 else np.nan,
            "zero_orders": int((a <= 0).sum()),
            "log_mean": float(np.mean(np.log(pos))) if pos.size else np.nan,
            "log_sd": float(np.std(np.log(pos), ddof=1)) if pos.size > 1 else np.nan,
        }


def spend_by_order_number(log: pd.DataFrame, *, max_order: int = 5, start=None,
                          weeks: int | None = None, customer_col: str = "customer_id",
                          date_col: str = "date", amount_col: str = "amount",
                          order_col: str | None = "order_id") -> pd.DataFrame:
    """Order value by the customer's order number (1 = first purchase, 2 = first repeat, ...).

    Orders numbered ``max_order`` and later are pooled (``label`` "5+"). Columns:
    ``order_number``, ``label``, ``orders``, ``mean``, ``median``, ``std``, ``cv``
    (std / mean), ``zero_orders`` (orders of 0), ``log_mean`` and ``log_sd`` (of the
    positive amounts: lognormal shape), ``relative_mean`` (mean / mean of order 1).
    Only weeks 1..``weeks`` count (default: all).
    """
    check_range("max_order", max_order, 1)
    occ, _ = _weekly_occasions(log, start, customer_col, date_col, amount_col, order_col)
    occ = occ[occ["week"] <= _n_weeks(weeks, occ)]
    k = int(max_order)
    num = np.minimum(occ["order_number"].to_numpy(), k)
    rows = []
    for i in range(1, k + 1):
        row = {"order_number": i, "label": f"{i}+" if i == k and k > 1 else str(i)}
        row.update(_spend_row(occ["amount"].to_numpy()[num == i]))
        rows.append(row)
    out = pd.DataFrame(rows)
    out["relative_mean"] = out["mean"] / out["mean"].iloc[0]
    return out


def first_vs_repeat_spend(log: pd.DataFrame, *, start=None, weeks: int | None = None,
                          customer_col: str = "customer_id", date_col: str = "date",
                          amount_col: str = "amount", order_col: str | None = "order_id"
                          ) -> pd.DataFrame:
    """Order value of first (trial) purchases vs repeat purchases.

    One row per ``kind`` ("first", "repeat") with the columns of
    :func:`spend_by_order_number`; ``relative_mean`` of the repeat row is the
    repeat-to-first ratio of mean order value.
    """
    out = spend_by_order_number(log, max_order=2, start=start, weeks=weeks,
                                customer_col=customer_col, date_col=date_col,
                                amount_col=amount_col, order_col=order_col)
    out.insert(0, "kind", ["first", "repeat"])
    return out.drop(columns=["order_number", "label"])


# --------------------------------------------------------------------------- roughness
def dispersion(counts, *, span: int = 5) -> dict:
    """How rough a series of counts is around its local level.

    The local level ``m_t`` of week t is the mean of the ``span - 1`` neighbouring weeks
    (t itself left out; ``span`` odd). Returns a dict with ``mean`` and
    ``variance_to_mean`` of the raw counts (trend included), ``dispersion`` = mean of
    (y_t - m_t)^2 / m_t, scaled by (span - 1) / span so that Poisson noise around a
    locally linear level gives 1, and ``shock_variance``: the variance v of a common
    multiplicative weekly shock S_t (mean 1) in y_t ~ Poisson(m_t S_t), by the method of
    moments (Var y = m + v m^2), floored at 0; ``shock_cv`` = sqrt(v). Unlike the
    dispersion, v does not grow with the size of the population, so a real sample and a
    ten times larger simulation can be compared on it. The ``span // 2`` weeks at each
    end are not used.
    """
    y = as_array(counts, "counts")
    check_range("span", span, 3)
    span = int(span)
    if span % 2 == 0:
        raise invalid("span", span, "an odd number >= 3")
    h = span // 2
    if y.ndim != 1 or y.size < span + 1:
        raise CrmsimError(f"counts must be a 1-d series of at least {span + 1} values")
    kernel = np.ones(span)
    kernel[h] = 0.0
    m = np.convolve(y, kernel, mode="valid") / (span - 1)
    yc = y[h:len(y) - h]
    keep = m > 0
    c = (span - 1) / span
    sq = c * (yc[keep] - m[keep]) ** 2
    disp = float(np.mean(sq / m[keep]))
    v = float(np.sum(sq - m[keep]) / np.sum(m[keep] ** 2))
    v = max(v, 0.0)
    return {
        "mean": float(np.mean(y)),
        "variance_to_mean": float(np.var(y, ddof=1) / np.mean(y)),
        "dispersion": disp,
        "shock_variance": v,
        "shock_cv": float(np.sqrt(v)),
    }


def weekly_variability(log: pd.DataFrame, *, first_week: int = 13, last_week: int | None = None,
                       span: int = 5, start=None, customer_col: str = "customer_id",
                       date_col: str = "date", order_col: str | None = "order_id"
                       ) -> pd.DataFrame:
    """Week-to-week roughness of the weekly repeat and total purchase series.

    Applies :func:`dispersion` to weeks ``first_week``..``last_week`` (default 13 to the
    last week: after a 12-week launch, when no trial purchases move the level). One row
    per ``series`` ("repeat", "total") with ``first_week``, ``last_week``, ``mean``,
    ``variance_to_mean``, ``dispersion``, ``shock_variance`` and ``shock_cv``.
    """
    wk = weekly_tracking(log, start=start, weeks=last_week, customer_col=customer_col,
                         date_col=date_col, order_col=order_col)
    wk = wk[wk["week"] >= int(first_week)]
    if len(wk) == 0:
        raise invalid("first_week", first_week, "a week before the end of the log")
    rows = []
    for s in ("repeat", "total"):
        d = dispersion(wk[s].to_numpy(), span=span)
        rows.append({"series": s, "first_week": int(wk["week"].iloc[0]),
                     "last_week": int(wk["week"].iloc[-1]), **d})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- calendar
def expected_weekly_repeats(bgnbd, log: pd.DataFrame, *, start=None, weeks: int | None = None,
                            customer_col: str = "customer_id", date_col: str = "date"
                            ) -> pd.DataFrame:
    """Weekly repeat purchases a fitted BG/NBD model expects for the customers in ``log``.

    The model must have time in weeks measured in days (``freq='D', freq_multiplier=7``,
    like the published CDNOW fit). Each customer's clock starts at the end of its
    first-purchase day, as in :func:`~crmsim.analysis.plot_cumulative_transactions`.
    Columns: ``week``, ``expected_repeat``, ``cumulative_expected``.
    """
    occ, start = _weekly_occasions(log, start, customer_col, date_col, None, None)
    n = _n_weeks(weeks, occ)
    first = occ[occ["order_number"] == 1]
    day0 = ((pd.to_datetime(first["date"]).dt.normalize() - start).dt.days + 1) / 7.0
    cum = expected_cumulative_transactions(bgnbd, day0.to_numpy(), np.arange(0, n + 1))
    return pd.DataFrame({"week": np.arange(1, n + 1), "expected_repeat": np.diff(cum),
                         "cumulative_expected": cum[1:]})


def calendar_effects(log: pd.DataFrame, *, baseline=None, by: str = "month", start=None,
                     first_week: int = 13, last_week: int | None = None, span: int = 13,
                     customer_col: str = "customer_id", date_col: str = "date",
                     order_col: str | None = "order_id") -> pd.DataFrame:
    """Repeat purchases per calendar month (or week) relative to a baseline of the cohort's decay.

    ``baseline`` gives expected weekly repeat purchases for weeks 1..last_week (an array,
    or a table from :func:`expected_weekly_repeats`); by default it is a centred
    ``span``-week moving average of the series itself, which removes the slow decay but
    also flattens seasons longer than ``span`` weeks. Weeks belong to the month of their
    middle day. Columns: ``period`` (e.g. "1997-12", or the week number with
    ``by="week"``), ``weeks``, ``repeat``, ``baseline``, ``index`` = repeat / baseline
    (1.2: 20% more purchases than the decay alone explains). Only weeks
    ``first_week``..``last_week`` count (default from 13: after the launch).
    """
    if by not in ("month", "week"):
        raise invalid("by", by, "'month' or 'week'")
    wk = weekly_tracking(log, start=start, weeks=last_week, customer_col=customer_col,
                         date_col=date_col, order_col=order_col)
    n = len(wk)
    if baseline is None:
        base = wk["repeat"].rolling(int(span), center=True, min_periods=1).mean().to_numpy()
    else:
        if isinstance(baseline, pd.DataFrame):
            baseline = baseline["expected_repeat"]
        base = as_array(baseline, "baseline")
        if base.shape != (n,):
            raise invalid("baseline", f"<{base.size} values>", f"{n} weekly values")
    df = pd.DataFrame({"week": wk["week"], "repeat": wk["repeat"], "baseline": base})
    mid = wk["week_start"] + pd.Timedelta(days=3)
    df["period"] = mid.dt.strftime("%Y-%m") if by == "month" else wk["week"]
    df = df[df["week"] >= int(first_week)]
    out = df.groupby("period", sort=True).agg(weeks=("week", "size"), repeat=("repeat", "sum"),
                                              baseline=("baseline", "sum")).reset_index()
    out["index"] = out["repeat"] / out["baseline"]
    return out


# --------------------------------------------------------------------------- side by side
def compare_logs(real: pd.DataFrame, simulated: pd.DataFrame, *, start_real=None,
                 start_sim=None, windows=_WINDOWS, launch_weeks: int = 12,
                 labels=("real", "simulated"), customer_col: str = "customer_id",
                 date_col: str = "date", amount_col: str = "amount",
                 order_col: str | None = "order_id") -> pd.DataFrame:
    """Put the tracking measures of two logs side by side, per customer so sizes may differ.

    Rows (``metric``): customers; the trial share of each launch week; repeat purchases
    per customer and the share without repeats in each window; repeat conversion by
    the end of each window; mean first and repeat order value and their ratio; the
    weekly repeat series' ``dispersion`` and ``shock_cv`` after the launch (weeks
    ``launch_weeks`` + 1 to the last window's end; NaN when that is under 6 weeks).
    Columns: ``metric`` and one per label,
    plus ``ratio`` (second / first).
    """
    pairs = _check_windows(windows)
    end = max(b for _, b in pairs)

    def measures(log, start):
        kw = {"start": start, "customer_col": customer_col, "date_col": date_col,
              "order_col": order_col}
        m = {}
        trial = trial_curve(log, weeks=launch_weeks, **kw)
        m["customers"] = float(trial["new_customers"].sum())
        for w, s in zip(trial["week"], trial["share"], strict=True):
            m[f"trial share week {w}"] = float(s)
        hist = repeat_histogram(log, pairs, **kw)
        for (a, b), h in hist.groupby(["first_week", "last_week"], sort=False):
            n = h["customers"].sum()
            m[f"repeats per customer weeks {a}-{b}"] = float(
                (h["repeats"] * h["customers"]).sum() / n)
            m[f"share without repeat weeks {a}-{b}"] = float(
                h.loc[h["repeats"] == 0, "share"].sum())
        conv = repeat_conversion(log, [b for _, b in pairs], **kw)
        for w, s in zip(conv["weeks"], conv["share"], strict=True):
            m[f"repeat conversion by week {w}"] = float(s)
        spend = first_vs_repeat_spend(log, weeks=end, amount_col=amount_col, **kw)
        m["mean first order value"] = float(spend["mean"].iloc[0])
        m["mean repeat order value"] = float(spend["mean"].iloc[1])
        m["repeat / first order value"] = float(spend["relative_mean"].iloc[1])
        wk = weekly_tracking(log, weeks=end, **kw)
        rep = wk.loc[wk["week"] > launch_weeks, "repeat"].to_numpy()
        d = dispersion(rep) if rep.size > 5 else {"dispersion": np.nan, "shock_cv": np.nan}
        m["weekly repeat dispersion"] = float(d["dispersion"])
        m["weekly repeat shock cv"] = float(d["shock_cv"])
        return m

    a = measures(real, start_real)
    b = measures(simulated, start_sim)
    out = pd.DataFrame({"metric": list(a), labels[0]: list(a.values()),
                        labels[1]: [b.get(k, np.nan) for k in a]})
    with np.errstate(divide="ignore", invalid="ignore"):
        out["ratio"] = out[labels[1]] / out[labels[0]]
    return out


# --------------------------------------------------------------------------- plots
def _per_thousand(wk, col):
    return 1000.0 * wk[col] / wk["cohort"].iloc[-1]


def plot_tracking(real: pd.DataFrame, simulated: pd.DataFrame | None = None, *,
                  start_real=None, start_sim=None, weeks: int | None = None,
                  labels=None, cumulative: bool = False,
                  customer_col: str = "customer_id", date_col: str = "date",
                  order_col: str | None = "order_id", ax=None):
    """Weekly (or cumulative) repeat purchases per 1,000 cohort customers, one line per log.

    Dividing by the cohort size lets a sample and a larger simulation share one axis.
    Weekly total purchases (trial + repeat) are drawn thin behind the repeat line.
    ``labels`` name the two logs (default: real, simulated in the current language).
    Returns the Axes.
    """
    labels = labels or (t("plot.real"), t("plot.simulated"))
    ax = get_ax(ax, figsize=(8, 4.5))
    logs = [(real, start_real, labels[0], "black")]
    if simulated is not None:
        logs.append((simulated, start_sim, labels[1], "tab:blue"))
    for log, start, label, color in logs:
        wk = weekly_tracking(log, start=start, weeks=weeks, customer_col=customer_col,
                             date_col=date_col, order_col=order_col)
        col = "cumulative_repeat" if cumulative else "repeat"
        ax.plot(wk["week"], _per_thousand(wk, col), color=color,
                label=t("plot.repeat_purchases_of", label=label))
        if not cumulative:
            ax.plot(wk["week"], _per_thousand(wk, "total"), color=color, alpha=0.35,
                    linewidth=0.8, label=t("plot.all_purchases_of", label=label))
    ax.set_xlabel(t("plot.week_since_start"))
    ax.set_ylabel(t("plot.cumulative_per_1000" if cumulative else "plot.weekly_per_1000"))
    ax.set_title(t("plot.tracking_title_cumulative" if cumulative else "plot.tracking_title"))
    ax.legend()
    return ax


def plot_repeat_histograms(real: pd.DataFrame, simulated: pd.DataFrame | None = None, *,
                           windows=_WINDOWS, max_repeats: int = 7, start_real=None,
                           start_sim=None, labels=None,
                           customer_col: str = "customer_id", date_col: str = "date",
                           order_col: str | None = "order_id", axes=None):
    """Share of customers with 0, 1, ..., ``max_repeats``+ repeat purchases per window.

    One panel per window, bars side by side for the two logs (``labels`` as in
    :func:`plot_tracking`). Returns the array of Axes.
    """
    labels = labels or (t("plot.real"), t("plot.simulated"))
    pairs = _check_windows(windows)
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, len(pairs), figsize=(4.5 * len(pairs), 4), squeeze=False)
        axes = axes[0]
    axes = np.atleast_1d(axes)
    if len(axes) != len(pairs):
        raise invalid("axes", f"<{len(axes)} Axes>", f"{len(pairs)} Axes, one per window")
    logs = [(real, start_real, labels[0], "0.3")]
    if simulated is not None:
        logs.append((simulated, start_sim, labels[1], "tab:blue"))
    width = 0.8 / len(logs)
    for i, (log, start, label, color) in enumerate(logs):
        h = repeat_histogram(log, pairs, start=start, max_repeats=max_repeats,
                             customer_col=customer_col, date_col=date_col,
                             order_col=order_col)
        for ax, (a, b) in zip(axes, pairs, strict=True):
            hw = h[(h["first_week"] == a) & (h["last_week"] == b)]
            full = hw.set_index("repeats")["share"].reindex(range(max_repeats + 1),
                                                              fill_value=0.0)
            pos = np.arange(max_repeats + 1) + (i - (len(logs) - 1) / 2) * width
            ax.bar(pos, full.to_numpy(), width=width, color=color, label=label)
    for ax, (a, b) in zip(axes, pairs, strict=True):
        ticks = [str(k) for k in range(max_repeats)] + [f"{max_repeats}+"]
        ax.set_xticks(np.arange(max_repeats + 1), ticks)
        ax.set_xlabel(t("plot.repeats_in_weeks", a=a, b=b))
        ax.set_ylabel(t("plot.share_of_customers"))
        ax.set_title(t("plot.weeks", a=a, b=b))
        ax.legend()
    return axes


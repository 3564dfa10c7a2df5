"""Per-customer summaries of a transaction log: the input of the buy-till-you-die models.

:func:`summary_data_from_log` turns a log into frequency / recency / T / monetary value per
customer, following the conventions of the ``lifetimes`` package;
:func:`calibration_and_holdout_data` splits a log in time to validate a model's
predictions on the holdout period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmsim.analysis._common import (
    check_columns,
    check_log,
    check_number,
    numeric_column,
    shown,
    to_timestamp,
)
from crmsim.errors import invalid

__all__ = ["calibration_and_holdout_data", "summary_data_from_log"]


def _periods(log, date_col, time_col, freq, freq_multiplier, observation_end,
             end_name="observation_end"):
    """Integer or float period of each row, the end period and the time unit divisor."""
    check_number("freq_multiplier", freq_multiplier, 0, lo_open=True)
    if time_col is not None:
        t = numeric_column(log, time_col, "log")
        if observation_end is None:
            end = float(np.max(t))
        else:
            end = float(check_number(end_name, observation_end))
        if freq is None:
            p = t
        else:
            width = float(check_number("freq", freq, 0, lo_open=True))
            p = np.floor(t / width)
            end = float(np.floor(end / width))
        return p, end, float(freq_multiplier)
    if not isinstance(freq, str) or freq not in ("D", "W"):
        raise invalid("freq", shown(freq), "'D' or 'W' (or a number with time_col=)")
    dates = pd.to_datetime(log[date_col])
    end = dates.max() if observation_end is None else to_timestamp(observation_end, end_name)
    day = dates.to_numpy(dtype="datetime64[D]").astype("int64")
    end_day = np.datetime64(end.normalize(), "D").astype("int64")
    if freq == "D":
        return day.astype(float), float(end_day), float(freq_multiplier)
    # weeks starting on Monday, like pandas' to_period("W") (1970-01-01 was a Thursday)
    week = np.floor((day + 3) / 7.0)
    return week, float(np.floor((end_day + 3) / 7.0)), float(freq_multiplier)


def summary_data_from_log(
    log: pd.DataFrame,
    observation_end=None,
    *,
    freq="D",
    freq_multiplier: float = 1,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = "amount",
    time_col: str | None = None,
) -> pd.DataFrame:
    """Frequency / recency / T / monetary_value per customer, the input of the BTYD fits.

    Follows the convention of the ``lifetimes`` package: purchases are grouped into
    periods of ``freq`` ('D' calendar days, 'W' weeks); ``frequency`` is the number of
    *repeat* periods with a purchase (periods with a purchase minus one), ``recency`` the
    time from the first to the last purchase period, ``T`` the time from the first
    purchase to ``observation_end`` (default: the last date), all divided by
    ``freq_multiplier`` (use ``freq='D', freq_multiplier=7`` for weeks measured in days).
    ``monetary_value`` is the mean amount of the repeat periods (0 without repeats).
    With a numeric ``time_col`` (e.g. the simulator's ``timestamp``) dates are ignored;
    ``freq=None`` then keeps each distinct time as one occasion and a number groups times
    into periods of that width. Purchases after ``observation_end`` are ignored.
    """
    _check_summary_log(log, customer_col, date_col, amount_col, time_col)
    p, end, unit = _periods(log, date_col, time_col, freq, freq_multiplier, observation_end)
    keep = p <= end
    if not keep.any():
        raise invalid("observation_end", shown(observation_end), "a time on or after the "
                      "first purchase in the log")
    df = pd.DataFrame({"c": log[customer_col].to_numpy()[keep], "p": p[keep]})
    df["a"] = log[amount_col].to_numpy(dtype=float)[keep] if amount_col is not None else 0.0
    per = df.groupby(["c", "p"], sort=True)["a"].sum().reset_index()
    g = per.groupby("c", sort=True)
    first = g["p"].min()
    last = g["p"].max()
    n = g.size()
    first_amount = per.groupby("c", sort=True)["a"].first()  # sorted by p within c
    total = g["a"].sum()
    frequency = (n - 1).astype("int64")
    out = pd.DataFrame({
        "frequency": frequency,
        "recency": (last - first) / unit,
        "T": (end - first) / unit,
    })
    if amount_col is not None:
        rep = (total - first_amount).to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            out["monetary_value"] = np.where(frequency > 0, rep / np.maximum(frequency, 1), 0.0)
    out.index.name = customer_col
    return out


def calibration_and_holdout_data(
    log: pd.DataFrame,
    calibration_end,
    observation_end=None,
    *,
    freq="D",
    freq_multiplier: float = 1,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = "amount",
    time_col: str | None = None,
) -> pd.DataFrame:
    """Split a log at ``calibration_end`` into a calibration summary and holdout outcomes.

    Returns, for customers whose first purchase is in the calibration period,
    ``frequency_cal``, ``recency_cal``, ``T_cal`` (and ``monetary_value_cal``) plus
    ``frequency_holdout`` (periods with a purchase after ``calibration_end`` and up to
    ``observation_end``), ``monetary_value_holdout`` and ``duration_holdout``. Fit on the
    calibration columns, then compare predictions for ``duration_holdout`` with
    ``frequency_holdout`` - the standard way to validate a CLV model.
    """
    if calibration_end is None:
        raise invalid("calibration_end", None, "a date (or a time with time_col=)")
    cal = summary_data_from_log(
        log, calibration_end, freq=freq, freq_multiplier=freq_multiplier,
        customer_col=customer_col, date_col=date_col, amount_col=amount_col,
        time_col=time_col,
    )
    cal.columns = [f"{c}_cal" for c in cal.columns]
    p, cal_end, unit = _periods(log, date_col, time_col, freq, freq_multiplier,
                                calibration_end, "calibration_end")
    _, obs_end, _ = _periods(log, date_col, time_col, freq, freq_multiplier,
                             observation_end)
    if obs_end <= cal_end:
        raise invalid("observation_end", shown(observation_end), f"a time after "
                      f"calibration_end={calibration_end!r} (at least one period later)")
    hold = (p > cal_end) & (p <= obs_end)
    df = pd.DataFrame({"c": log[customer_col].to_numpy()[hold], "p": p[hold]})
    df["a"] = log[amount_col].to_numpy(dtype=float)[hold] if amount_col is not None else 0.0
    per = df.groupby(["c", "p"])["a"].sum().reset_index()
    g = per.groupby("c")
    out = cal.copy()
    out["frequency_holdout"] = g.size().reindex(out.index, fill_value=0).astype("int64")
    if amount_col is not None:
        out["monetary_value_holdout"] = g["a"].mean().reindex(out.index, fill_value=0.0)
    out["duration_holdout"] = (obs_end - cal_end) / unit
    return out


def _check_summary_log(log, customer_col, date_col, amount_col, time_col):
    """The shared log check, with a numeric ``time_col`` standing in for dates."""
    check_log(log, customer_col=customer_col,
              date_col=date_col if time_col is None else None, amount_col=amount_col)
    if time_col is not None:
        check_columns(log, [time_col])

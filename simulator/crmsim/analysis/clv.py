"""Customer lifetime value (客户终身价值, CLV): the retention-based textbook formula.

:func:`simple_clv` is the margin multiple taught in CRM textbooks. The probability
models that value each customer from its purchase history live in
:mod:`crmsim.analysis.btyd` (BG/NBD purchases, Gamma-Gamma spend, their CLV); the
summaries they start from in :mod:`crmsim.analysis.summaries` and their fit plots in
:mod:`crmsim.analysis.plots`. They are re-exported here, where they have always been
importable from.
"""

from __future__ import annotations

import numpy as np

from crmsim.analysis._common import as_array, broadcastable, check_bool, check_int, shown
from crmsim.analysis.btyd import (
    DEGENERATE_LIMIT,
    GRADIENT_TOLERANCE,
    BGNBDFit,
    GammaGammaFit,
    clv_bgnbd_gg,
    expected_cumulative_transactions,
    fit_bgnbd,
    fit_gamma_gamma,
)
from crmsim.analysis.plots import plot_cumulative_transactions, plot_frequency_histogram
from crmsim.analysis.summaries import calibration_and_holdout_data, summary_data_from_log
from crmsim.errors import invalid

__all__ = [
    "DEGENERATE_LIMIT",
    "GRADIENT_TOLERANCE",
    "BGNBDFit",
    "GammaGammaFit",
    "calibration_and_holdout_data",
    "clv_bgnbd_gg",
    "expected_cumulative_transactions",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "plot_cumulative_transactions",
    "plot_frequency_histogram",
    "simple_clv",
    "summary_data_from_log",
]


def simple_clv(margin, retention, discount, horizon: int | None = None,
               acquisition_cost=0.0, first_period_paid: bool = False):
    """Retention-based CLV: the margin multiple of Gupta & Lehmann (2003).

    A customer yields ``margin`` per period while retained; it stays each period with
    probability ``retention`` (客户保持率); money is discounted at rate ``discount``.
    With an infinite horizon ``CLV = m r / (1 + d - r)`` (first margin at the end of
    period 1). ``horizon=H`` sums the first ``H`` periods, ``first_period_paid=True``
    adds a margin at time 0, and ``acquisition_cost`` is subtracted. Arguments broadcast
    like numpy arrays.
    """
    m = as_array(margin, "margin")
    r = as_array(retention, "retention", lo=0)
    d = as_array(discount, "discount", lo=-1, lo_open=True)
    cost = as_array(acquisition_cost, "acquisition_cost")
    if np.any(r > 1):
        raise invalid("retention", shown(retention), "a number in [0, 1]")
    check_bool("first_period_paid", first_period_paid)
    broadcastable(margin=m, retention=r, discount=d, acquisition_cost=cost)
    q = r / (1.0 + d)
    if horizon is None:
        if np.any(q >= 1):
            raise invalid("horizon", None, "a number of periods when retention >= 1 + "
                          "discount (the infinite sum diverges)")
        value = m * q / (1.0 - q)
    else:
        h = check_int("horizon", horizon, 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            geo = np.where(np.isclose(q, 1.0), h, q * (1.0 - q**h) / (1.0 - q))
        value = m * geo
    if first_period_paid:
        value = value + m
    value = value - cost
    return float(value) if np.ndim(value) == 0 else value

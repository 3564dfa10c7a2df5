"""Customer lifetime value from the fits: BG/NBD purchases times Gamma-Gamma spend.

Fader, Hardie & Lee (2005b) value a customer as expected purchases times expected spend
per purchase, discounted; :func:`clv_bgnbd_gg` does this in discrete steps, like
``lifetimes``' ``customer_lifetime_value``.
"""

from __future__ import annotations

import numpy as np

from crmsim.analysis._common import as_array, broadcastable, check_int, check_number, like
from crmsim.analysis.btyd.base import check_fit_type, check_frt
from crmsim.analysis.btyd.bgnbd import BGNBDFit
from crmsim.analysis.btyd.gamma_gamma import GammaGammaFit

__all__ = ["clv_bgnbd_gg"]


def clv_bgnbd_gg(bgnbd: BGNBDFit, gamma_gamma: GammaGammaFit, frequency, recency, T,
                 monetary_value, *, horizon: float = 52.0, steps: int = 12,
                 discount_rate: float = 0.01, margin: float = 1.0):
    """Discounted CLV per customer over ``horizon`` time units (BG/NBD x Gamma-Gamma).

    The horizon is cut into ``steps`` equal periods; expected purchases in each period
    (the growth of BG/NBD's E[Y(t) | x, t_x, T]) times expected spend per purchase
    (Gamma-Gamma's E[M | x, m_x]) times ``margin`` is discounted at ``discount_rate`` per
    period. Like ``lifetimes``' CLV with ``time=horizon``. Returns a Series when the inputs
    are Series.
    """
    check_fit_type("bgnbd", bgnbd, BGNBDFit, "fit_bgnbd")
    check_fit_type("gamma_gamma", gamma_gamma, GammaGammaFit, "fit_gamma_gamma")
    check_int("steps", steps, 1)
    check_number("horizon", horizon, 0, lo_open=True)
    check_number("discount_rate", discount_rate, -1, lo_open=True)
    check_number("margin", margin)
    check_frt(frequency, recency, T)
    broadcastable(frequency=as_array(frequency, "frequency"),
                  recency=as_array(recency, "recency"), T=as_array(T, "T"),
                  monetary_value=as_array(monetary_value, "monetary_value"))
    spend = np.asarray(gamma_gamma.expected_spend(frequency, monetary_value), dtype=float)
    step = horizon / int(steps)
    prev = np.zeros_like(spend)
    value = np.zeros_like(spend)
    for i in range(1, int(steps) + 1):
        cum = np.asarray(bgnbd.expected_purchases(i * step, frequency, recency, T),
                         dtype=float)
        value += margin * spend * (cum - prev) / (1 + discount_rate) ** i
        prev = cum
    return like(value, frequency)

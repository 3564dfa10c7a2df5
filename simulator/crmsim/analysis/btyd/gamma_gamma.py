"""Gamma-Gamma spend model: Fader, Hardie & Lee (2005b), "RFM and CLV: using iso-value
curves for customer base analysis" (Journal of Marketing Research 42(4), 415-430).

Each purchase amount is Gamma(p, ν) with the customer's ν ~ Gamma(q, v), independent of
how often it buys, so a customer's observed mean spend m_x over x purchases is shrunk
towards the population mean. Equation numbers are those of Fader & Hardie (2013), "The
Gamma-Gamma model of monetary value" (brucehardie.com note 025), which restates the
paper's spend model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import special

from crmsim.analysis._common import as_array, broadcastable, like, same_length, shown
from crmsim.analysis.btyd.base import Fit, compress, fit_ml, starting_values
from crmsim.errors import invalid

__all__ = ["GammaGammaFit", "fit_gamma_gamma"]


def _nll(params, x, m, w):
    return _nll_grad(params, x, m, w, grad=False)[0]


def _nll_grad(params, x, m, w, grad=True):
    """Negative log-likelihood of mean spends m over x purchases (eq. 1a) and its gradient.

    f(m | x) = Γ(px+q) / (Γ(px) Γ(q)) v^q m^(px-1) x^(px) / (v + m x)^(px+q).
    """
    p, q, v = params
    px = p * x
    log_xmv = np.log(x * m + v)
    ll = (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q)
          + q * np.log(v) + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * log_xmv)
    nll = -float(np.sum(w * ll))
    if not grad:
        return nll, None
    psi_pxq = special.digamma(px + q)
    d_p = x * (psi_pxq - special.digamma(px) + np.log(m) + np.log(x) - log_xmv)
    d_q = psi_pxq - special.digamma(q) + np.log(v) - log_xmv
    d_v = q / v - (px + q) / (x * m + v)
    g = -np.array([np.sum(w * d) for d in (d_p, d_q, d_v)])
    return nll, g


@dataclass(frozen=True)
class GammaGammaFit(Fit):
    """A fitted Gamma-Gamma spend model: parameters ``p, q, v``, SEs and log-likelihood.

    Each purchase amount is Gamma(p, ν) with the customer's ν ~ Gamma(q, v), so mean
    spend per purchase varies across customers around p v / (q - 1).
    """

    param_names: ClassVar[tuple] = ("p", "q", "v")

    def population_mean_spend(self) -> float:
        """Mean spend per purchase across customers, E[p / ν] = p v / (q - 1) (needs q > 1)."""
        p, q, v = self.theta()
        return p * v / (q - 1) if q > 1 else float("inf")

    def expected_spend(self, frequency, monetary_value):
        """E[mean spend per purchase | x, m_x] = p (v + x m_x) / (p x + q - 1) (eq. 5).

        A weighted average of the population mean and the customer's own mean m_x, whose
        weight grows with the number of purchases x.
        """
        p, q, v = self.theta()
        x = as_array(frequency, "frequency", lo=0)
        m = as_array(monetary_value, "monetary_value", lo=0)
        broadcastable(frequency=x, monetary_value=m)
        out = (p * (v + x * m)) / (p * x + q - 1)
        return like(out, frequency)


def fit_gamma_gamma(frequency, monetary_value, *, initial=(1.0, 1.0, 1.0)) -> GammaGammaFit:
    """Fit the Gamma-Gamma spend model on repeat buyers (frequency > 0) by maximum likelihood.

    ``monetary_value`` is each customer's mean spend over its ``frequency`` repeat
    purchases. Customers with ``frequency == 0`` are left out, as in the published model.
    The model assumes spend is independent of frequency - check their correlation first.
    """
    x = as_array(frequency, "frequency", lo=0)
    m = as_array(monetary_value, "monetary_value", lo=0)
    same_length(frequency=frequency, monetary_value=monetary_value)
    keep = x > 0
    if np.any(m[keep] <= 0):
        raise invalid("monetary_value", 0.0, "a mean spend > 0 for every customer with "
                      "frequency > 0")
    if keep.sum() < 2:
        raise invalid("frequency", shown(frequency), "at least two repeat buyers "
                      "(frequency > 0)")
    if np.unique(m[keep]).size < 2:
        raise invalid("monetary_value", shown(monetary_value), "spends that vary between "
                      "repeat buyers (all are equal: the spread of spend cannot be estimated)")
    (ux, um), w = compress(x[keep], m[keep])
    x0 = starting_values(initial, 3)
    params, se, ll = fit_ml(lambda p: _nll(p, ux, um, w),
                            lambda p: _nll_grad(p, ux, um, w), x0,
                            list(GammaGammaFit.param_names),
                            scale=[1.0, 1.0, float(np.mean(m[keep]))],
                            model="Gamma-Gamma", data_name="monetary_value",
                            data=monetary_value)
    return GammaGammaFit(params=params, se=se, loglik=ll, n=int(keep.sum()))

"""Test-local maximum-likelihood fits of BG/NBD and Gamma-Gamma (Fader, Hardie & Lee 2005).

Kept small and independent of crmsim.analysis so that the simulator's calibration
test checks the simulator against the textbook likelihood, not against itself.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln


def bgnbd_negll(logp, x, tx, T):
    r, alpha, a, b = np.exp(logp)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-12))
                  - (r + x) * np.log(alpha + tx), -np.inf)
    return -np.sum(a1 + a2 + np.logaddexp(a3, a4))


def gg_negll(logp, x, m):
    p, q, v = np.exp(logp)
    ll = (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(v)
          + (p * x - 1) * np.log(m) + p * x * np.log(x) - (p * x + q) * np.log(x * m + v))
    return -np.sum(ll)


def _hessian_se(f, theta, h=1e-4):
    """Standard errors on the natural scale from a numerical Hessian in log-parameters."""
    k = len(theta)
    hess = np.zeros((k, k))
    for i in range(k):
        for j in range(k):
            e_i, e_j = np.eye(k)[i] * h, np.eye(k)[j] * h
            hess[i, j] = (f(theta + e_i + e_j) - f(theta + e_i - e_j) - f(theta - e_i + e_j)
                          + f(theta - e_i - e_j)) / (4 * h * h)
    cov_log = np.linalg.inv(hess)
    return np.exp(theta) * np.sqrt(np.diag(cov_log))


def fit(negll, start, *data):
    f = lambda th: negll(th, *data)  # noqa: E731
    res = minimize(f, np.log(start), method="Nelder-Mead",
                   options={"maxiter": 20000, "xatol": 1e-8, "fatol": 1e-8})
    res = minimize(f, res.x, method="BFGS")
    return np.exp(res.x), _hessian_se(f, res.x)

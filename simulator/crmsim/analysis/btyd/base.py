"""What every buy-till-you-die fit shares: maximum likelihood, standard errors, the result.

Each model module writes its negative log-likelihood (NLL) and its analytic (or numerical)
gradient and hands them to :func:`fit_ml`, which minimises the NLL with L-BFGS-B over
log-parameters (so every parameter stays positive), refuses a result that is not a genuine
optimum (:func:`check_optimum`) and takes standard errors from the inverse of the
numerical Hessian (:func:`numerical_hessian`). The result is a frozen :class:`Fit`
holding only numbers; the purchase-count models (BG/NBD, MBG/NBD, Pareto/NBD) extend it as
:class:`CountFit`, which adds the log-likelihood of new data and P(alive).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import optimize, special

from crmsim.analysis._common import as_array, broadcastable, like, same_length, shown
from crmsim.errors import CrmsimError, invalid

__all__ = [
    "DEGENERATE_LIMIT",
    "GRADIENT_TOLERANCE",
    "CountFit",
    "Fit",
    "check_fit_type",
    "check_frt",
    "check_optimum",
    "compress",
    "count_data",
    "fit_ml",
    "numerical_hessian",
    "params_table",
    "rate_scale_start",
    "starting_values",
]

#: Fitted parameters are checked on a scale-free footing (each divided by its ``scale``,
#: e.g. BG/NBD alpha by the mean customer age, Gamma-Gamma v by the mean spend); one
#: outside [1/limit, limit] means the likelihood kept improving towards the edge of the
#: parameter space - the data cannot identify the model (e.g. no variation left between
#: customers) - and the fit is refused.
DEGENERATE_LIMIT = 1e6

#: The fit counts as converged when the largest gradient of the negative log-likelihood
#: (in log-parameters) is at most this times max(1, |NLL|).
GRADIENT_TOLERANCE = 1e-4


# --------------------------------------------------------------------------- inputs
def check_frt(frequency, recency, T, *, fit=False):
    """Checked (x, t_x, T) arrays: finite, x >= 0 and 0 <= t_x <= T.

    For a fit all three need one value per customer (Series: one index); predictions
    also accept single values that broadcast.
    """
    x = as_array(frequency, "frequency", lo=0)
    tx = as_array(recency, "recency", lo=0)
    T_ = as_array(T, "T", lo=0)
    if fit:
        same_length(frequency=frequency, recency=recency, T=T)
    else:
        broadcastable(frequency=x, recency=tx, T=T_)
    late = tx > T_ + 1e-9
    if np.any(late):
        xb, txb, Tb = np.broadcast_arrays(x, tx, T_)
        i = int(np.flatnonzero(np.broadcast_to(late, xb.shape))[0])
        raise invalid("recency", float(txb.flat[i]), f"a recency <= T={Tb.flat[i]:g} "
                      "(the last purchase cannot come after the end of observation)")
    return x, tx, T_


def starting_values(initial, k):
    """Starting values: ``k`` finite numbers > 0."""
    x0 = as_array(initial, "initial", lo=0, lo_open=True)
    if x0.shape != (k,):
        raise invalid("initial", shown(initial), f"{k} starting values > 0")
    return x0


def compress(*cols):
    """Unique rows and their counts: the likelihood only depends on (x, t_x, T)."""
    stacked = np.column_stack(cols)
    uniq, counts = np.unique(stacked, axis=0, return_counts=True)
    return [uniq[:, i] for i in range(uniq.shape[1])], counts.astype(float)


def count_data(frequency, recency, T, who):
    """Checked (x, t_x, T) of at least one customer, plus their unique rows and counts."""
    x, tx, T_ = check_frt(frequency, recency, T)
    if x.size == 0:
        raise CrmsimError(f"{who} needs at least one customer")
    return x, tx, T_, compress(x, tx, T_)


def rate_scale_start(x, T_):
    """Starting value for α (or β): mean age over mean purchases, so r / α is near the rate."""
    return max(float(np.mean(T_)) / (float(np.mean(x)) + 1.0), 1e-3)


def check_fit_type(name, fit, cls, maker):
    """Refuse an argument that is not a ``cls`` (a fit from ``maker()``)."""
    if not isinstance(fit, cls):
        raise invalid(name, shown(fit), f"a {cls.__name__} from {maker}()")


# --------------------------------------------------------------------------- likelihood
def numerical_hessian(f, x, rel_step=1e-4):
    """Central-difference Hessian of a scalar function ``f`` at ``x``."""
    x = np.asarray(x, dtype=float)
    k = x.size
    h = rel_step * np.maximum(np.abs(x), 1e-2)
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            ei = np.zeros(k)
            ej = np.zeros(k)
            ei[i] = h[i]
            ej[j] = h[j]
            v = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej))
            hess[i, j] = hess[j, i] = v / (4 * h[i] * h[j])
    return hess


def check_optimum(res, fun, params, scale, names, model, data_name, data):
    """Refuse a maximum-likelihood result that is not a genuine optimum (one-line error).

    A fit whose likelihood is not finite (it could not leave its starting values), whose
    gradient is not near zero (not converged) or whose parameters ran off to 0 or infinity
    (degenerate) would be garbage; students would read it as a result, so we raise.
    """
    v, g = fun(res.x)
    if not np.all(np.isfinite(params)) or not np.isfinite(v) or v >= 1e300:
        raise invalid(data_name, shown(data), f"data on which the {model} likelihood is "
                      "finite (the fit could not leave its starting values)")
    rel = params / scale
    bad = np.flatnonzero((rel > DEGENERATE_LIMIT) | (rel < 1.0 / DEGENERATE_LIMIT))
    if bad.size:
        i = int(bad[0])
        raise invalid(data_name, shown(data), f"data that identify the {model} model (the "
                      f"fit drove {names[i]}={params[i]:.3g} towards "
                      f"{'infinity' if rel[i] > 1 else 'zero'}: too few customers or too "
                      "little variation between them)")
    if np.max(np.abs(g)) > GRADIENT_TOLERANCE * max(1.0, abs(v)):
        raise invalid(data_name, shown(data), f"data on which the {model} fit converges "
                      f"(it stopped with gradient {np.max(np.abs(g)):.3g} at "
                      + ", ".join(f"{k}={p:.3g}" for k, p in zip(names, params, strict=True))
                      + ")")


def fit_ml(nll, nll_grad, x0, names, *, scale, model, data_name, data):
    """Minimise a negative log-likelihood over log-parameters; return params, SEs, loglik.

    ``nll_grad(theta)`` returns the NLL and its gradient in theta; the optimiser
    (L-BFGS-B) works on z = log(theta) so that all parameters stay positive, restarting
    from where it stopped (at most three runs) until it no longer moves. Standard errors
    come from the inverse of the numerical (central-difference) Hessian of ``nll``; a
    parameter whose variance comes out negative gets NaN. A result that is not a genuine
    optimum raises a :class:`CrmsimError` naming ``data_name`` (see
    :func:`check_optimum`; ``scale`` holds each parameter's natural size).
    """

    def fun(z):
        theta = np.exp(z)
        with np.errstate(all="ignore"):
            v, g = nll_grad(theta)
        if not np.isfinite(v) or not np.all(np.isfinite(g)):
            return 1e300, np.zeros_like(z)
        return v, g * theta  # chain rule: d/dz = d/dtheta * theta

    z = np.log(np.asarray(x0, dtype=float))
    for _ in range(3):  # restart until converged (rarely needed)
        res = optimize.minimize(fun, z, jac=True, method="L-BFGS-B",
                                options={"ftol": 1e-15, "gtol": 1e-9, "maxiter": 2000})
        if res.success and np.allclose(res.x, z, rtol=0, atol=1e-10):
            break
        z = res.x
    params = np.exp(res.x)
    check_optimum(res, fun, params, np.asarray(scale, dtype=float), names, model, data_name,
                  data)
    hess = numerical_hessian(nll, params)
    try:
        cov = np.linalg.inv(hess)
        se = np.sqrt(np.where(np.diag(cov) > 0, np.diag(cov), np.nan))
    except np.linalg.LinAlgError:
        se = np.full(len(params), np.nan)
    return (dict(zip(names, params.tolist(), strict=True)),
            dict(zip(names, se.tolist(), strict=True)), -float(nll(params)))


def params_table(params, se) -> pd.DataFrame:
    """Estimate, standard error and a 95% Wald interval (estimate ± 1.96 SE) per parameter."""
    t = pd.DataFrame({"estimate": pd.Series(params), "se": pd.Series(se)})
    t["lower_95"] = t["estimate"] - 1.96 * t["se"]
    t["upper_95"] = t["estimate"] + 1.96 * t["se"]
    return t


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Fit:
    """A fitted model: ``params`` and their standard errors ``se`` (dicts by name), the
    maximised log-likelihood ``loglik`` and the number of customers ``n`` it was fitted on.

    A subclass names its parameters in ``param_names``, in the order of its formulas.
    """

    params: dict
    se: dict
    loglik: float
    n: int

    param_names: ClassVar[tuple] = ()

    def summary(self) -> pd.DataFrame:
        """Parameter table with estimate, standard error and a 95% Wald interval."""
        return params_table(self.params, self.se)

    def theta(self) -> tuple:
        """The parameters as numbers, in the order of ``param_names``."""
        return tuple(self.params[k] for k in self.param_names)


@dataclass(frozen=True)
class CountFit(Fit):
    """A fitted purchase-count model on (frequency x, recency t_x, age T).

    A subclass gives its per-customer likelihood as static functions of (θ, x, t_x, T):
    ``likelihood_terms`` returns the logs of the factor common to both ways of producing
    the data and of its "alive at T" and "dropped out after t_x" parts, so that
    L = e^base (e^alive + e^dead); ``negative_loglik`` (θ, x, t_x, T, weights) the weighted
    negative log-likelihood that the fit minimised.
    """

    likelihood_terms: ClassVar = None
    negative_loglik: ClassVar = None

    def log_likelihood(self, frequency, recency, T) -> float:
        """Total log-likelihood of customers (x, t_x, T) under these parameters."""
        x, tx, T_ = check_frt(frequency, recency, T)
        return -type(self).negative_loglik(self.theta(), x, tx, T_, np.ones_like(x))

    def p_alive(self, frequency, recency, T):
        """P(still alive | x, t_x, T): the "alive" share of the likelihood (Bayes' rule)."""
        x, tx, T_ = check_frt(frequency, recency, T)
        _, alive, dead = type(self).likelihood_terms(self.theta(), x, tx, T_)
        return like(special.expit(alive - dead), frequency)

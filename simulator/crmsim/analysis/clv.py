"""Customer lifetime value (客户终身价值, CLV): textbook formula and probability models.

Three tools, from simple to rich:

* :func:`simple_clv` - the retention-based margin multiple taught in CRM textbooks.
* BG/NBD (Fader, Hardie & Lee 2005) - how many purchases each customer will make and
  whether it is still "alive" (has not silently defected, 客户流失), from frequency,
  recency and age alone: :func:`fit_bgnbd` returns a frozen :class:`BGNBDFit`.
* Gamma-Gamma - how much each customer spends per purchase: :func:`fit_gamma_gamma`.

Both models are fitted by maximum likelihood with scipy (log-likelihood written with
``gammaln``/``betaln``, optimised on log-parameters); standard errors come from the
numerical Hessian of the negative log-likelihood. :func:`clv_bgnbd_gg` combines them
into a discounted CLV per customer. The fit objects hold only numbers - no hidden state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special

from crmsim.analysis._common import (
    as_array,
    check_bool,
    check_columns,
    check_int,
    check_log,
    check_number,
    get_ax,
    numeric_column,
    same_length,
    shown,
    to_timestamp,
)
from crmsim.errors import invalid
from crmsim.i18n import label, t

__all__ = [
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


# --------------------------------------------------------------------------- simple CLV
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
    _broadcast(margin=m, retention=r, discount=d, acquisition_cost=cost)
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


def _broadcast(**arrays):
    """Raise unless the arrays broadcast together (same length, or single values)."""
    shape = ()
    for k, a in arrays.items():
        try:
            shape = np.broadcast_shapes(shape, np.shape(a))
        except ValueError:
            sizes = ", ".join(f"{n}: {np.size(v)}" for n, v in arrays.items())
            raise invalid(k, shown(a), f"as many values as the other inputs, or one value "
                          f"({sizes})") from None


# --------------------------------------------------------------------------- summaries
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
    """Frequency / recency / T / monetary_value per customer, the input of BG/NBD and GG.

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
    _check_clv_log(log, customer_col, date_col, amount_col, time_col)
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


def _check_clv_log(log, customer_col, date_col, amount_col, time_col):
    """The shared log check, with a numeric ``time_col`` standing in for dates."""
    check_log(log, customer_col=customer_col,
              date_col=date_col if time_col is None else None, amount_col=amount_col)
    if time_col is not None:
        check_columns(log, [time_col])


# --------------------------------------------------------------------------- ML helpers
def _numerical_hessian(f, x, rel_step=1e-4):
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


#: Fitted parameters are checked on a scale-free footing (BG/NBD alpha divided by the mean
#: customer age, Gamma-Gamma v by the mean spend); one outside [1/limit, limit] means the
#: likelihood kept improving towards the edge of the parameter space - the data cannot
#: identify the model (e.g. no variation left between customers) - and the fit is refused.
DEGENERATE_LIMIT = 1e6

#: The fit counts as converged when the largest gradient of the negative log-likelihood
#: (in log-parameters) is at most this times max(1, |NLL|).
GRADIENT_TOLERANCE = 1e-4


def _check_fit(res, fun, params, scale, names, model, data_name, data):
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


def _fit_ml(nll, nll_grad, x0, names, *, scale, model, data_name, data):
    """Minimise a negative log-likelihood over log-parameters; return params, SEs, loglik.

    ``nll_grad(theta)`` returns the NLL and its analytic gradient in theta; the optimiser
    (L-BFGS-B) works on z = log(theta) so that all parameters stay positive. Standard
    errors come from the inverse of the numerical (central-difference) Hessian of the NLL.
    A result that is not a genuine optimum raises a :class:`CrmsimError` naming
    ``data_name`` (see :func:`_check_fit`).
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
    _check_fit(res, fun, params, np.asarray(scale, dtype=float), names, model, data_name,
               data)
    hess = _numerical_hessian(nll, params)
    try:
        cov = np.linalg.inv(hess)
        se = np.sqrt(np.where(np.diag(cov) > 0, np.diag(cov), np.nan))
    except np.linalg.LinAlgError:
        se = np.full(len(params), np.nan)
    return (dict(zip(names, params.tolist(), strict=True)),
            dict(zip(names, se.tolist(), strict=True)), -float(nll(params)))


def _params_table(params, se):
    t = pd.DataFrame({"estimate": pd.Series(params), "se": pd.Series(se)})
    t["lower_95"] = t["estimate"] - 1.96 * t["se"]
    t["upper_95"] = t["estimate"] + 1.96 * t["se"]
    return t


def _frt(frequency, recency, T, *, fit=False):
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
        _broadcast(frequency=x, recency=tx, T=T_)
    late = tx > T_ + 1e-9
    if np.any(late):
        xb, txb, Tb = np.broadcast_arrays(x, tx, T_)
        i = int(np.flatnonzero(np.broadcast_to(late, xb.shape))[0])
        raise invalid("recency", float(txb.flat[i]), f"a recency <= T={Tb.flat[i]:g} "
                      "(the last purchase cannot come after the end of observation)")
    return x, tx, T_


def _initial(initial, k):
    """Starting values: ``k`` finite numbers > 0."""
    x0 = as_array(initial, "initial", lo=0, lo_open=True)
    if x0.shape != (k,):
        raise invalid("initial", shown(initial), f"{k} starting values > 0")
    return x0


def _wrap(values, like):
    """Return a Series with ``like``'s index when ``like`` is a Series, else an array."""
    if isinstance(like, pd.Series):
        return pd.Series(values, index=like.index)
    return values


def _check_fit_type(name, fit, cls, maker):
    if not isinstance(fit, cls):
        raise invalid(name, shown(fit), f"a {cls.__name__} from {maker}()")


# --------------------------------------------------------------------------- BG/NBD
def _bgnbd_nll(params, x, tx, T, w):
    return _bgnbd_nll_grad(params, x, tx, T, w, grad=False)[0]


def _bgnbd_nll_grad(params, x, tx, T, w, grad=True):
    """BG/NBD negative log-likelihood (FHL 2005, eq. 6 in gammaln/betaln form) + gradient."""
    r, alpha, a, b = params
    base = (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
            - special.betaln(a, b))
    bx1 = np.maximum(b + x - 1, 1e-300)
    log_aT, log_atx = np.log(alpha + T), np.log(alpha + tx)
    term1 = special.betaln(a, b + x) - (r + x) * log_aT
    term2 = np.where(x > 0, special.betaln(a + 1, bx1) - (r + x) * log_atx, -np.inf)
    lse = np.logaddexp(term1, term2)
    nll = -float(np.sum(w * (base + lse)))
    if not grad:
        return nll, None
    w1, w2 = np.exp(term1 - lse), np.exp(term2 - lse)  # posterior weights: alive / dropped
    psi = special.digamma
    p_abx = psi(a + b + x)
    d_r = psi(r + x) - psi(r) + np.log(alpha) - w1 * log_aT - w2 * log_atx
    d_alpha = r / alpha - (r + x) * (w1 / (alpha + T) + w2 / (alpha + tx))
    d_a = (-(psi(a) - psi(a + b)) + w1 * (psi(a) - p_abx) + w2 * (psi(a + 1) - p_abx))
    d_b = (-(psi(b) - psi(a + b)) + w1 * (psi(b + x) - p_abx)
           + np.where(x > 0, w2 * (psi(bx1) - p_abx), 0.0))
    g = -np.array([np.sum(w * d) for d in (d_r, d_alpha, d_a, d_b)])
    return nll, g


def _compress(*cols):
    """Unique rows and their counts: the likelihood only depends on (x, t_x, T)."""
    stacked = np.column_stack(cols)
    uniq, counts = np.unique(stacked, axis=0, return_counts=True)
    return [uniq[:, i] for i in range(uniq.shape[1])], counts.astype(float)


@dataclass(frozen=True)
class BGNBDFit:
    """A fitted BG/NBD model: parameters, standard errors and log-likelihood.

    Purchase rates λ ~ Gamma(r, α) across customers, dropout probabilities after each
    repeat purchase p ~ Beta(a, b). Time is in the unit of the data the model was fitted
    on. All prediction methods are pure functions of the stored parameters.
    """

    params: dict
    se: dict
    loglik: float
    n: int

    def summary(self) -> pd.DataFrame:
        """Parameter table with estimate, standard error and a 95% Wald interval."""
        return _params_table(self.params, self.se)

    def _p(self):
        p = self.params
        return p["r"], p["alpha"], p["a"], p["b"]

    def p_alive(self, frequency, recency, T):
        """P(still alive | x, t_x, T): probability the customer has not dropped out."""
        r, alpha, a, b = self._p()
        x, tx, T_ = _frt(frequency, recency, T)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_ratio = (np.log(a) - np.log(np.maximum(b + x - 1, 1e-300))
                         + (r + x) * (np.log(alpha + T_) - np.log(alpha + tx)))
        out = np.where(x > 0, 1.0 / (1.0 + np.exp(np.minimum(log_ratio, 700))), 1.0)
        return _wrap(out, frequency)

    def expected_purchases(self, t, frequency, recency, T):
        """E[number of purchases in the next ``t`` time units | x, t_x, T] (FHL 2005 eq. 10)."""
        r, alpha, a, b = self._p()
        x, tx, T_ = _frt(frequency, recency, T)
        t = as_array(t, "t", lo=0)
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T_ + t))
        first = (a + b + x - 1) / (a - 1)
        second = 1 - ((alpha + T_) / (alpha + T_ + t)) ** (r + x) * hyp
        with np.errstate(divide="ignore", invalid="ignore"):
            log_ratio = (np.log(a) - np.log(np.maximum(b + x - 1, 1e-300))
                         + (r + x) * (np.log(alpha + T_) - np.log(alpha + tx)))
        denom = 1 + np.where(x > 0, np.exp(np.minimum(log_ratio, 700)), 0.0)
        return _wrap(first * second / denom, frequency)

    def expected_purchases_new(self, t):
        """E[X(t)]: expected repeat purchases in ``t`` time units of a newly acquired customer."""
        r, alpha, a, b = self._p()
        t = as_array(t, "t", lo=0)
        hyp = special.hyp2f1(r, b, a + b - 1, t / (alpha + t))
        out = (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * hyp)
        return float(out) if np.ndim(out) == 0 else out

    def probability_of_n_purchases(self, t, n):
        """P(X(t) = n): probability of exactly ``n`` repeat purchases in ``t`` (FHL eq. 8)."""
        r, alpha, a, b = self._p()
        t = as_array(t, "t", lo=0)
        n = as_array(n, "n", lo=0)
        t, n = np.broadcast_arrays(t, n)
        lb = special.betaln(a, b)
        log_q = np.log(alpha) - np.log(alpha + t)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_nb = (special.gammaln(r + n) - special.gammaln(r) - special.gammaln(n + 1)
                      + r * log_q + n * (np.log(t) - np.log(alpha + t)))
            log_nb = np.where((n == 0), r * log_q, log_nb)
        term1 = np.exp(special.betaln(a, b + n) - lb + log_nb)
        # 1 - sum_{j<n} NB(j): the NB cdf up to n-1 via the regularised incomplete beta
        cdf = special.betainc(r, np.maximum(n, 1), alpha / (alpha + t))  # P(NB <= n-1)
        tail = 1 - cdf
        with np.errstate(divide="ignore", invalid="ignore"):
            term2 = np.where(n > 0,
                             np.exp(special.betaln(a + 1, np.maximum(b + n - 1, 1e-300)) - lb)
                             * tail, 0.0)
        out = term1 + term2
        return float(out) if np.ndim(out) == 0 else out


def fit_bgnbd(frequency, recency, T, *, initial=None) -> BGNBDFit:
    """Fit the BG/NBD model by maximum likelihood (Fader, Hardie & Lee 2005).

    ``frequency`` = repeat purchases x, ``recency`` = t_x, ``T`` = age of the customer,
    all in the same time unit (see :func:`summary_data_from_log`). Returns a frozen
    :class:`BGNBDFit` with parameters ``r, alpha, a, b``, their standard errors (from the
    inverse numerical Hessian of the negative log-likelihood) and the log-likelihood.
    ``initial`` optionally gives starting values (r, alpha, a, b).
    """
    x, tx, T_ = _frt(frequency, recency, T, fit=True)
    if x.size == 0:
        raise invalid("frequency", shown(frequency), "at least one customer")
    if not np.any(x > 0):
        raise invalid("frequency", shown(frequency), "at least one repeat buyer (frequency > "
                      "0): without repeats the dropout process cannot be estimated")
    (ux, utx, uT), w = _compress(x, tx, T_)
    if initial is None:  # rate r / alpha near the observed repeat rate
        initial = (1.0, max(float(np.mean(T_)) / (float(np.mean(x)) + 1.0), 1e-3), 1.0, 1.0)
    x0 = _initial(initial, 4)
    params, se, ll = _fit_ml(lambda p: _bgnbd_nll(p, ux, utx, uT, w),
                             lambda p: _bgnbd_nll_grad(p, ux, utx, uT, w), x0,
                             ["r", "alpha", "a", "b"],
                             scale=[1.0, max(float(np.mean(T_)), 1e-12), 1.0, 1.0],
                             model="BG/NBD", data_name="frequency", data=frequency)
    return BGNBDFit(params=params, se=se, loglik=ll, n=int(x.size))


# --------------------------------------------------------------------------- Gamma-Gamma
def _gg_nll(params, x, m, w):
    return _gg_nll_grad(params, x, m, w, grad=False)[0]


def _gg_nll_grad(params, x, m, w, grad=True):
    """Gamma-Gamma negative log-likelihood of mean spends m over x purchases + gradient."""
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
class GammaGammaFit:
    """A fitted Gamma-Gamma spend model: parameters ``p, q, v``, SEs and log-likelihood.

    Each purchase amount is Gamma(p, ν) with the customer's ν ~ Gamma(q, v), so mean
    spend per purchase varies across customers around p v / (q - 1).
    """

    params: dict
    se: dict
    loglik: float
    n: int

    def summary(self) -> pd.DataFrame:
        """Parameter table with estimate, standard error and a 95% Wald interval."""
        return _params_table(self.params, self.se)

    def population_mean_spend(self) -> float:
        """Mean spend per purchase across customers, p v / (q - 1) (needs q > 1)."""
        p, q, v = self.params["p"], self.params["q"], self.params["v"]
        return p * v / (q - 1) if q > 1 else float("inf")

    def expected_spend(self, frequency, monetary_value):
        """E[mean spend per purchase | x, observed mean m_x]: shrinks m_x to the population."""
        p, q, v = self.params["p"], self.params["q"], self.params["v"]
        x = as_array(frequency, "frequency", lo=0)
        m = as_array(monetary_value, "monetary_value", lo=0)
        _broadcast(frequency=x, monetary_value=m)
        out = (p * (v + x * m)) / (p * x + q - 1)
        return _wrap(out, frequency)


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
    (ux, um), w = _compress(x[keep], m[keep])
    x0 = _initial(initial, 3)
    params, se, ll = _fit_ml(lambda p: _gg_nll(p, ux, um, w),
                             lambda p: _gg_nll_grad(p, ux, um, w), x0, ["p", "q", "v"],
                             scale=[1.0, 1.0, float(np.mean(m[keep]))],
                             model="Gamma-Gamma", data_name="monetary_value",
                             data=monetary_value)
    return GammaGammaFit(params=params, se=se, loglik=ll, n=int(keep.sum()))


# --------------------------------------------------------------------------- CLV
def clv_bgnbd_gg(bgnbd: BGNBDFit, gamma_gamma: GammaGammaFit, frequency, recency, T,
                 monetary_value, *, horizon: float = 52.0, steps: int = 12,
                 discount_rate: float = 0.01, margin: float = 1.0):
    """Discounted CLV per customer over ``horizon`` time units (BG/NBD x Gamma-Gamma).

    The horizon is cut into ``steps`` equal periods; expected purchases in each period
    (BG/NBD) times expected spend per purchase (Gamma-Gamma) times ``margin`` is
    discounted at ``discount_rate`` per period. Like ``lifetimes``' CLV with
    ``time=horizon``. Returns a Series when the inputs are Series.
    """
    _check_fit_type("bgnbd", bgnbd, BGNBDFit, "fit_bgnbd")
    _check_fit_type("gamma_gamma", gamma_gamma, GammaGammaFit, "fit_gamma_gamma")
    check_int("steps", steps, 1)
    check_number("horizon", horizon, 0, lo_open=True)
    check_number("discount_rate", discount_rate, -1, lo_open=True)
    check_number("margin", margin)
    _frt(frequency, recency, T)
    _broadcast(frequency=as_array(frequency, "frequency"), recency=as_array(recency, "recency"),
               T=as_array(T, "T"), monetary_value=as_array(monetary_value, "monetary_value"))
    spend = np.asarray(gamma_gamma.expected_spend(frequency, monetary_value), dtype=float)
    step = horizon / int(steps)
    prev = np.zeros_like(spend)
    value = np.zeros_like(spend)
    for i in range(1, int(steps) + 1):
        cum = np.asarray(bgnbd.expected_purchases(i * step, frequency, recency, T),
                         dtype=float)
        value += margin * spend * (cum - prev) / (1 + discount_rate) ** i
        prev = cum
    return _wrap(value, frequency)


# --------------------------------------------------------------------------- diagnostics
def expected_cumulative_transactions(bgnbd: BGNBDFit, first_purchase, times):
    """Model-expected cumulative repeat purchases of all customers at each of ``times``.

    ``first_purchase`` holds each customer's first-purchase time and ``times`` the
    calendar times, both in the model's time unit. Sums E[X(s - t0)] over customers
    already acquired at ``s``; customers are grouped by first-purchase time for speed.
    """
    _check_fit_type("bgnbd", bgnbd, BGNBDFit, "fit_bgnbd")
    t0, counts = np.unique(as_array(first_purchase, "first_purchase"), return_counts=True)
    s = as_array(times, "times")
    if np.ndim(s) != 1:
        raise invalid("times", shown(times), "a list of times (one dimension)")
    age = s[:, None] - t0[None, :]
    ex = np.zeros_like(age)
    pos = age > 0
    ex[pos] = bgnbd.expected_purchases_new(age[pos])
    return ex @ counts


def plot_cumulative_transactions(
    bgnbd: BGNBDFit,
    log: pd.DataFrame,
    *,
    calibration_end=None,
    freq_multiplier: float = 1,
    customer_col: str = "customer_id",
    date_col: str = "date",
    ax=None,
):
    """Cumulative repeat purchases over calendar time: actual (from ``log``) vs BG/NBD.

    The model must have been fitted with time in days / ``freq_multiplier`` (e.g. weeks
    with ``freq_multiplier=7``). Purchases are grouped per customer and day; a dashed line
    marks ``calibration_end``. Returns the Axes.
    """
    _check_fit_type("bgnbd", bgnbd, BGNBDFit, "fit_bgnbd")
    check_number("freq_multiplier", freq_multiplier, 0, lo_open=True)
    day = check_log(log, customer_col=customer_col, date_col=date_col, amount_col=None)
    day = day.dt.normalize()
    if calibration_end is not None:
        to_timestamp(calibration_end, "calibration_end")
    occ = pd.DataFrame({"c": log[customer_col].to_numpy(), "d": day.to_numpy()})
    occ = occ.drop_duplicates().sort_values(["c", "d"])
    first = occ.groupby("c")["d"].transform("min")
    start = occ["d"].min()
    repeat_days = (occ.loc[occ["d"] > first, "d"] - start).dt.days.to_numpy()
    n_days = int((occ["d"].max() - start).days) + 1
    actual = np.cumsum(np.bincount(repeat_days, minlength=n_days))
    grid = np.arange(n_days) + 1.0  # end of each day
    t0 = ((occ.groupby("c")["d"].min() - start).dt.days.to_numpy() + 1.0) / freq_multiplier
    expected = expected_cumulative_transactions(bgnbd, t0, grid / freq_multiplier)
    ax = get_ax(ax)
    x = start + pd.to_timedelta(np.arange(n_days), unit="D")
    ax.plot(x, actual, label=t("plot.actual"), color="black")
    ax.plot(x, expected, label=t("plot.bgnbd_model"), color="tab:blue", linestyle="--")
    if calibration_end is not None:
        ax.axvline(pd.Timestamp(calibration_end), color="grey", linestyle=":",
                   label=t("plot.end_of_calibration"))
    ax.set_xlabel(label("date"))
    ax.set_ylabel(t("plot.cumulative_repeat"))
    ax.set_title(t("plot.cumulative_title"))
    ax.legend()
    return ax


def plot_frequency_histogram(bgnbd: BGNBDFit, frequency, T, *, max_frequency: int = 7,
                             ax=None):
    """Number of customers with 0, 1, ..., ``max_frequency``+ repeat purchases: actual vs model.

    The model count for x is the sum over customers of P(X(T_i) = x), the calibration
    fit check of Fader, Hardie & Lee (2005, Figure 2). Returns the Axes.
    """
    _check_fit_type("bgnbd", bgnbd, BGNBDFit, "fit_bgnbd")
    x = as_array(frequency, "frequency", lo=0)
    T_ = as_array(T, "T", lo=0)
    same_length(frequency=frequency, T=T)
    if T_.ndim != 1 or T_.size == 0:
        raise invalid("T", shown(T), "one age per customer (at least one customer)")
    k = check_int("max_frequency", max_frequency, 1)
    ns = np.arange(k)
    probs = bgnbd.probability_of_n_purchases(T_[:, None], ns[None, :])
    model = np.append(probs.sum(axis=0), len(T_) - probs.sum())
    actual = np.append([np.sum(x == n) for n in ns], np.sum(x >= k))
    ax = get_ax(ax)
    pos = np.arange(k + 1)
    ax.bar(pos - 0.2, actual, width=0.4, label=t("plot.actual"), color="0.3")
    ax.bar(pos + 0.2, model, width=0.4, label=t("plot.bgnbd_model"), color="tab:blue")
    ax.set_xticks(pos, [str(n) for n in ns] + [f"{k}+"])
    ax.set_xlabel(t("plot.repeat_in_calibration"))
    ax.set_ylabel(t("plot.customers"))
    ax.set_title(t("plot.frequency_title"))
    ax.legend()
    return ax

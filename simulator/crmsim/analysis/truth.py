"""Score estimates against the simulator's ground truth (真实值, the ``true_`` columns).

A real firm never learns whether a quiet customer has silently left or what its true
purchase rate is; the simulator records both, so students can see how good their
estimates really are - and that a model beats guessing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, confusion_matrix, log_loss, roc_auc_score

from crmsim.analysis._common import as_array, as_flags, check_choice, check_number, shown
from crmsim.errors import invalid

__all__ = [
    "align",
    "compare_estimators",
    "score_classification",
    "score_regression",
]


def align(estimate, truth):
    """Align two Series on their common index (customer id); drop missing pairs."""
    for name, x in (("estimate", estimate), ("truth", truth)):
        if isinstance(x, (str, bytes, dict, set)) or np.ndim(x) != 1:
            raise invalid(name, shown(x), "a Series (indexed by customer) or a list of values")
    est = pd.Series(estimate) if not isinstance(estimate, pd.Series) else estimate
    tru = pd.Series(truth) if not isinstance(truth, pd.Series) else truth
    if not isinstance(estimate, pd.Series) or not isinstance(truth, pd.Series):
        if len(est) != len(tru):
            raise invalid("truth", shown(truth), f"as many values as estimate ({len(est)}), "
                          f"not {len(tru)}")
        est, tru = est.reset_index(drop=True), tru.reset_index(drop=True)
    df = pd.concat({"est": est, "true": tru}, axis=1, join="inner").dropna()
    if df.empty:
        raise invalid("truth", shown(truth), "values for the customers of estimate (they "
                      "share none: check the indexes)")
    return df["est"], df["true"]


def score_regression(estimate, truth) -> dict:
    """Error of a numeric estimate, e.g. predicted vs actual future purchases.

    Returns ``n``, ``mae``, ``rmse``, ``bias`` (mean estimate - truth), Pearson
    ``correlation`` and Spearman ``rank_correlation``.
    """
    est, tru = align(estimate, truth)
    e = as_array(est, "estimate")
    t = as_array(tru.astype(float) if tru.dtype == bool else tru, "truth")
    err = e - t
    constant = np.std(e) == 0 or np.std(t) == 0
    return {
        "n": int(len(e)),
        "mae": float(np.mean(np.abs(err))),
        "rmse": float(np.sqrt(np.mean(err**2))),
        "bias": float(np.mean(err)),
        "correlation": float("nan") if constant else float(np.corrcoef(e, t)[0, 1]),
        "rank_correlation": float("nan") if constant else float(
            pd.Series(e).corr(pd.Series(t), method="spearman")),
    }


def score_classification(probability, truth, threshold: float = 0.5) -> dict:
    """Quality of a probability for a yes/no truth, e.g. P(alive) vs ``true_alive``.

    Returns ``n``, ``auc`` (0.5 = guessing, 1 = perfect ranking), ``brier`` (mean squared
    error of the probability), ``log_loss``, ``accuracy`` at ``threshold``, the base rate
    and the ``confusion`` matrix (rows: truth False/True, columns: predicted False/True).
    """
    check_number("threshold", threshold, 0, 1)
    est, tru = align(probability, truth)
    raw = as_array(est, "probability")
    if np.any((raw < 0) | (raw > 1)):
        raise invalid("probability", float(raw[(raw < 0) | (raw > 1)][0]),
                      "probabilities in [0, 1] (a probability, not a score)")
    p = np.clip(raw, 0.0, 1.0)
    y = as_flags(tru, "truth")
    both = len(np.unique(y)) == 2
    pred = p >= threshold
    cm = confusion_matrix(y, pred, labels=[False, True])
    return {
        "n": int(len(y)),
        "auc": float(roc_auc_score(y, p)) if both else float("nan"),
        "brier": float(brier_score_loss(y, p, pos_label=True)) if both
        else float(np.mean((p - y) ** 2)),
        "log_loss": float(log_loss(y, np.clip(p, 1e-12, 1 - 1e-12), labels=[False, True])),
        "accuracy": float(np.mean(pred == y)),
        "base_rate": float(np.mean(y)),
        "confusion": pd.DataFrame(cm, index=pd.Index([False, True], name="true"),
                                  columns=pd.Index([False, True], name="predicted")),
    }


def compare_estimators(estimates: dict, truth, kind: str | None = None) -> pd.DataFrame:
    """One row of scores per named estimate, e.g. ``{"BG/NBD": p, "random": u}``.

    ``kind`` is "classification" or "regression"; by default classification when the
    truth is boolean. The confusion matrices are left out of the table.
    """
    if not isinstance(estimates, dict) or not estimates:
        raise invalid("estimates", shown(estimates), "a dict {name: estimate}")
    if kind is None:
        kind = "classification" if pd.Series(truth).dtype == bool else "regression"
    check_choice("kind", kind, ("classification", "regression"))
    fn = score_classification if kind == "classification" else score_regression
    rows = {}
    for name, est in estimates.items():
        s = fn(est, truth)
        s.pop("confusion", None)
        rows[name] = s
    return pd.DataFrame(rows).T

"""Churn prediction (客户流失预测) with a decision tree (决策树), scored against the truth.

Features are built only from what the firm observes up to a cut-off date; the label is
whether the customer had truly dropped out by then (simulated ground truth) or - with
real data - whether it stayed silent in a later window. The same evaluation applies to
the BG/NBD probability of being alive, so students compare a rule-learning classifier
with a probability model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier, export_text

from crmsim.analysis._common import (
    as_array,
    as_flags,
    check_columns,
    check_frame,
    check_int,
    check_log,
    check_number,
    get_ax,
    numeric_column,
    occasions,
    shown,
    to_timestamp,
)
from crmsim.analysis.truth import align, score_classification
from crmsim.errors import invalid
from crmsim.i18n import t

__all__ = [
    "churn_features",
    "dropped_out_by",
    "evaluate_churn",
    "fit_churn_tree",
    "inactive_in_window",
    "plot_roc",
    "tree_rules",
]


def churn_features(log: pd.DataFrame, cutoff=None, *, recent_days: int = 90,
                   customer_col: str = "customer_id", date_col: str = "date",
                   amount_col: str = "amount", order_col: str | None = "order_id"):
    """Observable churn features per customer at ``cutoff`` (default: last date).

    ``recency``, ``frequency`` (purchase occasions), ``monetary`` (total), ``tenure``
    (days since first purchase), ``mean_gap`` (mean days between occasions; tenure when
    only one), ``recency_ratio`` (recency / mean_gap: how overdue the next purchase is),
    ``recent_purchases`` (occasions in the last ``recent_days``) and ``mean_amount``.
    """
    check_int("recent_days", recent_days, 0)
    dates = check_log(log, customer_col=customer_col, date_col=date_col, amount_col=amount_col)
    cutoff = dates.max() if cutoff is None else to_timestamp(cutoff)
    obs = log.loc[(dates <= cutoff).to_numpy()].copy()
    if obs.empty:
        raise invalid("cutoff", shown(cutoff), f"a date on or after the first purchase "
                      f"({dates.min()})")
    obs[date_col] = pd.to_datetime(obs[date_col])
    occ = occasions(obs, customer_col=customer_col, date_col=date_col, amount_col=amount_col,
                    order_col=order_col)
    g = occ.groupby(customer_col)
    first, last = g[date_col].min(), g[date_col].max()
    n = g.size()
    tenure = (cutoff - first).dt.days.astype(float)
    span = (last - first).dt.days.astype(float)
    mean_gap = (span / (n - 1).where(n > 1)).fillna(tenure).clip(lower=1.0)
    recency = (cutoff - last).dt.days.astype(float)
    recent = occ[occ[date_col] > cutoff - pd.Timedelta(days=recent_days)]
    out = pd.DataFrame({
        "recency": recency,
        "frequency": n.astype(float),
        "monetary": g[amount_col].sum(),
        "tenure": tenure,
        "mean_gap": mean_gap,
        "recency_ratio": recency / mean_gap,
        "recent_purchases": recent.groupby(customer_col).size().reindex(n.index, fill_value=0)
        .astype(float),
        "mean_amount": g[amount_col].mean(),
    })
    out.index.name = customer_col
    return out


def dropped_out_by(customers: pd.DataFrame, cutoff_time: float, *,
                   customer_col: str = "customer_id",
                   dropout_col: str = "true_dropout_time") -> pd.Series:
    """Ground truth label: True if the customer had silently dropped out by ``cutoff_time``.

    ``cutoff_time`` is in the simulator's time unit (the ``timestamp`` scale).
    """
    check_columns(customers, [customer_col, dropout_col], what="customers")
    check_number("cutoff_time", cutoff_time)
    t = numeric_column(customers, dropout_col, "customers", allow_nan=True)  # NaN: never
    lab = np.where(np.isnan(t), False, t <= cutoff_time)
    return pd.Series(lab, index=customers[customer_col].to_numpy(), name="dropped_out")


def inactive_in_window(log: pd.DataFrame, cutoff, window_days: int, *,
                       customer_col: str = "customer_id", date_col: str = "date") -> pd.Series:
    """Observable proxy label for real data: no purchase in (cutoff, cutoff + window_days].

    Indexed by the customers who bought on or before ``cutoff``.
    """
    cutoff = to_timestamp(cutoff)
    check_int("window_days", window_days, 1)
    d = check_log(log, customer_col=customer_col, date_col=date_col, amount_col=None)
    before = pd.Index(log.loc[(d <= cutoff).to_numpy(), customer_col].unique())
    later = (d > cutoff) & (d <= cutoff + pd.Timedelta(days=window_days))
    buyers = set(log.loc[later.to_numpy(), customer_col].unique())
    lab = [c not in buyers for c in before]
    return pd.Series(lab, index=before, name="inactive", dtype=bool).sort_index()


def fit_churn_tree(features: pd.DataFrame, label: pd.Series, *, max_depth: int = 4,
                   min_samples_leaf: int = 20, test_size: float = 0.3,
                   random_state: int = 0) -> dict:
    """Train a decision tree on a random train split and score it on the test split.

    Returns a dict: ``model`` (the fitted ``DecisionTreeClassifier``), ``features``
    (column names), ``test_index`` (customers held out), ``test_probability`` (P(churn)
    on the test customers) and ``scores`` (see :func:`evaluate_churn`).
    """
    check_frame(features, "features")
    if not isinstance(label, pd.Series):
        raise invalid("label", shown(label), "a pandas Series indexed by customer")
    check_number("test_size", test_size, 0, 1, lo_open=True, hi_open=True)
    check_int("max_depth", max_depth, 1)
    check_int("min_samples_leaf", min_samples_leaf, 1)
    for c in features.columns:
        numeric_column(features, c, "features")
    X, y = features.align(label, join="inner", axis=0)
    if len(X) < 2:
        raise invalid("label", shown(label), f"labels for at least 2 customers of features "
                      f"(they share {len(X)}; check the indexes)")
    y = pd.Series(as_flags(y, "label"), index=y.index, name=y.name)
    stratify = y if y.nunique() == 2 and y.value_counts().min() >= 2 else None
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size,
                                              random_state=random_state, stratify=stratify)
    model = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=min_samples_leaf,
                                   random_state=random_state).fit(X_tr, y_tr)
    classes = list(model.classes_)
    proba = model.predict_proba(X_te)[:, classes.index(True)] if True in classes \
        else np.zeros(len(X_te))
    prob = pd.Series(proba, index=X_te.index, name="p_churn")
    return {"model": model, "features": list(X.columns), "test_index": X_te.index,
            "test_probability": prob, "scores": evaluate_churn(prob, y_te)}


def tree_rules(model, features) -> str:
    """The tree as readable if-then rules (sklearn's ``export_text``)."""
    if not isinstance(model, DecisionTreeClassifier) or not hasattr(model, "tree_"):
        raise invalid("model", shown(model), "a fitted DecisionTreeClassifier "
                      "(fit_churn_tree(...)['model'])")
    features = [features] if isinstance(features, str) else list(features)
    if len(features) != model.n_features_in_:
        raise invalid("features", shown(features), f"{model.n_features_in_} feature names")
    return export_text(model, feature_names=features)


def evaluate_churn(probability, truth, threshold: float = 0.5) -> dict:
    """AUC, Brier score, accuracy and confusion matrix of a churn probability vs truth.

    To evaluate BG/NBD, pass ``1 - p_alive`` against "dropped out".
    """
    return score_classification(probability, truth, threshold=threshold)


def _probability(p, name):
    arr = as_array(p, f"probabilities[{name!r}]")
    if np.any((arr < 0) | (arr > 1)):
        raise invalid(f"probabilities[{name!r}]", float(arr[(arr < 0) | (arr > 1)][0]),
                      "probabilities in [0, 1]")
    return arr


def plot_roc(probabilities: dict, truth, ax=None):
    """ROC curves of several churn probabilities (``{"name": Series}``) against one truth."""
    from sklearn.metrics import roc_auc_score, roc_curve

    if not isinstance(probabilities, dict) or not probabilities:
        raise invalid("probabilities", shown(probabilities), "a dict {name: probabilities}")
    checked = {}
    for name, p in probabilities.items():
        est, tru = align(p, truth)
        flags = as_flags(tru, "truth")
        if len(np.unique(flags)) < 2:
            raise invalid("truth", shown(truth), "both churned and retained customers")
        checked[name] = (_probability(est, name), flags)
    ax = get_ax(ax)
    for name, (est, tru) in checked.items():
        fpr, tpr, _ = roc_curve(tru.astype(bool), est)
        ax.plot(fpr, tpr, label=f"{name} (AUC {roc_auc_score(tru.astype(bool), est):.2f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label=t("plot.guessing"))
    ax.set_xlabel(t("plot.false_positive_rate"))
    ax.set_ylabel(t("plot.true_positive_rate"))
    ax.set_title(t("plot.roc_title"))
    ax.legend(fontsize=8)
    return ax

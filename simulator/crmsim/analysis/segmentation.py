"""Customer segmentation by clustering (客户细分, 聚类): k-means on standardised RFM.

Clustering finds groups of similar customers without predefined rules. Features are
log-transformed where skewed (frequency, spend) and standardised so that each counts
equally; the elbow and silhouette helpers guide the choice of the number of segments,
and the profile table describes each segment in the original units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

from crmsim.analysis._common import (
    check_columns,
    check_frame,
    check_int,
    check_not_empty,
    get_ax,
    numeric_column,
    same_length,
    shown,
)
from crmsim.errors import invalid
from crmsim.i18n import t

__all__ = [
    "KMeansSegmentation",
    "elbow_table",
    "kmeans_segments",
    "plot_elbow",
    "segment_profile",
]


@dataclass(frozen=True)
class KMeansSegmentation:
    """Result of :func:`kmeans_segments`: labels, centres in original units and quality."""

    labels: pd.Series
    centers: pd.DataFrame
    inertia: float
    silhouette: float
    model: object  # the fitted sklearn Pipeline (scaler + KMeans), for .predict on new data


def _matrix(features, columns, log_columns):
    check_frame(features, "features")
    if isinstance(columns, str):
        raise invalid("columns", columns, "a list of column names")
    columns = list(features.columns) if columns is None else list(columns)
    check_columns(features, columns, what="features")
    check_not_empty(features, "features")
    if not columns:
        raise invalid("columns", columns, "at least one feature column")
    for c in columns:  # text, booleans, NaN (fill or drop first) and infinities are refused
        numeric_column(features, c, "features")
    X = features[columns].astype(float)
    for c in log_columns or ():
        if c in X.columns:
            numeric_column(features, c, "features", lo=0)  # log1p needs values >= 0
            X[c] = np.log1p(X[c])
    return X


def kmeans_segments(features: pd.DataFrame, n_clusters: int = 4, *, columns=None,
                    log_columns=("frequency", "monetary"), random_state: int = 0,
                    n_init: int = 10, silhouette_sample: int = 5000) -> KMeansSegmentation:
    """k-means on standardised features (e.g. an RFM table plus attribute columns).

    ``columns`` selects numeric feature columns (default: all); ``log_columns`` are
    log1p-transformed first because spend and frequency are heavily skewed. Segments are
    numbered 0..k-1 from the highest to the lowest mean of the first column that is not
    recency (so segment 0 is the "best" one by frequency/spend). The silhouette is
    computed on a random sample of at most ``silhouette_sample`` customers.
    """
    from sklearn.pipeline import make_pipeline

    X = _matrix(features, columns, log_columns)
    check_int("n_clusters", n_clusters, 2, max(len(X) - 1, 2))
    if len(X) < 3:
        raise invalid("features", shown(features), "at least 3 customers")
    check_int("n_init", n_init, 1)
    check_int("silhouette_sample", silhouette_sample, 2)
    model = make_pipeline(StandardScaler(),
                          KMeans(n_clusters=int(n_clusters), n_init=n_init,
                                 random_state=random_state))
    raw = model.fit_predict(X.to_numpy())
    # relabel: order clusters by a "value" column so labels are stable and meaningful
    key_col = next((c for c in X.columns if c != "recency"), X.columns[0])
    means = pd.Series(X[key_col].to_numpy()).groupby(raw).mean()
    sign = 1.0 if key_col != "recency" else -1.0
    order = (sign * means).sort_values(ascending=False).index.to_numpy()
    relabel = np.empty(len(order), dtype=int)
    relabel[order] = np.arange(len(order))
    labels = pd.Series(relabel[raw], index=features.index, name="segment")
    sil = _silhouette(model[0].transform(X.to_numpy()), labels.to_numpy(), silhouette_sample,
                      random_state)
    centers = features.loc[:, X.columns].groupby(labels.to_numpy()).mean()
    centers.index.name = "segment"
    return KMeansSegmentation(labels=labels, centers=centers, inertia=float(model[-1].inertia_),
                              silhouette=sil, model=model)


def _silhouette(Z, labels, sample, random_state):
    if len(np.unique(labels)) < 2:
        return float("nan")
    n = min(len(Z), int(sample))
    return float(silhouette_score(Z, labels, sample_size=n, random_state=random_state))


def elbow_table(features: pd.DataFrame, k_values=range(2, 9), *, columns=None,
                log_columns=("frequency", "monetary"), random_state: int = 0,
                silhouette_sample: int = 5000) -> pd.DataFrame:
    """Inertia (within-cluster sum of squares) and silhouette for each k.

    Choose k where the inertia curve bends (the "elbow") and the silhouette is high.
    """
    X = _matrix(features, columns, log_columns)
    k_values = list(k_values)
    if not k_values:
        raise invalid("k_values", k_values, "at least one number of segments")
    for k in k_values:
        check_int("k_values", k, 2, max(len(X) - 1, 2))
    if len(X) < 3:
        raise invalid("features", shown(features), "at least 3 customers")
    check_int("silhouette_sample", silhouette_sample, 2)
    Z = StandardScaler().fit_transform(X.to_numpy())
    rows = []
    for k in k_values:
        km = KMeans(n_clusters=int(k), n_init=10, random_state=random_state).fit(Z)
        rows.append({"k": int(k), "inertia": float(km.inertia_),
                     "silhouette": _silhouette(Z, km.labels_, silhouette_sample,
                                               random_state)})
    return pd.DataFrame(rows).set_index("k")


def plot_elbow(table: pd.DataFrame, ax=None):
    """Plot inertia (left axis) and silhouette (right axis) against k. Returns the Axes."""
    check_columns(table, ["inertia", "silhouette"], what="table")
    check_not_empty(table, "table")
    ax = get_ax(ax)
    ax.plot(table.index, table["inertia"], marker="o", color="tab:blue",
            label=t("plot.inertia"))
    ax.set_xlabel(t("plot.segments_k"))
    ax.set_ylabel(t("plot.inertia_axis"), color="tab:blue")
    ax2 = ax.twinx()
    ax2.plot(table.index, table["silhouette"], marker="s", color="tab:orange",
             label=t("plot.silhouette"))
    ax2.set_ylabel(t("plot.silhouette_axis"), color="tab:orange")
    ax.set_title(t("plot.elbow_title"))
    return ax


def segment_profile(features: pd.DataFrame, labels) -> pd.DataFrame:
    """Size, share and mean of every numeric feature per segment (the segment 'portrait')."""
    check_frame(features, "features")
    same_length(features=np.asarray(features.index), labels=np.asarray(labels))
    if isinstance(labels, pd.Series) and not labels.index.equals(features.index):
        raise invalid("labels", shown(labels), "the same index as features (align them "
                      "first)")
    labels = pd.Series(np.asarray(labels), index=features.index, name="segment")
    num = features.select_dtypes("number")
    prof = num.groupby(labels).mean()
    prof.insert(0, "share", labels.value_counts(normalize=True).sort_index())
    prof.insert(0, "customers", labels.value_counts().sort_index())
    prof.index.name = "segment"
    return prof

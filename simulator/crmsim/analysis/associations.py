"""Market-basket analysis (横向关联) and sequential patterns (次序关联).

Association rules answer "customers who buy X in the same basket also buy Y" (support,
confidence, lift) and drive cross-selling; sequential patterns answer "what does a
customer buy next after X", the basis of next-purchase offers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmsim.analysis._common import (
    check_bool,
    check_choice,
    check_columns,
    check_frame,
    check_log,
    check_not_empty,
    check_number,
    get_ax,
    numeric_column,
    shown,
)
from crmsim.errors import invalid
from crmsim.i18n import t

__all__ = [
    "association_rules",
    "basket_matrix",
    "frequent_itemsets",
    "next_item_transitions",
    "plot_transitions",
]


def _check_items(log, item_col, customer_col, date_col, order_col):
    """A non-empty log with an item in every row and a way to tell baskets apart."""
    check_columns(log, [item_col])
    check_not_empty(log)
    for col in (item_col, order_col):
        if col is not None and col in log.columns and log[col].isna().any():
            row = log.index[int(np.flatnonzero(log[col].isna().to_numpy())[0])]
            raise invalid(f"log[{col!r}]", None, f"a value in every row (first missing at "
                          f"row {row!r})")
    if order_col is None or order_col not in log.columns:
        check_log(log, customer_col=customer_col, date_col=date_col, amount_col=None)


def _basket_key(log, customer_col, date_col, order_col):
    if order_col is not None and order_col in log.columns:
        return pd.factorize(log[order_col])[0]
    check_columns(log, [customer_col, date_col])
    return log.groupby([customer_col, date_col], sort=False).ngroup().to_numpy()


def basket_matrix(log: pd.DataFrame, item_col: str = "product", *,
                  customer_col: str = "customer_id", date_col: str = "date",
                  order_col: str | None = "order_id") -> pd.DataFrame:
    """Boolean basket x item matrix: True where the item is in the basket.

    A basket is one ``order_col`` value if that column exists, else one customer-date pair.
    """
    _check_items(log, item_col, customer_col, date_col, order_col)
    key = _basket_key(log, customer_col, date_col, order_col)
    codes, items = pd.factorize(log[item_col], sort=True)
    mat = np.zeros((int(key.max()) + 1 if len(key) else 0, len(items)), dtype=bool)
    mat[key, codes] = True
    return pd.DataFrame(mat, columns=pd.Index(items.astype(str), name=item_col))


def frequent_itemsets(log: pd.DataFrame, item_col: str = "product", *,
                      min_support: float = 0.01, max_len: int = 3,
                      customer_col: str = "customer_id", date_col: str = "date",
                      order_col: str | None = "order_id") -> pd.DataFrame:
    """Apriori: itemsets of 1 to ``max_len`` (<= 3) items in at least ``min_support`` of baskets.

    Candidates of size k are built only from frequent (k-1)-itemsets (the Apriori
    property: every subset of a frequent set is frequent). Returns ``itemset`` (tuple of
    items, sorted), ``size``, ``count`` and ``support`` (share of baskets).
    """
    check_number("min_support", min_support, 0, 1, lo_open=True)
    check_choice("max_len", max_len, (1, 2, 3))
    M = basket_matrix(log, item_col, customer_col=customer_col, date_col=date_col,
                      order_col=order_col)
    n = len(M)
    if n == 0:
        return pd.DataFrame(columns=["itemset", "size", "count", "support"])
    X = M.to_numpy()
    items = np.asarray(M.columns)
    counts1 = X.sum(axis=0)
    keep = np.flatnonzero(counts1 >= min_support * n - 1e-9)
    rows = [((items[i],), 1, int(counts1[i])) for i in keep]
    frequent_pairs = set()
    if max_len >= 2 and len(keep) >= 2:
        Xk = X[:, keep].astype(np.int32)
        co = Xk.T @ Xk
        for i, j in zip(*np.triu_indices(len(keep), k=1), strict=True):
            if co[i, j] >= min_support * n - 1e-9:
                a, b = keep[i], keep[j]
                rows.append(((items[a], items[b]), 2, int(co[i, j])))
                frequent_pairs.add((a, b))
    if max_len >= 3 and frequent_pairs:
        # a triple is a candidate only if all three of its pairs are frequent
        cand = {(a, b, c) for a, b in frequent_pairs for c in keep
                if c > b and (a, c) in frequent_pairs and (b, c) in frequent_pairs}
        for a, b, c in sorted(cand):
            cnt = int(np.count_nonzero(X[:, a] & X[:, b] & X[:, c]))
            if cnt >= min_support * n - 1e-9:
                rows.append(((items[a], items[b], items[c]), 3, cnt))
    out = pd.DataFrame(rows, columns=["itemset", "size", "count"])
    out["support"] = out["count"] / n
    return out.sort_values(["size", "support"], ascending=[True, False]).reset_index(drop=True)


def association_rules(itemsets: pd.DataFrame, *, min_confidence: float = 0.0,
                      min_lift: float = 0.0) -> pd.DataFrame:
    """Rules ``antecedent -> consequent`` (one consequent item) from frequent itemsets.

    support = P(A and C), confidence = P(C | A), lift = confidence / P(C) (> 1: buying A
    makes C more likely than on average). Sorted by lift.
    """
    check_columns(itemsets, ["itemset", "support"], what="itemsets")
    numeric_column(itemsets, "support", "itemsets", lo=0)
    check_number("min_confidence", min_confidence, 0, 1)
    check_number("min_lift", min_lift, 0)
    sup = dict(zip(itemsets["itemset"].map(tuple), itemsets["support"], strict=True))
    rows = []
    for items, s in sup.items():
        if len(items) < 2:
            continue
        for cons in items:
            ante = tuple(i for i in items if i != cons)
            if ante not in sup or (cons,) not in sup:
                continue
            conf = s / sup[ante]
            lift = conf / sup[(cons,)]
            rows.append((ante, cons, s, conf, lift))
    out = pd.DataFrame(rows, columns=["antecedent", "consequent", "support", "confidence",
                                      "lift"])
    out = out[(out["confidence"] >= min_confidence) & (out["lift"] >= min_lift)]
    return out.sort_values(["lift", "confidence"], ascending=False).reset_index(drop=True)


def next_item_transitions(log: pd.DataFrame, item_col: str = "category", *,
                          normalize: bool = True, customer_col: str = "customer_id",
                          date_col: str = "date", order_col: str | None = "order_id"):
    """What is bought next: transitions between a customer's consecutive baskets.

    Each customer's baskets are ordered by date; every item in basket k is paired with
    every item in basket k+1. Returns the from x to matrix of transition counts, or of
    row-normalised probabilities P(next item | previous item) with ``normalize=True``.
    """
    check_bool("normalize", normalize)
    check_columns(log, [customer_col, date_col, item_col])
    _check_items(log, item_col, customer_col, date_col, order_col)
    check_log(log, customer_col=customer_col, date_col=date_col, amount_col=None)
    key = _basket_key(log, customer_col, date_col, order_col)
    df = pd.DataFrame({"c": log[customer_col].to_numpy(), "d": log[date_col].to_numpy(),
                       "k": key, "item": log[item_col].astype(str).to_numpy()})
    b = df.groupby("k").agg(c=("c", "first"), d=("d", "min")).reset_index()
    b = b.sort_values(["c", "d", "k"], kind="stable")
    b["seq"] = b.groupby("c").cumcount()
    items = df[["k", "item"]].drop_duplicates().merge(b[["k", "c", "seq"]], on="k")
    nxt = items.assign(seq=items["seq"] - 1)
    pairs = items.merge(nxt, on=["c", "seq"], suffixes=("", "_next"))
    counts = pd.crosstab(pairs["item"], pairs["item_next"]).rename_axis(
        index="from", columns="to")
    if normalize:
        return counts.div(counts.sum(axis=1).replace(0, np.nan), axis=0)
    return counts


def plot_transitions(matrix: pd.DataFrame, ax=None):
    """Heat map of a :func:`next_item_transitions` matrix. Returns the Axes."""
    check_frame(matrix, "matrix")
    check_not_empty(matrix, "matrix")
    if matrix.shape[1] == 0:
        raise invalid("matrix", shown(matrix), "at least one column")
    ax = get_ax(ax, figsize=(7, 6))
    im = ax.imshow(matrix.to_numpy(dtype=float), cmap="Purples", aspect="auto")
    ax.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns], rotation=45,
                  ha="right")
    ax.set_yticks(range(matrix.shape[0]), [str(i) for i in matrix.index])
    ax.set_xlabel(t("plot.next_purchase"))
    ax.set_ylabel(t("plot.previous_purchase"))
    ax.set_title(t("plot.transitions_title"))
    ax.figure.colorbar(im, ax=ax)
    return ax

"""Market-basket Apriori and sequential transitions on a hand-computed log."""

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from crmsim.analysis import (
    association_rules,
    basket_matrix,
    frequent_itemsets,
    next_item_transitions,
    plot_transitions,
)

matplotlib.use("Agg")


@pytest.fixture
def log():
    # orders: 1 {milk, bread}, 2 {milk, bread, eggs}, 3 {milk}, 4 {bread, eggs}
    return pd.DataFrame({
        "order_id": [1, 1, 2, 2, 2, 3, 4, 4],
        "customer_id": [7, 7, 7, 7, 7, 8, 8, 8],
        "date": pd.to_datetime(["2024-01-01"] * 2 + ["2024-01-05"] * 3 + ["2024-01-02"]
                               + ["2024-01-09"] * 2),
        "product": ["milk", "bread", "milk", "bread", "eggs", "milk", "bread", "eggs"],
        "category": ["dairy", "bakery", "dairy", "bakery", "dairy", "dairy", "bakery",
                     "dairy"],
        "amount": 1.0,
    })


def test_frequent_itemsets_and_rules(log):
    fi = frequent_itemsets(log, "product", min_support=0.25)
    sup = dict(zip(fi["itemset"], fi["support"], strict=True))
    assert sup[("milk",)] == 0.75 and sup[("bread",)] == 0.75 and sup[("eggs",)] == 0.5
    assert sup[("bread", "milk")] == 0.5 and sup[("bread", "eggs")] == 0.5
    assert sup[("bread", "eggs", "milk")] == 0.25
    fi_hi = frequent_itemsets(log, "product", min_support=0.5)
    assert ("bread", "eggs", "milk") not in set(fi_hi["itemset"])
    rules = association_rules(fi)
    r = rules[(rules["antecedent"] == ("eggs",)) & (rules["consequent"] == "bread")].iloc[0]
    assert r["confidence"] == 1.0 and r["lift"] == pytest.approx(1 / 0.75)
    r2 = rules[(rules["antecedent"] == ("bread", "eggs")) & (rules["consequent"] == "milk")]
    assert r2["confidence"].iloc[0] == 0.5
    assert len(association_rules(fi, min_lift=1.2)) < len(rules)


def test_baskets_without_order_id(log):
    m = basket_matrix(log.drop(columns="order_id"), "product")
    assert m.shape == (4, 3) and m.sum().sum() == 8


def test_next_item_transitions(log):
    counts = next_item_transitions(log, "product", normalize=False)
    # customer 7: {milk, bread} -> {milk, bread, eggs}; customer 8: {milk} -> {bread, eggs}
    assert counts.loc["milk", "bread"] == 2 and counts.loc["milk", "eggs"] == 2
    assert counts.loc["bread", "milk"] == 1 and "eggs" not in counts.index
    probs = next_item_transitions(log, "category")
    assert probs.loc["bakery", "dairy"] == 0.5  # bakery -> {bakery, dairy} once
    assert next_item_transitions(log, "category", normalize=False).loc["dairy", "dairy"] == 2
    assert probs.sum(axis=1).round(12).eq(1).all()
    ax = plot_transitions(probs)
    assert ax.get_xlabel() == "next purchase"
    plt.close("all")

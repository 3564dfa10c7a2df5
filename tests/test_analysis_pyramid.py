"""Value pyramid and combined classifications."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from crmsim.analysis import (
    combined_classification,
    level,
    plot_pyramid,
    pyramid_summary,
    value_pyramid,
)

matplotlib.use("Agg")


def test_pyramid_1_4_15_80_on_100_customers():
    values = pd.Series(np.arange(100, 0, -1, dtype=float), index=np.arange(1, 101))
    p = value_pyramid(values)
    counts = p["tier"].value_counts().sort_index()
    assert counts.tolist() == [1, 4, 15, 80]
    assert p.loc[1, "tier"] == "A" and p.loc[1, "tier_label"] == "VIP"
    assert list(p.loc[[2, 5, 6, 20, 21], "tier"]) == ["B", "B", "C", "C", "D"]
    s = pyramid_summary(p)
    total = values.sum()
    assert s.loc["A", "value_share"] == 100 / total
    assert np.isclose(s.loc["B", "value"], 99 + 98 + 97 + 96)
    assert np.isclose(s["value_share"].sum(), 1.0)
    assert s.loc["D", "customer_share"] == 0.8


def test_pyramid_from_log_and_small_n():
    log = pd.DataFrame({"customer_id": [1, 1, 2, 3], "amount": [5.0, 5.0, 50.0, 1.0]})
    p = value_pyramid(log)
    assert p.index[0] == 2 and p.iloc[0]["tier"] == "A"  # top customer is always a VIP
    assert p.loc[1, "value"] == 10.0


def test_level_and_combined_classification():
    df = pd.DataFrame({"loyalty_score": [1, 2, 3, 4, 5, 6],
                       "credit_rating": ["A", "B", "A", "B", "A", "A"],
                       "revenue": [10, 20, 30, 40, 50, 60]})
    df["loyalty"] = level(df["loyalty_score"])
    assert df["loyalty"].astype(str).tolist() == ["low", "low", "medium", "medium", "high",
                                                  "high"]
    ct = combined_classification(df, "loyalty", "credit_rating")
    assert ct.loc["high", "A"] == 2 and ct.loc["low", "B"] == 1
    rev = combined_classification(df, "loyalty", "credit_rating", values="revenue")
    assert rev.loc["medium", "B"] == 40
    df["scale"] = level(df["revenue"], q=2, labels=("small", "large"))
    three = combined_classification(df, ["loyalty", "scale"], "credit_rating")
    assert three.values.sum() == 6 and three.loc[("high", "large"), "A"] == 2


def test_plot_pyramid():
    p = value_pyramid(pd.Series(np.random.default_rng(0).pareto(1.5, 500)))
    ax = plot_pyramid(pyramid_summary(p))
    assert "pyramid" in ax.get_title().lower() and ax.get_ylabel()
    plt.close("all")

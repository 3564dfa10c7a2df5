"""RFM table, scores, segments and heat map on a hand-computed log."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmsim.analysis import plot_rfm_heatmap, rfm_scores, rfm_segments, rfm_table
from crmsim.analysis.rfm import RF_SEGMENT_RULES
from crmsim.errors import CrmsimError

matplotlib.use("Agg")


@pytest.fixture
def log():
    return pd.DataFrame({
        "customer_id": [1, 1, 1, 2, 2, 3, 3, 3],
        "date": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-03-01", "2024-02-01",
                                "2024-02-01", "2024-01-10", "2024-02-20", "2024-04-05"]),
        "amount": [10.0, 20.0, 30.0, 60.0, 40.0, 5.0, 5.0, 999.0],
    })


def test_rfm_table_hand_computed(log):
    t = rfm_table(log, cutoff="2024-03-31")  # the 2024-04-05 purchase is after the cut-off
    assert list(t.index) == [1, 2, 3]
    assert t["recency"].tolist() == [30, 59, 40]
    assert t["frequency"].tolist() == [3, 1, 2]  # two lines on one day = one occasion
    assert t["monetary"].tolist() == [60.0, 100.0, 10.0]
    assert t["tenure"].tolist() == [90, 59, 81]
    mean = rfm_table(log, cutoff="2024-03-31", monetary="mean")
    assert mean["monetary"].tolist() == [20.0, 100.0, 5.0]


def test_rfm_table_custom_columns_and_order_id(log):
    renamed = log.rename(columns={"customer_id": "cid", "date": "day", "amount": "eur"})
    t = rfm_table(renamed, "2024-03-31", customer_col="cid", date_col="day", amount_col="eur")
    assert t["frequency"].tolist() == [3, 1, 2]
    with_orders = log.assign(order_id=np.arange(len(log)))  # every line its own order
    assert rfm_table(with_orders, "2024-03-31")["frequency"].tolist() == [3, 2, 2]
    with pytest.raises(CrmsimError, match="missing column"):
        rfm_table(renamed)


def test_rfm_scores_quintiles():
    rfm = pd.DataFrame({"recency": np.arange(10, 0, -1), "frequency": np.arange(1, 11),
                        "monetary": np.arange(1, 11) * 10.0}, index=range(100, 110))
    s = rfm_scores(rfm)
    assert s["R"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]  # smallest recency scores 5
    assert s["F"].tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert s.loc[109, "RFM"] == "555" and s.loc[100, "score"] == 3
    assert s["R"].value_counts().tolist() == [2] * 5
    tied = pd.DataFrame({"recency": [5, 5, 5, 1], "frequency": [1, 1, 1, 4],
                         "monetary": [1.0, 1.0, 2.0, 3.0]})
    assert rfm_scores(tied, bins=4)["F"].tolist() == [1, 1, 1, 4]  # equal values, equal score
    assert rfm_scores(tied, bins=4)["R"].tolist() == [1, 1, 1, 4]
    assert rfm_scores(tied, bins=4, ties="first")["F"].tolist() == [1, 2, 3, 4]


def test_rf_grid_rules_cover_all_cells_once():
    cells = [(r, f) for _, _, rs, fs in RF_SEGMENT_RULES for r in rs for f in fs]
    assert sorted(cells) == [(r, f) for r in range(1, 6) for f in range(1, 6)]


def test_rfm_segments():
    scores = pd.DataFrame({"R": [5, 1, 3, 5], "F": [5, 1, 3, 1],
                           "recency": [1, 300, 50, 2], "frequency": [20, 1, 5, 1],
                           "monetary": [900.0, 10.0, 100.0, 500.0]})
    seg = rfm_segments(scores)
    assert seg["segment"].tolist() == ["champions", "hibernating", "need_attention",
                                       "new_customers"]
    assert seg["segment_zh"].iloc[0] == "冠军客户"
    v8 = rfm_segments(scores, scheme="value8")
    # means: recency 88.25, frequency 6.75, monetary 377.5
    assert v8["segment"].tolist() == ["important_value", "general_retain",
                                      "general_develop", "important_develop"]
    assert v8["segment_zh"].iloc[0] == "重要价值客户"
    with pytest.raises(CrmsimError):
        rfm_segments(scores, scheme="nope")


def test_rfm_heatmap(log):
    s = rfm_scores(rfm_table(log, "2024-03-31"), bins=3)
    ax = plot_rfm_heatmap(s, value="monetary")
    assert ax.get_xlabel().startswith("R score") and ax.get_title()
    plt.close("all")

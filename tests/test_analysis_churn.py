"""Churn features, labels, the decision tree and its evaluation against the truth."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmsim.analysis import (
    bgnbd_log,
    churn_features,
    dropped_out_by,
    evaluate_churn,
    fit_bgnbd,
    fit_churn_tree,
    inactive_in_window,
    plot_roc,
    summary_data_from_log,
    tree_rules,
)

matplotlib.use("Agg")


def test_churn_features_hand_computed():
    log = pd.DataFrame({
        "customer_id": [1, 1, 1, 2],
        "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-03-01", "2024-03-20"]),
        "amount": [10.0, 20.0, 30.0, 5.0],
    })
    f = churn_features(log, "2024-03-31", recent_days=45)
    assert f.loc[1, "recency"] == 30 and f.loc[1, "frequency"] == 3
    assert f.loc[1, "tenure"] == 90 and f.loc[1, "mean_gap"] == 30  # (60 days) / 2 gaps
    assert f.loc[1, "recency_ratio"] == 1.0 and f.loc[1, "recent_purchases"] == 1
    assert f.loc[1, "mean_amount"] == 20 and f.loc[2, "mean_gap"] == 11  # tenure if 1 buy
    lab = inactive_in_window(log, "2024-02-01", 30)
    assert lab.to_dict() == {1: False}
    lab2 = inactive_in_window(log, "2024-03-10", 5)
    assert lab2.to_dict() == {1: True}


def test_dropped_out_by():
    cust = pd.DataFrame({"customer_id": [1, 2, 3], "true_dropout_time": [5.0, np.nan, 20.0]})
    assert dropped_out_by(cust, 10.0).tolist() == [True, False, False]


def test_tree_and_p_alive_beat_guessing_on_simulated_data():
    cust, tx = bgnbd_log(4000, seed=5)
    end_time = 546 / 7
    y = dropped_out_by(cust, end_time)
    X = churn_features(tx, cutoff=tx["date"].max())
    res = fit_churn_tree(X, y, max_depth=4)
    assert res["scores"]["auc"] > 0.8
    assert "recency" in tree_rules(res["model"], res["features"])
    s = summary_data_from_log(tx, end_time, time_col="timestamp", freq=None)
    fit = fit_bgnbd(s["frequency"], s["recency"], s["T"])
    p_churn = 1 - fit.p_alive(s["frequency"], s["recency"], s["T"])
    sc = evaluate_churn(p_churn, y)
    assert sc["auc"] > 0.8 and sc["confusion"].to_numpy().sum() == len(y)
    ax = plot_roc({"tree": res["test_probability"], "BG/NBD": p_churn}, y)
    assert ax.get_xlabel() == "false positive rate"
    assert len(ax.get_lines()) == 3
    plt.close("all")
    with pytest.raises(ValueError):
        churn_features(tx.drop(columns="amount"))

"""Truth scoring: hand-computed metrics, and a good estimator beats a random one."""

import numpy as np
import pandas as pd
import pytest

from crmsim.analysis import (
    bgnbd_log,
    calibration_and_holdout_data,
    compare_estimators,
    fit_bgnbd,
    score_classification,
    score_regression,
    summary_data_from_log,
)
from crmsim.errors import CrmsimError


def test_score_regression_hand_computed():
    s = score_regression(pd.Series([1.0, 2.0, 5.0], index=[3, 1, 2]),
                         pd.Series([2.0, 1.0, 1.0], index=[1, 2, 3]))
    # aligned by customer: est (2, 5, 1) vs true (2, 1, 1): errors 0, 4, 0
    assert s["n"] == 3 and s["mae"] == pytest.approx(4 / 3)
    assert s["rmse"] == pytest.approx(np.sqrt(16 / 3)) and s["bias"] == pytest.approx(4 / 3)
    with pytest.raises(CrmsimError):
        score_regression(pd.Series([1.0], index=[9]), pd.Series([1.0], index=[1]))


def test_score_classification_hand_computed():
    s = score_classification([0.9, 0.8, 0.3, 0.1], [True, False, True, False])
    assert s["auc"] == pytest.approx(0.75)
    assert s["brier"] == pytest.approx((0.01 + 0.64 + 0.49 + 0.01) / 4)
    assert s["accuracy"] == 0.5 and s["base_rate"] == 0.5
    assert s["confusion"].loc[True, True] == 1 and s["confusion"].loc[False, True] == 1
    with pytest.raises(CrmsimError):
        score_classification([1.5, 0.2], [True, False])


@pytest.fixture(scope="module")
def simulated():
    cust, tx = bgnbd_log(5000, seed=11)
    return cust.set_index("customer_id"), tx


def test_truth_tells_good_p_alive_from_random(simulated):
    cust, tx = simulated
    s = summary_data_from_log(tx, 546 / 7, time_col="timestamp", freq=None)
    fit = fit_bgnbd(s["frequency"], s["recency"], s["T"])
    p_alive = fit.p_alive(s["frequency"], s["recency"], s["T"])
    rand = pd.Series(np.random.default_rng(0).random(len(s)), index=s.index)
    table = compare_estimators({"bgnbd": p_alive, "random": rand}, cust["true_alive"])
    assert table.loc["bgnbd", "auc"] > 0.85
    assert abs(table.loc["random", "auc"] - 0.5) < 0.05
    assert table.loc["bgnbd", "brier"] < table.loc["random", "brier"] - 0.15


def test_truth_tells_good_purchase_forecast_from_random(simulated):
    _, tx = simulated
    ch = calibration_and_holdout_data(tx, 273 / 7, 546 / 7, time_col="timestamp", freq=None)
    fit = fit_bgnbd(ch["frequency_cal"], ch["recency_cal"], ch["T_cal"])
    pred = fit.expected_purchases(ch["duration_holdout"], ch["frequency_cal"],
                                  ch["recency_cal"], ch["T_cal"])
    shuffled = pd.Series(np.random.default_rng(1).permutation(pred.to_numpy()),
                         index=pred.index)
    good = score_regression(pred, ch["frequency_holdout"])
    bad = score_regression(shuffled, ch["frequency_holdout"])
    assert good["correlation"] > 0.6 and abs(bad["correlation"]) < 0.1
    assert good["mae"] < 0.8 * bad["mae"] and good["rmse"] < bad["rmse"]
    assert abs(good["bias"]) < 0.15 * ch["frequency_holdout"].mean() + 0.05
    table = compare_estimators({"bgnbd": pred, "random": shuffled}, ch["frequency_holdout"])
    assert table.loc["bgnbd", "rmse"] < table.loc["random", "rmse"]


def test_synthetic_log_truth_is_consistent(simulated):
    cust, tx = simulated
    assert cust.loc[cust["true_alive"], "true_dropout_time"].isna().all()
    dead = cust.loc[~cust["true_alive"]]
    assert dead["true_dropout_time"].notna().all()
    last = tx.groupby("customer_id")["timestamp"].max()
    # a customer that dropped out made its last purchase exactly at the dropout time
    assert np.allclose(last.loc[dead.index], dead["true_dropout_time"])
    first = tx.groupby("customer_id")["timestamp"].min()
    assert np.allclose(first.loc[cust.index], cust["acquisition_time"])


def test_truth_plots(simulated):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crmsim.analysis import plot_calibration, plot_predicted_vs_actual

    cust, tx = simulated
    s = summary_data_from_log(tx, 546 / 7, time_col="timestamp", freq=None)
    fit = fit_bgnbd(s["frequency"], s["recency"], s["T"])
    ax = plot_calibration(fit.p_alive(s["frequency"], s["recency"], s["T"]), cust["true_alive"])
    assert ax.get_xlabel() == "predicted probability" and ax.get_title()
    ax2 = plot_predicted_vs_actual(s["frequency"] * 1.1, s["frequency"])
    assert len(ax2.get_lines()) == 2 and ax2.get_ylabel()
    plt.close("all")


def test_plot_clv_distribution_marks_mean_median_and_top_fifth():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crmsim.analysis import plot_clv_distribution

    clv = pd.Series([1.0, 2, 3, 4, 100])
    ax = plot_clv_distribution(clv, bins=5)
    xs = sorted(line.get_xdata()[0] for line in ax.get_lines())
    assert xs == pytest.approx(sorted([3.0, 22.0, clv.quantile(0.8)]))
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    plt.close(ax.figure)

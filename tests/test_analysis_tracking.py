"""Weekly tracking measures: hand-made logs with known answers, and the CDNOW facts."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmsim.analysis import (
    calendar_effects,
    calibration_and_holdout_data,
    compare_logs,
    dispersion,
    expected_weekly_repeats,
    first_vs_repeat_spend,
    fit_bgnbd,
    plot_repeat_histograms,
    plot_tracking,
    repeat_conversion,
    repeat_histogram,
    repeat_rate_by_tenure,
    spend_by_order_number,
    trial_curve,
    weekly_tracking,
    weekly_variability,
)
from crmsim.datasets import CDNOW_CALIBRATION_END, CDNOW_END, CDNOW_START, load_cdnow
from crmsim.errors import CrmsimError

matplotlib.use("Agg")


def sig3(x):
    return float(f"{x:.3g}")


@pytest.fixture
def tiny():
    # 2024-01-01 is a Monday; weeks: 1 = Jan 1-7, 2 = Jan 8-14, 3 = Jan 15-21, 4, 5 = Jan 29-
    return pd.DataFrame({
        "customer_id": [1, 1, 1, 2, 2, 3, 3],
        "date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-20", "2024-01-09",
                                "2024-01-09", "2024-01-16", "2024-01-29"]),
        "amount": [10.0, 20.0, 30.0, 5.0, 5.0, 40.0, 60.0],
    })


# ----------------------------------------------------------------------------- tracking
def test_weekly_tracking_splits_trial_and_repeat(tiny):
    wk = weekly_tracking(tiny, weeks=6)
    assert wk["week"].tolist() == [1, 2, 3, 4, 5, 6]
    assert wk["trial"].tolist() == [1, 1, 1, 0, 0, 0]
    assert wk["repeat"].tolist() == [1, 0, 1, 0, 1, 0]  # customer 2's two lines: one basket
    assert wk["cohort"].tolist() == [1, 2, 3, 3, 3, 3]
    assert wk["cumulative_repeat"].tolist() == [1, 1, 2, 2, 3, 3]
    assert wk["week_start"].iloc[4] == pd.Timestamp("2024-01-29")
    assert (wk["total"] == wk["trial"] + wk["repeat"]).all()
    # an order_id column makes customer 2's two lines two purchases
    with_orders = tiny.assign(order_id=range(7))
    assert weekly_tracking(with_orders)["repeat"].tolist() == [1, 1, 1, 0, 1]
    # a start a week earlier shifts every week by one
    assert weekly_tracking(tiny, start="2023-12-25")["trial"].tolist() == [0, 1, 1, 1, 0, 0]


def test_trial_curve(tiny):
    tc = trial_curve(tiny)
    assert tc["new_customers"].tolist() == [1, 1, 1]
    assert tc["share"].tolist() == pytest.approx([1 / 3] * 3)
    assert tc["cumulative_share"].iloc[-1] == pytest.approx(1.0)


def test_repeat_histogram_windows(tiny):
    h = repeat_histogram(tiny, [(1, 2), (3, 5)])
    w1 = h[h["window"] == "1-2"]
    assert w1["customers"].tolist() == [1, 1]  # customers 1 and 2 acquired by week 2
    w2 = h[h["window"] == "3-5"]
    assert w2["customers"].tolist() == [1, 2] and w2["share"].sum() == pytest.approx(1)
    capped = repeat_histogram(tiny.assign(order_id=range(7)), [(1, 5)], max_repeats=1)
    assert capped["label"].tolist() == ["0", "1+"] and capped["customers"].tolist() == [0, 3]
    with pytest.raises(CrmsimError, match="windows"):
        repeat_histogram(tiny, [(5, 3)])


def test_repeat_conversion_calendar_and_tenure(tiny):
    c = repeat_conversion(tiny, [2, 5])
    assert c["customers"].tolist() == [2, 3] and c["converted"].tolist() == [1, 2]
    t = repeat_conversion(tiny, [1, 2], by="tenure")
    # within 7 days: only customer 1 (2 days); within 14 days customer 3 too (13 days)
    assert t["customers"].tolist() == [3, 3] and t["converted"].tolist() == [1, 2]
    assert repeat_conversion(tiny, [3], by="tenure")["customers"].tolist() == [2]
    with pytest.raises(CrmsimError, match="by="):
        repeat_conversion(tiny, by="month")


def test_repeat_rate_by_tenure(tiny):
    r = repeat_rate_by_tenure(tiny)
    # seen 28, 20 and 13 days; repeats at ages 2 and 19 (customer 1), 13 (customer 3,
    # whose second week is not fully observed)
    assert r["customers"].tolist() == [3, 2, 1, 1]
    assert r["repeats"].tolist() == [1, 0, 1, 0]
    assert r["rate"].tolist() == pytest.approx([1 / 3, 0, 1, 0])


def test_spend_first_vs_repeat(tiny):
    s = first_vs_repeat_spend(tiny).set_index("kind")
    assert s.loc["first", "mean"] == pytest.approx(20.0)  # 10, 10 (5 + 5), 40
    assert s.loc["repeat", "mean"] == pytest.approx(110 / 3)  # 20, 30, 60
    assert s.loc["repeat", "relative_mean"] == pytest.approx(110 / 60)
    assert s.loc["first", "log_mean"] == pytest.approx(np.log([10, 10, 40]).mean())
    b = spend_by_order_number(tiny, max_order=3)
    assert b["label"].tolist() == ["1", "2", "3+"]
    assert b["orders"].tolist() == [3, 2, 1] and b["mean"].tolist() == [20, 40, 30]
    # weeks= keeps only early purchases: customer 3's second order (week 5) drops out
    assert spend_by_order_number(tiny, max_order=2, weeks=3)["orders"].tolist() == [3, 2]


# ----------------------------------------------------------------------------- roughness
def test_dispersion_known_series():
    line = 100.0 + np.arange(50)
    d = dispersion(line)
    assert d["dispersion"] == pytest.approx(0.0) and d["shock_variance"] == 0.0
    assert d["mean"] == pytest.approx(124.5)
    rng = np.random.default_rng(1)
    mu = 200 * np.exp(-np.arange(3000) / 3000)
    pois = dispersion(rng.poisson(mu))
    assert pois["dispersion"] == pytest.approx(1.0, abs=0.07)
    assert pois["shock_variance"] < 0.002
    shock = rng.gamma(25.0, 1 / 25.0, size=mu.size)  # mean 1, variance 0.04
    rough = dispersion(rng.poisson(mu * shock))
    assert rough["shock_variance"] == pytest.approx(0.04, abs=0.006)
    assert rough["dispersion"] > 5
    with pytest.raises(CrmsimError, match="span"):
        dispersion(line, span=4)
    with pytest.raises(CrmsimError, match="counts"):
        dispersion([1, 2, 3], span=5)


def test_calendar_effects_with_known_baseline(tiny):
    ce = calendar_effects(tiny, baseline=np.full(5, 0.5), first_week=1, by="week")
    assert ce["index"].tolist() == pytest.approx([2, 0, 2, 0, 2])
    m = calendar_effects(tiny, baseline=[1, 1, 1, 1, 1], first_week=1)
    assert m["period"].tolist() == ["2024-01", "2024-02"]  # week 5's middle day is Feb 1
    assert m["weeks"].tolist() == [4, 1] and m["index"].tolist() == pytest.approx([0.5, 1])
    with pytest.raises(CrmsimError, match="baseline"):
        calendar_effects(tiny, baseline=[1, 1])


def test_compare_logs_and_plots(tiny):
    other = tiny.assign(amount=tiny["amount"] * 2)
    c = compare_logs(tiny, other, windows=[(1, 2), (3, 5)], launch_weeks=3)
    row = c.set_index("metric")
    # two weeks after the launch are too few to measure roughness
    assert np.isnan(row.loc["weekly repeat dispersion", "real"])
    assert row.loc["mean first order value", "ratio"] == pytest.approx(2.0)
    assert row.loc["repeat / first order value", "ratio"] == pytest.approx(1.0)
    assert row.loc["repeat conversion by week 5", "real"] == pytest.approx(2 / 3)
    ax = plot_tracking(tiny, other)
    assert ax.get_xlabel() and "1,000 customers" in ax.get_ylabel()
    assert len(ax.lines) == 4
    axes = plot_repeat_histograms(tiny, other, windows=[(1, 2), (3, 5)], max_repeats=2)
    assert len(axes) == 2 and axes[1].get_xlabel() == "repeat purchases in weeks 3-5"
    plt.close("all")


def test_bad_start(tiny):
    with pytest.raises(CrmsimError, match="start="):
        weekly_tracking(tiny, start="2024-02-01")


# ----------------------------------------------------------------------------- CDNOW facts
@pytest.fixture(scope="module")
def cdnow():
    return load_cdnow()


def test_cdnow_trial_and_conversion(cdnow):
    tc = trial_curve(cdnow, start=CDNOW_START)
    assert len(tc) == 12 and tc["new_customers"].sum() == 2357
    assert [sig3(s) for s in tc["share"]] == [0.0666, 0.0696, 0.0772, 0.0819, 0.0916, 0.0933,
                                              0.0857, 0.0866, 0.0929, 0.0921, 0.0866, 0.0759]
    conv = repeat_conversion(cdnow, [39, 78], start=CDNOW_START)
    assert conv["converted"].tolist() == [946, 1139]
    assert [sig3(s) for s in conv["share"]] == [0.401, 0.483]
    r = repeat_rate_by_tenure(cdnow)
    assert len(r) == 77 and (r["customers"].iloc[:66] == 2357).all()  # all seen 66 weeks
    assert r["customers"].iloc[66] < 2357
    assert r["repeats"].head(3).tolist() == [164, 156, 129]


def test_cdnow_repeats_and_spend(cdnow):
    wk = weekly_tracking(cdnow, start=CDNOW_START, weeks=78)
    assert wk["repeat"].iloc[:39].sum() == 2457 and wk["repeat"].iloc[39:].sum() == 1882
    h = repeat_histogram(cdnow, start=CDNOW_START, max_repeats=7)
    assert h.loc[h["window"] == "1-39", "customers"].tolist() == [1411, 439, 214, 100, 62,
                                                                  38, 29, 64]
    assert h.loc[h["window"] == "40-78", "customers"].tolist() == [1673, 302, 153, 77, 54,
                                                                   23, 21, 54]
    s = first_vs_repeat_spend(cdnow, start=CDNOW_START).set_index("kind")
    assert [sig3(s.loc[k, "mean"]) for k in ("first", "repeat")] == [33.0, 38.3]
    assert sig3(s.loc["repeat", "relative_mean"]) == 1.16
    assert s["orders"].tolist() == [2357, 4339]
    v = weekly_variability(cdnow, start=CDNOW_START, last_week=78).set_index("series")
    assert sig3(v.loc["repeat", "dispersion"]) == 3.30
    assert sig3(v.loc["repeat", "shock_cv"]) == 0.202


def test_cdnow_bgnbd_forecast_of_weeks_40_78(cdnow):
    ch = calibration_and_holdout_data(cdnow, CDNOW_CALIBRATION_END, CDNOW_END, freq="D",
                                      freq_multiplier=7)
    f = fit_bgnbd(ch["frequency_cal"], ch["recency_cal"], ch["T_cal"])
    pred = f.expected_purchases(ch["duration_holdout"], ch["frequency_cal"],
                                ch["recency_cal"], ch["T_cal"]).sum()
    assert sig3(pred) == 1650 and ch["frequency_holdout"].sum() == 1882
    ew = expected_weekly_repeats(f, cdnow, start=CDNOW_START, weeks=78)
    assert sig3(ew["expected_repeat"].iloc[39:].sum()) == 1670
    assert sig3(ew["expected_repeat"].iloc[:39].sum()) == 2490

"""Cohort retention matrix and Kaplan-Meier survival."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from crmsim.analysis import (
    cohort_retention,
    kaplan_meier,
    lifetimes_from_log,
    plot_cohort_heatmap,
    plot_survival,
)

matplotlib.use("Agg")


@pytest.fixture
def log():
    return pd.DataFrame({
        "customer_id": [1, 1, 1, 2, 2, 3, 4, 4],
        "date": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-03-01", "2024-01-20",
                                "2024-03-15", "2024-02-02", "2024-02-05", "2024-02-25"]),
        "amount": 1.0,
    })


def test_cohort_retention_hand_computed(log):
    m = cohort_retention(log, "M")
    jan, feb = pd.Period("2024-01", "M"), pd.Period("2024-02", "M")
    assert m.loc[jan, "size"] == 2 and m.loc[feb, "size"] == 2
    assert m.loc[jan, 0] == 1.0 and m.loc[jan, 1] == 0.5 and m.loc[jan, 2] == 1.0
    assert m.loc[feb, 1] == 0.0
    assert np.isnan(m.loc[feb, 2])  # February cohort cannot be seen 2 months later
    counts = cohort_retention(log, "M", normalize=False)
    assert counts.loc[jan, 1] == 1
    ax = plot_cohort_heatmap(m)
    assert ax.get_xlabel() == "periods since acquisition"
    plt.close("all")


def test_kaplan_meier_hand_computed():
    # times 1,2,2,3(censored),4: S(1)=4/5, S(2)=4/5*2/4=0.4, S(3)=0.4, S(4)=0
    km = kaplan_meier([1, 2, 2, 3, 4], [True, True, True, False, True])
    s = km["survival"]
    assert s.loc[0] == 1.0 and s.loc[1] == pytest.approx(0.8)
    assert s.loc[2] == pytest.approx(0.4) and s.loc[3] == pytest.approx(0.4)
    assert s.loc[4] == pytest.approx(0.0)


def test_kaplan_meier_matches_lifelines():
    lifelines = pytest.importorskip("lifelines")
    rng = np.random.default_rng(1)
    d = np.round(rng.exponential(50, 300))
    e = rng.random(300) < 0.7
    g = rng.integers(0, 2, 300)
    ours = kaplan_meier(d, e, groups=g)
    for k in (0, 1):
        kmf = lifelines.KaplanMeierFitter().fit(d[g == k], e[g == k])
        ref = kmf.survival_function_at_times(ours.index.to_numpy()).to_numpy()
        assert np.allclose(ours[k].to_numpy(), ref)
    ax = plot_survival(ours)
    assert ax.get_ylabel().startswith("share")
    plt.close("all")


def test_lifetimes_from_log(log):
    lt = lifetimes_from_log(log, cutoff="2024-03-31", inactivity_days=30, cohort_period="M")
    # customer 3 last bought Feb 2 (58 days before the cut-off): lost, lifetime 0 days
    assert lt.loc[3, "event"] and lt.loc[3, "duration"] == 0
    assert not lt.loc[1, "event"] and lt.loc[1, "duration"] == 86  # censored at cut-off
    assert lt.loc[4, "event"] and lt.loc[4, "duration"] == 20
    assert str(lt.loc[1, "cohort"]) == "2024-01"

"""The cdnow scenario's cohort is statistically like the real CDNOW sample over 78 weeks.

Measured per customer, so the 23,570-customer simulated cohort and the 1-in-10 real
sample (2,357 customers) compare directly; the weekly roughness is compared by the
shock coefficient of variation, which does not grow with the population size.
"""

import numpy as np
import pytest

import crmsim
from crmsim.analysis import compare_logs
from crmsim.datasets import load_cdnow

START = "1997-01-01"


@pytest.fixture(scope="module")
def table():
    sim = crmsim.simulate("cdnow", seed=1)
    tab = compare_logs(load_cdnow(), sim.transactions, start_real=START, start_sim=START)
    return tab.set_index("metric")


@pytest.mark.parametrize("metric, tolerance", [
    ("repeats per customer weeks 1-39", 0.08),
    ("repeats per customer weeks 40-78", 0.08),
    ("share without repeat weeks 1-39", 0.05),
    ("share without repeat weeks 40-78", 0.05),
    ("repeat conversion by week 39", 0.05),
    ("repeat conversion by week 78", 0.05),
    ("mean first order value", 0.05),
    ("mean repeat order value", 0.05),
    ("repeat / first order value", 0.05),
    ("weekly repeat shock cv", 0.25),
])
def test_simulated_cohort_matches_the_sample(table, metric, tolerance):
    ratio = table.loc[metric, "ratio"]
    assert abs(ratio - 1) <= tolerance, (metric, table.loc[metric].to_dict())


def test_trial_curve_follows_the_sample(table):
    trial = table[table.index.str.startswith("trial share week")]
    assert len(trial) == 12
    assert np.abs(trial["simulated"] - trial["real"]).max() < 0.01


def test_pure_bgnbd_world_is_too_smooth_and_too_uniform():
    """The comparison has power: the scenario without its realism fails it."""
    sim = crmsim.simulate("cdnow", seed=1, overrides={
        "market": {"demand_shock_cv": 0.0},
        "acquisition": {"launch_profile": []},
        "purchase": {"rate_spend_correlation": 0.0, "trial_boost": 0.0}})
    tab = compare_logs(load_cdnow(), sim.transactions, start_real=START,
                       start_sim=START).set_index("metric")
    assert tab.loc["weekly repeat shock cv", "simulated"] < 0.05
    assert abs(tab.loc["repeat / first order value", "ratio"] - 1) > 0.05

"""compare(): common random numbers, confidence intervals, parallel = serial."""

import numpy as np
import pandas as pd

import crmsim


def test_compare_table_and_common_random_numbers():
    kw = dict(replications=4, seed=9, customers=1500, years=1)
    table, runs = crmsim.compare("retail", ["none", "loyalty_program", "discount+win_back"],
                                 runs=True, n_jobs=2, **kw)
    assert list(table["strategy"]) == ["none", "loyalty_program", "discount+win_back"]
    for col in ("profit", "revenue", "retention", "customer_value"):
        assert (table[f"{col}_ci95"] > 0).all()
    # replication k uses the same seed for every strategy
    seeds = runs.pivot(index="replication", columns="strategy", values="seed")
    assert (seeds.nunique(axis=1) == 1).all() and seeds.iloc[:, 0].is_unique
    # the reference row's paired difference is exactly zero
    assert table.loc[0, "profit_vs_first"] == 0
    # CRN: the paired CI of a difference is narrower than the spread of the profits
    assert table.loc[1, "profit_vs_first_ci95"] < table.loc[1, "profit_ci95"]
    # the mean matches the per-run numbers
    lp = runs[runs["strategy"] == "loyalty_program"]
    assert np.isclose(table.loc[1, "profit"], lp["profit"].mean())
    serial = crmsim.compare("retail", ["none", "loyalty_program", "discount+win_back"],
                            n_jobs=1, **kw)
    pd.testing.assert_frame_equal(table, serial)

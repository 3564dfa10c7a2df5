"""Invariants that must hold in every run."""

import numpy as np
import pandas as pd

from crmsim import schema
from crmsim.sim.lifecycle import STAGES


def test_tables_have_documented_columns(small_run):
    for name, cols in schema.TABLES.items():
        assert list(getattr(small_run, name).columns)[: len(cols)] == list(cols), name


def test_one_stage_per_customer_at_every_moment(small_run):
    """Replaying stage changes from 'potential' ends in each customer's final stage,
    with every change leaving the stage the customer was in."""
    ch = small_run.events[small_run.events["kind"] == "stage_change"]
    current = pd.Series("potential", index=small_run.customers["customer_id"])
    for t, grp in ch.groupby("timestamp", sort=True):
        assert grp["customer_id"].is_unique, f"two changes for one customer at {t}"
        ids = grp["customer_id"].to_numpy()
        assert (current.loc[ids].to_numpy() == grp["from_stage"].to_numpy()).all()
        assert (grp["from_stage"] != grp["to_stage"]).all()
        current.loc[ids] = grp["to_stage"].to_numpy()
    final = small_run.customers.set_index("customer_id")["final_stage"].astype(str)
    assert (current == final).all()
    assert set(final) <= set(STAGES)
    # every stage that the rules can produce appears in this run
    assert {"development", "growth", "maturity", "decline", "terminated",
            "win_back"} <= set(ch["to_stage"])


def test_no_purchase_while_truly_dropped_out(small_run):
    tx = small_run.transactions.drop_duplicates("order_id")
    te = small_run.true_events
    assert (te["kind"] == "dropout").sum() > 100
    assert (te["kind"] == "reactivation").sum() > 0
    # intervals during which each customer is truly gone: [dropout, next reactivation)
    gone = []
    for cid, g in te.sort_values("timestamp").groupby("customer_id"):
        start = None
        for t, k in zip(g["timestamp"], g["kind"], strict=True):
            if k == "dropout":
                start = t
            elif start is not None:
                gone.append((cid, start, t))
                start = None
        if start is not None:
            gone.append((cid, start, np.inf))
    gone = pd.DataFrame(gone, columns=["customer_id", "start", "end"])
    m = tx.merge(gone, on="customer_id")
    # the dropout happens right after the last purchase; a comeback order is at `end`
    bad = m[(m["timestamp"] > m["start"]) & (m["timestamp"] < m["end"])]
    assert bad.empty, bad.head()


def test_revenue_equals_transactions_and_costs_are_nonnegative(small_run):
    k, tx, ev = small_run.kpis, small_run.transactions, small_run.events
    assert np.isclose(k["revenue"].sum(), tx["amount"].sum())
    assert (tx["amount"] >= 0).all() and (tx["quantity"] >= 1).all()
    calls = ev[ev["kind"] == "service_request"]
    assert len(calls) > 100
    assert (calls["wait"] >= 0).all() and (calls["service_time"] >= 0).all()
    led = small_run.ledger
    acc = led["account"].astype(str)
    assert (led.loc[acc == "sales", "amount"] > 0).all()
    assert (led.loc[acc != "sales", "amount"] < 0).all()  # every other booking is money out
    for col in ("acquisition_cost", "service_cost", "strategy_cost", "discounts",
                "cost_of_goods"):
        assert (k[col] >= 0).all()
    assert np.allclose(k["profit"], k["gross_margin"] - k["acquisition_cost"]
                       - k["service_cost"] - k["strategy_cost"])
    assert k["orders"].sum() == tx["order_id"].nunique()


def test_ground_truth_is_consistent(small_run):
    c = small_run.customers
    assert not c.loc[~c["acquired"], "true_alive"].any()
    dropped = c["acquired"] & ~c["true_alive"]
    assert c.loc[dropped, "true_dropout_time"].notna().all()
    assert c.loc[c["true_alive"], "true_dropout_time"].isna().all()
    tx = small_run.transactions.groupby("customer_id")["timestamp"].min()
    acq = c.set_index("customer_id").loc[tx.index, "acquisition_time"]
    assert np.allclose(tx, acq)  # the first purchase is the acquisition
    for col in ("true_satisfaction", "true_loyalty", "true_meaning", "true_impact"):
        assert c[col].between(0, 1).all()
    assert (small_run.kpis["active"] <= small_run.kpis[[f"n_{s}" for s in STAGES
                                                       if s != "potential"]].sum(1)).all()


def test_dates_follow_timestamps(small_run):
    tx = small_run.transactions
    start = pd.Timestamp(small_run.scenario.start)
    days = (tx["date"] - start).dt.total_seconds() / 86400
    assert np.allclose(days, tx["timestamp"], atol=1e-5)

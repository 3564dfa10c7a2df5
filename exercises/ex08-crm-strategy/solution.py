"""Expected answers of ex08-crm-strategy."""

import numpy as np
import pandas as pd

from crmsim.analysis.pyramid import value_pyramid

CUTOFF = 365.0
CONTACT_COST, ONBOARDING_COST, CALL_COST = 3.0, 10.0, 1.5
QUIZ = {"a": "C", "b": "B", "c": "B", "d": "B", "e": "C", "f": "A", "g": "C", "h": "A",
        "i": "A", "j": "A", "k": "B", "l": "A"}


def growth_matrix(tx):
    first = tx.groupby("customer_id")["timestamp"].transform("min")
    base = (tx["timestamp"] < CUTOFF) | (tx["timestamp"] == first)
    known = pd.MultiIndex.from_frame(tx.loc[base, ["customer_id", "category"]]).unique()
    old_product = pd.MultiIndex.from_frame(tx[["customer_id", "category"]]).isin(known)
    old_customer = (first < CUTOFF).to_numpy()
    later = (tx["timestamp"] >= CUTOFF).to_numpy()
    amount = tx["amount"].to_numpy()
    return {"loyalty": float(amount[later & old_customer & old_product].sum()),
            "expansion": float(amount[later & old_customer & ~old_product].sum()),
            "acquisition": float(amount[later & ~old_customer & old_product].sum()),
            "diversification": float(amount[later & ~old_customer & ~old_product].sum())}


def strategy_kpis(tx, events):
    quarter = tx["date"].dt.to_period("Q")
    spend = tx.groupby([quarter.rename("quarter"), "customer_id"])["amount"].sum()
    quarters = spend.index.get_level_values("quarter").unique().sort_values()
    tier = {q: value_pyramid(spend.loc[q])["tier"].cat.codes for q in quarters}
    first_q = tx.groupby("customer_id")["date"].min().dt.to_period("Q")
    lost = events[(events["kind"] == "stage_change") & (events["to_stage"] == "terminated")]
    lost_q = lost["date"].dt.to_period("Q").value_counts()
    rows = {}
    for i, q in enumerate(quarters):
        up = 0
        if i:
            prev, cur = tier[quarters[i - 1]], tier[q]
            both = prev.index.intersection(cur.index)
            up = int((cur[both] < prev[both]).sum())
        rows[str(q)] = {"new": int((first_q == q).sum()), "lost": int(lost_q.get(q, 0)),
                        "upgraded": up}
    return pd.DataFrame(rows).T[["new", "lost", "upgraded"]]


def fat_cows_and_skinny_dogs(profit, top_share):
    profit = pd.Series(profit, dtype=float).sort_values(ascending=False)
    k = int(round(top_share * len(profit)))
    return {"fat_cows": k, "skinny_dogs": int((profit < 0).sum()),
            "fat_cow_share": float(profit.iloc[:k].sum() / profit.sum())}


def profit_per_customer(customers, tx, events):
    ids = customers.loc[customers["acquired"], "customer_id"]
    margin = (tx["amount"] - tx["cost"]).groupby(tx["customer_id"]).sum()
    contacts = events[(events["kind"] == "contact") & (events["detail"] == "acquisition")]
    calls = events[events["kind"] == "service_request"]
    return (margin.reindex(ids, fill_value=0.0)
            - CONTACT_COST * contacts.groupby("customer_id").size().reindex(ids, fill_value=0)
            - ONBOARDING_COST
            - CALL_COST * calls.groupby("customer_id").size().reindex(ids, fill_value=0))


def hidden_inputs(data, rng):
    cases = []
    for _ in range(4):
        n = int(rng.integers(20, 200))
        profit = np.round(rng.lognormal(3.0, 1.0, n) - 8.0, 2)
        cases.append({"profit": [float(x) for x in profit],
                      "top_share": float(rng.choice([0.2, 0.4]))})
    return {"herd": cases}


def expected(data, hidden):
    herd = {f"{i}:{k}": v for i, p in enumerate(hidden["herd"])
            for k, v in fat_cows_and_skinny_dogs(p["profit"], p["top_share"]).items()}
    own = fat_cows_and_skinny_dogs(profit_per_customer(data.customers, data.transactions,
                                                       data.events), 0.2)
    return {"growth": growth_matrix(data.transactions),
            "kpis": strategy_kpis(data.transactions, data.events),
            "herd_hidden": herd,
            "n_skinny_dogs": own["skinny_dogs"],
            "fat_cow_share": own["fat_cow_share"],
            "quiz": QUIZ}

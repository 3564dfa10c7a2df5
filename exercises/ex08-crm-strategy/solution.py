"""Expected answers of ex08-crm-strategy.

Q6 (decision) re-simulates the student's market (``data.seed``: common random numbers) on
the decision market of ``exercises/decisions.py``, with the firm's marketing plan: which
growth-matrix strategies to fund (客户增长矩阵: acquisition through campaign contacts, loyalty
and expansion through retention strategies) within a marketing budget.
"""

import functools
import json

import numpy as np
import pandas as pd

import crmsim
from crmsim.analysis.pyramid import value_pyramid
from crmsim.grading import decisions
from crmsim.result import headline

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
    """Four herds of profits. Each has a customer at exactly 0 (neither a dog nor profitable:
    ``<= 0`` is wrong) and a size whose ``top_share * n`` has a fractional part of at least
    0.6 (truncating ``k`` instead of rounding it is wrong); profits are shuffled (taking the
    first k rows without sorting is wrong)."""
    cases = []
    for i in range(4):
        share = (0.2, 0.4)[i % 2]
        n = int(rng.integers(20, 200))
        while (share * n) % 1 < 0.55:
            n += 1
        profit = np.round(rng.lognormal(3.0, 1.0, n) - 8.0, 2)
        profit[int(rng.integers(n))] = 0.0
        cases.append({"profit": [float(x) for x in rng.permutation(profit)],
                      "top_share": share})
    return {"herd": cases}


# ---------------------------------------------------------------- Q4 (choice)
def options_q4(data, hidden):
    """Five buying customers: one skinny dog (profit < 0) with a high revenue for a dog, two
    profitable customers who spent less than it and two who spent more, so that revenue alone
    (the lowest spender) picks a profitable customer."""
    profit = profit_per_customer(data.customers, data.transactions, data.events)
    revenue = data.transactions.groupby("customer_id")["amount"].sum().reindex(
        profit.index, fill_value=0.0)
    rng = np.random.default_rng(data.seed)
    dogs = profit.index[(profit < 0) & (revenue > 0)]
    dog = int(rng.choice(sorted(dogs, key=lambda c: -revenue[c])[:5]))
    cows = profit.index[profit > 0]
    below = sorted(c for c in cows if revenue[c] < revenue[dog])
    above = sorted(c for c in cows if revenue[c] > revenue[dog])
    pick = [int(c) for c in rng.choice(below, 2, replace=False)] \
        + [int(c) for c in rng.choice(above, 2, replace=False)] + [dog]
    return {"options": [f"customer {c}" for c in sorted(pick)], "correct": f"customer {dog}",
            "zh": {f"customer {c}": f"客户 {c}" for c in pick}}


# ---------------------------------------------------------------- Q6 (decision)
MENU = ("loyalty_program", "vip_tiering", "win_back", "proactive_care", "personalised_offers")
TARGETS = ("tier", "stage", "rfm", "orders")
BUDGET = 25000.0  # marketing spend allowed over the two years: campaigns + strategies
BASELINE = {"strategies": [], "contact_share": 0.08}  # this year's plan, continued


@functools.lru_cache(maxsize=64)
def _run(seed: int, decision_json: str) -> tuple[float, float]:
    d = json.loads(decision_json)
    m = decisions.MARKET
    res = crmsim.simulate(m["scenario"], seed=seed, customers=m["customers"], years=m["years"],
                          strategies=d["strategies"] or None,
                          overrides={"acquisition": {"contact_share": d["contact_share"]}})
    h = headline(res)
    return h["profit"], h["strategy_cost"] + h["acquisition_cost"]


def marketing_run(data, decision) -> tuple[float, float]:
    """(profit, marketing spend) of ``decision`` on the student's decision market."""
    return _run(int(data.seed), json.dumps(decision, sort_keys=True))


def candidates_q6(data):
    """The baseline, then the plans of a small grid that keep to the student's budget."""
    grid = [{"strategies": s, "contact_share": c} for c in (0.08, 0.1, 0.12)
            for s in ([], ["vip_tiering"], ["win_back"], ["vip_tiering", "win_back"])]
    return [BASELINE] + [d for d in grid[1:] if marketing_run(data, d)[1] <= BUDGET]


def budget_q6(data, decision):
    why = decisions.problem(decision, menu=MENU, max_strategies=2, target_attrs=TARGETS,
                            max_contact_share=0.3)
    if why:
        return why
    spend = marketing_run(data, decision)[1]
    if spend > BUDGET:
        return f"it spends {spend:.0f} on campaigns and strategies, over the budget of {BUDGET:.0f}"
    return None


def evaluate_q6(data, decision):
    return marketing_run(data, decision)[0]


def expected(data, hidden):
    herd = {f"{i}:{k}": v for i, p in enumerate(hidden["herd"])
            for k, v in fat_cows_and_skinny_dogs(p["profit"], p["top_share"]).items()}
    return {"growth": growth_matrix(data.transactions),
            "kpis": strategy_kpis(data.transactions, data.events),
            "herd_hidden": herd,
            "quiz": QUIZ}

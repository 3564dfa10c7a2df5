"""Expected answers of ex05-empowerment.

Questions that need a counterfactual (what would have happened without the programme,
or under another one) re-simulate the student's own market: same scenario, size and
seed as the data (``data.seed``), so every run faces the same luck (common random
numbers) and differences come from the decisions alone.
"""

import numpy as np

import crmsim
from crmsim import i18n
from crmsim.course.assignment import EXERCISE_DATA
from crmsim.result import headline
from crmsim.strategies import REGISTRY

RIGHTS = ["suggestion_right", "choice_right", "decision_right", "participation"]
EMPOWERMENT = [n for n, s in REGISTRY.items() if s.kind == "empowerment"]
# Q3 dimensions: for "impact" the largest dose is tied (suggestion and decision right), so
# the question could not tell "largest dose" from "largest dose per unit of money".
FOCUS_DIMENSIONS = ["meaning", "competence", "autonomy"]
BUDGET = 800.0  # strategy cost allowed over the whole run (Q4)


def my_market(data, strategies=None):
    """The student's market re-simulated with other strategies (same seed: same luck)."""
    spec = EXERCISE_DATA[data.exercise_id]
    return crmsim.simulate(spec["scenario"], seed=data.seed, customers=spec["customers"],
                           years=spec["years"], strategies=strategies)


def profit_and_cost(res):
    h = headline(res)
    return h["profit"], h["strategy_cost"]


def roi(data, strategies, base_profit=None):
    """(profit with - profit without) / strategy cost, both runs on the same seed."""
    if base_profit is None:
        base_profit = profit_and_cost(my_market(data))[0]
    profit, cost = profit_and_cost(my_market(data, strategies))
    return (profit - base_profit) / cost


def focus_dimension(data):
    """The psychological-empowerment dimension Q3 asks about, fixed per student."""
    return FOCUS_DIMENSIONS[data.seed % len(FOCUS_DIMENSIONS)]


def dose_per_cost(dimension):
    """Dose of ``dimension`` granted per unit of cost, per empowerment strategy."""
    out = {}
    for name in EMPOWERMENT:
        p = REGISTRY[name].params
        out[name] = p[f"dose_{dimension}"].default / p["cost_per_customer"].default
    return out


# ---------------------------------------------------------------- interpretation
def options_q2(data, hidden):
    base = profit_and_cost(my_market(data))[0]
    r = {s: roi(data, [s], base) for s in RIGHTS}
    return {"options": RIGHTS, "correct": sorted(RIGHTS, key=lambda s: -r[s]),
            "zh": {s: i18n.t(f"strategy.{s}", "zh") for s in RIGHTS}}


def q3_strategies(data):
    """Four strategies to choose from, fixed per student, such that the strategy with the
    largest dose of the focus dimension is not the one with the largest dose per unit of
    money (the question tests the second), and neither is tied."""
    dim = focus_dimension(data)
    per_cost = dose_per_cost(dim)
    dose = {n: REGISTRY[n].params[f"dose_{dim}"].default for n in EMPOWERMENT}
    rng = np.random.default_rng(data.seed)
    for _ in range(1000):
        pick = sorted(str(x) for x in rng.choice(EMPOWERMENT, 4, replace=False))
        a = sorted(pick, key=lambda n: -per_cost[n])
        b = sorted(pick, key=lambda n: -dose[n])
        if a[0] != b[0] and per_cost[a[0]] > per_cost[a[1]] and dose[b[0]] > dose[b[1]]:
            return pick, a[0]
    raise RuntimeError("no discriminating set of strategies found")  # pragma: no cover


def options_q3(data, hidden):
    pick, best = q3_strategies(data)
    return {"options": pick, "correct": best,
            "zh": {s: i18n.t(f"strategy.{s}", "zh") for s in pick}}


# ---------------------------------------------------------------- decision
def _names(decision):
    return [str(s).split(":", 1)[0] for s in decision]


def budget_q4(data, decision):
    if not isinstance(decision, list) or not all(isinstance(s, str) for s in decision):
        return "expected a list of strategy texts such as 'information_sharing:target=tier=A'"
    if len(decision) > 2:
        return f"at most two strategies, got {len(decision)}"
    bad = [n for n in _names(decision) if n not in EMPOWERMENT]
    if bad:
        return f"{bad[0]!r} is not an empowerment strategy ({', '.join(EMPOWERMENT)})"
    cost = profit_and_cost(my_market(data, decision))[1]
    if cost > BUDGET:
        return f"it spends {cost:.0f} on strategies, over the budget of {BUDGET:.0f}"
    return None


def evaluate_q4(data, decision):
    return profit_and_cost(my_market(data, decision or None))[0]


def candidates_q4(data):
    return [[], ["information_sharing"], ["information_sharing:target=tier=A|B|C"],
            ["suggestion_right:target=tier=A|B"], ["choice_right:target=tier=A|B"],
            ["information_sharing:target=tier=A|B|C", "suggestion_right:target=tier=A|B"]]


# ---------------------------------------------------------------- code question
def referrals_per_customer(events, customers):
    n_ref = int((events["kind"].astype(str) == "referral").sum())
    return n_ref / int(customers["acquired"].sum())


def hidden_inputs(data, rng):
    cust = data.customers
    acquired = cust.loc[cust["acquired"], "customer_id"].to_numpy()
    others = cust.loc[~cust["acquired"], "customer_id"].to_numpy()
    cases = []
    for share in (0.3, 0.6):
        keep = rng.choice(acquired, size=max(1, int(share * len(acquired))), replace=False)
        extra = rng.choice(others, size=min(len(others), len(keep)), replace=False)
        ev = data.events[data.events["customer_id"].isin(keep)].reset_index(drop=True)
        cu = cust[cust["customer_id"].isin(set(keep) | set(extra))].reset_index(drop=True)
        cases.append({"events": ev, "customers": cu})
    return {"referrals": cases}


def expected(data, hidden):
    kpis = data.kpis
    base = profit_and_cost(my_market(data))[0]
    return {
        "participation_roi": float((kpis["profit"].sum() - base) / kpis["strategy_cost"].sum()),
        "referral_hidden": {str(i): referrals_per_customer(c["events"], c["customers"])
                            for i, c in enumerate(hidden["referrals"])},
    }

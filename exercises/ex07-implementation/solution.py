"""Expected answers of ex07-implementation.

The project plan is :func:`crmsim.course.assignment.project_plan` (a personal rollout run through
:mod:`crmsim.implementation`); the decision question re-runs :func:`simulate_rollout` on
seeds derived from the student's own seed, the same seeds for every plan (common random
numbers), so plans differ by their decisions, not by luck.
"""

import numpy as np

from crmsim import i18n
from crmsim.implementation import PHASES, simulate_rollout

SIDES = ("philosophy", "technology", "implementation")
SIDE_OF = {p.name: p.side for p in PHASES}
SHARES = ("top_management_support", "process_redesign", "data_quality", "frontline_willingness")
ATTENTION = 2.4  # sum of the four shares management can afford (Q4)
MAX_HOURS = 40.0  # training hours per user at most (Q4)
REPLICATIONS = 3


def side_overrun(plan):
    """Cost overrun (actual - planned, thousands) per iron-triangle side, in SIDES order."""
    over = (plan["actual_cost"] - plan["planned_cost"]).groupby(plan["phase"].map(SIDE_OF)).sum()
    return over.reindex(list(SIDES), fill_value=0.0)


def options_q1(data, hidden):
    over = side_overrun(data.extra["project_plan"])
    return {"options": list(SIDES), "correct": str(over.idxmax()),
            "zh": {s: i18n.t(f"side.{s}", "zh") for s in SIDES}}


def seeds(data):
    return [int(s) for s in np.random.SeedSequence(data.seed).generate_state(REPLICATIONS)]


def budget_q4(data, decision):
    keys = set(SHARES) | {"training_hours_per_user"}
    if not isinstance(decision, dict) or set(decision) != keys:
        return "expected a dict with the keys " + ", ".join(sorted(keys))
    for k, v in decision.items():
        hi = MAX_HOURS if k == "training_hours_per_user" else 1.0
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= hi:
            return f"{k}={v!r}: expected a number from 0 to {hi:g}"
    total = sum(decision[k] for k in SHARES)
    if total > ATTENTION + 1e-9:
        return (f"the four shares add up to {total:.2f}, more than the {ATTENTION} "
                "management can give")
    return None


def evaluate_q4(data, decision):
    plan = {k: float(v) for k, v in decision.items()}
    return float(np.mean([simulate_rollout(plan, seed=s).summary["net_benefit"]
                          for s in seeds(data)]))


CANDIDATES = [
    {"top_management_support": 0.6, "process_redesign": 0.5, "data_quality": 0.6,
     "frontline_willingness": 0.5, "training_hours_per_user": 12.0},  # the default plan
    {"top_management_support": 0.9, "process_redesign": 0.5, "data_quality": 0.5,
     "frontline_willingness": 0.5, "training_hours_per_user": 16.0},
    {"top_management_support": 0.6, "process_redesign": 0.0, "data_quality": 1.0,
     "frontline_willingness": 0.8, "training_hours_per_user": 12.0},
    {"top_management_support": 0.6, "process_redesign": 0.6, "data_quality": 0.6,
     "frontline_willingness": 0.6, "training_hours_per_user": 24.0},
    {"top_management_support": 0.8, "process_redesign": 0.8, "data_quality": 0.8,
     "frontline_willingness": 0.0, "training_hours_per_user": 24.0},
]


def candidates_q4(data):
    return [dict(c) for c in CANDIDATES]


def hidden_inputs(data, rng):
    return {"schedule": [[int(x) for x in rng.integers(1, 12, size=int(rng.integers(5, 12)))]
                         for _ in range(3)]}


def finish_weeks(weeks):
    return [int(x) for x in np.cumsum(weeks)]


def expected(data, hidden):
    plan = data.extra["project_plan"]
    return {
        "cost_overrun_pct": float(100 * (plan["actual_cost"].sum() - plan["planned_cost"].sum())
                                  / plan["planned_cost"].sum()),
        "schedule_hidden": {f"{i}:{j}": v for i, w in enumerate(hidden["schedule"])
                            for j, v in enumerate(finish_weeks(w))},
    }

"""Expected answers of ex07-implementation.

The project plan is :func:`crmsim.assignment.project_plan` (a personal rollout run through
:mod:`crmsim.implementation`); the market data is the usual simulation.
"""

import numpy as np


def hidden_inputs(data, rng):
    return {"schedule": [int(x) for x in rng.integers(1, 12, size=int(rng.integers(5, 12)))]}


def expected(data, hidden):
    plan, kpis = data.extra["project_plan"], data.kpis
    over = plan["actual_weeks"] - plan["planned_weeks"]
    return {
        "planned_total_weeks": int(plan["planned_weeks"].sum()),
        "worst_phase": str(plan.loc[over.idxmax(), "phase"]),
        "cost_overrun_pct": float(100 * (plan["actual_cost"].sum() - plan["planned_cost"].sum())
                                  / plan["planned_cost"].sum()),
        "schedule_hidden": {str(i): int(v) for i, v in enumerate(np.cumsum(hidden["schedule"]))},
        "payback_years": float(1000 * plan["actual_cost"].sum()
                               / (0.05 * kpis["gross_margin"].sum())),
    }

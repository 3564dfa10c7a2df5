"""Wrong denominator: the overrun divided by the actual cost instead of the plan it overran."""

LOSES = ["q2"]
CELLS = {"q2-answer": """_a, _p = plan["actual_cost"].sum(), plan["planned_cost"].sum()
cost_overrun_pct = float(100 * (_a - _p) / _a)"""}

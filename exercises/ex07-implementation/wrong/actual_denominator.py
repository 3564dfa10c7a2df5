"""Wrong denominator: the overrun divided by the actual cost instead of the plan it overran."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("divided the overrun by the actual cost, not by the plan (wrong denominator)"),
    "zh": ("用实际成本而不是计划成本去除超支（分母错误）"),
}

LOSES = ["q2"]
CELLS = {"q2-answer": """_a, _p = plan["actual_cost"].sum(), plan["planned_cost"].sum()
cost_overrun_pct = float(100 * (_a - _p) / _a)"""}

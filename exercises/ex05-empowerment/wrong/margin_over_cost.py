"""Gross margin per unit of empowerment cost: revenue-side thinking that ignores the other
costs and the baseline, so every programme looks profitable."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("divided gross margin by the empowerment cost, ignoring the other costs and the "
             "baseline"),
    "zh": ("用毛利除以授权成本，忽略了其他成本和基准"),
}

LOSES = ["q1"]
CELLS = {"q1-answer": """_m = kpis["gross_margin"].sum()
participation_roi = float(_m / kpis["strategy_cost"].sum() - 1)"""}

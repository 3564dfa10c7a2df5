"""Gross margin per unit of empowerment cost: revenue-side thinking that ignores the other
costs and the baseline, so every programme looks profitable."""

LOSES = ["q1"]
CELLS = {"q1-answer": """_m = kpis["gross_margin"].sum()
participation_roi = float(_m / kpis["strategy_cost"].sum() - 1)"""}

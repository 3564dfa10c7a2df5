"""Participation for everybody: the blanket roll-out spends far more than the budget (and
loses money); an over-budget plan scores 0."""

LOSES = ["q4"]
CELLS = {"q4-answer": """empowerment_plan = ["participation"]"""}

"""Participation for everybody: the blanket roll-out spends far more than the budget (and
loses money); an over-budget plan scores 0."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("gave participation to everybody: far over the budget"),
    "zh": ("让所有人参与：远远超出预算"),
}

LOSES = ["q4"]
CELLS = {"q4-answer": """empowerment_plan = ["participation"]"""}

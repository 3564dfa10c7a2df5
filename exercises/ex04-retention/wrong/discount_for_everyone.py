"""Buys retention with a permanent discount for everybody.

A discount raises revenue and orders but gives away margin on every order, including
those of customers who would have stayed anyway: it buys revenue, not loyalty."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("bought retention with a permanent discount for everybody"),
    "zh": ("用对所有人的永久折扣来换取客户保持"),
}

LOSES = ["q5"]
CELLS = {"q5-answer": '''retention_plan = {"strategies": ["discount"]}
'''}

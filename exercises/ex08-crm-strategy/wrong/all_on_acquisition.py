"""Puts the whole budget (and more) into campaigns: contacting 30% of prospects every 4 weeks.

Campaign returns diminish (each campaign draws on a smaller pool of prospects) and the
contacts and onboarding of so many prospects cost more than the budget allows: a plan over
budget scores 0. Compare plans on profit per unit of the budget, and leave some for keeping
customers."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("put the whole budget (and more) into acquisition campaigns"),
    "zh": ("把全部预算（甚至更多）都投入获客活动"),
}

LOSES = ["q6"]
CELLS = {"q6-answer": '''growth_plan = {"strategies": [], "contact_share": 0.3}
'''}

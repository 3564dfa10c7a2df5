"""Puts the whole budget (and more) into campaigns: contacting 30% of prospects every 4 weeks.

Campaign returns diminish (each campaign draws on a smaller pool of prospects) and the
contacts and onboarding of so many prospects cost more than the budget allows: a plan over
budget scores 0. Compare plans on profit per unit of the budget, and leave some for keeping
customers."""

LOSES = ["q6"]
CELLS = {"q6-answer": '''growth_plan = {"strategies": [], "contact_share": 0.3}
'''}

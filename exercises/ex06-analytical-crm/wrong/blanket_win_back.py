"""Win-back for every lapsed customer plus VIP service: the blanket plan, over budget.

Without analysis every lapsed customer gets the (costly) win-back contact, including the
one-time buyers who never come back; together with VIP tiering the plan spends more than the
budget allows and scores 0. Analytical CRM aims each programme at the section it pays for."""

LOSES = ["q6"]
CELLS = {"q6-answer": '''
programme_plan = {"strategies": ["vip_tiering", "win_back"]}
'''}

"""Win-back for every lapsed customer plus VIP service: the blanket plan, over budget.

Without analysis every lapsed customer gets the (costly) win-back contact, including the
one-time buyers who never come back; together with VIP tiering the plan spends more than the
budget allows and scores 0. Analytical CRM aims each programme at the section it pays for."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("sent win-back to every lapsed customer plus VIP service: over the budget"),
    "zh": ("对每位流失客户都做挽回，再加 VIP 服务：超出预算"),
}

LOSES = ["q6"]
CELLS = {"q6-answer": '''
programme_plan = {"strategies": ["vip_tiering", "win_back"]}
'''}

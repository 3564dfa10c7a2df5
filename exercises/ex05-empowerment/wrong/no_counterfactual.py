"""ROI without a counterfactual: the run's whole profit divided by the programme's cost, as
if the market would have earned nothing without participation. Students forget that a
return is what the programme *adds* compared with the same market without it."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("computed the return without a counterfactual: the whole profit, not what the "
             "programme adds"),
    "zh": ("计算回报时没有反事实对照：用了全部利润，而不是计划带来的增量"),
}

LOSES = ["q1"]
CELLS = {"q1-answer": """_p = kpis["profit"].sum()
participation_roi = float(_p / kpis["strategy_cost"].sum())"""}

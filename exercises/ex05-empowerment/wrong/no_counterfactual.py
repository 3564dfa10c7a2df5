"""ROI without a counterfactual: the run's whole profit divided by the programme's cost, as
if the market would have earned nothing without participation. Students forget that a
return is what the programme *adds* compared with the same market without it."""

LOSES = ["q1"]
CELLS = {"q1-answer": """_p = kpis["profit"].sum()
participation_roi = float(_p / kpis["strategy_cost"].sum())"""}

"""Divides the programme's cost by revenue instead of gross margin.

A programme is paid out of margin, not out of revenue: over revenue its cost looks several
times smaller than it is."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("divided the programme's cost by revenue instead of gross margin"),
    "zh": ("用收入而不是毛利去除计划的成本"),
}

LOSES = ["q4"]
CELLS = {"q4-answer": '''
strategy_cost_share = float(kpis["strategy_cost"].sum() / kpis["revenue"].sum())
'''}

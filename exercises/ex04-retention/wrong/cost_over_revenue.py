"""Divides the programme's cost by revenue instead of gross margin.

A programme is paid out of margin, not out of revenue: over revenue its cost looks several
times smaller than it is."""

LOSES = ["q4"]
CELLS = {"q4-answer": '''
strategy_cost_share = float(kpis["strategy_cost"].sum() / kpis["revenue"].sum())
'''}

"""Off by one phase: the weeks at which each phase starts, not when it finishes."""

LOSES = ["q3"]
CELLS = {"q3-answer": """def finish_weeks(weeks):
    return [int(x) for x in np.cumsum([0] + list(weeks)[:-1])]"""}

"""Off by one phase: the weeks at which each phase starts, not when it finishes."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("gave the week each phase starts, not the week it finishes (off by one phase)"),
    "zh": ("给出的是每个阶段开始的周，而不是结束的周（差了一个阶段）"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": """def finish_weeks(weeks):
    return [int(x) for x in np.cumsum([0] + list(weeks)[:-1])]"""}

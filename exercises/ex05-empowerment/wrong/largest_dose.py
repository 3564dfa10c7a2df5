"""Largest dose instead of largest dose per unit of money: the strategy that grants most of
the dimension is often an expensive one; empowerment is bought, so compare per unit spent."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("took the largest dose, not the largest dose per unit of money"),
    "zh": ("选了剂量最大的，而不是每单位花费剂量最大的"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": """_p = pd.DataFrame(strategies.explain())
_p = _p.pivot(index="strategy", columns="param", values="default")
_p = _p.loc[data.options("q3")]
best_for_focus = str(_p[f"dose_{FOCUS}"].astype(float).idxmax())"""}

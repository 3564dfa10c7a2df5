"""Largest dose instead of largest dose per unit of money: the strategy that grants most of
the dimension is often an expensive one; empowerment is bought, so compare per unit spent."""

LOSES = ["q3"]
CELLS = {"q3-answer": """_p = pd.DataFrame(strategies.explain())
_p = _p.pivot(index="strategy", columns="param", values="default")
_p = _p.loc[data.options("q3")]
best_for_focus = str(_p[f"dose_{FOCUS}"].astype(float).idxmax())"""}

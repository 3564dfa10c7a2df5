"""Orders containing a *or* b instead of both: the support of the union, not the pair."""

LOSES = ["q3"]
CELLS = {"q3-answer": """def pair_support(transactions, a, b):
    baskets = transactions.groupby("order_id")["product"].agg(lambda s: set(s.astype(str)))
    return float(baskets.map(lambda s: a in s or b in s).mean())"""}

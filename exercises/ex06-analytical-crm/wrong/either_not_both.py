"""Orders containing a *or* b instead of both: the support of the union, not the pair."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("counted orders with a *or* b, not both"),
    "zh": ("数的是含 a *或* b 的订单，而不是同时含两者的订单"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": """def pair_support(transactions, a, b):
    baskets = transactions.groupby("order_id")["product"].agg(lambda s: set(s.astype(str)))
    return float(baskets.map(lambda s: a in s or b in s).mean())"""}

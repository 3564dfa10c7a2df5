"""Support as a share of transaction lines instead of orders: an order with three lines
counts three times in the denominator."""

LOSES = ["q3"]
CELLS = {"q3-answer": """def pair_support(transactions, a, b):
    baskets = transactions.groupby("order_id")["product"].agg(lambda s: set(s.astype(str)))
    both = baskets.map(lambda s: a in s and b in s)
    return float(both.sum() / len(transactions))"""}

"""Support as a share of transaction lines instead of orders: an order with three lines
counts three times in the denominator."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("took support as a share of order lines, not of orders"),
    "zh": ("把支持度算成占订单明细行的比例，而不是占订单的比例"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": """def pair_support(transactions, a, b):
    baskets = transactions.groupby("order_id")["product"].agg(lambda s: set(s.astype(str)))
    both = baskets.map(lambda s: a in s and b in s)
    return float(both.sum() / len(transactions))"""}

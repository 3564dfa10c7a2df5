"""Wrong denominator: total revenue divided by every customer in the table instead of by
the buyers.

Customers who never bought are in `customers` but are not buyers; dividing by all of
them understates the mean spend per buyer."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("divided by every customer in the table, not by the buyers (wrong denominator)"),
    "zh": ("除以了表中的全部客户，而不是购买者（分母错误）"),
}

LOSES = ["q2"]
CELLS = {"q2-answer": 'mean_monetary = float(tx["amount"].sum() / len(customers))\n'}

"""Wrong denominator: total revenue divided by every customer in the table instead of by
the buyers.

Customers who never bought are in `customers` but are not buyers; dividing by all of
them understates the mean spend per buyer."""

LOSES = ["q2"]
CELLS = {"q2-answer": 'mean_monetary = float(tx["amount"].sum() / len(customers))\n'}

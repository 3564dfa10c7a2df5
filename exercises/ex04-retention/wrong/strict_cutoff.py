"""Drops purchases made exactly at the cut-off (`date < cutoff` instead of `<=`).

A customer who bought at the cut-off moment is current, not lapsed; with a strict
comparison the purchase disappears and the customer is flagged as lapsed."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("dropped the purchases made exactly at the cut-off (`<` instead of `<=`)"),
    "zh": ("丢掉了恰好在截止时刻的购买（用了 `<` 而不是 `<=`）"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": '''def lapsed_customers(transactions, cutoff, days):
    t = transactions[transactions["date"] < cutoff]
    last = t.groupby("customer_id")["date"].max()
    return set(last.index[(cutoff - last) > pd.Timedelta(days=days)])
'''}

"""Boundary error: `date < cutoff` drops the purchases made exactly at the cut-off.

"On or before the cut-off" includes the cut-off itself; the hidden cut-off is the time of
a real purchase, so the strict comparison loses it (and may drop that customer)."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("dropped the purchases made exactly at the cut-off (`<` instead of `<=`)"),
    "zh": ("丢掉了恰好在截止时刻的购买（用了 `<` 而不是 `<=`）"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": '''def rfm_table(transactions, cutoff):
    t = transactions[transactions["date"] < cutoff]
    g = t.groupby("customer_id")
    return pd.DataFrame({
        "recency": (cutoff - g["date"].max()) / pd.Timedelta(days=1),
        "frequency": g["order_id"].nunique(),
        "monetary": g["amount"].sum(),
    })


rfm = rfm_table(tx, CUTOFF)
'''}

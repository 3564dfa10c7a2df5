"""Recency in whole days (`.dt.days`) instead of a float number of days.

Purchases happen at any time of day, so truncating to whole days is off by up to a day
for most customers."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("measured recency in whole days (`.dt.days`), not in a float number of days"),
    "zh": ("用整天数（`.dt.days`）而不是带小数的天数计算最近购买时间"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": '''def rfm_table(transactions, cutoff):
    t = transactions[transactions["date"] <= cutoff]
    g = t.groupby("customer_id")
    return pd.DataFrame({
        "recency": (cutoff - g["date"].max()).dt.days.astype(float),
        "frequency": g["order_id"].nunique(),
        "monetary": g["amount"].sum(),
    })


rfm = rfm_table(tx, CUTOFF)
'''}

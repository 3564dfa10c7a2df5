"""Recency in whole days (`.dt.days`) instead of a float number of days.

Purchases happen at any time of day, so truncating to whole days is off by up to a day
for most customers."""

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

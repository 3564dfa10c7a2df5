"""Leakage of future data: filtering on the notebook's global `CUTOFF` (the end of the
data) instead of the function's `cutoff` argument.

The function then counts purchases made after the cut-off it was asked about; on the
notebook's own data the two coincide, so only the hidden cut-off reveals it."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("filtered on the notebook's global `CUTOFF`, not on the function's `cutoff` "
             "argument (future data)"),
    "zh": ("按笔记本的全局 `CUTOFF` 而不是函数参数 `cutoff` "
             "筛选（使用了未来数据）"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": '''def rfm_table(transactions, cutoff):
    t = transactions[transactions["date"] <= CUTOFF]
    g = t.groupby("customer_id")
    return pd.DataFrame({
        "recency": (cutoff - g["date"].max()) / pd.Timedelta(days=1),
        "frequency": g["order_id"].nunique(),
        "monetary": g["amount"].sum(),
    })


rfm = rfm_table(tx, CUTOFF)
'''}

"""Uses purchases after the cut-off (leakage of future data).

At the cut-off the firm cannot know that a customer will come back next week; using the
whole log hides lapsed customers who return later and invents customers who only start
buying after the cut-off."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("used purchases after the cut-off (future data)"),
    "zh": ("用了截止时刻之后的购买（使用了未来数据）"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": '''def lapsed_customers(transactions, cutoff, days):
    last = transactions.groupby("customer_id")["date"].max()
    return set(last.index[(cutoff - last) > pd.Timedelta(days=days)])
'''}

"""Uses purchases after the cut-off (leakage of future data).

At the cut-off the firm cannot know that a customer will come back next week; using the
whole log hides lapsed customers who return later and invents customers who only start
buying after the cut-off."""

LOSES = ["q3"]
CELLS = {"q3-answer": '''def lapsed_customers(transactions, cutoff, days):
    last = transactions.groupby("customer_id")["date"].max()
    return set(last.index[(cutoff - last) > pd.Timedelta(days=days)])
'''}

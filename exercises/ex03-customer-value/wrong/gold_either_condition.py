"""Counts customers meeting either condition (`|`) as gold: big one-off buyers and small
steady ones are not the customers who spend most and most steadily."""

LOSES = ["q4"]
CELLS = {"q4-answer": '''_s = tx.groupby("customer_id")["amount"].sum()
_months = tx.assign(m=tx["date"].dt.to_period("M")).groupby("customer_id")["m"].nunique()
n_gold = int(((_s >= _s.quantile(0.8)) | (_months >= 6)).sum())
'''}

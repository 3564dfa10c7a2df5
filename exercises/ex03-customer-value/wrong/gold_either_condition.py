"""Counts customers meeting either condition (`|`) as gold: big one-off buyers and small
steady ones are not the customers who spend most and most steadily."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("counted customers meeting either condition (or), not both, as gold"),
    "zh": ("把满足任一条件（或）而不是同时满足两个条件的客户算作黄金客户"),
}

LOSES = ["q4"]
CELLS = {"q4-answer": '''_s = tx.groupby("customer_id")["amount"].sum()
_months = tx.assign(m=tx["date"].dt.to_period("M")).groupby("customer_id")["m"].nunique()
n_gold = int(((_s >= _s.quantile(0.8)) | (_months >= 6)).sum())
'''}

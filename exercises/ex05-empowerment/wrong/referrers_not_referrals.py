"""Counting the customers who referred instead of the referrals: a customer who brings two
friends counts once."""

LOSES = ["q6"]
CELLS = {"q6-answer": """def referrals_per_customer(events, customers):
    _r = events[events["kind"].astype(str) == "referral"]
    return _r["customer_id"].nunique() / int(customers["acquired"].sum())"""}

"""Counting the customers who referred instead of the referrals: a customer who brings two
friends counts once."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("counted the customers who referred, not the referrals"),
    "zh": ("数的是推荐人，而不是推荐次数"),
}

LOSES = ["q6"]
CELLS = {"q6-answer": """def referrals_per_customer(events, customers):
    _r = events[events["kind"].astype(str) == "referral"]
    return _r["customer_id"].nunique() / int(customers["acquired"].sum())"""}

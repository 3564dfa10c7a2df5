"""Counts transaction lines as orders: a first-time buyer with a basket of three products
becomes a "repeat" buyer, and the ladder looks far better than it is."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("counted order lines, not orders"),
    "zh": ("数的是订单明细行，而不是订单"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": '''_orders = tx.groupby("customer_id")["order_id"].size()
_sc = events[events["kind"] == "stage_change"]
_ref = events[(events["kind"] == "referral") & (events["detail"] == "converted")]
ladder_counts = {"first_time": int((_orders >= 1).sum()), "repeat": int((_orders >= 2).sum()),
                 "devoted": int(_sc.loc[_sc["to_stage"] == "maturity", "customer_id"].nunique()),
                 "advocate": int(_ref["customer_id"].nunique())}
'''}

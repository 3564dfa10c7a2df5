"""Counts everybody who made a referral as an advocate, and the referral events instead of
the customers: a referral that brought nobody in does not make an advocate."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("counted everybody who referred (and the referral events), not the customers "
             "whose referral converted"),
    "zh": ("把所有推荐过的人（以及推荐事件）都算作宣传客户，而不是推荐成功的客户"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": '''_orders = tx.groupby("customer_id")["order_id"].nunique()
_sc = events[events["kind"] == "stage_change"]
ladder_counts = {"first_time": int((_orders >= 1).sum()), "repeat": int((_orders >= 2).sum()),
                 "devoted": int(_sc.loc[_sc["to_stage"] == "maturity", "customer_id"].nunique()),
                 "advocate": int((events["kind"] == "referral").sum())}
'''}

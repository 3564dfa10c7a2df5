"""Counts everybody who made a referral as an advocate, and the referral events instead of
the customers: a referral that brought nobody in does not make an advocate."""

LOSES = ["q3"]
CELLS = {"q3-answer": '''_orders = tx.groupby("customer_id")["order_id"].nunique()
_sc = events[events["kind"] == "stage_change"]
ladder_counts = {"first_time": int((_orders >= 1).sum()), "repeat": int((_orders >= 2).sum()),
                 "devoted": int(_sc.loc[_sc["to_stage"] == "maturity", "customer_id"].nunique()),
                 "advocate": int((events["kind"] == "referral").sum())}
'''}

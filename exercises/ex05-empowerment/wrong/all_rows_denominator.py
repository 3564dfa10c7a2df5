"""Wrong denominator: referrals per row of the customers table, counting people who never
became customers."""

LOSES = ["q6"]
CELLS = {"q6-answer": """def referrals_per_customer(events, customers):
    return int((events["kind"].astype(str) == "referral").sum()) / len(customers)"""}

"""Wrong denominator: referrals per row of the customers table, counting people who never
became customers."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("divided by every row of the customers table, people who never became customers "
             "included (wrong denominator)"),
    "zh": ("除以了客户表的全部行，包括从未成为客户的人（分母错误）"),
}

LOSES = ["q6"]
CELLS = {"q6-answer": """def referrals_per_customer(events, customers):
    return int((events["kind"].astype(str) == "referral").sum()) / len(customers)"""}

"""Expansion by coupons for everybody: personalised offers to every customer.

Coupons bring orders forward and raise revenue, but the discount on every redeemed order
and the cost per offer exceed the margin they add: profit falls below the current plan's,
which scores 0. Revenue is not the goal of a CRM strategy; profit is."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("sent personalised coupons to every customer"),
    "zh": ("给每位客户都发个性化优惠券"),
}

LOSES = ["q6"]
CELLS = {"q6-answer": '''
growth_plan = {"strategies": ["personalised_offers"], "contact_share": 0.08}
'''}

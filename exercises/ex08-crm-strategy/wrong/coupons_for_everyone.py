"""Expansion by coupons for everybody: personalised offers to every customer.

Coupons bring orders forward and raise revenue, but the discount on every redeemed order
and the cost per offer exceed the margin they add: profit falls below the current plan's,
which scores 0. Revenue is not the goal of a CRM strategy; profit is."""

LOSES = ["q6"]
CELLS = {"q6-answer": '''
growth_plan = {"strategies": ["personalised_offers"], "contact_share": 0.08}
'''}

"""Personalised coupons for the best RFM customers: revenue the firm would have had anyway.

Customers with high RFM scores buy often without a coupon; the coupon brings their orders
forward and gives away the discount, so profit falls below doing nothing (0 points). Target
a programme where it changes behaviour, not where the customers already are good."""

LOSES = ["q6"]
CELLS = {"q6-answer": '''
programme_plan = {"strategies": ["personalised_offers:target=rfm>=12"]}
'''}

"""Personalised coupons for the best RFM customers: revenue the firm would have had anyway.

Customers with high RFM scores buy often without a coupon; the coupon brings their orders
forward and gives away the discount, so profit falls below doing nothing (0 points). Target
a programme where it changes behaviour, not where the customers already are good."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("gave coupons to the best RFM customers, who buy anyway"),
    "zh": ("给 RFM 最好的客户发优惠券，而他们本来就会购买"),
}

LOSES = ["q6"]
CELLS = {"q6-answer": '''
programme_plan = {"strategies": ["personalised_offers:target=rfm>=12"]}
'''}

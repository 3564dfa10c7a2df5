"""Spends on winning repeat orders from everyone in development and growth with coupons.

Coupons to every new customer bring orders forward but give away margin on orders that
would have come anyway; the money the stages earn is in maturity (keep) and termination
(win back)."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("spent on coupons for every customer in development and growth: margin given away"
             " on orders that would have come anyway"),
    "zh": ("给开发期和成长期的每位客户发优惠券：在本来就会来的订单上让出了毛利"),
}

LOSES = ["q4"]
CELLS = {"q4-answer": '''
lifecycle_plan = {"strategies": ["personalised_offers:target=stage=development|growth"]}
'''}

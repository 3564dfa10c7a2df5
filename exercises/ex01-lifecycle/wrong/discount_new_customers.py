"""Spends on winning repeat orders from everyone in development and growth with coupons.

Coupons to every new customer bring orders forward but give away margin on orders that
would have come anyway; the money the stages earn is in maturity (keep) and termination
(win back)."""

LOSES = ["q4"]
CELLS = {"q4-answer": '''
lifecycle_plan = {"strategies": ["personalised_offers:target=stage=development|growth"]}
'''}

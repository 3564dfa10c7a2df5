"""Buys retention with a permanent discount for everybody.

A discount raises revenue and orders but gives away margin on every order, including
those of customers who would have stayed anyway: it buys revenue, not loyalty."""

LOSES = ["q5"]
CELLS = {"q5-answer": '''retention_plan = {"strategies": ["discount"]}
'''}

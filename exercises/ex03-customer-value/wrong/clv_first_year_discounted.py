"""Starts the CLV sum at t = 1: the first year's margin is discounted and reduced by
retention although it is earned now, so every customer looks less valuable."""

LOSES = ["q3"]
CELLS = {"q3-answer": '''def simple_clv(margin, retention, discount, years):
    return float(sum(margin * retention**t / (1 + discount) ** t for t in range(1, years + 1)))
'''}

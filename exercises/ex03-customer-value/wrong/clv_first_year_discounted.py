"""Starts the CLV sum at t = 1: the first year's margin is discounted and reduced by
retention although it is earned now, so every customer looks less valuable."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("started the CLV sum at t = 1, so the first year's margin was discounted"),
    "zh": ("CLV 求和从 t = 1 开始，把第一年的毛利也折现了"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": '''def simple_clv(margin, retention, discount, years):
    return float(sum(margin * retention**t / (1 + discount) ** t for t in range(1, years + 1)))
'''}

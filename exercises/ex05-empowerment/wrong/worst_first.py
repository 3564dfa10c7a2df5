"""Ranking in the wrong direction: ``sorted`` without ``reverse`` puts the lowest return
first, the opposite of the order asked for."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("ranked in the wrong direction (lowest first)"),
    "zh": ("排序方向反了（最低的排在最前）"),
}

LOSES = ["q2"]
CELLS = {"q2-answer": """_base = headline(my_market())["profit"]
_roi = {}
for _s in data.options("q2"):
    _h = headline(my_market([_s]))
    _roi[_s] = (_h["profit"] - _base) / _h["strategy_cost"]
rights_ranking = sorted(_roi, key=lambda s: _roi[s])"""}

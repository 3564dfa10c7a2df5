"""Ranking in the wrong direction: ``sorted`` without ``reverse`` puts the lowest return
first, the opposite of the order asked for."""

LOSES = ["q2"]
CELLS = {"q2-answer": """_base = headline(my_market())["profit"]
_roi = {}
for _s in data.options("q2"):
    _h = headline(my_market([_s]))
    _roi[_s] = (_h["profit"] - _base) / _h["strategy_cost"]
rights_ranking = sorted(_roi, key=lambda s: _roi[s])"""}

"""Confidence instead of lift: support(a, b) / support(a) ignores how popular b is."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("computed confidence, not lift"),
    "zh": ("算的是置信度，而不是提升度"),
}

LOSES = ["q4"]
CELLS = {"q4-answer": """_baskets = tx.groupby("order_id")["product"].agg(
    lambda s: sorted(set(s.astype(str))))
_n = len(_baskets)
_pairs = {}
for _b in _baskets:
    for _p in itertools.combinations(_b, 2):
        _pairs[_p] = _pairs.get(_p, 0) + 1
_best = sorted(_pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
_sup = {p: sum(p in b for b in _baskets) / _n for p in _best}
top_pair_lift = (_pairs[_best] / _n) / _sup[_best[0]]"""}

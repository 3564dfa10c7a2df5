"""``mapping``: a dict or Series, correct when every key is there with its value."""

from __future__ import annotations

from crmsim.grading.messages import msg
from crmsim.grading.types.base import QuestionType, close, key, num, register, value_check


def compare_mapping(q, got, expected):
    """Numbers within the question's tolerance, other values as texts (case aside)."""
    if not isinstance(got, dict):
        return False, msg("answer.not_mapping", type=type(got).__name__)
    g = {key(k): v for k, v in got.items()}
    e = {key(k): v for k, v in expected.items()}
    missing, extra = set(e) - set(g), set(g) - set(e)
    wrong = 0
    for k in set(e) & set(g):
        ev, gv = e[k], g[k]
        if num(ev) is not None:
            if num(gv) is None or not close(num(gv), num(ev), q):
                wrong += 1
        elif str(gv).strip().casefold() != str(ev).strip().casefold():
            wrong += 1
    if not (missing or extra or wrong):
        return True, msg("answer.correct")
    parts = []
    if missing:
        parts.append(msg("answer.keys_missing", n=len(missing)))
    if extra:
        parts.append(msg("answer.keys_extra", n=len(extra)))
    if wrong:
        parts.append(msg("answer.values_wrong", wrong=wrong, n=len(e)))
    return False, msg("answer.parts", parts=parts)


register(QuestionType(
    name="mapping", zh="映射", summary="a dict or Series: every key with its value",
    check=value_check(compare_mapping)))

"""``set``: a collection of items, correct when it holds exactly the expected items."""

from __future__ import annotations

from crmsim.grading.messages import msg
from crmsim.grading.types.base import QuestionType, key, register, value_check


def compare_set(q, got, expected):
    if not isinstance(got, list):
        return False, msg("answer.not_set", type=type(got).__name__)
    gs, es = {key(x) for x in got}, {key(x) for x in expected}
    if gs == es:
        return True, msg("answer.correct")
    return False, msg("answer.wrong_set", n=len(gs), extra=len(gs - es), missing=len(es - gs))


register(QuestionType(
    name="set", zh="集合", summary="a set or list of items, order ignored",
    check=value_check(compare_set)))

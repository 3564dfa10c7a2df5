"""``number``: a computed value, correct within the question's tolerance."""

from __future__ import annotations

from crmsim.grading.messages import msg
from crmsim.grading.types.base import QuestionType, close, fmt, num, register, value_check


def compare_number(q, got, expected, whole: bool = False):
    g, e = num(got), num(expected)
    if g is None:
        return False, msg("answer.not_number", type=type(got).__name__, value=fmt(got))
    if whole and g != int(g):
        return False, msg("answer.not_whole", value=str(g))
    if e is None:
        return False, msg("answer.no_expected")
    if int(g) == int(e) if whole else close(g, e, q):
        return True, msg("answer.correct")
    return False, msg("answer.wrong_value", value=f"{g:g}",
                      tolerance="" if whole else msg("answer.tolerance"))


register(QuestionType(
    name="number", zh="数值", summary="a number, correct within abs_tol / rel_tol",
    check=value_check(compare_number)))

"""``integer``: a whole number, correct when it equals the expected one."""

from __future__ import annotations

from crmsim.grading.types.base import QuestionType, register, value_check
from crmsim.grading.types.number import compare_number


def compare_integer(q, got, expected):
    return compare_number(q, got, expected, whole=True)


register(QuestionType(
    name="integer", zh="整数", summary="a whole number, exactly the expected one",
    check=value_check(compare_integer)))

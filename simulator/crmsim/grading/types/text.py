"""``text``: a text, correct when it equals the expected one (case and outer spaces aside)."""

from __future__ import annotations

from crmsim.grading.messages import msg
from crmsim.grading.types.base import QuestionType, fmt, register, value_check


def compare_text(q, got, expected):
    if not isinstance(got, str):
        return False, msg("answer.not_text", type=type(got).__name__)
    if got.strip().casefold() == str(expected).strip().casefold():
        return True, msg("answer.correct")
    return False, msg("answer.wrong_text", value=fmt(got))


register(QuestionType(
    name="text", zh="文字", summary="a text, compared without case and outer spaces",
    check=value_check(compare_text)))

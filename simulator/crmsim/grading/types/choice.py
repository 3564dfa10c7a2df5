"""``choice``: one option label, the one the student's data supports best (0 or all points).

The options come from the question's ``options`` function of ``solution.py``, shuffled per
student (:mod:`crmsim.course.options`); ``correct`` is one of the labels.
"""

from __future__ import annotations

from crmsim.grading.messages import msg
from crmsim.grading.types.base import Case, QuestionType, fmt, register


def compare_choice(got, spec: dict):
    """Share of the points (0 or 1) for a chosen label; ``spec`` = options + correct."""
    if not isinstance(got, str):
        return 0.0, msg("answer.not_label", type=type(got).__name__)
    if got not in spec["options"]:
        return 0.0, msg("answer.not_option", value=fmt(got))
    if got == spec["correct"]:
        return 1.0, msg("answer.correct")
    return 0.0, msg("answer.wrong_option", value=fmt(got))


def check(q, got, case: Case):
    return compare_choice(got, case.expected)


def correct(value, labels):
    value = str(value)
    return value, (None if value in labels
                   else "returned a correct label that is not among the options")


register(QuestionType(
    name="choice", zh="单选", summary="one option label, the one the data supports best",
    check=check, one_answer=True, needs=("options",), correct=correct))

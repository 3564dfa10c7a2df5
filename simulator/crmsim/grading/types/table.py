"""``table``: a DataFrame, correct when every expected column is a correct mapping."""

from __future__ import annotations

from crmsim.grading.messages import msg
from crmsim.grading.types.base import QuestionType, register, value_check
from crmsim.grading.types.mapping import compare_mapping


def compare_table(q, got, expected):
    if not isinstance(got, dict):
        return False, msg("answer.not_table", type=type(got).__name__)
    missing = [c for c in expected if c not in got]
    if missing:
        return False, msg("answer.missing_columns", columns=", ".join(missing))
    for col in expected:
        ok, why = compare_mapping(q, got[col], expected[col])
        if not ok:
            return False, msg("answer.column", column=repr(col), problem=why)
    return True, msg("answer.correct")


register(QuestionType(
    name="table", zh="表格", summary="a DataFrame: each expected column as a mapping",
    check=value_check(compare_table)))

"""What a question type is, the registry of types, and helpers the value types share.

A type is a :class:`QuestionType` record registered by name, as strategies are
(:mod:`crmsim.sim.strategies`): its names in both languages, the ``solution.py`` functions
and spec keys it needs, how it checks its spec, and ``check(q, got, case)`` giving the
share of the question's points (0-1) one exported answer earns and a message
(:class:`~crmsim.grading.messages.Msg`) that says why, never the expected value.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from crmsim.course.answers import to_jsonable
from crmsim.grading.messages import msg

#: keys of a question that name a function of the exercise's solution.py
FUNCTION_KEYS = ("options", "candidates", "evaluate", "budget")


@dataclass
class Case:
    """What a check may use besides the answer: the expected value (or the options of a
    choice/ranking question), the solution module, the student's full data and the
    result being built (written answers are recorded in it)."""

    expected: object = None
    solution: object = None
    data: object = None
    result: object = None


@dataclass(frozen=True)
class QuestionType:
    name: str  # the key in exercise.toml, also its English name
    zh: str  # its name in Chinese (the feedback of a Chinese notebook)
    summary: str
    check: Callable  # (question, got, Case) -> (share 0-1, Msg)
    one_answer: bool = False  # exports exactly one answer
    needs: tuple = ()  # solution.py functions it requires (FUNCTION_KEYS)
    optional: tuple = ()  # solution.py functions it may name
    keys: tuple = ()  # spec keys only this type uses (e.g. rubric, words)
    manual: bool = False  # marked by hand, not by the grader
    problem: Callable | None = None  # (question) -> why its own keys are invalid, or None
    correct: Callable | None = None  # options types: (correct, labels) -> (value, why)
    scoring: str = ""  # how points are given, for the instructor's materials

    @property
    def names(self) -> dict[str, str]:
        return {"en": self.name, "zh": self.zh}

    def name_in(self, lang: str) -> str:
        return self.names.get(lang, self.name)


REGISTRY: dict[str, QuestionType] = {}


def register(qtype: QuestionType) -> QuestionType:
    REGISTRY[qtype.name] = qtype
    return qtype


# ---------------------------------------------------------------- shared helpers
def num(x):
    """``x`` as a float if it is a number (not a bool), else ``None``."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return float(x)


def close(a, b, q) -> bool:
    return math.isclose(a, b, rel_tol=q.rel_tol, abs_tol=q.abs_tol)


def fmt(v) -> str:
    """A student's value as messages show it (at most 60 characters)."""
    s = repr(v)
    return s if len(s) <= 60 else s[:57] + "..."


def key(x) -> str:
    """A set item or mapping key as compared: ``2.0`` and ``2`` are the same."""
    if isinstance(x, float) and x == int(x):
        x = int(x)
    return str(x)


def value_check(compare: Callable) -> Callable:
    """A check of a computed value: no answer (None/NaN) fails first, and the expected
    value is made JSON-like like the exported answer before ``compare(q, got, expected)``."""
    def check(q, got, case: Case):
        if got is None:
            return 0.0, msg("answer.none")
        ok, why = compare(q, got, to_jsonable(case.expected))
        return float(ok), why
    check.compare = compare
    return check

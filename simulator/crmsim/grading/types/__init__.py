"""Question types, one module per type, found and registered when this package is imported.

A new question type is one new module here that calls :func:`register` (see
:mod:`crmsim.grading.types.base` for what a type provides).
"""

from __future__ import annotations

import importlib
import pkgutil

from crmsim.grading.types.base import REGISTRY, Case, QuestionType, register

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")


def get(name: str) -> QuestionType:
    """The registered type ``name`` (``KeyError`` if none)."""
    return REGISTRY[name]


__all__ = ["REGISTRY", "Case", "QuestionType", "get", "register"]


def compare(q, got, expected) -> tuple[bool, str]:
    """``(passed, message)`` for one answer of question ``q`` whose check needs only the
    expected value (the value types: number, integer, text, set, mapping, table)."""
    share, why = get(q.type).check(q, got, Case(expected=expected))
    return share >= 1.0, why

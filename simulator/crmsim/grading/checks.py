"""Compare exported answers with expected values, in the grader's own process.

Messages never contain an expected value: they say what was wrong (type, out of
tolerance, how many items differ), not what the right answer is.
"""

from __future__ import annotations

import math

from crmsim.assignment import to_jsonable
from crmsim.grading.exercise import Question


def _num(x):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return float(x)


def _close(a, b, q: Question) -> bool:
    return math.isclose(a, b, rel_tol=q.rel_tol, abs_tol=q.abs_tol)


def _fmt(v) -> str:
    s = repr(v)
    return s if len(s) <= 60 else s[:57] + "..."


def compare(q: Question, got, expected) -> tuple[bool, str]:
    """``(passed, message)`` for one answer of question ``q`` (both sides JSON-like)."""
    expected = to_jsonable(expected)
    t = q.type
    if got is None:
        return False, "the answer is None/NaN"
    if t in ("number", "integer"):
        g, e = _num(got), _num(expected)
        if g is None:
            return False, f"expected a number, got {type(got).__name__} {_fmt(got)}"
        if t == "integer" and g != int(g):
            return False, f"expected a whole number, got {g}"
        if e is None:
            return False, "no expected value could be computed (reported to the instructor)"
        if _close(g, e, q) if t == "number" else int(g) == int(e):
            return True, "correct"
        return False, f"your value {g:g} is not correct" + (
            "" if t == "integer" else " (not within tolerance)")
    if t == "text":
        if not isinstance(got, str):
            return False, f"expected a text, got {type(got).__name__}"
        if got.strip().casefold() == str(expected).strip().casefold():
            return True, "correct"
        return False, f"{_fmt(got)} is not the right answer"
    if t == "set":
        if not isinstance(got, list):
            return False, f"expected a set/list, got {type(got).__name__}"
        gs, es = {_key(x) for x in got}, {_key(x) for x in expected}
        if gs == es:
            return True, "correct"
        return False, (f"your {len(gs)} items differ from the expected set: "
                       f"{len(gs - es)} should not be there, {len(es - gs)} are missing")
    if t == "mapping":
        return _compare_mapping(q, got, expected)
    if t == "table":
        if not isinstance(got, dict):
            return False, f"expected a table, got {type(got).__name__}"
        missing = [c for c in expected if c not in got]
        if missing:
            return False, f"missing columns: {', '.join(missing)}"
        for col in expected:
            ok, msg = _compare_mapping(q, got[col], expected[col])
            if not ok:
                return False, f"column {col!r}: {msg}"
        return True, "correct"
    return False, f"unknown answer type {t!r}"


def _key(x) -> str:
    if isinstance(x, float) and x == int(x):
        x = int(x)
    return str(x)


def _compare_mapping(q: Question, got, expected) -> tuple[bool, str]:
    if not isinstance(got, dict):
        return False, f"expected a mapping/Series, got {type(got).__name__}"
    g = {_key(k): v for k, v in got.items()}
    e = {_key(k): v for k, v in expected.items()}
    missing, extra = set(e) - set(g), set(g) - set(e)
    wrong = 0
    for k in set(e) & set(g):
        ev, gv = e[k], g[k]
        if _num(ev) is not None:
            if _num(gv) is None or not _close(_num(gv), _num(ev), q):
                wrong += 1
        elif str(gv).strip().casefold() != str(ev).strip().casefold():
            wrong += 1
    if not (missing or extra or wrong):
        return True, "correct"
    parts = []
    if missing:
        parts.append(f"{len(missing)} keys missing")
    if extra:
        parts.append(f"{len(extra)} unexpected keys")
    if wrong:
        parts.append(f"{wrong} of {len(e)} values not correct")
    return False, ", ".join(parts)

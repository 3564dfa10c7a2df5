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


# ---------------------------------------------------------------- partial credit
def compare_choice(got, spec: dict) -> tuple[float, str]:
    """Share of the points (0 or 1) for a chosen label; ``spec`` = options + correct."""
    if not isinstance(got, str):
        return 0.0, f"expected one option label (a text), got {type(got).__name__}"
    if got not in spec["options"]:
        return 0.0, (f"{_fmt(got)} is not one of your options: answer with one label from "
                     "data.options(...) exactly as printed")
    if got == spec["correct"]:
        return 1.0, "correct"
    return 0.0, f"{_fmt(got)} is not the option your data supports best"


def kendall_tau(order: list, correct: list) -> float:
    """Kendall's tau between two orders of the same labels: (concordant - discordant)
    pairs / all pairs, from 1 (same order) to -1 (reversed)."""
    pos = {label: i for i, label in enumerate(order)}
    ranks = [pos[label] for label in correct]
    n = len(ranks)
    pairs = n * (n - 1) // 2
    if pairs == 0:
        return 1.0
    s = sum(1 if ranks[j] > ranks[i] else -1 for i in range(n) for j in range(i + 1, n))
    return s / pairs


def compare_ranking(got, spec: dict) -> tuple[float, str]:
    """Share of the points = max(0, Kendall's tau) between the student's order and the
    right one; an answer that is not an order of exactly the options scores 0."""
    if not isinstance(got, list) or not all(isinstance(x, str) for x in got):
        return 0.0, f"expected a list of option labels, got {type(got).__name__}"
    if sorted(got) != sorted(spec["options"]):
        return 0.0, ("your list is not an order of exactly your options (each label of "
                     "data.options(...) once)")
    tau = kendall_tau(got, spec["correct"])
    n = len(got)
    agree = round((tau + 1) / 2 * n * (n - 1) / 2)
    if tau >= 1:
        return 1.0, "correct"
    return max(0.0, tau), (f"{agree} of {n * (n - 1) // 2} pairs in the right order "
                           f"(Kendall's tau {tau:.2f}; points x max(0, tau))")


def decision_share(student: float, baseline: float, best: float) -> float:
    """clip((student - baseline) / (best - baseline), 0, 1); full points when nothing
    beats the baseline and the student does not fall below it."""
    if not all(map(math.isfinite, (student, baseline, best))):
        return 0.0
    if best - baseline <= 1e-9 * max(1.0, abs(baseline)):
        return 1.0 if student >= baseline - 1e-9 * max(1.0, abs(baseline)) else 0.0
    return min(1.0, max(0.0, (student - baseline) / (best - baseline)))

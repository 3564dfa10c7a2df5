"""Options of choice and ranking questions: the labels a student answers with, in their order.

An exercise's ``solution.py`` names, per question, a function ``options(data, hidden)``
returning ``{"options": [labels], "correct": ..., "zh": {label: meaning}}``. The student's
notebook (:func:`crmsim.course.assignment.load`) and the grader compute the same options
from it, shuffled per student by :func:`option_order`, so the order at home is the order
graded. What ``correct`` must be is the question type's business (``q.kind.correct``).
"""

from __future__ import annotations

import hashlib

import numpy as np

from crmsim.errors import CrmsimError


def option_order(exercise_id: str, student_id: str, question: str, labels) -> list[str]:
    """``labels`` shuffled for one student: seeded by exercise, student and question only
    (not the course secret), so the order at home is the order the grader uses."""
    msg = "\x1f".join(["options", exercise_id, student_id, question]).encode()
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(msg).digest()[:8], "big"))
    labels = [str(x) for x in labels]
    return [labels[i] for i in rng.permutation(len(labels))]


def _problem(exercise_id: str, function: str, question: str, what: str) -> CrmsimError:
    return CrmsimError(f"exercise={exercise_id!r} is invalid: {function}() of question "
                       f"{question!r} {what}")


def question_options(exercise_id: str, student_id: str, question: str, function: str,
                     spec) -> dict:
    """``{"options": labels in the student's order, "correct": as returned, "zh": ...}``
    from what an options function returned, or a :class:`CrmsimError` naming the problem.

    Labels are texts and must be unique; ``zh`` (optional) gives every label's meaning in
    Chinese, shown next to the label in a Chinese notebook (the answer is always the label).
    """
    def bad(what):
        return _problem(exercise_id, function, question, what)

    if not isinstance(spec, dict) or set(spec) - {"zh"} != {"options", "correct"}:
        raise bad("must return {'options': [labels], 'correct': ..., 'zh': {label: text}}"
                  " ('zh' optional)")
    labels = [str(x) for x in spec["options"]]
    if len(labels) < 2 or len(set(labels)) != len(labels):
        raise bad("must return at least two distinct option labels")
    zh = {str(k): str(v) for k, v in spec.get("zh", {}).items()}
    if zh and (set(zh) != set(labels) or len(set(zh.values())) != len(zh)):
        raise bad("must give 'zh' as a distinct Chinese text for every label, or omit it")
    return {"options": option_order(exercise_id, student_id, question, labels),
            "correct": spec["correct"], "labels": labels, "zh": zh}


def interpretation_options(ex, solution, data, hidden) -> dict[str, dict]:
    """``question id -> {"options": labels in the student's order, "correct": ..., "zh"}``
    for every question of ``ex`` with an ``options`` function; ``correct`` as its question
    type checks it (one label for choice, every label in order for ranking)."""
    out = {}
    for q in ex.questions:
        if not q.options:
            continue
        got = question_options(ex.id, data.student_id, q.id, q.options,
                               getattr(solution, q.options)(data, hidden))
        correct, why = q.kind.correct(got.pop("correct"), got.pop("labels"))
        if why:
            raise _problem(ex.id, q.options, q.id, why)
        out[q.id] = {"options": got["options"], "correct": correct, "zh": got["zh"]}
    return out


def set_choices(data, options: dict) -> None:
    """Give ``data`` the options of its exercise's choice/ranking questions (as computed by
    :func:`interpretation_options` or :func:`question_options`)."""
    data.choices = {k: v["options"] for k, v in options.items()}
    data.choices_zh = {k: v["zh"] for k, v in options.items() if v["zh"]}

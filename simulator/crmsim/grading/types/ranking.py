"""``ranking``: every option label in order; points x max(0, Kendall's tau) with the right order.
"""

from __future__ import annotations

from crmsim.grading.messages import msg
from crmsim.grading.types.base import Case, QuestionType, register


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


def compare_ranking(got, spec: dict):
    """Share of the points = max(0, Kendall's tau) between the student's order and the
    right one; an answer that is not an order of exactly the options scores 0."""
    if not isinstance(got, list) or not all(isinstance(x, str) for x in got):
        return 0.0, msg("answer.not_labels", type=type(got).__name__)
    if sorted(got) != sorted(spec["options"]):
        return 0.0, msg("answer.not_order")
    tau = kendall_tau(got, spec["correct"])
    n = len(got)
    agree = round((tau + 1) / 2 * n * (n - 1) / 2)
    if tau >= 1:
        return 1.0, msg("answer.correct")
    return max(0.0, tau), msg("answer.pairs", agree=agree, pairs=n * (n - 1) // 2,
                              tau=f"{tau:.2f}")


def check(q, got, case: Case):
    return compare_ranking(got, case.expected)


def correct(value, labels):
    value = [str(x) for x in value]
    return value, (None if sorted(value) == sorted(labels)
                   else "must return the full order of the options as 'correct'")


register(QuestionType(
    name="ranking", zh="排序", summary="every option label, in order",
    check=check, one_answer=True, needs=("options",), correct=correct,
    scoring="Score: points x max(0, Kendall's tau) between the student's order and the "
            "correct one."))

"""``decision``: a decision simulated on the student's own market, with partial credit.

``candidates(data)`` lists decisions the grader tries (the first: do nothing), ``evaluate
(data, decision)`` simulates one, ``budget(data, decision)`` (optional) says why a decision
is not allowed. The share is clip((student - baseline) / (best - baseline), 0, 1).
"""

from __future__ import annotations

import math

from crmsim.errors import CrmsimError
from crmsim.grading.messages import msg
from crmsim.grading.types.base import Case, QuestionType, register


def decision_share(student: float, baseline: float, best: float) -> float:
    """clip((student - baseline) / (best - baseline), 0, 1); full points when nothing
    beats the baseline and the student does not fall below it."""
    if not all(map(math.isfinite, (student, baseline, best))):
        return 0.0
    if best - baseline <= 1e-9 * max(1.0, abs(baseline)):
        return 1.0 if student >= baseline - 1e-9 * max(1.0, abs(baseline)) else 0.0
    return min(1.0, max(0.0, (student - baseline) / (best - baseline)))


def score_decision(q, solution, data, decision):
    """Simulate the student's decision and the candidates on the student's own market
    (common random numbers: the same seed for every decision) and score it between the
    do-nothing baseline (first candidate) and the best of candidates and student."""
    evaluate = getattr(solution, q.evaluate)
    budget = getattr(solution, q.budget, None) if q.budget else None
    try:
        why = budget(data, decision) if budget else None
        if why:
            return 0.0, msg("answer.decision_not_allowed", why=str(why)[:200])
        student = float(evaluate(data, decision))
    except (CrmsimError, ValueError, TypeError, KeyError) as exc:
        return 0.0, msg("answer.decision_failed", why=str(exc)[:200])
    values = [float(evaluate(data, c)) for c in getattr(solution, q.candidates)(data)]
    baseline, best = values[0], max([*values, student])
    share = decision_share(student, baseline, best)
    if share >= 1:
        return 1.0, msg("answer.decision_best")
    if student <= baseline:
        return share, msg("answer.decision_nothing")
    return share, msg("answer.decision_share", share=f"{share:.0%}")


def check(q, got, case: Case):
    return score_decision(q, case.solution, case.data, got)


register(QuestionType(
    name="decision", zh="决策", summary="a decision, simulated on the student's market",
    check=check, one_answer=True, needs=("candidates", "evaluate"), optional=("budget",),
    scoring="Score: points x clip((student - baseline) / (best - baseline), 0, 1); "
            "baseline = the first candidate (do nothing), best = the best of the "
            "candidates and the student's decision, all simulated on the "
            "student's market with the same random numbers."))

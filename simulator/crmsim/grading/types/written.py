"""``written``: a text marked by hand with a rubric; the grader records it and its length.

The answer goes to ``manual.csv``; marks merged with ``--manual`` give its points.
"""

from __future__ import annotations

from crmsim.course.answers import word_count
from crmsim.grading.messages import msg
from crmsim.grading.types.base import Case, QuestionType, register


def _is_num(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


#: keys of a rubric criterion: its points and text; optionally a descriptor per level
#: (``levels``, ``levels_zh``), shown to markers in the marking app
RUBRIC_KEYS = {"points", "criterion", "levels", "levels_zh"}


def problem(q) -> str | None:
    """Why the rubric or the word limits are invalid, or ``None``."""
    if (not isinstance(q.rubric, list) or not q.rubric
            or not all(isinstance(r, dict) and {"points", "criterion"} <= set(r) <= RUBRIC_KEYS
                       and _is_num(r["points"]) and r["points"] > 0
                       and isinstance(r["criterion"], str) and r["criterion"].strip()
                       for r in q.rubric)):
        return ("rubric: expected [{points = 1, criterion = \"...\"}, ...] (optionally "
                "levels = [\"...\", ...], one descriptor per whole point from 0)")
    for r in q.rubric:
        for key in ("levels", "levels_zh"):
            if key in r and not (isinstance(r[key], list) and float(r["points"]).is_integer()
                                 and len(r[key]) == int(r["points"]) + 1
                                 and all(isinstance(d, str) and d.strip() for d in r[key])):
                return (f"rubric {r['criterion'][:30]!r}: {key} must list one descriptor "
                        f"per level 0-{r['points']:g} of a whole number of points")
    if abs(sum(r["points"] for r in q.rubric) - q.points) > 1e-9:
        return f"rubric points add up to {sum(r['points'] for r in q.rubric):g}, " \
               f"not the question's {q.points:g}"
    w = q.words
    if not (isinstance(w, list) and len(w) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in w)
            and 0 < w[0] <= w[1]):
        return f"words={w!r}: expected [min, max] word counts"
    return None


def check(q, got, case: Case):
    """Record the text for marking; its share is the hand mark, once merged."""
    res = case.result
    if not isinstance(got, str) or not got.strip():
        return 0.0, msg("answer.not_written")
    res.written[q.id] = got
    n = word_count(got)
    lo, hi = q.words
    length = "" if lo <= n <= hi else msg("answer.length", lo=lo, hi=hi)
    if q.id in res.marks:
        points, comment = res.marks[q.id]
        return points / q.points, msg("answer.marked", points=f"{points:g}",
                                      max=f"{q.points:g}",
                                      comment=f" - {comment}" if comment else "",
                                      length=length)
    res.add("awaiting_marks")
    return 0.0, msg("answer.recorded", n=n, length=length)


register(QuestionType(
    name="written", zh="文字题", summary="a text marked by hand with a rubric",
    check=check, one_answer=True, keys=("rubric", "words"), manual=True, problem=problem))

"""Changing a score by hand, always with a trail: overrides and regrade requests.

An override sets one question's score for one student and keeps the old score, who, when
and why; a regrade request is a student's question about a score, answered by upholding
it or by an override that points back to the request.
"""

from __future__ import annotations

import math

import sqlalchemy as sa

from crmsim.database import load, now
from crmsim.errors import CrmsimError, invalid
from crmsim.gradebook.store import OVERRIDES, REGRADES, RESULTS

ANSWERS = ("upheld", "changed")


def _question(ex, question: str):
    for q in ex.questions:
        if q.id == question:
            return q
    raise invalid("question", question, "a question of " + ex.id + " (" +
                  ", ".join(q.id for q in ex.questions) + ")")


def _latest_score(conn, ex, student: str, question: str) -> float:
    q = (sa.select(RESULTS.c.scores).where(RESULTS.c.exercise == ex.id,
                                           RESULTS.c.student_id == student)
         .order_by(RESULTS.c.id.desc()).limit(1))
    scores = conn.execute(q).scalar()
    if scores is None:
        raise invalid("student", student, f"a student with a graded submission of {ex.id}")
    return float(load(scores).get(question, 0.0))


def _current(conn, ex, student: str, question: str) -> float:
    q = (sa.select(OVERRIDES.c.new).where(OVERRIDES.c.exercise == ex.id,
                                          OVERRIDES.c.student_id == student,
                                          OVERRIDES.c.question == question)
         .order_by(OVERRIDES.c.id.desc()).limit(1))
    last = conn.execute(q).scalar()
    return float(last) if last is not None else _latest_score(conn, ex, student, question)


def override(engine, ex, *, student: str, question: str, points, who: str, why: str,
             regrade_id: int | None = None) -> dict:
    """Set a question's score by hand; returns the audit row (old and new score)."""
    q = _question(ex, question)
    try:
        value = float(points)
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= q.points):
        raise invalid("points", points, f"0-{q.points:g} (the points of {question})")
    if not str(why).strip():
        raise invalid("why", why, "a reason (it goes in the audit trail)")
    if not str(who).strip():
        raise invalid("who", who, "the name of who changes the score")
    with engine.begin() as conn:
        old = _current(conn, ex, student, question)
        row = dict(exercise=ex.id, student_id=student, question=question, old=old, new=value,
                   who=str(who)[:80], why=str(why)[:2000], at=now(), regrade_id=regrade_id)
        row["id"] = int(conn.execute(OVERRIDES.insert().values(**row)).inserted_primary_key[0])
    return row


def request_regrade(engine, ex, *, student: str, question: str, reason: str) -> int:
    """A student's request to look at a question again; returns its id."""
    _question(ex, question)
    if not str(reason).strip():
        raise invalid("reason", reason, "the student's reason for the request")
    with engine.begin() as conn:
        _latest_score(conn, ex, student, question)
        res = conn.execute(REGRADES.insert().values(
            exercise=ex.id, student_id=student, question=question, reason=str(reason)[:4000],
            requested_at=now(), status="open", answer="", answered_by="", answered_at=""))
        return int(res.inserted_primary_key[0])


def answer_regrade(engine, ex, request_id: int, *, who: str, answer: str,
                   points=None) -> dict:
    """Answer an open request: ``points`` given changes the score (an override pointing
    back to the request), else the score is upheld."""
    with engine.begin() as conn:
        req = conn.execute(sa.select(REGRADES).where(REGRADES.c.id == int(request_id))
                           ).mappings().first()
    if req is None or req["exercise"] != ex.id:
        raise invalid("request", request_id, f"the id of a regrade request of {ex.id}")
    if req["status"] != "open":
        raise CrmsimError(f"request={request_id!r} is invalid: expected an open request "
                          f"(it was answered {req['status']} by {req['answered_by']})")
    if not str(answer).strip():
        raise invalid("answer", answer, "the answer the student will read")
    status = "upheld"
    if points is not None:
        override(engine, ex, student=req["student_id"], question=req["question"],
                 points=points, who=who, why=f"regrade request {request_id}: {answer}",
                 regrade_id=int(request_id))
        status = "changed"
    with engine.begin() as conn:
        conn.execute(REGRADES.update().where(REGRADES.c.id == int(request_id)).values(
            status=status, answer=str(answer)[:4000], answered_by=str(who)[:80],
            answered_at=now()))
    return {"id": int(request_id), "status": status}

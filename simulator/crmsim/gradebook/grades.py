"""The course gradebook, computed from the database on demand (nothing is re-executed).

Per question: the automatic score of the student's latest grading, the counting mark for a
written answer (:func:`crmsim.gradebook.marks.counting_marks`), and the latest override on
top. Per exercise: the sum, the late rule (:data:`crmsim.gradebook.term.LATE`) applied with
the student's extension if one was granted, and the share of the exercise's points. The
final grade is the weighted mean of the exercises' shares, a missing exercise counting 0.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from crmsim.database import load
from crmsim.errors import CrmsimError
from crmsim.gradebook.marks import counting_marks, marks_table
from crmsim.gradebook.store import (
    EXTENSIONS,
    OVERRIDES,
    ROSTER,
    SUBMITTED,
    current_settings,
    latest_results,
)
from crmsim.gradebook.term import days_late, late_factor

#: columns of :func:`question_scores`
QUESTION_COLUMNS = ("exercise", "student_id", "question", "max", "auto", "mark", "override",
                    "points", "source")
#: columns of :func:`exercise_grades`
EXERCISE_COLUMNS = ("exercise", "student_id", "raw", "max", "submitted_at", "deadline",
                    "days_late", "late_factor", "points", "share", "status", "awaiting_marks")


def question_scores(conn, exercises: dict) -> pd.DataFrame:
    """One row per student, exercise and question: the score and where it comes from
    (``auto``, ``mark``, ``override`` or ``awaiting_marks``)."""
    marks = counting_marks(marks_table(conn))
    mark = {(r.exercise, r.student_id, r.question): r.points for r in marks.itertuples()}
    over = {}
    for r in conn.execute(sa.select(OVERRIDES).order_by(OVERRIDES.c.id)).mappings():
        over[(r["exercise"], r["student_id"], r["question"])] = r["new"]
    rows = []
    for res in latest_results(conn):
        ex = exercises.get(res["exercise"])
        if ex is None:
            continue
        scores = load(res["scores"])
        written = load(res["written"])
        for q in ex.questions:
            key = (ex.id, res["student_id"], q.id)
            auto = float(scores.get(q.id, 0.0))
            m = mark.get(key)
            o = over.get(key)
            if o is not None:
                points, source = float(o), "override"
            elif q.manual and m is not None:
                points, source = float(m), "mark"
            elif q.manual and q.id in written:
                points, source = 0.0, "awaiting_marks"
            else:
                points, source = auto, "auto"
            rows.append((ex.id, res["student_id"], q.id, float(q.points), auto, m, o, points,
                         source))
    return pd.DataFrame(rows, columns=list(QUESTION_COLUMNS))


def _submitted(conn) -> dict:
    """(exercise, student) -> submission time: an LMS's time before the files' time."""
    best: dict = {}
    for r in conn.execute(sa.select(SUBMITTED).order_by(SUBMITTED.c.id)).mappings():
        key = (r["exercise"], r["student_id"])
        if r["source"] == "lms" or best.get(key, ("files",))[0] != "lms":
            best[key] = (r["source"], r["submitted_at"])
    return {k: v[1] for k, v in best.items()}


def _extensions(conn) -> dict:
    out = {}
    for r in conn.execute(sa.select(EXTENSIONS).order_by(EXTENSIONS.c.id)).mappings():
        out[(r["exercise"], r["student_id"])] = r["deadline"]
    return out


def settings_or_error(conn) -> dict:
    settings = current_settings(conn)
    if settings is None:
        raise CrmsimError("the course database has no settings yet: import them with "
                          "`crmsim gradebook settings --db URL course.toml`")
    return settings


def roster(conn) -> pd.DataFrame:
    cols = [c.name for c in ROSTER.c]
    return pd.DataFrame([dict(r) for r in conn.execute(sa.select(ROSTER).order_by(
        ROSTER.c.student_id)).mappings()], columns=cols)


def exercise_grades(conn, exercises: dict, settings: dict | None = None,
                    only=None) -> pd.DataFrame:
    """One row per student and exercise of the settings (or of ``only`` among them), for
    every student of the roster and everyone graded: raw points, lateness, points after
    the late rule, share of the max."""
    settings = settings or settings_or_error(conn)
    qs = question_scores(conn, exercises)
    raw = qs.groupby(["exercise", "student_id"])["points"].sum()
    waiting = qs[qs["source"] == "awaiting_marks"].groupby(["exercise", "student_id"]).size()
    statuses = {(r["exercise"], r["student_id"]): r["status"] for r in latest_results(conn)}
    submitted, extended = _submitted(conn), _extensions(conn)
    students = sorted(set(roster(conn)["student_id"]) | set(qs["student_id"]))
    late = settings["late"]
    rows = []
    for ex_id, rule in settings["exercises"].items():
        if only is not None and ex_id not in only:
            continue
        ex = exercises.get(ex_id)
        if ex is None:
            raise CrmsimError(f"exercise={ex_id!r} of the course settings is not an exercise "
                              "of this course folder")
        for sid in students:
            key = (ex_id, sid)
            deadline = extended.get(key, rule["deadline"] or None)
            when = submitted.get(key)
            days = days_late(when, deadline, late["grace_minutes"])
            factor = late_factor(days, late)
            got = float(raw.get(key, 0.0))
            status = statuses.get(key, "missing")
            points = round(got * factor, 2)
            rows.append((ex_id, sid, got, float(ex.max_points), when, deadline, days, factor,
                         points, points / float(ex.max_points) if ex.max_points else 0.0,
                         status, int(waiting.get(key, 0))))
    return pd.DataFrame(rows, columns=list(EXERCISE_COLUMNS))


def final_grades(conn, exercises: dict, settings: dict | None = None) -> pd.DataFrame:
    """One row per student: roster fields, each exercise's points after the late rule, and
    ``final`` (the weighted share of points, 0-100)."""
    settings = settings or settings_or_error(conn)
    per = exercise_grades(conn, exercises, settings)
    weights = pd.Series({k: v["weight"] for k, v in settings["exercises"].items()})
    weights = weights / weights.sum()
    points = per.pivot(index="student_id", columns="exercise", values="points")
    share = per.pivot(index="student_id", columns="exercise", values="share")
    final = (share[weights.index] * weights).sum(axis=1) * 100
    people = roster(conn).set_index("student_id")
    out = pd.DataFrame(index=points.index)
    for col in ("name", "email", "section", "lms_id", "login"):
        out[col] = people[col].reindex(out.index).fillna("") if len(people) else ""
    for ex_id in settings["exercises"]:
        out[ex_id] = points[ex_id]
    out["final"] = final.round(2)
    return out.reset_index()

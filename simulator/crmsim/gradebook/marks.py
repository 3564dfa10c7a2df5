"""Marks of written answers in the course database: imported from CSV (offline marking)
or given in the marking app; which mark counts; agreement between markers.

A written answer may carry several marks: a ``first`` mark (markers split the class
between them), a ``second`` mark of a sample (to measure how well markers agree) and a
``final`` mark (moderation, when first and second disagree). The mark that counts is the
latest ``final`` one, else the latest ``first`` one; a second mark alone never counts.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import sqlalchemy as sa

from crmsim.database import dump, load, now
from crmsim.errors import CrmsimError, invalid
from crmsim.gradebook.store import MARKS, RESULTS
from crmsim.gradebook.term import read_csv

ROLES = ("first", "second", "final")
MARK_COLUMNS = ("student", "exercise", "question", "points")


def _written_questions(ex) -> dict:
    return {q.id: q for q in ex.questions if q.manual}


def check_mark(ex, students: set, sid: str, qid: str, points, role: str, where: str) -> float:
    """A mark's points as a number, or a one-line error saying what is wrong and where."""
    written = _written_questions(ex)
    if qid not in written:
        raise CrmsimError(f"{where}: question={qid!r}: expected a written question of {ex.id} ("
                          + (", ".join(written) or "it has none") + ")")
    if sid not in students:
        raise CrmsimError(f"{where}: student={sid!r}: no graded submission of this student "
                          f"for {ex.id} in the database")
    if role not in ROLES:
        raise CrmsimError(f"{where}: role={role!r}: expected one of {', '.join(ROLES)}")
    try:
        value = float(points)
    except (TypeError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= written[qid].points):
        raise CrmsimError(f"{where}: points={points!r}: expected 0-{written[qid].points:g} "
                          f"for {qid}")
    return value


def graded_students(conn, exercise: str) -> set:
    q = sa.select(RESULTS.c.student_id).where(RESULTS.c.exercise == exercise).distinct()
    return set(conn.execute(q).scalars())


def add_mark(engine, ex, *, student: str, question: str, points, marker: str,
             role: str = "first", comment: str = "", levels: dict | None = None) -> None:
    """One mark, checked, with who gave it and when."""
    with engine.begin() as conn:
        value = check_mark(ex, graded_students(conn, ex.id), student, question, points, role,
                           "mark")
        conn.execute(MARKS.insert().values(
            exercise=ex.id, student_id=student, question=question, points=value,
            levels=dump(levels or {}), comment=str(comment)[:2000], marker=str(marker)[:80],
            role=role, marked_at=now()))


def import_marks(engine, ex, path, *, marker: str, role: str = "first") -> int:
    """Marks from a CSV (``manual.csv`` filled in, or any file with the columns ``student,
    exercise, question, points`` and optionally ``comment``, ``marker``, ``role``); every row
    is checked before any is stored. Rows with empty points are not marked yet."""
    rows = read_csv(path, "marks", MARK_COLUMNS)
    with engine.begin() as conn:
        students = graded_students(conn, ex.id)
        new = []
        for n, row in enumerate(rows, start=2):
            where = f"marks={str(path)!r} is invalid: row {n}"
            if row["exercise"] != ex.id:
                raise CrmsimError(f"{where}: exercise={row['exercise']!r}: expected {ex.id!r}")
            if not row["points"]:
                continue
            r_role = row.get("role") or role
            value = check_mark(ex, students, row["student"], row["question"], row["points"],
                               r_role, where)
            new.append(dict(exercise=ex.id, student_id=row["student"],
                            question=row["question"], points=value, levels=dump({}),
                            comment=(row.get("comment") or "")[:2000],
                            marker=(row.get("marker") or marker)[:80], role=r_role,
                            marked_at=now()))
        if new:
            conn.execute(MARKS.insert(), new)
    return len(new)


def marks_table(conn, exercise: str | None = None) -> pd.DataFrame:
    """Every mark: exercise, student_id, question, points, levels, comment, marker, role,
    marked_at (oldest first)."""
    q = sa.select(MARKS)
    if exercise is not None:
        q = q.where(MARKS.c.exercise == exercise)
    df = pd.DataFrame([dict(r) for r in conn.execute(q.order_by(MARKS.c.id)).mappings()],
                      columns=[c.name for c in MARKS.c])
    df["levels"] = df["levels"].map(load)
    return df


def counting_marks(marks: pd.DataFrame) -> pd.DataFrame:
    """The mark that counts per (exercise, student, question): the latest final mark, else
    the latest first mark."""
    use = marks[marks["role"].isin(("first", "final"))].copy()
    use["rank"] = use["role"].map({"first": 0, "final": 1})
    use = use.sort_values(["rank", "id"])
    return use.groupby(["exercise", "student_id", "question"], as_index=False).last()


def agreement(marks: pd.DataFrame) -> pd.DataFrame:
    """Per question, how first and second markers agree on the answers both marked: pairs,
    exact agreement, mean absolute difference and Cohen's quadratic-weighted kappa."""
    from sklearn.metrics import cohen_kappa_score

    def latest(role):
        sub = marks[marks["role"] == role].sort_values("id")
        return sub.groupby(["exercise", "student_id", "question"])["points"].last()

    both = pd.concat([latest("first").rename("first"), latest("second").rename("second")],
                     axis=1, join="inner").reset_index()
    rows = []
    for (exercise, question), g in both.groupby(["exercise", "question"]):
        a, b = g["first"].to_numpy(), g["second"].to_numpy()
        labels_a, labels_b = (np.round(a * 2).astype(int), np.round(b * 2).astype(int))
        kappa = (cohen_kappa_score(labels_a, labels_b, weights="quadratic")
                 if len(set(labels_a) | set(labels_b)) > 1 else 1.0)
        rows.append({"exercise": exercise, "question": question, "pairs": len(g),
                     "exact_agreement": float(np.mean(a == b)),
                     "mean_abs_difference": float(np.mean(np.abs(a - b))),
                     "kappa": float(kappa)})
    return pd.DataFrame(rows, columns=["exercise", "question", "pairs", "exact_agreement",
                                       "mean_abs_difference", "kappa"])


def check_role(role: str) -> str:
    if role not in ROLES:
        raise invalid("role", role, " | ".join(ROLES))
    return role

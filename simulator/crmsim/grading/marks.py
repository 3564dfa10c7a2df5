"""Written answers marked by hand: ``manual.csv`` to fill in, and the marks read back.

The grader writes one row per student and written question (``manual_csv``); the
instructor fills in ``points`` (and ``comment``) and passes the file back with
``--manual``; :func:`read_marks` checks every row before anything runs.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from crmsim.course.answers import word_count
from crmsim.errors import CrmsimError, invalid
from crmsim.grading.exercise import Exercise
from crmsim.grading.submissions import read_regular
from crmsim.output import safe_csv

MARK_COLUMNS = ("student", "exercise", "question", "points", "comment")


def manual_csv(ex: Exercise, results: list) -> str:
    """The written answers to mark: one row per student and written question. Fill in
    ``points`` (and ``comment``) and pass the file back with ``--manual``. No cell a
    spreadsheet would run as a formula, whatever a student wrote."""
    header = ["student", "exercise", "question", "max_points", "words", "words_asked",
              "rubric", "answer", "points", "comment"]
    rows = []
    for r in results:
        for q in ex.questions:
            if not q.manual or q.id not in r.written:
                continue
            text = r.written[q.id]
            rubric = "; ".join(f"{c['points']:g}: {c['criterion']}" for c in q.rubric)
            points, comment = r.marks.get(q.id, (None, ""))
            rows.append([r.student_id, ex.id, q.id, f"{q.points:g}", word_count(text),
                         f"{q.words[0]}-{q.words[1]}", rubric, text,
                         "" if points is None else f"{points:g}", comment])
    return safe_csv(header, rows)


def _rows(path) -> list[dict]:
    raw = read_regular(Path(path))
    if raw is None:
        raise invalid("manual", str(path), "a readable CSV file of marks (not a link)")
    try:
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        header = rows[0].keys() if rows else []
    except (UnicodeDecodeError, csv.Error) as exc:
        raise invalid("manual", str(path), f"a UTF-8 CSV file ({exc})") from None
    missing = [c for c in MARK_COLUMNS if c not in header]
    if not rows or missing:
        raise invalid("manual", str(path), "a CSV with a header and the columns "
                      + ", ".join(MARK_COLUMNS) + (f" (missing: {', '.join(missing)})"
                                                   if rows else ""))
    return rows


def read_marks(ex: Exercise, path, students: set[str]) -> dict[str, dict]:
    """``student -> {question: (points, comment)}`` from a marks CSV, or a one-line
    :class:`CrmsimError` naming the row; rows with empty ``points`` are not marked yet."""
    def bad(row, what):
        return CrmsimError(f"manual={str(path)!r} is invalid: row {row}: {what}")

    rows = _rows(path)
    written = {q.id: q for q in ex.questions if q.manual}
    marks: dict[str, dict] = {}
    for n, row in enumerate(rows, start=2):
        sid, exid = (row["student"] or "").strip(), (row["exercise"] or "").strip()
        qid, pts = (row["question"] or "").strip(), (row["points"] or "").strip()
        if exid != ex.id:
            raise bad(n, f"exercise={exid!r}: expected {ex.id!r}")
        if qid not in written:
            raise bad(n, f"question={qid!r}: expected a written question of {ex.id} ("
                      + (", ".join(written) or "it has none") + ")")
        if sid not in students:
            raise bad(n, f"student={sid!r}: no gradable submission of this student here")
        if not pts:
            continue  # not marked yet
        try:
            value = float(pts)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and 0 <= value <= written[qid].points):
            raise bad(n, f"points={pts!r}: expected 0-{written[qid].points:g} for {qid}")
        if qid in marks.get(sid, {}):
            raise bad(n, f"a second mark for student {sid!r}, question {qid}")
        marks.setdefault(sid, {})[qid] = (value, (row["comment"] or "").strip()[:500])
    return marks

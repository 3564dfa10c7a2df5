"""Feedback back to students: one file per student, zipped as an LMS's bulk upload wants.

Each file is the grader's feedback (stored with the result) followed by what happened after
grading, in the student's language: marks of written answers and their comments, changed
scores with the reason, the late rule applied, and the exercise's points as the gradebook
counts them.

``files``   ``<student_id>.md`` for every student (for e-mail, or an LMS that matches files
            by the student's id)
``moodle``  Moodle's "Upload multiple feedback files in a zip": each file in a folder named
            as Moodle names a participant's submission, ``<full name>_<participant id>_
            assignsubmission_file_``; the participant id is the roster's ``lms_id``
"""

from __future__ import annotations

import io
import re
import zipfile

from crmsim.errors import CrmsimError, invalid
from crmsim.gradebook.grades import exercise_grades, question_scores, roster
from crmsim.gradebook.marks import counting_marks, marks_table
from crmsim.gradebook.store import OVERRIDES, latest_results, rows
from crmsim.gradebook.words import word

LAYOUTS = ("files", "moodle")
#: a fixed time for every zip entry, so the same database gives the same bytes
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def after_grading(ex, result: dict, marks, overrides: list, grade: dict) -> str:
    """The Markdown section added to the grader's feedback."""
    lang = result["lang"] if result["lang"] in ("en", "zh") else "en"
    maxes = {q.id: q.points for q in ex.questions}
    lines = ["", f"## {word('fb.after', lang)}", ""]
    for m in marks.itertuples():
        lines.append("- " + word("fb.mark", lang, question=m.question, points=m.points,
                                 max=maxes[m.question]))
        if m.comment:
            lines.append("  - " + word("fb.comment", lang, comment=m.comment))
    for o in overrides:
        lines.append("- " + word("fb.override", lang, question=o["question"],
                                 old=o["old"] or 0.0, new=o["new"], why=o["why"]))
    if grade["days_late"]:
        lines.append("- " + word("fb.late", lang, days=grade["days_late"],
                                 kept=grade["late_factor"]))
    lines += ["", word("fb.final", lang, points=grade["points"], max=grade["max"]), ""]
    return "\n".join(lines)


def feedback_files(conn, ex) -> dict[str, str]:
    """student_id -> the student's feedback Markdown with what happened after grading."""
    per = exercise_grades(conn, {ex.id: ex}, only={ex.id})
    grades = {r["student_id"]: r for r in per[per["exercise"] == ex.id].to_dict("records")}
    marks = counting_marks(marks_table(conn, ex.id))
    over = rows(conn, OVERRIDES, exercise=ex.id)
    out = {}
    for res in latest_results(conn, ex.id):
        sid = res["student_id"]
        mine = marks[marks["student_id"] == sid]
        changes = [o for o in over if o["student_id"] == sid]
        out[sid] = res["feedback"].rstrip() + "\n" + after_grading(ex, res, mine, changes,
                                                                   grades[sid])
    return out


def _moodle_folder(person: dict) -> str:
    if not person.get("lms_id"):
        raise CrmsimError(f"student={person['student_id']!r} has no lms_id in the roster: "
                          "the moodle layout names each folder by Moodle's participant id")
    name = re.sub(r"[\\/:*?\"<>|]", "_", person.get("name") or person["student_id"])
    return f"{name}_{person['lms_id']}_assignsubmission_file_"


def bundle(conn, ex, layout: str = "files") -> bytes:
    """The zip of every student's feedback in ``layout`` (one of :data:`LAYOUTS`)."""
    if layout not in LAYOUTS:
        raise invalid("layout", layout, " | ".join(LAYOUTS))
    files = feedback_files(conn, ex)
    people = {r["student_id"]: r for r in roster(conn).to_dict("records")}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for sid in sorted(files):
            if layout == "files":
                name = f"{re.sub(r'[^A-Za-z0-9_.-]', '_', sid)}.md"
            else:
                person = people.get(sid) or {"student_id": sid}
                name = f"{_moodle_folder(person)}/feedback-{ex.id}.md"
            z.writestr(zipfile.ZipInfo(name, ZIP_TIME), files[sid].encode("utf-8"))
    return buf.getvalue()


def scores_of(conn, ex, student: str) -> dict:
    """question -> (points, source) for one student: what their gradebook row shows."""
    qs = question_scores(conn, {ex.id: ex})
    mine = qs[(qs["exercise"] == ex.id) & (qs["student_id"] == student)]
    return {r.question: (r.points, r.source) for r in mine.itertuples()}


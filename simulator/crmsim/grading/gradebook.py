"""The batch's outputs: ``gradebook.csv``, ``feedback/<student>.md`` and ``manual.csv``.

Everything is written to temp names in the output folder first and renamed into place
only when all of it was written, so the outputs appear complete or not at all.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from pathlib import Path

from crmsim.errors import CrmsimError
from crmsim.grading.exercise import Exercise
from crmsim.grading.feedback import feedback
from crmsim.grading.marks import manual_csv
from crmsim.grading.submissions import safe_name
from crmsim.output import safe_csv

#: statuses of rows whose student id cannot name a feedback file by itself
UNNAMED = ("unreadable_file", "invalid_student_id", "duplicate_student_id")


def gradebook_csv(ex: Exercise, results: list, batch: str) -> str:
    """One row per submission: points per question, total, status, hash, isolation. No cell
    a spreadsheet would run as a formula, whatever a student named a file."""
    header = ["student_id", *[q.id for q in ex.questions], "total", "max", "status",
              "submission", "sha256", "isolation", "batch"]
    rows = ([r.student_id, *[f"{r.scores[q.id]:g}" for q in ex.questions], f"{r.total:g}",
             f"{ex.max_points:g}", r.status, r.submission, r.sha256, r.isolation, batch]
            for r in results)
    return safe_csv(header, rows)


def feedback_names(results: list) -> list[str]:
    """A unique file name per result: the safe student id, a hash prefix for rows whose
    id is not trustworthy, ``-1``, ``-2``... for repeats."""
    names: dict[str, int] = {}
    out = []
    for r in results:
        base = safe_name(r.student_id)
        if r.status.startswith(UNNAMED):
            base = "_" + hashlib.sha256(r.submission.encode()).hexdigest()[:10] + "-" + base
        n = names.get(base, 0)
        names[base] = n + 1
        out.append(base if n == 0 else f"{base}-{n}")
    return out


def write_outputs(ex: Exercise, results: list, out: Path, batch: str = "complete"):
    """Write ``gradebook.csv`` and ``feedback/`` atomically: everything goes to temp names
    in ``out`` first and is renamed into place only when all of it was written."""
    out.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    fb_new, fb_old = out / f".feedback-new-{tag}", out / f".feedback-old-{tag}"
    gb_new = out / f".gradebook-new-{tag}.csv"
    mc_new = out / f".manual-new-{tag}.csv"
    written = [q for q in ex.questions if q.manual]
    try:
        fb_new.mkdir()
        book = gradebook_csv(ex, results, batch)
        for r, name in zip(results, feedback_names(results), strict=True):
            (fb_new / f"{name}.md").write_text(feedback(ex, r, batch), encoding="utf-8")
        gb_new.write_text(book, encoding="utf-8")
        if written:
            mc_new.write_text(manual_csv(ex, results), encoding="utf-8")
        fb = out / "feedback"
        if fb.is_dir():
            fb.rename(fb_old)
        fb_new.rename(fb)
        gb_new.replace(out / "gradebook.csv")
        if written:
            mc_new.replace(out / "manual.csv")
    except OSError as exc:
        raise CrmsimError(f"out={str(out)!r} could not be written: {exc.strerror or exc}; "
                          "nothing was written") from None
    finally:
        shutil.rmtree(fb_new, ignore_errors=True)
        shutil.rmtree(fb_old, ignore_errors=True)
        gb_new.unlink(missing_ok=True)
        mc_new.unlink(missing_ok=True)

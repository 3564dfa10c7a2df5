"""Keep a grading run in the course database: ``crmsim grade ... --db URL``.

Every result of the batch becomes a row of ``results`` with what a later report needs and
a re-run would otherwise have to recompute: the answers the notebook exported, the values
they were checked against, each check's message in the student's language, the written
answers and the feedback. Merging marks, regrading, the gradebook and item analysis read
these rows; no notebook is executed again.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd

from crmsim.database import dump, now
from crmsim.gradebook.store import RESULTS, RUNS, SUBMITTED

#: values larger than this many elements are kept as their shape and a digest, not in full
MAX_ELEMENTS = 2000


def jsonable(value):
    """A JSON-safe copy of an answer: numbers, text, lists and mappings as they are; NumPy
    and pandas values as plain lists and mappings (large ones summarised)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return v if math.isfinite(v) else str(v)
    if isinstance(value, (pd.DataFrame, pd.Series, np.ndarray)):
        size = int(np.prod(getattr(value, "shape", (len(value),))))
        if size > MAX_ELEMENTS:
            return {"summary": type(value).__name__, "shape": list(value.shape)}
        if isinstance(value, pd.DataFrame):
            return {"columns": [str(c) for c in value.columns],
                    "index": [jsonable(i) for i in value.index],
                    "data": jsonable(value.to_numpy().tolist())}
        if isinstance(value, pd.Series):
            return {str(k): jsonable(v) for k, v in value.items()}
        return jsonable(value.tolist())
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [jsonable(v) for v in items]
    return str(value)[:500]


def submission_time(folder: Path | None, submission: str) -> str | None:
    """When a submission file was last changed (UTC), the time a batch read off the files."""
    if folder is None:
        return None
    try:
        stamp = (Path(folder) / submission).stat().st_mtime
    except (OSError, ValueError):
        return None
    return dt.datetime.fromtimestamp(stamp, dt.timezone.utc).isoformat(timespec="seconds")


def record(engine, ex, results: list, *, batch: str = "complete", folder=None,
           feedback=None) -> int:
    """Store one grading run's results; returns the run's id. ``feedback(result) -> str``
    gives each result's feedback text (the grader's, by default)."""
    if feedback is None:
        from crmsim.grading.feedback import feedback as grader_feedback

        def feedback(r):
            return grader_feedback(ex, r, batch)
    from crmsim.grading.messages import render

    at = now()
    with engine.begin() as conn:
        run_id = int(conn.execute(RUNS.insert().values(
            exercise=ex.id, graded_at=at, batch=batch, n=len(results))).inserted_primary_key[0])
        rows, times = [], []
        for r in results:
            rows.append(dict(
                run_id=run_id, exercise=ex.id, student_id=r.student_id,
                submission=str(r.submission), sha256=r.sha256, status=r.status, lang=r.lang,
                total=float(r.total), max=float(ex.max_points),
                scores=dump({k: float(v) for k, v in r.scores.items()}),
                exported=dump(jsonable(r.exported)), expected=dump(jsonable(r.expected)),
                checks=dump({k: [bool(ok), render(why, r.lang)]
                             for k, (ok, why) in r.answers.items()}),
                mistakes=dump({k: {"en": str(m), "zh": render(m, "zh")}
                               for k, m in getattr(r, "mistakes", {}).items()}),
                written=dump({k: str(v) for k, v in r.written.items()}),
                feedback=feedback(r)))
            when = submission_time(folder, str(r.submission))
            if when is not None and r.student_id:
                times.append(dict(exercise=ex.id, student_id=r.student_id, submitted_at=when,
                                  source="files", recorded_at=at))
        if rows:
            conn.execute(RESULTS.insert(), rows)
        if times:
            conn.execute(SUBMITTED.insert(), times)
    return run_id

"""Grade a folder of submissions: the batch, its parallel runs, and stopping it cleanly.

For each submission (:mod:`.submissions`): read into memory and hashed before anything
runs; in this process only (the course secret never leaves it) checked, its data
regenerated and its expected answers computed (:mod:`.scoring`); run by a local thread or a
Dask worker (``--scheduler``) in its own sandbox (:mod:`.sandbox`); its exported answers
compared here; then ``gradebook.csv``, ``feedback/`` and ``manual.csv`` are written
atomically (:mod:`.gradebook`), and ``similarity.csv`` / ``similarity.html`` list the
pairs of submissions alike beyond a threshold (:mod:`.similarity`; never a grade).

SIGINT or SIGTERM stop the batch promptly: running sandboxes are killed, finished rows
are written with ``batch=interrupted`` and :class:`Interrupted` is raised.
"""

from __future__ import annotations

import math
import signal
import threading

from crmsim.errors import invalid
from crmsim.grading.exercise import Exercise
from crmsim.grading.gradebook import write_outputs
from crmsim.grading.marks import read_marks
from crmsim.grading.result import STATUSES, Result
from crmsim.grading.sandbox import check_isolation
from crmsim.grading.scoring import finish, prepare, run_job
from crmsim.grading.settings import Options
from crmsim.grading.similarity import write_similarity
from crmsim.grading.submissions import (
    check_out_dir,
    check_places,
    check_submissions_dir,
    read_submissions,
)
from crmsim.parallel import run_tasks

__all__ = ["STATUSES", "Interrupted", "Options", "Result", "grade"]


class Interrupted(KeyboardInterrupt):
    """The batch was stopped by SIGINT/SIGTERM; finished rows were written."""

    def __init__(self, signame: str, written: int = 0, total: int = 0, path=None):
        super().__init__(signame)
        self.signame, self.written, self.total, self.path = signame, written, total, path

    def __str__(self) -> str:
        return (f"grading interrupted by {self.signame}: {self.written} of {self.total} "
                f"submissions finished, written to {self.path} with batch=interrupted")


def _check_options(opts: Options) -> None:
    if opts.cell_timeout is not None and not (math.isfinite(opts.cell_timeout)
                                              and opts.cell_timeout > 0):
        raise invalid("cell_timeout", opts.cell_timeout, "a positive number of seconds")
    if opts.disk_mb is not None and not (isinstance(opts.disk_mb, (int, float))
                                         and math.isfinite(opts.disk_mb) and opts.disk_mb > 0):
        raise invalid("disk_mb", opts.disk_mb, "a positive number of megabytes (or None)")


def grade(ex: Exercise, submissions, out, opts: Options | None = None,
          manual=None, keep=None) -> list[Result]:
    """Grade every notebook in ``submissions``; write ``out/gradebook.csv`` and feedback
    (and ``out/manual.csv``, the written answers to mark, if the exercise has any).

    ``manual``: a CSV of marks for written answers (columns ``student``, ``exercise``,
    ``question``, ``points``, ``comment``; e.g. ``manual.csv`` filled in), merged into the
    gradebook; checked before anything runs. Raises :class:`CrmsimError` before anything
    runs if an input is bad or the sandbox cannot start (without ``opts.sandbox=False``),
    and :class:`Interrupted` after writing the finished rows if SIGINT/SIGTERM stopped
    the batch. ``keep(results, batch)``, if given, is called once the outputs are written
    (e.g. to store them in the course database, :mod:`crmsim.gradebook.record`).
    """
    opts = opts or Options()
    folder = check_submissions_dir(submissions)
    out = check_out_dir(out)
    check_places(ex.folder, folder, out)
    _check_options(opts)
    isolation = check_isolation(opts.sandbox, opts.scheduler)
    solution = ex.solution_module()
    subs = read_submissions(folder, ex.id)  # all in memory before anything runs
    marks = read_marks(ex, manual, {s.student_id for s in subs if not s.status}) \
        if manual is not None else {}
    jobs = [None] * len(subs)
    results: list[Result | None] = [None] * len(subs)
    cancel = threading.Event()

    def tasks():
        for i, sub in enumerate(subs):
            jobs[i] = job = prepare(ex, sub, opts, solution, isolation, marks)
            if job.run_args is None:
                results[i] = job.result
                yield ()  # nothing to run: an empty task
            else:
                yield (*job.run_args, None if opts.scheduler else cancel)

    def task(*args):
        return run_job(*args) if args else None

    stop = _Signals(cancel)
    interrupted = None
    try:
        for i, run in run_tasks(task, tasks(), jobs=opts.jobs, scheduler=opts.scheduler,
                                threads=True):
            if run is not None:
                results[i] = finish(ex, jobs[i], run) if not run.get("cancelled") else None
    except KeyboardInterrupt:
        interrupted = stop.name or "SIGINT"
    finally:
        stop.restore()
    done = [r for r in results if r is not None]
    if interrupted:
        for i, r in enumerate(results):
            if r is None:
                results[i] = r = Result(student_id=subs[i].student_id,
                                        submission=subs[i].path, sha256=subs[i].sha256)
                r.scores = {q.id: 0.0 for q in ex.questions}
                r.add("not_graded")
    batch = "interrupted" if interrupted else "complete"
    write_outputs(ex, results, out, batch=batch)
    if keep is not None:
        keep(results, batch)
    write_similarity(ex, subs, out)
    if interrupted:
        raise Interrupted(interrupted, len(done), len(subs), out / "gradebook.csv")
    return results


class _Signals:
    """SIGINT/SIGTERM set ``cancel`` (running sandboxes are killed) and interrupt."""

    def __init__(self, cancel: threading.Event):
        self.name, self.saved = None, {}
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in (signal.SIGINT, signal.SIGTERM):
            self.saved[sig] = signal.signal(sig, self.handler)
        self.cancel = cancel

    def handler(self, signum, _frame):
        self.cancel.set()
        if self.name is None:
            self.name = signal.Signals(signum).name
            raise KeyboardInterrupt

    def restore(self):
        for sig, h in self.saved.items():
            signal.signal(sig, h)

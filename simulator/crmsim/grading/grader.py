"""Grade a folder of submissions: sandboxed execution, outside-kernel checks, gradebook.

For each ``*.ipynb`` (any case; student id from the file name, ``<id>.ipynb`` or
``<exercise-id>_<id>.ipynb``, or from the folder, ``<id>/<anything>.ipynb``):

1. before anything runs, every submission is read once into memory (symbolic links and
   special files are never followed or opened) and hashed; the folder is never written;
2. in this process only (the course secret never leaves it): parse the notebook, check
   the exercise id and the locked cells (edited or deleted cells zero their questions),
   regenerate the student's data, compute the expected answers, choose hidden inputs;
3. a runner (a local thread, or a Dask worker with ``--scheduler``) writes the notebook
   with the hidden test cells and an answer-export cell, plus the student's *observable*
   data and the hidden inputs (never the expected values or the secret) into a private
   temp folder and runs ``pytest -p nbval`` on it inside a bubblewrap sandbox
   (:mod:`crmsim.grading.sandbox`) with per-cell and wall-clock timeouts and limits;
4. the answers JSON the kernel exported is read back (no link followed) and compared
   with the expected values here, outside the kernel;
5. ``gradebook.csv`` (with each submission's sha256 and isolation) and
   ``feedback/<student>.md`` are written atomically at the end; temp folders are removed.

SIGINT or SIGTERM stop the batch promptly: running sandboxes are killed, finished rows
are written with ``batch=interrupted`` and :class:`Interrupted` is raised.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import math
import os
import pickle
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np

from crmsim import assignment
from crmsim.errors import CrmsimError, check_out_folder, invalid
from crmsim.grading import sandbox
from crmsim.grading.checks import compare, compare_choice, compare_ranking, decision_share
from crmsim.grading.exercise import (
    LANGS,
    VALUE_TYPES,
    Exercise,
    cell_meta,
    checksum,
    interpretation_options,
)
from crmsim.grading.messages import STATUSES_ZH, TYPES_ZH, ZH, answer_message_zh, note_zh
from crmsim.parallel import run_tasks

# Status codes, most severe first; a row's status lists every one that applies.
STATUSES = {
    "not_graded": "grading was interrupted before this submission ran; no points yet",
    "unreadable_file": "the submission is a symbolic link, a special file or larger than "
                       "the limit; it was not opened",
    "malformed_notebook": "the file is not a readable Jupyter notebook; nothing was run",
    "invalid_student_id": "no valid student id in the file or folder name; nothing was run",
    "duplicate_student_id": "another submission has the same student id; nothing was run",
    "wrong_exercise": "the notebook belongs to another exercise; nothing was run",
    "grader_error": "the grader failed on this submission (the instructor has the details)",
    "wrong_student_id": "the notebook loaded another student's data; all questions score 0",
    "modified_cells": "locked cells (setup or tests) were edited or deleted; the questions "
                      "they belong to score 0",
    "kernel_died": "the Python kernel died (crash, os._exit, or out of memory)",
    "timeout": "a cell ran longer than the time limit and was interrupted",
    "memory_limit": "a cell needed more memory than the limit",
    "cell_errors": "some cells raised errors",
    "missing_answers": "some answers were not exported",
    "awaiting_marks": "written answers are waiting to be marked by hand; they count 0 "
                      "until the instructor merges the marks",
    "ok": "everything ran and every answer was exported",
}
HERE = Path(__file__).resolve().parent
SID_SEPARATORS = ("__", "_", "-", ".")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MAX_BYTES = 50 * 1024 * 1024  # a submission larger than this is not opened
NPROC = 256  # processes + threads of one submission (kernel, pytest and their threads)


class Interrupted(KeyboardInterrupt):
    """The batch was stopped by SIGINT/SIGTERM; finished rows were written."""

    def __init__(self, signame: str, written: int = 0, total: int = 0, path=None):
        super().__init__(signame)
        self.signame, self.written, self.total, self.path = signame, written, total, path

    def __str__(self) -> str:
        return (f"grading interrupted by {self.signame}: {self.written} of {self.total} "
                f"submissions finished, written to {self.path} with batch=interrupted")


@dataclass
class Options:
    jobs: int = max(1, os.cpu_count() or 1)
    cell_timeout: float | None = None  # default: the exercise's
    memory_mb: int = 3072
    wall_timeout: float | None = None  # default: derived from the cell timeout
    secret: str | None = None
    generator: object = None
    keep_temp: bool = False
    sandbox: bool = True  # False only with the instructor's explicit --no-sandbox
    scheduler: str | None = None  # address of a Dask scheduler; None: local threads


@dataclass
class Submission:
    """One submission as read before grading: bytes in memory, never re-read."""

    path: str  # relative to the submissions folder
    student_id: str
    raw: bytes | None  # None: not opened (link, special file, too large)
    sha256: str = ""
    status: str | None = None  # a status that stops grading before anything runs


@dataclass
class Result:
    student_id: str
    submission: str
    scores: dict = field(default_factory=dict)
    statuses: list = field(default_factory=list)
    answers: dict = field(default_factory=dict)  # answer name -> (passed, message)
    notes: list = field(default_factory=list)
    failed_cells: list = field(default_factory=list)  # (label, message)
    seconds: float = 0.0
    sha256: str = ""
    isolation: str = "not_run"  # sandbox.ISOLATIONS key, or not_run
    written: dict = field(default_factory=dict)  # question id -> the written answer
    marks: dict = field(default_factory=dict)  # question id -> (points, comment), by hand
    data_note: str = ""  # which data the grade used, and why numbers may differ
    lang: str = "en"  # language of the submitted notebook and of its feedback

    def add(self, status):
        if status not in self.statuses:
            self.statuses.append(status)

    @property
    def status(self) -> str:
        order = list(STATUSES)
        st = sorted(self.statuses, key=order.index) or ["ok"]
        return ";".join(st)

    @property
    def total(self) -> float:
        return float(sum(self.scores.values()))


# ---------------------------------------------------------------- discovery
def _is_notebook(name: str) -> bool:
    return name.lower().endswith(".ipynb") and not name.startswith(".")


def find_submissions(folder: Path) -> list[Path]:
    """``*.ipynb`` (any case) in ``folder`` and in its sub-folders one level down.

    Symbolic links are listed (they get an ``unreadable_file`` row) but never followed:
    a linked sub-folder is not entered.
    """
    out = []
    for p in sorted(folder.iterdir()):
        if _is_notebook(p.name) and not p.is_dir():
            out.append(p)
        elif not p.is_symlink() and p.is_dir() and not p.name.startswith("."):
            out += [q for q in sorted(p.iterdir()) if _is_notebook(q.name) and not q.is_dir()]
    return out


def student_id_for(path: Path, folder: Path, exercise_id: str) -> str:
    if path.parent != folder:
        return path.parent.name
    stem = path.name[: -len(".ipynb")]
    for sep in SID_SEPARATORS:
        if stem.startswith(exercise_id + sep):
            return stem[len(exercise_id) + len(sep):]
        if stem.endswith(sep + exercise_id):
            return stem[: -len(exercise_id) - len(sep)]
    return stem


def safe_name(sid: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_.-]", "_", sid)[:64].lstrip(".")
    return s or "unnamed"


def read_regular(path: Path, limit: int = MAX_BYTES) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a link) within ``limit``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(limit + 1)
        return data if len(data) <= limit else None
    finally:
        os.close(fd)


def read_submissions(folder: Path, exercise_id: str) -> list[Submission]:
    """Read and hash every submission into memory (before any of them runs)."""
    subs, seen = [], set()
    for p in find_submissions(folder):
        sid = student_id_for(p, folder, exercise_id)
        raw = read_regular(p)
        sub = Submission(path=str(p.relative_to(folder)), student_id=sid, raw=raw,
                         sha256=hashlib.sha256(raw).hexdigest() if raw is not None else "")
        if raw is None:
            sub.status = "unreadable_file"
        elif not assignment.STUDENT_ID_RE.match(sid):
            sub.status = "invalid_student_id"
        elif sid in seen:
            sub.status = "duplicate_student_id"
        seen.add(sid)
        subs.append(sub)
    return subs


# ---------------------------------------------------------------- validation
def check_out_dir(out) -> Path:
    """The grading output folder: writable, created with its parents if needed."""
    out = check_out_folder("out", out, parents=True)
    for name, kind in (("gradebook.csv", "file"), ("feedback", "folder"),
                       ("manual.csv", "file")):
        p = out / name
        if p.is_symlink() or (p.exists() and (p.is_dir() != (kind == "folder"))):
            raise invalid("out", str(out), f"a folder whose {name} is a {kind} (or absent)")
    return out


def check_submissions_dir(path) -> Path:
    p = Path(path)
    if not p.is_dir():
        raise invalid("submissions", str(path), "an existing folder of *.ipynb files")
    try:
        found = find_submissions(p)
    except OSError:
        found = []
    if not found:
        raise invalid("submissions", str(path), "a readable folder containing at least one "
                      "*.ipynb (directly or in one sub-folder per student)")
    return p


def check_isolation(opts: Options) -> str:
    """``"bwrap"``, or ``"none"`` with the explicit opt-out; refuse if bwrap cannot run."""
    if not opts.sandbox:
        return "none"
    why = None if opts.scheduler else sandbox.problem()
    if why:
        raise CrmsimError(f"sandbox is unavailable: {why}; to grade without it (each "
                          "notebook then runs as your user) pass --no-sandbox")
    return "bwrap"


def _inside(child: Path, parent: Path) -> bool:
    child, parent = child.resolve(), parent.resolve()
    return child == parent or parent in child.parents


def check_places(ex: Exercise, folder: Path, out: Path) -> None:
    """The output folder is neither in the submissions folder nor in the exercise's."""
    if _inside(out, folder):
        raise invalid("out", str(out), "a folder outside the submissions folder")
    if _inside(out, ex.folder):
        raise invalid("out", str(out), "a folder outside the exercise folder")


# ---------------------------------------------------------------- preparing one run
def _cells_by_name(nb) -> dict[str, list]:
    out: dict[str, list] = {}
    for c in nb.cells:
        name = cell_meta(c).get("cell")
        if isinstance(name, str):
            out.setdefault(name, []).append(c)
    return out


def check_locked(ex: Exercise, nb, res: Result) -> set[str]:
    """Compare locked cells with the source; return the ids of questions zeroed."""
    qids = {q.id for q in ex.questions}
    by_name = _cells_by_name(nb)
    zeroed: set[str] = set()
    allowed = ex.locked_alternatives()  # English source or its Chinese twin
    for cell in ex.cells("locked"):
        m = cell_meta(cell)
        got = by_name.get(m["cell"], [])
        if len(got) == 1 and checksum(got[0].source) in allowed[m["cell"]]:
            continue
        what = "deleted" if not got else ("duplicated" if len(got) > 1 else "edited")
        if cell.cell_type != "code":
            res.notes.append(f"text cell `{m['cell']}` was {what} (no effect on points)")
            continue
        affected = {m["question"]} if m.get("question") else qids
        zeroed |= affected
        res.add("modified_cells")
        scope = (f"question {m['question']}" if m.get("question")
                 else "every question (it is a setup cell)")
        res.notes.append(f"locked cell `{m['cell']}` was {what}: {scope} scores 0")
    return zeroed


def graded_notebook(ex: Exercise, nb, export_names: list[str]):
    """Submission cells + hidden cells + an export cell; outputs and nbval tags removed."""
    hidden = ex.cells("hidden")
    hidden_names = {cell_meta(c)["cell"] for c in hidden}
    cells, labels = [], []
    for c in nb.cells:
        if cell_meta(c).get("cell") in hidden_names:
            continue
        c = copy.deepcopy(c)
        c.metadata.pop("tags", None)
        c.metadata.pop("nbval", None)
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
            name = cell_meta(c).get("cell") or f"your code cell #{len(labels) + 1}"
            labels.append(("student", name, cell_meta(c).get("question")))
        cells.append(c)
    for c in hidden:
        c = copy.deepcopy(c)
        c.outputs, c.execution_count = [], None
        cells.append(c)
        labels.append(("hidden", cell_meta(c)["cell"], cell_meta(c).get("question")))
    export = nbformat.v4.new_code_cell(
        "from crmsim import assignment as _crmsim_assignment\n"
        f"_crmsim_assignment.submit_from(globals(), {export_names!r})")
    cells.append(export)
    labels.append(("grader", "answer export", None))
    out = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    for i, c in enumerate(out.cells):
        c.id = f"c{i}"
    return out, labels


# ---------------------------------------------------------------- running one notebook
def _kill_tagged(token: str) -> None:
    """Without a sandbox: kill every process that carries this run's token (best effort;
    a process that clears its environment escapes it, which the sandbox prevents)."""
    needle = f"CRMSIM_GRADE_TOKEN={token}".encode()
    for d in Path("/proc").glob("[0-9]*"):
        try:
            if needle in (d / "environ").read_bytes().split(b"\0"):
                os.kill(int(d.name), signal.SIGKILL)
        except (OSError, ValueError):
            continue


def child_env(root: str, token: str) -> dict:
    """The run's environment: nothing of the grader's ``CRMSIM_*`` (the secret), paths
    under ``root`` (``/sandbox`` inside the sandbox)."""
    keep = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TERM")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update({
        "HOME": f"{root}/home", "USER": "student", "LOGNAME": "student",
        "TMPDIR": f"{root}/tmp", "IPYTHONDIR": f"{root}/ipython",
        "JUPYTER_RUNTIME_DIR": f"{root}/jupyter/runtime",
        "JUPYTER_DATA_DIR": f"{root}/jupyter/data",
        "JUPYTER_CONFIG_DIR": f"{root}/jupyter/config",
        "XDG_CACHE_HOME": f"{root}/cache", "XDG_CONFIG_HOME": f"{root}/config",
        "MPLCONFIGDIR": f"{root}/mpl", "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "CRMSIM_GRADE_TOKEN": token,
        "CRMSIM_GRADE_REPORT": f"{root}/report.json",
        assignment.GRADING_DATA_ENV: f"{root}/work/assignment.pkl",
        assignment.ANSWERS_ENV: f"{root}/work/answers.json",
    })
    assert assignment.SECRET_ENV not in env
    return env


def _prepare_folder(tmp: Path, nb_json: str, bundle: dict, uid: int | None) -> None:
    for d in ("work", "home", "tmp", "ipython", "jupyter/runtime", "jupyter/data",
              "jupyter/config", "cache", "config", "mpl"):
        (tmp / d).mkdir(parents=True, exist_ok=True)
    work = tmp / "work"
    (work / "pytest.ini").write_text("[pytest]\n")
    (work / "submission.ipynb").write_text(nb_json, encoding="utf-8")
    with open(work / "assignment.pkl", "wb") as fh:
        pickle.dump(bundle, fh)
    # Both helpers run as plain files: importing the crmsim package would cost a second.
    shutil.copyfile(HERE / "_nbplugin.py", work / "conftest.py")
    shutil.copyfile(HERE / "_limited.py", tmp / "_limited.py")
    if uid is not None:
        for p in [tmp, *tmp.rglob("*")]:
            os.chown(p, uid, uid, follow_symlinks=False)


def run_isolated(nb_json: str, bundle: dict, *, cell_timeout: float, wall_timeout: float,
                 memory_mb: int, isolation: str = "bwrap", keep: bool = False,
                 cancel: threading.Event | None = None) -> dict:
    """Execute a notebook with pytest + nbval in a private temp folder, sandboxed unless
    ``isolation="none"``; return what it left (answers, report, output tail).

    Takes no secret: ``bundle`` holds only the student's observable data and hidden
    inputs. Runs in the grader (a thread) or on a Dask worker.
    """
    if isolation == "bwrap" and sandbox.problem():
        raise CrmsimError(f"sandbox is unavailable on this worker: {sandbox.problem()}")
    tmp = Path(tempfile.mkdtemp(prefix="crmsim-grade-"))
    token = uuid.uuid4().hex
    uid = sandbox.sandbox_uid() if isolation == "bwrap" else None
    log = tempfile.TemporaryFile(prefix="crmsim-grade-log-")
    try:
        _prepare_folder(tmp, nb_json, bundle, uid)
        root = sandbox.INSIDE if isolation == "bwrap" else str(tmp)
        cpu = int(wall_timeout) * 2 + 10
        py = sys.executable
        cmd = [py, f"{root}/_limited.py", str(memory_mb), str(cpu), str(NPROC),
               "-" if uid is None else str(uid), "--",
               py, "-m", "pytest", "-p", "nbval.plugin", "-p", "no:cacheprovider",
               "--nbval-lax", "--nbval-current-env", f"--nbval-cell-timeout={cell_timeout:g}",
               "--nbval-kernel-startup-timeout=60", "-q", "--no-header", "-rN", "--tb=short",
               "-c", f"{root}/work/pytest.ini", "--rootdir", f"{root}/work", "submission.ipynb"]
        if isolation == "bwrap":
            cmd = sandbox.wrap(cmd, tmp, uid=uid)
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=tmp / "work", env=child_env(root, token),
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        stopped = _wait(proc, wall_timeout, cancel)
        if isolation == "none":
            _kill_tagged(token)
        log.seek(0, io.SEEK_END)
        log.seek(max(0, log.tell() - 8000))
        out = {"returncode": proc.returncode, "wall_timeout": stopped == "timeout",
               "cancelled": stopped == "cancelled",
               "stdout": log.read().decode("utf-8", "replace"),
               "seconds": time.monotonic() - t0, "isolation": isolation,
               "answers": _read_json(tmp, "work", "answers.json"),
               "report": _read_json(tmp, "report.json")}
        return out
    finally:
        log.close()
        if keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            _remove(tmp)


def _wait(proc: subprocess.Popen, timeout: float, cancel) -> str | None:
    """Wait for the run; kill its whole process group on timeout or cancellation."""
    end = time.monotonic() + timeout
    why = None
    while proc.poll() is None:
        if cancel is not None and cancel.is_set():
            why = "cancelled"
        elif time.monotonic() > end:
            why = "timeout"
        if why:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
            break
        try:
            proc.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            pass
    return why


def _remove(tmp: Path) -> None:
    def fix(func, path, _exc):  # a notebook may have made its folders unwritable
        try:
            os.chmod(os.path.dirname(path), 0o700)
            func(path)
        except OSError:
            pass
    shutil.rmtree(tmp, onerror=fix)


def _read_json(root: Path, *parts: str):
    """Read a JSON object the run left under ``root`` without following any link (the
    notebook could have replaced files or folders by links or FIFOs)."""
    fds = []
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        fds.append(fd)
        for d in parts[:-1]:
            fd = os.open(d, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            fds.append(fd)
        fd = os.open(parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=fd)
        fds.append(fd)
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_BYTES:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            doc = json.loads(fh.read(MAX_BYTES).decode("utf-8"))
        return doc if isinstance(doc, dict) else None
    except (OSError, ValueError):
        return None
    finally:
        for fd in fds:
            os.close(fd)


# ---------------------------------------------------------------- grading one submission
class Prepared:
    """Expected answers, hidden inputs and options for one student, in this process."""

    def __init__(self, ex: Exercise, sid: str, opts: Options, solution):
        self.full = assignment.generate(ex.id, sid, secret=opts.secret,
                                        generator=opts.generator)
        self.observable = assignment.observable(self.full)
        seed = assignment.seed_for(ex.id, sid, opts.secret, purpose="hidden")
        rng = np.random.default_rng(seed)
        make_hidden = getattr(solution, "hidden_inputs", None)
        self.hidden = make_hidden(self.observable, rng) if make_hidden else {}
        self.expected = solution.expected(self.full, self.hidden)
        options = interpretation_options(ex, solution, self.full, self.hidden)
        assignment.set_choices(self.observable, options)
        for q in ex.questions:
            if q.id in options:
                self.expected[q.answers[0]] = options[q.id]
        self.solution = solution


def data_note(secret: str | None, lang: str = "en") -> str:
    """Which data a grade used, and why a number can differ from what the student saw."""
    practice = (secret if secret is not None else assignment.course_secret()) \
        == assignment.DEFAULT_SECRET
    if lang == "zh":
        return ZH["practice data" if practice else "course data"]
    if practice:
        return ("Graded on the practice data: the same tables `assignment.load` gives you "
                "at home with your student id (no course secret was set), so your numbers "
                "should match what you saw.")
    return ("Graded on your personal course data: generated from the course secret and "
            "your student id, which your own computer does not have. Your notebook was "
            "re-run on it, so answers your code computes are recomputed and checked on "
            "that data; a number you typed in by hand (or copied from what you saw at "
            "home) can differ from the graded value and then fails.")


@dataclass
class Job:
    """What the grader keeps about a submission while its notebook runs elsewhere."""

    result: Result
    prep: Prepared | None = None
    labels: list = field(default_factory=list)
    zeroed: set = field(default_factory=set)
    run_args: tuple | None = None  # arguments of run_isolated; None: nothing to run


def _fail(ex: Exercise, res: Result, exc: BaseException, where: str) -> Result:
    res.scores = {q.id: 0.0 for q in ex.questions}
    res.add("grader_error")
    res.notes.append("the grader failed; your instructor has been told")
    print(f"grader error on {where}: {type(exc).__name__}: {exc}", file=sys.stderr)
    return res


def prepare(ex: Exercise, sub: Submission, opts: Options, solution, isolation: str,
            marks: dict | None = None) -> Job:
    """Everything before the run, in the grader's process: checks, data, expected values."""
    res = Result(student_id=sub.student_id, submission=sub.path, sha256=sub.sha256)
    res.marks = dict((marks or {}).get(sub.student_id, {}))
    res.scores = {q.id: 0.0 for q in ex.questions}
    job = Job(res)
    if sub.status:
        res.add(sub.status)
        return job
    try:
        try:
            nb = nbformat.reads(sub.raw.decode("utf-8"), as_version=4)
            nbformat.validate(nb)
        except Exception as exc:  # noqa: BLE001 - every parse failure is the same status
            res.add("malformed_notebook")
            res.notes.append(f"could not read the notebook: {type(exc).__name__}: "
                             f"{str(exc).splitlines()[0][:200] if str(exc) else ''}")
            return job
        crm = nb.metadata.get("crmsim")
        meta_ex = crm.get("exercise") if isinstance(crm, dict) else None
        if meta_ex is not None and meta_ex != ex.id:
            res.add("wrong_exercise")
            res.notes.append(f"this notebook is exercise {str(meta_ex)[:60]!r}, not {ex.id!r}")
            return job
        if isinstance(crm, dict) and crm.get("lang") in LANGS:
            res.lang = crm["lang"]  # a notebook released with --lang zh: feedback in Chinese
        job.zeroed = check_locked(ex, nb, res)
        job.prep = Prepared(ex, sub.student_id, opts, solution)
        res.data_note = data_note(opts.secret, res.lang)
        hidden_q = {cell_meta(c).get("question") for c in ex.cells("hidden")}
        export = [a for q in ex.questions if q.id not in hidden_q for a in q.answers]
        gnb, job.labels = graded_notebook(ex, nb, export)
        n_code = sum(1 for c in gnb.cells if c.cell_type == "code")
        cell_timeout = opts.cell_timeout or ex.cell_timeout
        wall = opts.wall_timeout or min(n_code * (cell_timeout + 6) + 60, 1800)
        bundle = {"exercise_id": ex.id, "student_id": sub.student_id,
                  "data": job.prep.observable, "hidden": job.prep.hidden}
        job.run_args = (nbformat.writes(gnb), bundle, cell_timeout, wall, opts.memory_mb,
                        isolation, opts.keep_temp)
    except Exception as exc:  # noqa: BLE001 - one submission must never stop the batch
        _fail(ex, res, exc, sub.path)
        job.run_args = None
    return job


def run_job(nb_json, bundle, cell_timeout, wall, memory_mb, isolation, keep, cancel=None):
    """The part of a submission that runs on a worker: the sandboxed notebook run only."""
    try:
        return run_isolated(nb_json, bundle, cell_timeout=cell_timeout, wall_timeout=wall,
                            memory_mb=memory_mb, isolation=isolation, keep=keep, cancel=cancel)
    except Exception as exc:  # noqa: BLE001 - reported as this submission's grader_error
        return {"error": f"{type(exc).__name__}: {exc}"}


def finish(ex: Exercise, job: Job, run: dict) -> Result:
    """Interpret a run and compare its answers with the expected values (in the grader)."""
    res = job.result
    if "error" in run:
        return _fail(ex, res, RuntimeError(run["error"]), res.submission)
    res.isolation = run["isolation"]
    _interpret_run(ex, run, job.labels, res)
    doc = run["answers"] or {}
    answers = doc.get("answers") if isinstance(doc.get("answers"), dict) else {}
    errors = doc.get("errors") if isinstance(doc.get("errors"), dict) else {}
    used = doc.get("student_ids") if isinstance(doc.get("student_ids"), list) else []
    sid = res.student_id
    wrong_id = [str(u)[:64] for u in used if u != sid]
    if wrong_id:
        res.add("wrong_student_id")
        res.notes.append(f"the notebook loaded data for student id(s) {', '.join(wrong_id)}, "
                         f"but this submission is {sid!r}; set STUDENT_ID to your own id")
    failed_q = {q for _, _, q in res.failed_cells if q}
    missing = False
    for q in ex.questions:
        shares = []
        for name in q.answers:
            if name in answers:
                share, msg = _check(q, name, answers[name], job.prep, res)
            else:
                missing = True
                share = 0.0
                why = str(errors.get(name, "not exported"))[:200]
                if q.id in failed_q:
                    why += " (see the failed cells below)"
                msg = f"no answer: {why}"
            res.answers[name] = (share >= 1.0, msg)
            shares.append(share)
        zero = q.id in job.zeroed or bool(wrong_id)
        share = 0.0 if zero else min(shares)
        res.scores[q.id] = round(float(q.points) * share, 2)
    if missing:
        res.add("missing_answers")
    job.prep.full = job.prep.observable = None  # a class's data need not stay in memory
    return res


def _check(q, name: str, got, prep: Prepared, res: Result) -> tuple[float, str]:
    """Share of the question's points (0-1) earned by one answer, and why."""
    if q.type in VALUE_TYPES:
        ok, msg = compare(q, got, prep.expected.get(name))
        return float(ok), msg
    if q.type == "choice":
        return compare_choice(got, prep.expected[name])
    if q.type == "ranking":
        return compare_ranking(got, prep.expected[name])
    if q.type == "decision":
        return score_decision(q, prep.solution, prep.full, got)
    # written: marked by hand; merged from --manual marks
    if not isinstance(got, str) or not got.strip():
        return 0.0, "expected your written answer as a text"
    res.written[q.id] = got
    n = assignment.word_count(got)
    lo, hi = q.words
    length = "" if lo <= n <= hi else f" (asked for {lo}-{hi} words)"
    if q.id in res.marks:
        points, comment = res.marks[q.id]
        return points / q.points, (f"marked by hand: {points:g} / {q.points:g}"
                                   + (f" - {comment}" if comment else "") + length)
    res.add("awaiting_marks")
    return 0.0, f"{n} words recorded for marking by hand{length}"


def score_decision(q, solution, data, decision) -> tuple[float, str]:
    """Simulate the student's decision and the candidates on the student's own market
    (common random numbers: the same seed for every decision) and score it between the
    do-nothing baseline (first candidate) and the best of candidates and student."""
    evaluate = getattr(solution, q.evaluate)
    budget = getattr(solution, q.budget, None) if q.budget else None
    try:
        why = budget(data, decision) if budget else None
        if why:
            return 0.0, f"your decision is not allowed: {str(why)[:200]}"
        student = float(evaluate(data, decision))
    except (CrmsimError, ValueError, TypeError, KeyError) as exc:
        return 0.0, f"your decision could not be simulated: {str(exc)[:200]}"
    values = [float(evaluate(data, c)) for c in getattr(solution, q.candidates)(data)]
    baseline, best = values[0], max([*values, student])
    share = decision_share(student, baseline, best)
    if share >= 1:
        return 1.0, "your decision is as good as the best one the grader tried"
    if student <= baseline:
        return share, "your decision does no better than doing nothing"
    return share, (f"your decision achieves {share:.0%} of the improvement over doing "
                   "nothing that the best decision the grader tried achieves")


def _interpret_run(ex, run, labels, res: Result):
    report = run["report"] or {}
    cells = report.get("cells", {}) if isinstance(report.get("cells"), dict) else {}
    dead = False
    died = report.get("kernel_died_in_cell")
    died = died if isinstance(died, int) and 0 <= died < len(labels) else None
    for key, info in cells.items():
        if not isinstance(info, dict) or info.get("outcome") != "failed":
            continue
        try:
            kind, name, q = labels[int(key)]
        except (ValueError, IndexError):
            continue
        msg = ANSI.sub("", str(info.get("message", "")))
        short = _short_error(msg)
        if died == int(key):
            short = "the kernel died while running this cell"
        elif "Kernel dead" in msg or "Kernel died" in msg or "dead kernel" in msg.lower():
            dead = True
            short = "not run: the kernel had died"
        elif "Timeout of" in msg or "KeyboardInterrupt" in msg:
            res.add("timeout")
        elif "MemoryError" in msg:
            res.add("memory_limit")
        res.add("cell_errors")
        if kind == "hidden":
            short = "a hidden test of this question raised: " + short.split("\n")[-1]
        elif failing_line(msg) and died != int(key):
            short += f" at the line `{failing_line(msg)}`"
        res.failed_cells.append((f"{name}" + (f" (question {q})" if q else ""), short, q))
    if died is not None:
        dead = True
        res.notes.append(f"the kernel died while running cell `{labels[died][1]}`; later "
                         "cells did not run")
    if dead:
        res.add("kernel_died")
    if run["wall_timeout"]:
        res.add("timeout")
        res.notes.append(f"the notebook was stopped after {run['seconds']:.0f} s in total")
    if report.get("collect_errors"):
        res.add("cell_errors")
        res.notes.append("pytest could not collect the notebook")
    if not report and not run["wall_timeout"]:
        res.add("kernel_died")
        res.notes.append("the test run ended without a report")


def failing_line(msg: str) -> str:
    """The line of the cell itself that raised (IPython marks it ``---->``), e.g. the
    public test's failing ``assert``; empty if the traceback has none."""
    for ln in msg.splitlines():
        m = re.match(r"^\s*---->\s*\d+\s?(.*)$", ln)
        if m and m.group(1).strip():
            return m.group(1).strip().replace("`", "'")[:200]
    return ""


def _short_error(msg: str) -> str:
    lines = [ln for ln in msg.strip().splitlines() if ln.strip()]
    keep = [ln.strip() for ln in lines if re.match(r"^\s*[A-Za-z_.]*(Error|Exception|Interrupt"
                                                   r"|Exit)\b", ln) or "Timeout of" in ln]
    text = keep[-1] if keep else (lines[-1] if lines else "failed")
    return text[:300]


# ---------------------------------------------------------------- the batch
def grade(ex: Exercise, submissions, out, opts: Options | None = None,
          manual=None) -> list[Result]:
    """Grade every notebook in ``submissions``; write ``out/gradebook.csv`` and feedback
    (and ``out/manual.csv``, the written answers to mark, if the exercise has any).

    ``manual``: a CSV of marks for written answers (columns ``student``, ``exercise``,
    ``question``, ``points``, ``comment``; e.g. ``manual.csv`` filled in), merged into the
    gradebook; checked before anything runs. Raises :class:`CrmsimError` before anything
    runs if an input is bad or the sandbox cannot start (without ``opts.sandbox=False``),
    and :class:`Interrupted` after writing the finished rows if SIGINT/SIGTERM stopped
    the batch.
    """
    opts = opts or Options()
    folder = check_submissions_dir(submissions)
    out = check_out_dir(out)
    check_places(ex, folder, out)
    if opts.cell_timeout is not None and not (math.isfinite(opts.cell_timeout)
                                              and opts.cell_timeout > 0):
        raise invalid("cell_timeout", opts.cell_timeout, "a positive number of seconds")
    isolation = check_isolation(opts)
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

    stop = _on_signals(cancel)
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
    write_outputs(ex, results, out, batch="interrupted" if interrupted else "complete")
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


def _on_signals(cancel: threading.Event) -> _Signals:
    return _Signals(cancel)


def write_outputs(ex: Exercise, results: list[Result], out: Path, batch: str = "complete"):
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
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["student_id", *[q.id for q in ex.questions], "total", "max", "status",
                    "submission", "sha256", "isolation", "batch"])
        for r in results:
            w.writerow([r.student_id, *[f"{r.scores[q.id]:g}" for q in ex.questions],
                        f"{r.total:g}", f"{ex.max_points:g}", r.status, r.submission,
                        r.sha256, r.isolation, batch])
        names: dict[str, int] = {}
        for r in results:
            base = safe_name(r.student_id)
            if r.status.startswith(("unreadable_file", "invalid_student_id",
                                    "duplicate_student_id")):
                base = "_" + hashlib.sha256(r.submission.encode()).hexdigest()[:10] + "-" + base
            n = names.get(base, 0)
            names[base] = n + 1
            name = base if n == 0 else f"{base}-{n}"
            (fb_new / f"{name}.md").write_text(feedback(ex, r, batch), encoding="utf-8")
        gb_new.write_text(buf.getvalue(), encoding="utf-8")
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


MARK_COLUMNS = ("student", "exercise", "question", "points", "comment")


def manual_csv(ex: Exercise, results: list[Result]) -> str:
    """The written answers to mark: one row per student and written question. Fill in
    ``points`` (and ``comment``) and pass the file back with ``--manual``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["student", "exercise", "question", "max_points", "words", "words_asked",
                "rubric", "answer", "points", "comment"])
    for r in results:
        for q in ex.questions:
            if not q.manual or q.id not in r.written:
                continue
            text = r.written[q.id]
            rubric = "; ".join(f"{c['points']:g}: {c['criterion']}" for c in q.rubric)
            points, comment = r.marks.get(q.id, (None, ""))
            w.writerow([r.student_id, ex.id, q.id, f"{q.points:g}", assignment.word_count(text),
                        f"{q.words[0]}-{q.words[1]}", rubric, text,
                        "" if points is None else f"{points:g}", comment])
    return buf.getvalue()


def read_marks(ex: Exercise, path, students: set[str]) -> dict[str, dict]:
    """``student -> {question: (points, comment)}`` from a marks CSV, or a one-line
    :class:`CrmsimError` naming the row; rows with empty ``points`` are not marked yet."""
    raw = read_regular(Path(path))
    if raw is None:
        raise invalid("manual", str(path), "a readable CSV file of marks (not a link)")

    def bad(row, what):
        return CrmsimError(f"manual={str(path)!r} is invalid: row {row}: {what}")

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


def _verdict(q, r: Result, check: tuple) -> str:
    ok, msg = check
    zh = r.lang == "zh"
    if zh:
        msg = answer_message_zh(msg)
    if q.manual and q.id in r.written:
        if q.id in r.marks:
            return msg
        return (ZH["awaiting marks by hand"] + " - " if zh else "awaiting marks by hand - ") + msg
    if ok:
        return ZH["passed"] if zh else "passed"
    part = r.scores[q.id] > 0
    if zh:
        return f"{ZH['partly'] if part else ZH['failed']} - {msg}"
    return ("partly - " if part else "failed - ") + msg


def feedback(ex: Exercise, r: Result, batch: str = "complete") -> str:
    """The student's feedback in Markdown, in the language of the submitted notebook."""
    zh = r.lang == "zh"

    def w(key: str, en: str) -> str:
        return ZH[key] if zh else en

    title = (ex.title_zh or ex.title) if zh else ex.title
    lines = [f"# {w('Feedback', 'Feedback')}: {title}", "",
             f"- {w('student', 'student')}: `{r.student_id}`",
             f"- {w('submission', 'submission')}: `{r.submission}`",
             f"- {w('score', 'score')}: **{r.total:g} / {ex.max_points:g}**",
             f"- {w('status', 'status')}: `{r.status}`",
             f"- {w('isolation', 'isolation')}: `{r.isolation}`"]
    if batch != "complete":
        lines.append(f"- {w('batch', 'batch')}: `{batch}` "
                     f"({w('batch stopped', 'grading was stopped; this is not final')})")
    lines.append("")
    for st in r.status.split(";"):
        lines.append(f"  - `{st}`: {STATUSES_ZH[st] if zh else STATUSES[st]}")
    lines += ["", f"## {w('Questions', 'Questions')}", "",
              f"| {w('question', 'question')} | {w('type', 'type')} | {w('points', 'points')} "
              f"| {w('result', 'result')} |", "|---|---|---|---|"]
    for q in ex.questions:
        checks = [r.answers.get(a) for a in q.answers]
        if all(c is None for c in checks):
            verdict = w("not checked", "not checked")
        else:
            verdict = "; ".join(f"`{a}`: {_verdict(q, r, c)}"
                                for a, c in zip(q.answers, checks, strict=True) if c)
        qtitle = f"{q.id} {q.title_in(r.lang)}".strip()
        qtype = TYPES_ZH[q.type] if zh else q.type
        lines.append(f"| {qtitle} | {qtype} | {r.scores[q.id]:g} / {q.points:g} | "
                     f"{verdict.replace('|', '/')} |")
    failing = [q for q in ex.questions if r.scores[q.id] < q.points and q.hint
               and not (q.manual and q.id not in r.marks and q.id in r.written)]
    if failing:
        lines += ["", f"## {w('Hints', 'Hints for the questions that lost points')}", ""]
        lines += [f"- {q.id}: {q.hint_in(r.lang)}" for q in failing]
    if r.failed_cells:
        lines += ["", f"## {w('Failed cells', 'Cells that failed')}", ""]
        tr = note_zh if zh else str
        lines += [f"- {tr(label)}: `{tr(msg).replace('`', chr(39))}`"
                  for label, msg, _ in r.failed_cells]
    if r.notes:
        lines += ["", f"## {w('Notes', 'Notes')}", ""]
        lines += [f"- {note_zh(n) if zh else n}" for n in r.notes]
    if r.data_note:
        lines += ["", f"## {w('Data', 'Which data the grade used')}", "", r.data_note]
    lines += ["", w("closing", "Hidden checks compare your exported answers with values "
                    "computed from your own data by the grader; expected values are not "
                    "shown."), ""]
    return "\n".join(lines)

"""Grade a folder of submissions: isolated execution, outside-kernel checks, gradebook.

For each ``*.ipynb`` (student id from the file name, ``<id>.ipynb`` or
``<exercise-id>_<id>.ipynb``, or from the folder, ``<id>/<anything>.ipynb``):

1. read the file once (never written), parse it, check the exercise id, and compare
   every locked cell with the source notebook (edited or deleted cells are detected by
   checksum and zero the questions they belong to);
2. regenerate the student's data from the course secret in this process, compute the
   expected answers here and choose the hidden test inputs;
3. in a private temporary folder, write the notebook with the hidden test cells and a
   final answer-export cell appended, plus the student's *observable* data and the
   hidden inputs (never the expected values), and run ``pytest -p nbval`` on it in a
   child process with a per-cell timeout, a wall-clock timeout and ``RLIMIT_AS``;
4. read the answers JSON the kernel exported and compare it with the expected values
   here, outside the kernel, so nothing the notebook does can change a check;
5. write ``gradebook.csv`` and ``feedback/<student>.md``; the temporary folder and any
   process left behind are removed.
"""

from __future__ import annotations

import concurrent.futures as cf
import copy
import csv
import hashlib
import json
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np

from crmsim import assignment
from crmsim.errors import check_out_folder, invalid
from crmsim.grading.checks import compare
from crmsim.grading.exercise import Exercise, cell_meta, checksum

# Status codes, most severe first; a row's status lists every one that applies.
STATUSES = {
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
    "ok": "everything ran and every answer was exported",
}
HERE = Path(__file__).resolve().parent
SID_SEPARATORS = ("__", "_", "-", ".")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class Options:
    jobs: int = max(1, os.cpu_count() or 1)
    cell_timeout: float | None = None  # default: the exercise's
    memory_mb: int = 3072
    wall_timeout: float | None = None  # default: derived from the cell timeout
    secret: str | None = None
    generator: object = None
    keep_temp: bool = False


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
def find_submissions(folder: Path) -> list[Path]:
    out = []
    for p in sorted(folder.iterdir()):
        if p.is_file() and p.suffix == ".ipynb":
            out.append(p)
        elif p.is_dir() and not p.name.startswith("."):
            out += [q for q in sorted(p.iterdir()) if q.is_file() and q.suffix == ".ipynb"]
    return out


def student_id_for(path: Path, folder: Path, exercise_id: str) -> str:
    if path.parent != folder:
        return path.parent.name
    stem = path.stem
    for sep in SID_SEPARATORS:
        if stem.startswith(exercise_id + sep):
            return stem[len(exercise_id) + len(sep):]
        if stem.endswith(sep + exercise_id):
            return stem[: -len(exercise_id) - len(sep)]
    return stem


def safe_name(sid: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_.-]", "_", sid)[:64].lstrip(".")
    return s or "unnamed"


# ---------------------------------------------------------------- validation
def check_out_dir(out) -> Path:
    """The grading output folder: writable, created with its parents if needed."""
    return check_out_folder("out", out, parents=True)


def check_submissions_dir(path) -> Path:
    p = Path(path)
    if not p.is_dir():
        raise invalid("submissions", str(path), "an existing folder of *.ipynb files")
    if not find_submissions(p):
        raise invalid("submissions", str(path), "a folder containing at least one *.ipynb "
                      "(directly or in one sub-folder per student)")
    return p


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
    for cell in ex.cells("locked"):
        m = cell_meta(cell)
        got = by_name.get(m["cell"], [])
        want = checksum(cell.source)
        if len(got) == 1 and checksum(got[0].source) == want:
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
    """Kill every process that carries this run's token (the kernel runs in its own
    session, so killing the pytest process group does not reach it)."""
    needle = f"CRMSIM_GRADE_TOKEN={token}".encode()
    for d in Path("/proc").glob("[0-9]*"):
        try:
            if needle in (d / "environ").read_bytes().split(b"\0"):
                os.kill(int(d.name), signal.SIGKILL)
        except (OSError, ValueError):
            continue


def child_env(tmp: Path, token: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k != assignment.SECRET_ENV and not k.startswith(("CRMSIM_", "PYTEST_", "JUPYTER"))}
    home = tmp / "home"
    for d in ("home", "tmp", "ipython", "jupyter/runtime", "jupyter/data", "jupyter/config",
              "cache", "config", "mpl"):
        (tmp / d).mkdir(parents=True, exist_ok=True)
    env.update({
        "HOME": str(home), "TMPDIR": str(tmp / "tmp"), "IPYTHONDIR": str(tmp / "ipython"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "jupyter/runtime"),
        "JUPYTER_DATA_DIR": str(tmp / "jupyter/data"),
        "JUPYTER_CONFIG_DIR": str(tmp / "jupyter/config"),
        "XDG_CACHE_HOME": str(tmp / "cache"), "XDG_CONFIG_HOME": str(tmp / "config"),
        "MPLCONFIGDIR": str(tmp / "mpl"), "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
        "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "CRMSIM_GRADE_TOKEN": token,
        "CRMSIM_GRADE_REPORT": str(tmp / "report.json"),
        assignment.GRADING_DATA_ENV: str(tmp / "work" / "assignment.pkl"),
        assignment.ANSWERS_ENV: str(tmp / "work" / "answers.json"),
    })
    return env


def run_isolated(nb, bundle: dict, *, cell_timeout: float, wall_timeout: float,
                 memory_mb: int, keep: bool = False) -> dict:
    """Execute ``nb`` with pytest + nbval in a private temp folder; return what it left."""
    tmp = Path(tempfile.mkdtemp(prefix="crmsim-grade-"))
    token = uuid.uuid4().hex
    try:
        work = tmp / "work"
        work.mkdir()
        (work / "pytest.ini").write_text("[pytest]\n")
        nbformat.write(nb, work / "submission.ipynb")
        with open(work / "assignment.pkl", "wb") as fh:
            pickle.dump(bundle, fh)
        cpu = int(wall_timeout) * 2 + 10
        # Both helpers run as plain files: importing the crmsim package would cost a second.
        shutil.copyfile(HERE / "_nbplugin.py", work / "conftest.py")
        cmd = [sys.executable, str(HERE / "_limited.py"), str(memory_mb), str(cpu), "--",
               sys.executable, "-m", "pytest", "-p", "nbval.plugin", "-p", "no:cacheprovider",
               "--nbval-lax", "--nbval-current-env", f"--nbval-cell-timeout={cell_timeout:g}",
               "--nbval-kernel-startup-timeout=60", "-q", "--no-header", "-rN", "--tb=short",
               "-c", str(work / "pytest.ini"), "--rootdir", str(work), "submission.ipynb"]
        t0 = time.monotonic()
        wall_hit = False
        proc = subprocess.Popen(cmd, cwd=work, env=child_env(tmp, token),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            stdout, _ = proc.communicate(timeout=wall_timeout)
        except subprocess.TimeoutExpired:
            wall_hit = True
            _kill_tagged(token)
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            stdout, _ = proc.communicate()
        _kill_tagged(token)
        out = {"returncode": proc.returncode, "wall_timeout": wall_hit,
               "stdout": stdout.decode("utf-8", "replace")[-8000:],
               "seconds": time.monotonic() - t0}
        out["answers"] = _read_json(work / "answers.json")
        out["report"] = _read_json(tmp / "report.json")
        return out
    finally:
        if keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _read_json(path: Path):
    try:
        if path.stat().st_size > 50 * 1024 * 1024:
            return None
        doc = json.loads(path.read_text(encoding="utf-8"))
        return doc if isinstance(doc, dict) else None
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------- grading one submission
class Prepared:
    """Expected answers and hidden inputs for one student, computed in this process."""

    def __init__(self, ex: Exercise, sid: str, opts: Options, solution):
        full = assignment.generate(ex.id, sid, secret=opts.secret, generator=opts.generator)
        self.observable = assignment.observable(full)
        seed = assignment.seed_for(ex.id, sid, opts.secret, purpose="hidden")
        rng = np.random.default_rng(seed)
        make_hidden = getattr(solution, "hidden_inputs", None)
        self.hidden = make_hidden(self.observable, rng) if make_hidden else {}
        self.expected = solution.expected(full, self.hidden)


def grade_one(ex: Exercise, path: Path, sid: str, opts: Options, solution,
              status: str | None = None, folder: Path | None = None) -> Result:
    rel = str(path.relative_to(folder)) if folder else path.name
    res = Result(student_id=sid, submission=rel)
    res.scores = {q.id: 0.0 for q in ex.questions}
    t0 = time.monotonic()
    try:
        if status:
            res.add(status)
            return res
        _grade_one(ex, path, sid, opts, solution, res)
    except Exception as exc:  # noqa: BLE001 - one submission must never stop the batch
        res.scores = {q.id: 0.0 for q in ex.questions}
        res.add("grader_error")
        res.notes.append("the grader failed; your instructor has been told")
        print(f"grader error on {rel}: {type(exc).__name__}: {exc}", file=sys.stderr)
    finally:
        res.seconds = time.monotonic() - t0
    return res


def _grade_one(ex, path, sid, opts, solution, res: Result):
    raw = path.read_bytes()
    try:
        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - every parse failure is the same status
        res.add("malformed_notebook")
        res.notes.append(f"could not read the notebook: {type(exc).__name__}: "
                         f"{str(exc).splitlines()[0][:200] if str(exc) else ''}")
        return
    meta_ex = nb.metadata.get("crmsim", {}).get("exercise") if isinstance(
        nb.metadata.get("crmsim"), dict) else None
    if meta_ex is not None and meta_ex != ex.id:
        res.add("wrong_exercise")
        res.notes.append(f"this notebook is exercise {str(meta_ex)[:60]!r}, not {ex.id!r}")
        return
    zeroed = check_locked(ex, nb, res)

    prep = Prepared(ex, sid, opts, solution)
    hidden_q = {cell_meta(c).get("question") for c in ex.cells("hidden")}
    export = [a for q in ex.questions if q.id not in hidden_q for a in q.answers]
    gnb, labels = graded_notebook(ex, nb, export)
    n_code = sum(1 for c in gnb.cells if c.cell_type == "code")
    cell_timeout = opts.cell_timeout or ex.cell_timeout
    wall = opts.wall_timeout or min(n_code * (cell_timeout + 6) + 60, 1800)
    bundle = {"exercise_id": ex.id, "student_id": sid, "data": prep.observable,
              "hidden": prep.hidden}
    run = run_isolated(gnb, bundle, cell_timeout=cell_timeout, wall_timeout=wall,
                       memory_mb=opts.memory_mb, keep=opts.keep_temp)
    _interpret_run(ex, run, labels, res)

    doc = run["answers"] or {}
    answers = doc.get("answers") if isinstance(doc.get("answers"), dict) else {}
    errors = doc.get("errors") if isinstance(doc.get("errors"), dict) else {}
    used = doc.get("student_ids") if isinstance(doc.get("student_ids"), list) else []
    wrong_id = [str(u)[:64] for u in used if u != sid]
    if wrong_id:
        res.add("wrong_student_id")
        res.notes.append(f"the notebook loaded data for student id(s) {', '.join(wrong_id)}, "
                         f"but this submission is {sid!r}; set STUDENT_ID to your own id")
    failed_q = {q for _, _, q in res.failed_cells if q}
    missing = False
    for q in ex.questions:
        passed_all = True
        for name in q.answers:
            if name in answers:
                ok, msg = compare(q, answers[name], prep.expected.get(name))
            else:
                missing = True
                ok = False
                why = str(errors.get(name, "not exported"))[:200]
                if q.id in failed_q:
                    why += " (see the failed cells below)"
                msg = f"no answer: {why}"
            res.answers[name] = (ok, msg)
            passed_all &= ok
        zero = q.id in zeroed or bool(wrong_id)
        res.scores[q.id] = float(q.points) if passed_all and not zero else 0.0
    if missing:
        res.add("missing_answers")


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


def _short_error(msg: str) -> str:
    lines = [ln for ln in msg.strip().splitlines() if ln.strip()]
    keep = [ln.strip() for ln in lines if re.match(r"^\s*[A-Za-z_.]*(Error|Exception|Interrupt"
                                                   r"|Exit)\b", ln) or "Timeout of" in ln]
    text = keep[-1] if keep else (lines[-1] if lines else "failed")
    return text[:300]


# ---------------------------------------------------------------- the batch
def grade(ex: Exercise, submissions, out, opts: Options | None = None) -> list[Result]:
    """Grade every notebook in ``submissions``; write ``out/gradebook.csv`` and feedback."""
    opts = opts or Options()
    folder = check_submissions_dir(submissions)
    out = check_out_dir(out)
    solution = ex.solution_module()
    paths = find_submissions(folder)
    jobs, seen = [], set()
    for p in paths:
        sid = student_id_for(p, folder, ex.id)
        status = None
        if not assignment.STUDENT_ID_RE.match(sid):
            status = "invalid_student_id"
        elif sid in seen:
            status = "duplicate_student_id"
        seen.add(sid)
        jobs.append((p, sid, status))
    with cf.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        futs = [pool.submit(grade_one, ex, p, sid, opts, solution, st, folder)
                for p, sid, st in jobs]
        results = [f.result() for f in futs]
    write_outputs(ex, results, out)
    return results


def write_outputs(ex: Exercise, results: list[Result], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    fb = out / "feedback"
    fb.mkdir(exist_ok=True)
    with open(out / "gradebook.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["student_id", *[q.id for q in ex.questions], "total", "max", "status",
                    "submission"])
        for r in results:
            w.writerow([r.student_id, *[f"{r.scores[q.id]:g}" for q in ex.questions],
                        f"{r.total:g}", f"{ex.max_points:g}", r.status, r.submission])
    names: dict[str, int] = {}
    for r in results:
        base = safe_name(r.student_id)
        if r.status.startswith(("invalid_student_id", "duplicate_student_id")):
            base = "_" + hashlib.sha256(r.submission.encode()).hexdigest()[:10] + "-" + base
        n = names.get(base, 0)
        names[base] = n + 1
        name = base if n == 0 else f"{base}-{n}"
        (fb / f"{name}.md").write_text(feedback(ex, r), encoding="utf-8")


def feedback(ex: Exercise, r: Result) -> str:
    lines = [f"# Feedback: {ex.title}", "",
             f"- student: `{r.student_id}`", f"- submission: `{r.submission}`",
             f"- score: **{r.total:g} / {ex.max_points:g}**", f"- status: `{r.status}`", ""]
    for st in r.status.split(";"):
        lines.append(f"  - `{st}`: {STATUSES[st]}")
    lines += ["", "## Questions", "", "| question | points | result |", "|---|---|---|"]
    for q in ex.questions:
        checks = [r.answers.get(a) for a in q.answers]
        if all(c is None for c in checks):
            verdict = "not checked"
        else:
            verdict = "; ".join(f"`{a}`: {'passed' if c[0] else 'failed - ' + c[1]}"
                                for a, c in zip(q.answers, checks, strict=True) if c)
        title = f"{q.id} {q.title}".strip()
        lines.append(f"| {title} | {r.scores[q.id]:g} / {q.points:g} | "
                     f"{verdict.replace('|', '/')} |")
    failing = [q for q in ex.questions if r.scores[q.id] < q.points and q.hint]
    if failing:
        lines += ["", "## Hints", ""] + [f"- {q.id}: {q.hint}" for q in failing]
    if r.failed_cells:
        lines += ["", "## Cells that failed", ""]
        lines += [f"- {label}: `{msg.replace('`', chr(39))}`" for label, msg, _ in r.failed_cells]
    if r.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in r.notes]
    lines += ["", "Hidden checks compare your exported answers with values computed from your "
              "own data by the grader; expected values are not shown.", ""]
    return "\n".join(lines)

"""The student side of a course, generated from the instructor's private course folder.

``crmsim release --all --out student-repo/ --roster roster.csv --keys keys.csv`` writes
what students receive and nothing else: every exercise's student notebook (stubs, no hidden
tests), ``crmsim-options.json`` (each roster student's options of choice and ranking
questions, readable only with that student's key: :mod:`crmsim.course.keys`), the GitHub
Classroom workflow and a short README. No ``solution.py``, ``wrong/``, ``INSTRUCTOR.md`` or
``exercise.toml`` leaves the course folder. The students' keys go to ``--keys``, a file
the instructor keeps outside the student repository and sends each student their own line.
"""

from __future__ import annotations

import csv
import io
import json
import os
from importlib import metadata
from pathlib import Path

import numpy as np

from crmsim.course import assignment
from crmsim.course.keys import OPTIONS_FILE, options_document, seal_options
from crmsim.course.options import interpretation_options
from crmsim.errors import CrmsimError, invalid
from crmsim.grading.exercise import Exercise
from crmsim.grading.release import release
from crmsim.parallel import run_tasks

#: The workflow template, in the course's exercises folder (``<exercises>/templates/``).
WORKFLOW = Path("templates") / "autograde.yml"
README = """# {title}

Your exercises of the course, as Jupyter notebooks. Install the course package once:

    python -m pip install "crmsim[course]=={version}"

Then open a notebook (`jupyter lab`), write your student id in `STUDENT_ID` and the key
your instructor sent you in `STUDENT_KEY`, and run it. The setup cell prints which data the
notebook uses: with your key they are the data your submission is graded on. Keep
`crmsim-options.json` next to the notebooks: it holds the options of your choice and
ranking questions (readable only with your key).
"""


def read_roster(path) -> list[str]:
    """Student ids from a CSV with a ``student`` (or ``student_id``) column, or one id a
    line; each id checked, none twice."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise invalid("roster", str(path), f"a readable CSV of student ids ({exc})") from None
    rows = list(csv.reader(io.StringIO(text)))
    head = [c.strip().lower() for c in rows[0]] if rows else []
    col = next((head.index(c) for c in ("student", "student_id") if c in head), None)
    ids = [r[col if col is not None else 0].strip() for r in rows[1 if col is not None else 0:]
           if r and r[col if col is not None else 0].strip()]
    if not ids:
        raise invalid("roster", str(path), "a CSV with at least one student id")
    for sid in ids:
        if not assignment.STUDENT_ID_RE.match(sid):
            raise invalid("roster", str(path), f"valid student ids (not {sid[:70]!r}: 1-64 "
                          "letters, digits, '_', '-' or '.')")
    if len(set(ids)) != len(ids):
        raise invalid("roster", str(path), "each student id once")
    return ids


def course_secret_for_keys(secret: str | None) -> str:
    """The course secret keys are derived from; refused if it is the public default."""
    secret = assignment.course_secret() if secret is None else secret
    if secret == assignment.DEFAULT_SECRET:
        raise invalid(assignment.SECRET_ENV, "(unset)", "the course's own secret before "
                      "keys are issued (keys from the public practice secret protect nothing)")
    return secret


def student_options(ex: Exercise, solution, student_id: str, secret: str,
                    generator=None) -> dict:
    """One student's options ``{"options": {q: labels}, "zh": {q: {label: text}}}``,
    computed as the grader computes them (no ``correct``: students never see it)."""
    full = assignment.generate(ex.id, student_id, secret=secret, generator=generator)
    rng = np.random.default_rng(assignment.seed_for(ex.id, student_id, secret, "hidden"))
    make_hidden = getattr(solution, "hidden_inputs", None)
    hidden = make_hidden(assignment.observable(full), rng) if make_hidden else {}
    got = interpretation_options(ex, solution, full, hidden)
    return {"options": {q: v["options"] for q, v in got.items()},
            "zh": {q: v["zh"] for q, v in got.items() if v["zh"]}}


def _sealed(ex_folder, ex_id, sid, key, secret, generator):
    from crmsim.grading.exercise import load_exercise  # a worker process loads its own

    ex = load_exercise(ex_folder)
    return seal_options(ex_id, sid, key, student_options(ex, ex.solution_module(), sid, secret,
                                                         generator))


def options_entries(exercises: list[Exercise], keys: dict[str, str], secret: str, *,
                    jobs: int = 1, generator=None) -> dict[str, dict[str, str]]:
    """``exercise id -> {entry id: masked options}`` for every student of ``keys``, of the
    exercises that have choice or ranking questions (``jobs`` processes)."""
    asked = [ex for ex in exercises if any(q.options for q in ex.questions)]
    tasks = [(str(ex.folder), ex.id, sid, key, secret, generator)
             for ex in asked for sid, key in keys.items()]
    out: dict[str, dict[str, str]] = {ex.id: {} for ex in asked}
    for i, (entry, masked) in run_tasks(_sealed, tasks, jobs=jobs):
        out[tasks[i][1]][entry] = masked
    return out


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CrmsimError(f"out={str(path.parent)!r} could not be written: "
                          f"{exc.strerror or exc}") from None


def package_version() -> str:
    try:
        return metadata.version("crmsim")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source checkout
        return "0.1.0"


def workflow_text(exercises_root: Path, version: str) -> str | None:
    """The GitHub Classroom workflow with the course's package version pinned (``None``
    if the course folder has no template)."""
    path = exercises_root / WORKFLOW
    if not path.is_file():
        return None
    return path.read_text(encoding="utf-8").replace("COURSE-VERSION", version)


def release_all(exercises: list[Exercise], out, *, roster=None, keys_out=None,
                lang: str = "en", force: bool = False, secret: str | None = None,
                jobs: int = 1, generator=None) -> dict:
    """Write the student side of the course to ``out`` (see the module doc); with a
    ``roster``, also the students' keys to ``keys_out`` (outside ``out``) and their options.
    Returns ``{"notebooks": [paths], "options": path or None, "keys": path or None}``."""
    out = Path(out)
    ids = read_roster(roster) if roster is not None else []
    if ids:
        if keys_out is None:
            raise invalid("keys", None, "a file for the students' keys (with --roster)")
        keys_out = Path(keys_out)
        if out.resolve() in keys_out.resolve().parents:
            raise invalid("keys", str(keys_out), "a file outside the student folder "
                          f"{out} (each student gets only their own key)")
        secret = course_secret_for_keys(secret)
    roots = {ex.folder.resolve().parent for ex in exercises}
    for root in roots:
        if root == out.resolve() or root in out.resolve().parents:
            raise invalid("out", str(out), f"a folder outside the course's exercises folder "
                          f"{root} (the student side never mixes with the private course)")
    keys = {sid: assignment.student_key(sid, secret) for sid in ids}
    entries = options_entries(exercises, keys, secret, jobs=jobs, generator=generator) \
        if keys else {}
    done = {"notebooks": [release(ex, out, force=force, lang=lang) for ex in exercises],
            "options": None, "keys": None}
    version = package_version()
    workflow = workflow_text(sorted(roots)[0], version) if roots else None
    if workflow is not None:
        _write(out / ".github" / "workflows" / "autograde.yml", workflow)
    _write(out / "README.md", README.format(title="CRM exercises", version=version))
    if keys:
        done["options"] = out / OPTIONS_FILE
        _write(done["options"], json.dumps(options_document(entries), indent=1) + "\n")
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["student", "key"])
        w.writerows(sorted(keys.items()))
        _write(keys_out, buf.getvalue())
        done["keys"] = keys_out
    return done

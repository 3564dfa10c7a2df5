"""Graded exercises: the instructor's source notebook, its spec, and the student release.

An exercise is a folder ``exercises/<exercise-id>/`` with

``exercise.toml``
    ``id``, ``title``, ``notebook`` (source notebook file), ``solution`` (Python file
    defining ``expected(data, hidden) -> {answer name: value}`` and optionally
    ``hidden_inputs(data, rng) -> {name: value}``), ``cell_timeout`` (seconds) and one
    ``[[questions]]`` table per question: ``id``, ``points``, ``answers`` (names the
    notebook exports), ``type`` (``number``, ``integer``, ``text``, ``set``, ``mapping``,
    ``table``), tolerances ``abs_tol`` / ``rel_tol``, optional ``title`` and ``hint``.
the source notebook
    Every cell the grader must recognise has ``metadata.crmsim = {"cell": <unique name>,
    "kind": <kind>, "question": <question id, optional>}``. Kinds: ``locked`` (setup,
    instructions, public tests, the final ``submit`` cell; students must not edit them),
    ``solution`` (contains ``### BEGIN SOLUTION`` ... ``### END SOLUTION``; replaced by a
    stub in the release), ``hidden`` (hidden test: removed from the release, appended to
    the copy that is graded), ``student`` (free cell, e.g. the student id).
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from crmsim.errors import CrmsimError, invalid

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

KINDS = ("locked", "solution", "hidden", "student")
TYPES = ("number", "integer", "text", "set", "mapping", "table")
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]
EXERCISES_ENV = "CRMSIM_EXERCISES_DIR"


@dataclass
class Question:
    id: str
    points: float
    answers: list[str]
    type: str = "number"
    abs_tol: float = 1e-6
    rel_tol: float = 1e-6
    title: str = ""
    hint: str = ""


@dataclass
class Exercise:
    id: str
    title: str
    folder: Path
    notebook: Path
    solution: Path
    questions: list[Question]
    cell_timeout: float = 60.0
    source: nbformat.NotebookNode = field(repr=False, default=None)

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)

    @property
    def answer_names(self) -> list[str]:
        return [a for q in self.questions for a in q.answers]

    def solution_module(self):
        name = f"crmsim_solution_{self.id.replace('-', '_')}"
        spec = importlib.util.spec_from_file_location(name, self.solution)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod

    def cells(self, kind: str | None = None) -> list:
        return [c for c in self.source.cells
                if kind is None or cell_meta(c).get("kind") == kind]

    def locked_checksums(self) -> dict[str, str]:
        """``cell name -> checksum`` of every locked cell, from the source notebook."""
        return {cell_meta(c)["cell"]: checksum(c.source) for c in self.cells("locked")}


# ---------------------------------------------------------------- helpers
def cell_meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("crmsim", {})
    return meta if isinstance(meta, dict) else {}


def checksum(source) -> str:
    """sha256 of a cell's source, ignoring trailing whitespace on lines and at the end."""
    if isinstance(source, list):
        source = "".join(source)
    text = "\n".join(line.rstrip() for line in str(source).strip().splitlines())
    return hashlib.sha256(text.encode()).hexdigest()


def default_exercises_dir() -> Path:
    env = os.environ.get(EXERCISES_ENV)
    if env:
        return Path(env)
    cwd = Path.cwd() / "exercises"
    if cwd.is_dir():
        return cwd
    return Path(__file__).resolve().parents[3] / "exercises"


def available(root: Path | None = None) -> list[str]:
    root = default_exercises_dir() if root is None else Path(root)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "exercise.toml").is_file())


def load_exercise(name, root: Path | None = None) -> Exercise:
    """Load an exercise by id (under ``root``) or by the path of its folder."""
    root = default_exercises_dir() if root is None else Path(root)
    folder = Path(name)
    if not (folder / "exercise.toml").is_file():
        folder = root / str(name)
    if not re.match(r"^[A-Za-z0-9_.-]+$", folder.name) or not (folder / "exercise.toml").is_file():
        names = available(root)
        allowed = ("one of " + ", ".join(names)) if names else f"an exercise folder in {root}"
        raise invalid("exercise", str(name), allowed + " (or a folder with exercise.toml)")
    try:
        spec = tomllib.loads((folder / "exercise.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CrmsimError(f"exercise={str(name)!r} is invalid: exercise.toml: {exc}") from None
    ex = _from_spec(spec, folder)
    try:
        ex.source = nbformat.read(ex.notebook, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any parse error is a bad exercise
        raise CrmsimError(f"exercise={ex.id!r} is invalid: {ex.notebook.name}: {exc}") from None
    validate(ex)
    return ex


def _from_spec(spec: dict, folder: Path) -> Exercise:
    def bad(what):
        return CrmsimError(f"exercise={folder.name!r} is invalid: exercise.toml: {what}")

    for key in ("id", "notebook", "solution", "questions"):
        if key not in spec:
            raise bad(f"missing key {key!r}")
    questions = []
    for q in spec["questions"]:
        try:
            qq = Question(**q)
        except TypeError as exc:
            raise bad(f"question {q.get('id')!r}: {exc}") from None
        if qq.type not in TYPES:
            raise bad(f"question {qq.id!r}: type {qq.type!r} not in {TYPES}")
        questions.append(qq)
    return Exercise(id=spec["id"], title=spec.get("title", spec["id"]), folder=folder,
                    notebook=folder / spec["notebook"], solution=folder / spec["solution"],
                    questions=questions, cell_timeout=float(spec.get("cell_timeout", 60)))


def validate(ex: Exercise) -> None:
    """Check that the spec and the source notebook agree (unique cell names, known kinds)."""
    def bad(what):
        return CrmsimError(f"exercise={ex.id!r} is invalid: {what}")

    qids = [q.id for q in ex.questions]
    if len(set(qids)) != len(qids):
        raise bad("duplicate question ids")
    names = ex.answer_names
    if len(set(names)) != len(names):
        raise bad("an answer name is used by two questions")
    seen = set()
    for cell in ex.source.cells:
        m = cell_meta(cell)
        if not m:
            continue
        if m.get("cell") in seen or not m.get("cell"):
            raise bad(f"cell name {m.get('cell')!r} missing or used twice")
        seen.add(m["cell"])
        if m.get("kind") not in KINDS:
            raise bad(f"cell {m['cell']!r}: kind {m.get('kind')!r} not in {KINDS}")
        if m.get("question") and m["question"] not in qids:
            raise bad(f"cell {m['cell']!r}: unknown question {m['question']!r}")
        if m["kind"] == "solution" and BEGIN not in cell.source:
            raise bad(f"cell {m['cell']!r}: solution cell without {BEGIN!r}")


# ---------------------------------------------------------------- release
def stub_source(source: str) -> str:
    """Replace every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region by a stub."""
    out, inside = [], False
    for line in source.splitlines():
        if line.strip() == BEGIN:
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + s for s in STUB]
        elif line.strip() == END:
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise CrmsimError(f"unterminated {BEGIN!r} region")
    return "\n".join(out)


def student_version(ex: Exercise) -> nbformat.NotebookNode:
    """The release: stubs for solutions, no hidden tests, checksums on locked cells."""
    nb = copy.deepcopy(ex.source)
    points = {q.id: q.points for q in ex.questions}
    cells = []
    for cell in nb.cells:
        m = cell_meta(cell)
        kind = m.get("kind")
        if kind == "hidden":
            continue
        if kind == "solution":
            cell.source = stub_source(cell.source)
        if isinstance(m.get("release"), str):  # e.g. the student-id cell's placeholder
            cell.source = m.pop("release")
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if kind == "locked":
            m["checksum"] = checksum(cell.source)
        if m.get("question"):
            m["points"] = points[m["question"]]
        if m:
            cell.id = re.sub(r"[^A-Za-z0-9_-]", "-", m["cell"])[:64]
        cells.append(cell)
    nb.cells = cells
    nb.metadata["crmsim"] = {"exercise": ex.id, "source_checksum": source_checksum(ex)}
    return nb


def source_checksum(ex: Exercise) -> str:
    h = hashlib.sha256()
    for c in ex.source.cells:
        h.update(checksum(c.source).encode())
    return h.hexdigest()[:16]


def _is_release(path: Path, ex: Exercise) -> bool:
    """Whether ``path`` is a student notebook an earlier ``release`` of ``ex`` wrote."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("crmsim")
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(meta, dict) and meta.get("exercise") == ex.id and "source_checksum" in meta


def release(ex: Exercise, out: Path, *, force: bool = False) -> Path:
    """Write the student notebook to ``out/<exercise-id>.ipynb`` and return its path.

    Never writes into the exercise's own folder (its source notebook would be lost) and
    overwrites only a file an earlier release wrote, unless ``force``.
    """
    out = Path(out)
    src = ex.folder.resolve()
    target = out.resolve()
    if target == src or src in target.parents:
        raise invalid("out", str(out), "a folder outside the exercise's source folder "
                      f"{ex.folder}")
    path = out / f"{ex.id}.ipynb"
    if path.is_symlink() or path.is_dir() or (path.exists() and not force
                                              and not _is_release(path, ex)):
        raise invalid("out", str(out), f"a folder where {path.name} is absent or an earlier "
                      "release (pass --force to overwrite it)")
    nb = student_version(ex)
    text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f".{ex.id}.ipynb.tmp-{os.getpid()}"
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CrmsimError(f"out={str(out)!r} could not be written: {exc.strerror or exc}") \
            from None
    return path

"""Graded exercises: the instructor's source notebook, its spec, and the student release.

An exercise is a folder ``exercises/<exercise-id>/`` with

``exercise.toml``
    ``id``, ``title``, ``notebook`` (source notebook file), ``solution`` (Python file
    defining ``expected(data, hidden) -> {answer name: value}`` and optionally
    ``hidden_inputs(data, rng) -> {name: value}``), ``cell_timeout`` (seconds), ``unit``
    (lecture number 0-6), ``minutes`` (expected working time), ``objectives`` (list of
    learning objectives) and one ``[[questions]]`` table per question: ``id``, ``points``,
    ``answers`` (names the notebook exports), ``type`` (see :data:`TYPES`), ``topics``
    (DOMAIN.md item numbers it assesses), ``hint`` (shown when the question loses
    points; never the answer), tolerances ``abs_tol`` / ``rel_tol``, optional ``title``;
    per type: ``options`` (choice, ranking), ``candidates`` / ``evaluate`` / ``budget``
    (decision), ``rubric`` / ``words`` (written). ``exercises/README.md`` has every key.
the source notebook
    Every cell the grader must recognise has ``metadata.crmsim = {"cell": <unique name>,
    "kind": <kind>, "question": <question id, optional>}``. Kinds: ``locked`` (setup,
    instructions, public tests, the final ``submit`` cell; students must not edit them),
    ``solution`` (contains ``### BEGIN SOLUTION`` ... ``### END SOLUTION``; replaced by a
    stub in the release), ``hidden`` (hidden test: removed from the release, appended to
    the copy that is graded), ``student`` (free cell, e.g. the student id).
``wrong/<name>.py`` (optional)
    Wrong solutions CI grades: a docstring naming the mistake, ``LOSES`` (question ids
    that must score 0) and ``CELLS`` (solution cell name -> code replacing it).
"""

from __future__ import annotations

import ast
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
#: Computed answers compared with a tolerance or exactly.
VALUE_TYPES = ("number", "integer", "text", "set", "mapping", "table")
#: Interpretation (auto), decision (auto, partial credit), written (marked by hand).
TYPES = (*VALUE_TYPES, "choice", "ranking", "decision", "written")
N_TOPICS = 39  # numbered items of the domain brief (DOMAIN.md)
UNITS = range(0, 7)  # lecture numbers 0-6
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
    hint: str = ""  # required in exercise.toml (see question_problem)
    title_zh: str = ""  # the Chinese student's title and hint (fall back to the English)
    hint_zh: str = ""
    topics: list = field(default_factory=list)  # required in exercise.toml
    options: str = ""  # choice/ranking: solution function -> {"options", "correct"}
    candidates: str = ""  # decision: solution function data -> [baseline, ...]
    evaluate: str = ""  # decision: solution function (data, decision) -> float
    budget: str = ""  # decision, optional: solution function (data, decision) -> None | why
    rubric: list = field(default_factory=list)  # written: [{points, criterion}, ...]
    words: list = field(default_factory=list)  # written: [min, max]

    @property
    def manual(self) -> bool:
        """Marked by hand (``written``), not by the grader."""
        return self.type == "written"

    def title_in(self, lang: str) -> str:
        return (self.title_zh if lang == "zh" else "") or self.title

    def hint_in(self, lang: str) -> str:
        return (self.hint_zh if lang == "zh" else "") or self.hint


@dataclass
class Exercise:
    id: str
    title: str
    folder: Path
    notebook: Path
    solution: Path
    questions: list[Question]
    cell_timeout: float = 60.0
    unit: int = 0
    minutes: float = 0.0
    objectives: list[str] = field(default_factory=list)
    title_zh: str = ""
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

    @property
    def zh_notebook(self) -> Path:
        """The Chinese twin of the source notebook: ``zh/<same name>`` (may be absent)."""
        return self.folder / "zh" / self.notebook.name

    def source_in(self, lang: str) -> nbformat.NotebookNode:
        """The source notebook in ``lang``: the Chinese twin for ``zh`` (same cells, names
        and code; Chinese text), else the English source."""
        lang = check_lang(lang)
        if lang == "en":
            return self.source
        if not self.zh_notebook.is_file():
            raise invalid("lang", lang, f"en (this exercise has no Chinese notebook "
                          f"{self.zh_notebook})")
        return nbformat.read(self.zh_notebook, as_version=4)

    def locked_alternatives(self) -> dict[str, set[str]]:
        """``cell name -> checksums`` a locked cell may have: its English source and its
        Chinese twin's, so a submission of either language is graded the same way."""
        out = {name: {ck} for name, ck in self.locked_checksums().items()}
        if self.zh_notebook.is_file():
            for c in nbformat.read(self.zh_notebook, as_version=4).cells:
                m = cell_meta(c)
                if m.get("kind") == "locked" and m.get("cell") in out:
                    out[m["cell"]].add(checksum(c.source))
        return out


# ---------------------------------------------------------------- helpers
LANGS = ("en", "zh")  # languages of the student notebooks and feedback


def check_lang(lang) -> str:
    if lang not in LANGS:
        raise invalid("lang", lang, "'en' (English) or 'zh' (简体中文)")
    return lang


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

    for key in ("id", "notebook", "solution", "questions", "unit", "minutes", "objectives"):
        if key not in spec:
            raise bad(f"missing key {key!r}")
    unit, minutes, objectives = spec["unit"], spec["minutes"], spec["objectives"]
    if not _is_int(unit) or unit not in UNITS:
        raise bad(f"unit={unit!r}: expected the lecture number, 0-6")
    if not _is_num(minutes) or not 0 < minutes <= 600:
        raise bad(f"minutes={minutes!r}: expected the expected working time, 1-600 minutes")
    if (not isinstance(objectives, list) or not objectives
            or not all(isinstance(o, str) and o.strip() for o in objectives)):
        raise bad("objectives: expected a non-empty list of texts")
    questions = []
    for q in spec["questions"]:
        try:
            qq = Question(**q)
        except TypeError as exc:
            raise bad(f"question {q.get('id')!r}: {exc}") from None
        why = question_problem(qq)
        if why:
            raise bad(f"question {qq.id!r}: {why}")
        questions.append(qq)
    return Exercise(id=spec["id"], title=spec.get("title", spec["id"]), folder=folder,
                    notebook=folder / spec["notebook"], solution=folder / spec["solution"],
                    questions=questions, cell_timeout=float(spec.get("cell_timeout", 60)),
                    unit=int(unit), minutes=float(minutes), objectives=list(objectives),
                    title_zh=str(spec.get("title_zh", "")))


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_num(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def question_problem(q: Question) -> str | None:
    """Why a question's spec is invalid (one phrase), or ``None``."""
    if q.type not in TYPES:
        return f"type {q.type!r} not in {TYPES}"
    if not _is_num(q.points) or q.points <= 0:
        return f"points={q.points!r}: expected a positive number"
    if (not isinstance(q.answers, list) or not q.answers
            or not all(isinstance(a, str) and a.isidentifier() for a in q.answers)):
        return "answers: expected a non-empty list of Python names"
    if (not isinstance(q.topics, list) or not q.topics
            or not all(_is_int(t) and 1 <= t <= N_TOPICS for t in q.topics)):
        return f"topics={q.topics!r}: expected a non-empty list of DOMAIN.md item " \
               f"numbers 1-{N_TOPICS}"
    if not isinstance(q.hint, str) or not q.hint.strip():
        return "hint: required (a nudge shown when the question loses points, never the answer)"
    if q.type not in VALUE_TYPES and len(q.answers) != 1:
        return f"a {q.type} question exports exactly one answer"
    needs = {"choice": ("options",), "ranking": ("options",),
             "decision": ("candidates", "evaluate")}.get(q.type, ())
    for key in needs:
        if not isinstance(getattr(q, key), str) or not getattr(q, key).isidentifier():
            return f"{key}: a {q.type} question names a function of solution.py"
    for key in ("options", "candidates", "evaluate", "budget"):
        if getattr(q, key) and key not in needs and not (key == "budget"
                                                          and q.type == "decision"):
            return f"{key}: only for {'decision' if key != 'options' else 'choice/ranking'}"
    if q.type == "written":
        if (not isinstance(q.rubric, list) or not q.rubric
                or not all(isinstance(r, dict) and set(r) == {"points", "criterion"}
                           and _is_num(r["points"]) and r["points"] > 0
                           and isinstance(r["criterion"], str) and r["criterion"].strip()
                           for r in q.rubric)):
            return "rubric: expected [{points = 1, criterion = \"...\"}, ...]"
        if abs(sum(r["points"] for r in q.rubric) - q.points) > 1e-9:
            return f"rubric points add up to {sum(r['points'] for r in q.rubric):g}, " \
                   f"not the question's {q.points:g}"
        w = q.words
        if not (isinstance(w, list) and len(w) == 2 and all(_is_int(x) for x in w)
                and 0 < w[0] <= w[1]):
            return f"words={w!r}: expected [min, max] word counts"
    elif q.rubric or q.words:
        return "rubric/words: only for written questions"
    return None


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
    solution = ex.solution_module()
    for q in ex.questions:
        for key in ("options", "candidates", "evaluate", "budget"):
            name = getattr(q, key)
            if name and not callable(getattr(solution, name, None)):
                raise bad(f"question {q.id!r}: {key}={name!r} is not a function of "
                          f"{ex.solution.name}")
    wrong_solutions(ex)  # raises on a malformed wrong/ file


# ---------------------------------------------------------------- wrong solutions
@dataclass
class WrongSolution:
    """A known mistake: the solution cells it replaces and the questions it must lose."""

    name: str
    path: Path
    mistake: str  # the module docstring: what is wrong and why students do it
    loses: list[str]
    cells: dict[str, str]


def wrong_solutions(ex: Exercise) -> list[WrongSolution]:
    """The exercise's ``wrong/*.py`` files, read without running them (literals only)."""
    out = []
    folder = ex.folder / "wrong"
    solution_cells = {cell_meta(c)["cell"] for c in ex.cells("solution")}
    qids = {q.id for q in ex.questions}
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        def bad(what, path=path):
            return CrmsimError(f"exercise={ex.id!r} is invalid: wrong/{path.name}: {what}")

        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError) as exc:
            raise bad(str(exc)) from None
        values = {}
        for node in tree.body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id in ("LOSES", "CELLS")):
                try:
                    values[node.targets[0].id] = ast.literal_eval(node.value)
                except ValueError:
                    raise bad(f"{node.targets[0].id} must be a literal") from None
        doc = ast.get_docstring(tree) or ""
        loses, cells = values.get("LOSES"), values.get("CELLS")
        if not doc.strip():
            raise bad("a docstring naming the mistake is required")
        if not (isinstance(loses, list) and loses and set(loses) <= qids):
            raise bad(f"LOSES={loses!r}: expected a non-empty list of question ids "
                      f"({', '.join(sorted(qids))})")
        if not (isinstance(cells, dict) and cells and set(cells) <= solution_cells
                and all(isinstance(v, str) for v in cells.values())):
            raise bad("CELLS: expected {solution cell name: code}, cells among "
                      f"{', '.join(sorted(solution_cells))}")
        out.append(WrongSolution(path.stem, path, doc.strip(), list(loses), dict(cells)))
    return out


def apply_wrong(nb, wrong: WrongSolution):
    """A copy of notebook ``nb`` with the wrong solution's cells replacing the originals."""
    nb = copy.deepcopy(nb)
    for c in nb.cells:
        name = cell_meta(c).get("cell")
        if name in wrong.cells:
            c.source = wrong.cells[name]
    return nb


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


def student_version(ex: Exercise, lang: str = "en") -> nbformat.NotebookNode:
    """The release: stubs for solutions, no hidden tests, checksums on locked cells; from
    the Chinese twin when ``lang="zh"`` (then the feedback is in Chinese too)."""
    nb = copy.deepcopy(ex.source_in(lang))
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
    if lang != "en":
        nb.metadata["crmsim"]["lang"] = lang
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


def release(ex: Exercise, out: Path, *, force: bool = False, lang: str = "en") -> Path:
    """Write the student notebook to ``out/<exercise-id>.ipynb`` and return its path
    (``lang="zh"``: the Chinese one; release each language into its own folder).

    Never writes into the exercise's own folder (its source notebook would be lost) and
    overwrites only a file an earlier release wrote, unless ``force``.
    """
    out = Path(out)
    check_lang(lang)
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
    nb = student_version(ex, lang)
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


# ---------------------------------------------------------------- interpretation questions
def interpretation_options(ex: Exercise, solution, data, hidden) -> dict[str, dict]:
    """``question id -> {"options": labels in the student's order, "correct": ...}`` for
    every choice/ranking question, from the solution's ``options`` functions.

    ``correct`` is one label (choice) or every label in the right order (ranking). Labels
    are texts; they must be unique. ``zh`` (optional) gives every label's meaning in Chinese,
    shown next to the label by ``data.show_options`` in a Chinese notebook; the answer is
    always the label (it is also a value in the student's data or code).
    """
    from crmsim.assignment import option_order

    out = {}
    for q in ex.questions:
        if q.type not in ("choice", "ranking"):
            continue
        spec = getattr(solution, q.options)(data, hidden)

        def bad(what, q=q):
            return CrmsimError(f"exercise={ex.id!r} is invalid: {q.options}() of question "
                               f"{q.id!r} {what}")

        if not isinstance(spec, dict) or set(spec) - {"zh"} != {"options", "correct"}:
            raise bad("must return {'options': [labels], 'correct': ..., 'zh': {label: text}}"
                      " ('zh' optional)")
        labels = [str(x) for x in spec["options"]]
        if len(labels) < 2 or len(set(labels)) != len(labels):
            raise bad("must return at least two distinct option labels")
        zh = {str(k): str(v) for k, v in spec.get("zh", {}).items()}
        if zh and (set(zh) != set(labels) or len(set(zh.values())) != len(zh)):
            raise bad("must give 'zh' as a distinct Chinese text for every label, or omit it")
        if q.type == "choice":
            correct = str(spec["correct"])
            if correct not in labels:
                raise bad("returned a correct label that is not among the options")
        else:
            correct = [str(x) for x in spec["correct"]]
            if sorted(correct) != sorted(labels):
                raise bad("must return the full order of the options as 'correct'")
        out[q.id] = {"options": option_order(ex.id, data.student_id, q.id, labels),
                     "correct": correct, "zh": zh}
    return out

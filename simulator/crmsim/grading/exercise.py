"""Graded exercises: the instructor's source notebook and its spec, loaded and checked.

An exercise is a folder ``exercises/<exercise-id>/`` with

``exercise.toml``
    ``id``, ``title``, ``notebook`` (source notebook file), ``solution`` (Python file
    defining ``expected(data, hidden) -> {answer name: value}`` and optionally
    ``hidden_inputs(data, rng) -> {name: value}``), ``cell_timeout`` (seconds), ``unit``
    (lecture number 0-6), ``minutes`` (expected working time), ``objectives`` (list of
    learning objectives) and one ``[[questions]]`` table per question: ``id``, ``points``,
    ``answers`` (names the notebook exports), ``type`` (a name registered in
    :mod:`crmsim.grading.types`, one module per type), ``topics``
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
    Wrong solutions CI grades (:mod:`crmsim.grading.wrong`).

The student release is :mod:`crmsim.grading.release`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path

import nbformat

from crmsim.course.exercises import (
    N_TOPICS,
    available,
    default_exercises_dir,
    load_solution,
    read_spec,
    tomllib,
)
from crmsim.errors import CrmsimError, invalid
from crmsim.grading.cells import BEGIN, END, KINDS, LANGS, cell_meta, check_lang, checksum
from crmsim.grading.types import REGISTRY, QuestionType
from crmsim.grading.types.base import FUNCTION_KEYS
from crmsim.grading.wrong import WrongSolution, apply_wrong, wrong_solutions

#: the spec's names, and those of cells/wrong that callers import from here
__all__ = ["BEGIN", "END", "KINDS", "LANGS", "N_TOPICS", "Exercise", "Question",
           "WrongSolution", "apply_wrong", "available", "cell_meta", "check_lang", "checksum",
           "default_exercises_dir", "load_exercise", "question_problem", "validate",
           "wrong_solutions"]

UNITS = range(0, 7)  # lecture numbers 0-6


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
    extra: dict = field(default_factory=dict)  # keys a newer question type declares

    @property
    def kind(self) -> QuestionType:
        """The question's type (:mod:`crmsim.grading.types`)."""
        return REGISTRY[self.type]

    @property
    def manual(self) -> bool:
        """Marked by hand (e.g. ``written``), not by the grader."""
        return self.kind.manual

    def spec(self, key: str):
        """The value of a spec key, a field or one a question type declares."""
        return getattr(self, key) if key in _FIELDS else self.extra.get(key)

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
        return load_solution(self.solution, self.id)

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


_FIELDS = {f.name for f in fields(Question)}


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
        spec = read_spec(folder)
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
    declared = {k for t in REGISTRY.values() for k in t.keys} - _FIELDS
    for q in spec["questions"]:
        try:
            extra = {k: v for k, v in q.items() if k in declared}
            qq = Question(**{k: v for k, v in q.items() if k not in extra}, extra=extra)
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
    kind = REGISTRY.get(q.type)
    if kind is None:
        return f"type {q.type!r} not in {tuple(REGISTRY)}"
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
    if kind.one_answer and len(q.answers) != 1:
        return f"a {q.type} question exports exactly one answer"
    for key in kind.needs:
        if not isinstance(getattr(q, key), str) or not getattr(q, key).isidentifier():
            return f"{key}: a {q.type} question names a function of solution.py"
    for key in FUNCTION_KEYS:
        if getattr(q, key) and key not in kind.needs + kind.optional:
            owners = [t.name for t in REGISTRY.values() if key in t.needs + t.optional]
            return f"{key}: only for {'/'.join(owners)}"
    why = kind.problem(q) if kind.problem else None
    if why:
        return why
    for other in REGISTRY.values():
        if other is not kind and any(q.spec(k) for k in other.keys):
            return f"{'/'.join(other.keys)}: only for {other.name} questions"
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

"""Personalised assignment data and answer export for graded exercises.

Every student gets their own simulated market::

    from crmsim.course import assignment
    data = assignment.load("ex02-segmentation", "s2025001")
    data.customers, data.transactions, data.events, data.kpis

(``crmsim.course.assignment``, the name notebooks import, is this module.)

The data are seeded by the student's **key** (:mod:`crmsim.course.keys`): the instructor
derives every student's key from the course secret (``CRMSIM_COURSE_SECRET``, which never
leaves the instructor) and hands it out at release; the student writes it in the notebook
(``STUDENT_KEY``, or sets ``CRMSIM_STUDENT_KEY``), and the grader derives the same key from
the secret, so the data at home are the data graded. Without a key a student gets
*practice* data, seeded by the public :data:`DEFAULT_SECRET` (what a course without a
secret grades on). The same student always gets the same data, two students get different
data. :func:`load` prints one line saying which data the notebook uses.

Students see only what a real firm would see: ``true_*`` columns and the hidden
``true_events`` table are removed (the grader keeps them to compare estimates with the
truth).

Answers leave the notebook through :func:`submit` (or :func:`submit_from`): while a
notebook is being graded they are written as JSON into the grader's private folder and
checked *outside* the kernel by the grading process; on a student's own machine they are
only validated and listed (:mod:`crmsim.course.answers`).
"""

from __future__ import annotations

import hashlib
import importlib
import os
import pickle
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmsim import i18n
from crmsim.course.answers import (
    ANSWERS_ENV,
    NOT_DEFINED,
    record_student,
    submit,
    submit_from,
    to_jsonable,
    word_count,
)
from crmsim.course.exercises import default_exercises_dir, exercise_data, load_solution, read_spec
from crmsim.course.keys import (
    KEY_ENV,
    check_key,
    key_seed,
    normalise_key,
    open_options,
    student_key,
)
from crmsim.course.options import option_order, question_options, set_choices
from crmsim.errors import CrmsimError, invalid
from crmsim.rollout import simulate_rollout
from crmsim.simulation import simulate

__all__ = [
    "ANSWERS_ENV",
    "DEFAULT_SECRET",
    "EXERCISE_DATA",
    "NOT_DEFINED",
    "AssignmentData",
    "data_seed",
    "generate",
    "hidden_input",
    "load",
    "observable",
    "option_order",
    "seed_for",
    "set_choices",
    "student_key",
    "submit",
    "submit_from",
    "to_jsonable",
    "word_count",
]

#: Used when ``CRMSIM_COURSE_SECRET`` is unset. Public, so only for local practice.
DEFAULT_SECRET = "crmsim-public-practice-secret"
SECRET_ENV = "CRMSIM_COURSE_SECRET"
#: ``"package.module:function"`` replacing :func:`crmsim.simulate` (tests, light data).
GENERATOR_ENV = "CRMSIM_DATA_GENERATOR"
#: Set by the grader only: pickle with this student's data and hidden inputs.
GRADING_DATA_ENV = "CRMSIM_GRADING_DATA"
STUDENT_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

#: Data of each graded exercise: arguments of :func:`crmsim.simulate` (seed added per
#: student), from the ``[data]`` table of each ``exercise.toml`` (shipped in the package as
#: ``crmsim/data/exercises.json``). Small on purpose, so that a notebook runs in seconds.
EXERCISE_DATA: dict[str, dict] = exercise_data()


def project_plan(rng: np.random.Generator) -> pd.DataFrame:
    """The student's own CRM implementation project (CRM 实施), planned versus actual.

    A personal rollout plan (top-management support, process redesign, data quality,
    team size) is run through :mod:`crmsim.rollout` twice: without randomness
    or rework (the plan) and as one simulated project (what happened). Columns:
    ``phase_no`` (1-9, phases run one after another), ``phase``, ``phase_zh``,
    ``planned_weeks``, ``actual_weeks`` (whole weeks), ``planned_cost`` and
    ``actual_cost`` (thousands). Used by ex07-implementation.
    """
    plan = {"top_management_support": round(float(rng.uniform(0.2, 0.9)), 2),
            "process_redesign": round(float(rng.uniform(0.0, 1.0)), 2),
            "data_quality": round(float(rng.uniform(0.3, 0.9)), 2),
            "team_size": int(rng.integers(3, 7))}
    seed = int(rng.integers(0, 2**31 - 1))
    planned = simulate_rollout(plan, seed=seed, duration_sigma=0.0, max_rework=0).phases
    actual = simulate_rollout(plan, seed=seed).phases

    def weeks(d):
        return np.maximum(1, np.round(d.to_numpy())).astype("int64")

    return pd.DataFrame({"phase_no": np.arange(1, len(actual) + 1),
                         "phase": actual["phase"].to_numpy(),
                         "phase_zh": actual["chinese"].to_numpy(),
                         "planned_weeks": weeks(planned["duration"]),
                         "actual_weeks": weeks(actual["duration"]),
                         "planned_cost": np.round(planned["cost"].to_numpy() / 1000, 1),
                         "actual_cost": np.round(actual["cost"].to_numpy() / 1000, 1)})


EXTRAS = {"project_plan": project_plan}

TABLES = ("customers", "transactions", "events", "kpis", "true_events")


@dataclass
class AssignmentData:
    """One student's tables (columns documented in :mod:`crmsim.schema`)."""

    customers: pd.DataFrame
    transactions: pd.DataFrame
    events: pd.DataFrame
    kpis: pd.DataFrame
    true_events: pd.DataFrame | None = None
    exercise_id: str = ""
    student_id: str = ""
    seed: int = 0
    extra: dict = field(default_factory=dict)
    #: question id -> option labels in this student's order (choice/ranking questions)
    choices: dict = field(default_factory=dict)
    choices_error: str = ""  # why ``choices`` could not be computed (practice mode)
    #: question id -> {label: its meaning in Chinese}, shown by :meth:`show_options`
    choices_zh: dict = field(default_factory=dict)
    #: which data these are: "key" (the student's key: the data graded), "course" (the
    #: course secret on this machine), "practice" (no key), "graded" (while graded)
    source: str = "practice"

    def options(self, question: str) -> list[str]:
        """The options of a choice or ranking question, in this student's own order.

        The order is shuffled per student, exercise and question (the same every time);
        answer with one label (choice) or all labels in your order (ranking).
        """
        if question not in self.choices:
            allowed = ("one of " + ", ".join(sorted(self.choices))) if self.choices else \
                f"a choice or ranking question of {self.exercise_id}"
            if self.choices_error:
                raise CrmsimError(f"options of {question!r} are unavailable: "
                                  f"{self.choices_error}")
            raise invalid("question", question, allowed)
        return list(self.choices[question])

    def show_options(self, question: str) -> None:
        """Print the options of a choice or ranking question, one per line, in this
        student's order; in Chinese (``i18n.set_language("zh")``) with each label's meaning.
        Answer with the labels themselves (the text before the meaning). Options that
        cannot be had here (no key, no options file) are named in one line, so that Run All
        goes on to the questions that need no options."""
        if question not in self.choices and self.choices_error:
            print(f"{question}: {self.choices_error}")
            return
        labels = self.options(question)
        meaning = self.choices_zh.get(question, {}) if i18n.get_language() == "zh" else {}
        for i, label in enumerate(labels, 1):
            print(f"{i}. {label}" + (f"    （{meaning[label]}）" if label in meaning else ""))

    def tables(self) -> dict[str, pd.DataFrame]:
        return {t: getattr(self, t) for t in TABLES if getattr(self, t) is not None}

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables().items())
        return f"AssignmentData({self.exercise_id!r}, {self.student_id!r}: {sizes})"


# ---------------------------------------------------------------- seeds and data
def course_secret() -> str:
    return os.environ.get(SECRET_ENV) or DEFAULT_SECRET


def check_student_id(student_id) -> str:
    if not isinstance(student_id, str) or not STUDENT_ID_RE.match(student_id):
        raise invalid("student_id", student_id, "1-64 letters, digits, '_', '-' or '.', "
                      "starting with a letter or digit")
    return student_id


def check_exercise_id(exercise_id) -> str:
    if exercise_id not in EXERCISE_DATA:
        raise invalid("exercise_id", exercise_id, "one of " + ", ".join(EXERCISE_DATA))
    return exercise_id


def seed_for(exercise_id: str, student_id: str, secret: str | None = None,
             purpose: str = "data") -> int:
    """The 63-bit seed of one student's data (``purpose="hidden"``: hidden test inputs)."""
    secret = course_secret() if secret is None else secret
    msg = "\x1f".join([secret, exercise_id, student_id, purpose]).encode()
    return int.from_bytes(hashlib.sha256(msg).digest()[:8], "big") >> 1


def data_seed(exercise_id: str, student_id: str, *, secret: str | None = None,
              key=None) -> tuple[int, str]:
    """``(seed, source)`` of a student's data: from the student's key if given, else from
    the key the course secret derives (``"course"``), else practice data (the public secret:
    what a course without a secret grades on). A key is checked against its student id."""
    k = check_key(student_id, key)
    if k:
        return key_seed(k, exercise_id, student_id) % (2**31), "key"
    secret = course_secret() if secret is None else secret
    if secret == DEFAULT_SECRET:
        return seed_for(exercise_id, student_id, DEFAULT_SECRET) % (2**31), "practice"
    k = normalise_key(student_key(student_id, secret))
    return key_seed(k, exercise_id, student_id) % (2**31), "course"


def _resolve_generator(generator):
    if generator is None:
        generator = os.environ.get(GENERATOR_ENV) or None
    if generator is None:
        return simulate
    if isinstance(generator, str):
        mod, _, fn = generator.partition(":")
        try:
            return getattr(importlib.import_module(mod), fn)
        except (ImportError, AttributeError, ValueError):
            raise invalid("generator", generator, "'package.module:function'") from None
    if not callable(generator):
        raise invalid("generator", generator, "a callable or 'package.module:function'")
    return generator


def generate(exercise_id: str, student_id: str, *, secret: str | None = None, key=None,
             generator=None) -> AssignmentData:
    """The full data of one student, ground truth included (what the grader uses); seeded
    as :func:`data_seed` says."""
    check_exercise_id(exercise_id)
    check_student_id(student_id)
    spec = dict(EXERCISE_DATA[exercise_id])
    extras = spec.pop("extras", [])
    seed, source = data_seed(exercise_id, student_id, secret=secret, key=key)
    res = _resolve_generator(generator)(spec.pop("scenario"), seed=seed, **spec)
    tables = {t: getattr(res, t, None) for t in TABLES}
    for t in TABLES[:4]:
        if not isinstance(tables[t], pd.DataFrame):
            raise CrmsimError(f"generator returned no DataFrame {t!r}")
    rng = np.random.default_rng(seed)
    extra = {name: EXTRAS[name](rng) for name in extras}
    return AssignmentData(**tables, exercise_id=exercise_id, student_id=student_id, seed=seed,
                          extra=extra, source=source)


def observable(data: AssignmentData) -> AssignmentData:
    """A copy without ground truth: no ``true_*`` columns and no ``true_events``."""
    def strip(df):
        return df.drop(columns=[c for c in df.columns if str(c).startswith("true_")])
    return AssignmentData(customers=strip(data.customers), transactions=strip(data.transactions),
                          events=strip(data.events), kpis=strip(data.kpis), true_events=None,
                          exercise_id=data.exercise_id, student_id=data.student_id,
                          seed=data.seed, extra=dict(data.extra), choices=dict(data.choices),
                          choices_error=data.choices_error, choices_zh=dict(data.choices_zh),
                          source=data.source)


def _choices(full: AssignmentData, key: str) -> AssignmentData:
    """Options of the exercise's choice/ranking questions: from the release's options file
    (with the student's key), else computed from the solution module as the grader does
    (only where the instructor's course folder is), else ``choices_error`` says why not."""
    try:
        sealed = open_options(full.exercise_id, full.student_id, key)
    except CrmsimError as exc:
        full.choices_error = str(exc)
        return full
    if sealed is not None:
        full.choices, full.choices_zh = sealed["options"], sealed.get("zh", {})
        return full
    folder = default_exercises_dir() / full.exercise_id
    if not (folder / "exercise.toml").is_file():
        full.choices_error = (_OPTIONS_NEED_ZH if i18n.get_language() == "zh"
                              else _OPTIONS_NEED)
        return full
    try:
        spec = read_spec(folder)
        asked = [q for q in spec.get("questions", []) if q.get("options")]
        if asked:
            solution = load_solution(folder / spec["solution"], full.exercise_id)
            make_hidden = getattr(solution, "hidden_inputs", None)
            rng = np.random.default_rng(seed_for(full.exercise_id, full.student_id,
                                                 purpose="hidden"))
            hidden = make_hidden(observable(full), rng) if make_hidden else {}
            set_choices(full, {q["id"]: question_options(
                full.exercise_id, full.student_id, q["id"], q["options"],
                getattr(solution, q["options"])(full, hidden)) for q in asked})
    except Exception as exc:  # noqa: BLE001 - loading the data must not fail on options
        full.choices_error = f"{exc} (options computed from the course's exercises folder)"
    return full


_OPTIONS_NEED = ("options unavailable: they come with your student key and the release's "
                 "crmsim-options.json (next to this notebook); set STUDENT_KEY to the key your "
                 "instructor gave you")
_OPTIONS_NEED_ZH = ("无法显示选项：选项随你的学生密钥和发布文件夹中的 crmsim-options.json"
                    "（与本笔记本放在一起）提供；请把 STUDENT_KEY 设为老师发给你的密钥")

#: The line :func:`load` prints: which data the notebook uses (English, Chinese).
DATA_LINES = {
    "key": ("Data: your own data for {ex} (student {sid}, key …{tail}): the data your "
            "submission is graded on.",
            "数据：你自己的 {ex} 数据（学号 {sid}，密钥 …{tail}）：评分就用这份数据。"),
    "course": ("Data: the graded data of student {sid} for {ex} (the course secret is set on "
               "this machine).",
               "数据：学生 {sid} 在 {ex} 中被评分的数据（本机设置了课程密钥）。"),
    "practice": ("Data: PRACTICE data for {ex} (no student key): if your course set a secret, "
                 "the graded data differ; write the key your instructor gave you in "
                 "STUDENT_KEY.",
                 "数据：{ex} 的练习数据（没有学生密钥）：如果课程设置了密钥，评分数据会不同；请把"
                 "老师发给你的密钥写进 STUDENT_KEY。"),
    "graded": ("Data: the graded data of student {sid} for {ex}.",
               "数据：学生 {sid} 在 {ex} 中被评分的数据。"),
}


def data_line(data: AssignmentData, key: str = "") -> str:
    """The one line saying which data ``data`` are, in the notebook's language."""
    en, zh = DATA_LINES[data.source]
    return (zh if i18n.get_language() == "zh" else en).format(
        ex=data.exercise_id, sid=data.student_id, tail=key[-4:])


# ---------------------------------------------------------------- grading-mode state
def _grading_bundle() -> dict | None:
    path = os.environ.get(GRADING_DATA_ENV)
    if not path:
        return None
    with open(path, "rb") as fh:
        return pickle.load(fh)


def load(exercise_id: str, student_id: str, *, key=None, generator=None) -> AssignmentData:
    """This student's observable data for ``exercise_id`` (same id and key, same data),
    printing one line that says which data they are.

    ``key``: the student key the instructor issued (``STUDENT_KEY`` in the notebook; else
    ``$CRMSIM_STUDENT_KEY``; none: practice data). ``generator`` replaces
    :func:`crmsim.simulate` (same signature); it can also be set with the environment
    variable ``CRMSIM_DATA_GENERATOR="package.module:function"``.
    """
    check_exercise_id(exercise_id)
    check_student_id(student_id)
    if key is None or normalise_key(key) == "":
        key = os.environ.get(KEY_ENV) or key
    bundle = _grading_bundle()
    if bundle is None:
        k = check_key(student_id, key)
        full = generate(exercise_id, student_id, key=k, generator=generator)
        data = observable(_choices(full, k))
        print(data_line(data, k))
        return data
    # Grading: the grader generated the data already; record which id and key the notebook
    # used (the grader refuses another student's id or key).
    record_student(student_id, normalise_key(key) if isinstance(key, str) else repr(key))
    if exercise_id != bundle["exercise_id"]:
        raise invalid("exercise_id", exercise_id, repr(bundle["exercise_id"]))
    data = bundle["data"]
    data.source = "graded"
    print(data_line(data))
    return data


def hidden_input(name: str):
    """Input of a hidden test (grading only): chosen by the grader, unknown to students."""
    bundle = _grading_bundle()
    if bundle is None:
        raise CrmsimError("hidden_input() is only available while a notebook is graded")
    if name not in bundle["hidden"]:
        raise invalid("name", name, "one of " + ", ".join(sorted(bundle["hidden"])))
    return bundle["hidden"][name]

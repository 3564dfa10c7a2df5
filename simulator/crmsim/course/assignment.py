"""Personalised assignment data and answer export for graded exercises.

Every student gets their own simulated market::

    from crmsim.course import assignment
    data = assignment.load("ex02-segmentation", "s2025001")
    data.customers, data.transactions, data.events, data.kpis

(``crmsim.course.assignment``, the name notebooks import, is this module.)

The seed is ``sha256(course secret, exercise id, student id)``. The course secret comes
from the environment variable ``CRMSIM_COURSE_SECRET``; without it the documented
public default :data:`DEFAULT_SECRET` is used, which is fine for practice but lets anyone
recompute anyone's data, so instructors set their own secret when they grade. The same
student always gets the same data, two students get different data, and the grader
regenerates exactly the same tables to compute each student's expected answers.

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
    "generate",
    "hidden_input",
    "load",
    "observable",
    "option_order",
    "seed_for",
    "set_choices",
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
        Answer with the labels themselves (the text before the meaning)."""
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


def generate(exercise_id: str, student_id: str, *, secret: str | None = None,
             generator=None) -> AssignmentData:
    """The full data of one student, ground truth included (what the grader uses)."""
    check_exercise_id(exercise_id)
    check_student_id(student_id)
    spec = dict(EXERCISE_DATA[exercise_id])
    extras = spec.pop("extras", [])
    seed = seed_for(exercise_id, student_id, secret) % (2**31)
    res = _resolve_generator(generator)(spec.pop("scenario"), seed=seed, **spec)
    tables = {t: getattr(res, t, None) for t in TABLES}
    for t in TABLES[:4]:
        if not isinstance(tables[t], pd.DataFrame):
            raise CrmsimError(f"generator returned no DataFrame {t!r}")
    rng = np.random.default_rng(seed)
    extra = {name: EXTRAS[name](rng) for name in extras}
    return AssignmentData(**tables, exercise_id=exercise_id, student_id=student_id, seed=seed,
                          extra=extra)


def observable(data: AssignmentData) -> AssignmentData:
    """A copy without ground truth: no ``true_*`` columns and no ``true_events``."""
    def strip(df):
        return df.drop(columns=[c for c in df.columns if str(c).startswith("true_")])
    return AssignmentData(customers=strip(data.customers), transactions=strip(data.transactions),
                          events=strip(data.events), kpis=strip(data.kpis), true_events=None,
                          exercise_id=data.exercise_id, student_id=data.student_id,
                          seed=data.seed, extra=dict(data.extra), choices=dict(data.choices),
                          choices_error=data.choices_error, choices_zh=dict(data.choices_zh))


def _practice_choices(full: AssignmentData) -> AssignmentData:
    """Options of the exercise's choice/ranking questions, computed from the solution
    module as the grader does (needs the course's ``exercises`` folder)."""
    try:
        folder = default_exercises_dir() / full.exercise_id
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
        full.choices_error = (f"{exc} (options need the course's exercises folder: run the "
                              "notebook in the course repository or set CRMSIM_EXERCISES_DIR)")
    return full


# ---------------------------------------------------------------- grading-mode state
def _grading_bundle() -> dict | None:
    path = os.environ.get(GRADING_DATA_ENV)
    if not path:
        return None
    with open(path, "rb") as fh:
        return pickle.load(fh)


def load(exercise_id: str, student_id: str, *, generator=None) -> AssignmentData:
    """This student's observable data for ``exercise_id`` (same id, same data).

    ``generator`` replaces :func:`crmsim.simulate` (same signature); it can also be set
    with the environment variable ``CRMSIM_DATA_GENERATOR="package.module:function"``.
    """
    check_exercise_id(exercise_id)
    check_student_id(student_id)
    bundle = _grading_bundle()
    if bundle is None:
        full = generate(exercise_id, student_id, generator=generator)
        return observable(_practice_choices(full))
    # Grading: the grader generated the data already; record which id the notebook used.
    record_student(student_id)
    if exercise_id != bundle["exercise_id"]:
        raise invalid("exercise_id", exercise_id, repr(bundle["exercise_id"]))
    return bundle["data"]


def hidden_input(name: str):
    """Input of a hidden test (grading only): chosen by the grader, unknown to students."""
    bundle = _grading_bundle()
    if bundle is None:
        raise CrmsimError("hidden_input() is only available while a notebook is graded")
    if name not in bundle["hidden"]:
        raise invalid("name", name, "one of " + ", ".join(sorted(bundle["hidden"])))
    return bundle["hidden"][name]

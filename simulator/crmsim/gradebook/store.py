"""The course database: every grading run's results, marks, the roster, the term's rules,
overrides and regrade requests, with who did what and when.

One file (SQLite, the default ``sqlite:///course.db``) or a PostgreSQL URL, through the same
layer as the game (:mod:`crmsim.database`). Rows are added, never edited in place, except
a regrade request's status: a new grading run adds results, a new mark or override adds a
row, and the latest row counts. The tables:

``runs``        one row per ``crmsim grade --db``: exercise, time, complete or interrupted
``results``     per submission and run: status, scores, the answers it exported, the values
                they were checked against, each check's message, the known mistakes wrong
                answers equal, written answers, feedback
``submitted``   when each student submitted each exercise (read from the files, or an LMS CSV)
``marks``       a written answer's mark: points, the level per rubric criterion, comment,
                marker, ``first``, ``second`` (a second marking) or ``final`` (moderated)
``roster``      the class: student id, name, e-mail, section, LMS ids
``settings``    the course settings (deadlines, late rule, weights) as imported from TOML
``extensions``  a student's new deadline for an exercise, and why
``overrides``   a question's score set by hand: old and new score, who, when, why; a regrade
                request answered, or an instructor's correction
``regrades``    a student's request to look at a question again, and how it was answered
``markers``     who marks an exercise in the marking app: name, role, key (hash only), and
                for a second marker the share of answers sampled
``snippets``    reusable comments a marker saved for a question
``secrets``     the database's own secrets: the key signing the app's sessions, the key of
                the anonymous labels
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from crmsim.database import connect as _connect
from crmsim.database import load

META = sa.MetaData()
DEFAULT_URL = "sqlite:///course.db"


def _id():
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


RUNS = sa.Table(
    "runs", META, _id(),
    sa.Column("exercise", sa.String(80), nullable=False),
    sa.Column("graded_at", sa.String(32), nullable=False),
    sa.Column("batch", sa.String(16), nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
)
RESULTS = sa.Table(
    "results", META, _id(),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
    sa.Column("exercise", sa.String(80), nullable=False),
    sa.Column("student_id", sa.String(200), nullable=False),
    sa.Column("submission", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("status", sa.String(400), nullable=False),
    sa.Column("lang", sa.String(8), nullable=False),
    sa.Column("total", sa.Float, nullable=False),
    sa.Column("max", sa.Float, nullable=False),
    sa.Column("scores", sa.Text, nullable=False),     # question -> points
    sa.Column("exported", sa.Text, nullable=False),   # answer name -> the student's value
    sa.Column("expected", sa.Text, nullable=False),   # answer name -> the checked-against value
    sa.Column("checks", sa.Text, nullable=False),     # answer name -> [passed, message]
    sa.Column("mistakes", sa.Text, nullable=False),   # answer name -> {en, zh}: the known
                                                      # mistake a wrong answer equals
    sa.Column("written", sa.Text, nullable=False),    # question -> written answer
    sa.Column("feedback", sa.Text, nullable=False),   # Markdown, as written to feedback/
    sa.Index("ix_results_exercise_student", "exercise", "student_id"),
)
SUBMITTED = sa.Table(
    "submitted", META, _id(),
    sa.Column("exercise", sa.String(80), nullable=False),
    sa.Column("student_id", sa.String(200), nullable=False),
    sa.Column("submitted_at", sa.String(32), nullable=False),
    sa.Column("source", sa.String(40), nullable=False),  # files / lms
    sa.Column("recorded_at", sa.String(32), nullable=False),
)
MARKS = sa.Table(
    "marks", META, _id(),
    sa.Column("exercise", sa.String(80), nullable=False),
    sa.Column("student_id", sa.String(200), nullable=False),
    sa.Column("question", sa.String(40), nullable=False),
    sa.Column("points", sa.Float, nullable=False),
    sa.Column("levels", sa.Text, nullable=False),  # rubric criterion -> level chosen
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("marker", sa.String(80), nullable=False),
    sa.Column("role", sa.String(8), nullable=False),  # first / second / final
    sa.Column("marked_at", sa.String(32), nullable=False),
    sa.Index("ix_marks_exercise_student", "exercise", "student_id"),
)
ROSTER = sa.Table(
    "roster", META,
    sa.Column("student_id", sa.String(200), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("section", sa.Text, nullable=False),
    sa.Column("lms_id", sa.Text, nullable=False),     # e.g. Canvas's user id, Moodle's id number
    sa.Column("login", sa.Text, nullable=False),      # the LMS login / username
)
SETTINGS = sa.Table(
    "settings", META, _id(),
    sa.Column("settings", sa.Text, nullable=False),
    sa.Column("imported_at", sa.String(32), nullable=False),
    sa.Column("imported_by", sa.String(80), nullable=False),
)
EXTENSIONS = sa.Table(
    "extensions", META, _id(),
    sa.Column("exercise", sa.String(80), nullable=False),
    sa.Column("student_id", sa.String(200), nullable=False),
    sa.Column("deadline", sa.String(32), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("granted_by", sa.String(80), nullable=False),
    sa.Column("granted_at", sa.String(32), nullable=False),
)
OVERRIDES = sa.Table(
    "overrides", META, _id(),
    sa.Column("exercise", sa.String(80), nullable=False),
    sa.Column("student_id", sa.String(200), nullable=False),
    sa.Column("question", sa.String(40), nullable=False),
    sa.Column("old", sa.Float, nullable=True),
    sa.Column("new", sa.Float, nullable=False),
    sa.Column("who", sa.String(80), nullable=False),
    sa.Column("why", sa.Text, nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
    sa.Column("regrade_id", sa.Integer, nullable=True),
)
REGRADES = sa.Table(
    "regrades", META, _id(),
    sa.Column("exercise", sa.String(80), nullable=False),
    sa.Column("student_id", sa.String(200), nullable=False),
    sa.Column("question", sa.String(40), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("requested_at", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # open / upheld / changed
    sa.Column("answer", sa.Text, nullable=False),
    sa.Column("answered_by", sa.String(80), nullable=False),
    sa.Column("answered_at", sa.String(32), nullable=False),
)


MARKERS = sa.Table(
    "markers", META, _id(),
    sa.Column("exercise", sa.String(80), nullable=False),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("role", sa.String(8), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("sample", sa.Float, nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.UniqueConstraint("exercise", "name", "role"),
)
SNIPPETS = sa.Table(
    "snippets", META, _id(),
    sa.Column("exercise", sa.String(80), nullable=False),
    sa.Column("question", sa.String(40), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("marker", sa.String(80), nullable=False),
    sa.Column("at", sa.String(32), nullable=False),
)
SECRETS = sa.Table(
    "secrets", META,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)


def secret(conn, name: str, make) -> str:
    """The database's secret ``name``, created with ``make()`` the first time."""
    value = conn.execute(sa.select(SECRETS.c.value).where(SECRETS.c.name == name)).scalar()
    if value is None:
        value = make()
        conn.execute(SECRETS.insert().values(name=name, value=value))
    return value


#: the database's secrets, made once when it is created (a secret made in a read-only
#: transaction would be rolled back and made again, differently, by the next one)
SECRET_NAMES = ("session", "queue")


def connect(url: str = DEFAULT_URL) -> sa.Engine:
    """Open (and create if needed) the course database at ``url``."""
    engine = _connect(url, META, name="db")
    with engine.begin() as conn:
        for name in SECRET_NAMES:
            secret(conn, name, lambda: secrets.token_hex(32))
    return engine


def latest_results(conn, exercise: str | None = None) -> list[dict]:
    """The latest result of every student (per exercise): the one the gradebook counts."""
    q = sa.select(RESULTS)
    if exercise is not None:
        q = q.where(RESULTS.c.exercise == exercise)
    latest: dict = {}
    for row in conn.execute(q.order_by(RESULTS.c.id)).mappings():
        latest[(row["exercise"], row["student_id"])] = dict(row)
    return list(latest.values())


def rows(conn, table: sa.Table, **where) -> list[dict]:
    """Every row of ``table`` matching ``where`` (column=value), oldest first."""
    q = sa.select(table)
    for col, value in where.items():
        q = q.where(table.c[col] == value)
    order = table.c["id"] if "id" in table.c else list(table.primary_key.columns)[0]
    return [dict(r) for r in conn.execute(q.order_by(order)).mappings()]


def current_settings(conn) -> dict | None:
    """The course settings last imported, or ``None``."""
    row = conn.execute(sa.select(SETTINGS).order_by(SETTINGS.c.id.desc()).limit(1)).mappings()
    row = row.first()
    return load(row["settings"]) if row else None

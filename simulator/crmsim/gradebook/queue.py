"""Who marks which written answer: markers' keys, the split of the class among first
markers, the sample a second marker marks again, and anonymous labels.

Every first marker of an exercise gets a share of the class (a keyed hash of the student id
picks the marker, so the split is even, stable and unguessable); a second marker gets a
sample of ``sample`` of the answers (again by a keyed hash), split among the second
markers; a ``final`` marker sees the answers whose first and second marks differ, to
moderate them. Markers see an answer by its anonymous label (``A-3F9C1B``, a keyed hash of
the student id), never the student id, unless the marker was added with names shown.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import sqlalchemy as sa

from crmsim.database import load, now
from crmsim.errors import CrmsimError, invalid
from crmsim.gradebook.marks import ROLES, counting_marks, marks_table
from crmsim.gradebook.store import MARKERS, latest_results, secret

#: share of the answers a second marker marks again by default (a common moderation sample)
DEFAULT_SAMPLE = 0.2


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _keyed(conn, purpose: str, text: str) -> int:
    k = secret(conn, "queue", lambda: secrets.token_hex(32))
    return int(hmac.new(k.encode(), f"{purpose}:{text}".encode(), "sha256").hexdigest(), 16)


def label(conn, exercise: str, student: str) -> str:
    """The anonymous label of a student's answers to an exercise."""
    return "A-" + f"{_keyed(conn, 'label:' + exercise, student):X}"[:6]


def add_marker(engine, ex, *, name: str, role: str = "first",
               sample: float = DEFAULT_SAMPLE) -> str:
    """Add a marker of ``ex``; returns the marker's key (shown once, stored as a hash)."""
    if role not in ROLES:
        raise invalid("role", role, " | ".join(ROLES))
    if not str(name).strip() or len(str(name)) > 80:
        raise invalid("marker", name, "a name of 1-80 characters")
    if not (isinstance(sample, (int, float)) and 0 < sample <= 1):
        raise invalid("sample", sample, "a share of the answers, more than 0 and at most 1")
    if not any(q.manual for q in ex.questions):
        raise invalid("exercise", ex.id, "an exercise with written answers to mark")
    key = secrets.token_urlsafe(24)
    with engine.begin() as conn:
        taken = conn.execute(sa.select(MARKERS.c.id).where(
            MARKERS.c.exercise == ex.id, MARKERS.c.name == name, MARKERS.c.role == role)
        ).first()
        if taken:
            raise CrmsimError(f"marker={name!r} is invalid: expected a new marker ({name} is "
                              f"already a {role} marker of {ex.id})")
        conn.execute(MARKERS.insert().values(exercise=ex.id, name=str(name), role=role,
                                             key_hash=_hash(key), sample=float(sample),
                                             created_at=now()))
    return key


def marker_of(conn, key: str) -> dict | None:
    """The marker whose key this is, or ``None``."""
    if not isinstance(key, str) or not key:
        return None
    row = conn.execute(sa.select(MARKERS).where(MARKERS.c.key_hash == _hash(key))
                       ).mappings().first()
    return dict(row) if row else None


def _markers(conn, exercise: str, role: str) -> list[dict]:
    q = sa.select(MARKERS).where(MARKERS.c.exercise == exercise, MARKERS.c.role == role)
    return [dict(r) for r in conn.execute(q.order_by(MARKERS.c.id)).mappings()]


def answers(conn, ex, question: str) -> list[dict]:
    """Every written answer to ``question``: student, label, text, and the student's graded
    numbers (answer name -> (their value, the value it was checked against, passed))."""
    out = []
    for r in latest_results(conn, ex.id):
        written = load(r["written"])
        if question not in written:
            continue
        exported, expected, checks = load(r["exported"]), load(r["expected"]), load(r["checks"])
        numbers = {name: (exported.get(name), expected.get(name), checks.get(name, [None])[0])
                   for name in exported}
        out.append({"student": r["student_id"], "label": label(conn, ex.id, r["student_id"]),
                    "text": written[question], "numbers": numbers, "lang": r["lang"]})
    return sorted(out, key=lambda a: a["label"])


def queue(conn, ex, marker: dict, question: str) -> list[dict]:
    """The answers ``marker`` is to mark for ``question``, in a stable order."""
    every = answers(conn, ex, question)
    role = marker["role"]
    if role == "final":
        marks = marks_table(conn, ex.id)
        marks = marks[marks["question"] == question]
        first = counting_marks(marks[marks["role"] == "first"]).set_index("student_id")
        second = marks[marks["role"] == "second"].groupby("student_id")["points"].last()
        differ = {s for s in second.index if s in first.index
                  and first.loc[s, "points"] != second.loc[s]}
        return [a for a in every if a["student"] in differ]
    team = _markers(conn, ex.id, role)
    ids = [m["id"] for m in team]
    if marker["id"] not in ids:
        return []
    mine = []
    for a in every:
        if role == "second":
            if _keyed(conn, "sample:" + ex.id, a["student"]) % 10_000 >= marker["sample"] * 10_000:
                continue
        if ids[_keyed(conn, f"split:{role}:{ex.id}", a["student"]) % len(ids)] == marker["id"]:
            mine.append(a)
    return mine


def done_by(conn, ex, marker: dict, question: str) -> dict:
    """student -> this marker's latest mark (a row of the marks table) for ``question``."""
    marks = marks_table(conn, ex.id)
    mine = marks[(marks["question"] == question) & (marks["marker"] == marker["name"])
                 & (marks["role"] == marker["role"])]
    return {r["student_id"]: r for r in mine.sort_values("id").to_dict("records")}

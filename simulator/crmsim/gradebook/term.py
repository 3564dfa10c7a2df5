"""The term's rules: deadlines, the late rule, weights, and the class roster.

An instructor writes them once in a TOML file and imports it (``crmsim gradebook settings
--db URL course.toml``); every later report reads the latest import. Extensions are rows of
their own (``crmsim gradebook extend``), so granting one never edits the settings file::

    [course]
    name = "CRM, autumn 2026"
    timezone = "Asia/Shanghai"      # deadlines written without an offset are in this zone

    [late]                          # the late rule, :data:`LATE`
    grace_minutes = 15
    per_day = 0.10
    max_days = 7

    [exercises.ex02-segmentation]   # one table per exercise that counts
    deadline = "2026-09-28T23:59"
    weight = 10
    lms_id = "123456"               # optional: the LMS's column id (Canvas, Blackboard)
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import sys
import zoneinfo
from pathlib import Path

from crmsim.errors import CrmsimError, invalid
from crmsim.params import Param

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: the late rule: what a submission after its deadline (or extension) loses
LATE = {
    "grace_minutes": Param(15.0, "minutes", "a submission this long after the deadline counts "
                           "as on time (clocks and uploads differ by minutes)", lo=0, hi=1440),
    "per_day": Param(0.10, "share of the exercise's points per started day", "points lost "
                     "for each started day late; 10% a day is the most common rule in "
                     "published university late policies", lo=0, hi=1),
    "max_days": Param(7, "days", "a submission more days late than this scores zero (the "
                      "solutions are discussed in class after a week)", lo=0, hi=365,
                      kind="int"),
}
EXERCISE = {
    "deadline": Param("", "date and time", "when the exercise is due (ISO 8601; without an "
                      "offset, in the course's time zone)", kind="str"),
    "weight": Param(1.0, "share of the final grade (relative)", "the exercise's weight in "
                    "the final grade; weights are normalised to sum to 100%", lo=0, hi=1000),
    "lms_id": Param("", "-", "the LMS's id of the exercise's column (Canvas assignment id, "
                    "Blackboard column id), so an import updates that column", kind="str"),
}
COURSE = {
    "name": Param("crmsim course", "-", "the course's name on reports and exports", kind="str"),
    "timezone": Param("UTC", "IANA time zone", "the zone of deadlines written without an "
                      "offset, e.g. Asia/Shanghai", kind="str"),
}
ROSTER_COLUMNS = ("student_id", "name", "email", "section")


def _table(name: str, given, spec: dict) -> dict:
    if not isinstance(given, dict):
        raise invalid(name, given, "a table of " + ", ".join(spec))
    unknown = sorted(set(given) - set(spec))
    if unknown:
        raise invalid(f"{name}.{unknown[0]}", given[unknown[0]], "one of " + ", ".join(spec))
    out = {k: p.default for k, p in spec.items()}
    for k, v in given.items():
        if isinstance(v, (dt.datetime, dt.date)):  # a TOML date written without quotes
            v = v.isoformat()
        out[k] = spec[k].check(f"{name}.{k}", v)
    return out


def check_settings(raw: dict, known_exercises=None) -> dict:
    """The settings with defaults filled in, or a one-line error naming the bad value."""
    if not isinstance(raw, dict):
        raise invalid("settings", raw, "a TOML document")
    unknown = sorted(set(raw) - {"course", "late", "exercises"})
    if unknown:
        raise invalid(unknown[0], raw[unknown[0]], "one of the tables course, late, exercises")
    out = {"course": _table("course", raw.get("course", {}), COURSE),
           "late": _table("late", raw.get("late", {}), LATE), "exercises": {}}
    try:
        zoneinfo.ZoneInfo(out["course"]["timezone"])
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise invalid("course.timezone", out["course"]["timezone"],
                      "an IANA time zone such as Asia/Shanghai or UTC") from None
    exercises = raw.get("exercises", {})
    if not isinstance(exercises, dict) or not exercises:
        raise invalid("exercises", exercises, "one [exercises.<id>] table per exercise")
    for ex_id, table in exercises.items():
        if known_exercises is not None and ex_id not in known_exercises:
            raise invalid("exercises", ex_id, "an exercise id (" + ", ".join(
                sorted(known_exercises)) + ")")
        ex = _table(f"exercises.{ex_id}", table, EXERCISE)
        if ex["deadline"]:
            ex["deadline"] = parse_time(f"exercises.{ex_id}.deadline", ex["deadline"],
                                        out["course"]["timezone"])
        out["exercises"][ex_id] = ex
    if sum(e["weight"] for e in out["exercises"].values()) <= 0:
        raise invalid("exercises.*.weight", 0, "weights that sum to more than 0")
    return out


def read_settings(path, known_exercises=None) -> dict:
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise invalid("settings", str(path), f"a readable TOML file ({exc.strerror})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise invalid("settings", str(path), f"a TOML file ({exc})") from None
    return check_settings(raw, known_exercises)


def parse_time(name: str, value, timezone: str = "UTC") -> str:
    """An ISO 8601 time as UTC text; a time without an offset is in ``timezone``."""
    if isinstance(value, dt.datetime):
        when = value
    else:
        try:
            when = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise invalid(name, value, "a date and time such as 2026-09-28T23:59 or "
                          "2026-09-28T23:59+08:00") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=zoneinfo.ZoneInfo(timezone))
    return when.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def days_late(submitted: str | None, deadline: str | None, grace_minutes: float) -> int:
    """Started days after the deadline (0: on time or within the grace period)."""
    if not submitted or not deadline:
        return 0
    late = dt.datetime.fromisoformat(submitted) - dt.datetime.fromisoformat(deadline)
    minutes = late.total_seconds() / 60
    if minutes <= grace_minutes:
        return 0
    return max(1, math.ceil(minutes / 1440))


def late_factor(days: int, late: dict) -> float:
    """The share of its points a submission keeps when it is ``days`` late."""
    if days <= 0:
        return 1.0
    if days > late["max_days"]:
        return 0.0
    return max(0.0, 1.0 - late["per_day"] * days)


def read_csv(path, name: str, columns: tuple) -> list[dict]:
    """Rows of a UTF-8 CSV with (at least) ``columns``, or a one-line error."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
    except OSError as exc:
        raise invalid(name, str(path), f"a readable CSV file ({exc.strerror})") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise invalid(name, str(path), f"a UTF-8 CSV file ({exc})") from None
    header = set(rows[0]) if rows else set()
    missing = [c for c in columns if c not in header]
    if not rows or missing:
        raise invalid(name, str(path), "a CSV with a header and the columns " +
                      ", ".join(columns) + (f" (missing: {', '.join(missing)})" if rows else ""))
    return [{k: (v or "").strip() for k, v in row.items() if k is not None} for row in rows]


def read_roster(path) -> list[dict]:
    """The class from a CSV: ``student_id, name, email, section`` (and optionally ``lms_id``
    and ``login``, the ids an LMS import matches on)."""
    out, seen = [], set()
    for n, row in enumerate(read_csv(path, "roster", ROSTER_COLUMNS), start=2):
        sid = row["student_id"]
        if not sid:
            raise CrmsimError(f"roster={str(path)!r} is invalid: row {n}: an empty student_id")
        if sid in seen:
            raise CrmsimError(f"roster={str(path)!r} is invalid: row {n}: student_id {sid!r} "
                              "appears twice")
        seen.add(sid)
        out.append({"student_id": sid, "name": row["name"], "email": row["email"],
                    "section": row["section"], "lms_id": row.get("lms_id", ""),
                    "login": row.get("login", "") or row["email"]})
    return out

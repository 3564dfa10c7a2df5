"""Round deadlines: a round closes by itself when its deadline comes.

The instructor (or a co-instructor) sets the deadline of the open round: a time in UTC.
It is stored in the game database (``deadlines``), so the schedule survives a server
restart: a server that was down at the deadline closes the round as soon as it is up
again. Rules (documented in the game guide):

* a submission is accepted until the deadline; one at or after it is *late* and refused
  (it changes nothing), even before the server has closed the round;
* a team with no accepted submission (missing or late) keeps its standing decisions:
  strategies, seats and discount as last round, no acquisition and no reports
  (:mod:`crmsim.game.play`);
* the instructor may still close a round early by hand; a deadline of a round that is
  already closed does nothing;
* several server processes on one database may all watch the schedule: the first one to
  close a round wins, the others find it closed.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading

from crmsim.errors import CrmsimError, invalid
from crmsim.game import api, store

#: how often (seconds) the server looks for rounds past their deadline: a round closes at
#: most this long after its deadline (plus the time the close takes)
CHECK_SECONDS = 1.0


def parse_due(value) -> str:
    """A deadline as the database's UTC text: a timezone-aware datetime, or ISO 8601 text
    (without an offset it is read as UTC, as the pages say)."""
    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise invalid("deadline", value[:40], "a time in ISO 8601, e.g. "
                          "2026-03-01T14:30 (UTC)") from None
    if not isinstance(value, dt.datetime):
        raise invalid("deadline", value, "a time in ISO 8601, e.g. 2026-03-01T14:30 (UTC)")
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def in_minutes(minutes: float) -> str:
    """The deadline ``minutes`` from now."""
    if isinstance(minutes, bool) or not isinstance(minutes, int | float) or not (
            0 < minutes <= 60 * 24 * 366):
        raise invalid("minutes", minutes, "a number of minutes in (0, 527040]")
    return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=minutes)).isoformat(
        timespec="microseconds")


def set_deadline(db, token: str, due, *, round_no: int | None = None) -> dict:
    """Set the open round's deadline to ``due`` (see :func:`parse_due`; ``None`` removes
    it). Needs the right to set deadlines (instructor, co-instructor)."""
    at = None if due is None else parse_due(due)
    with api.engine(db).begin() as conn:
        game, who = api._staff(conn, token, "deadline")
        game = store.game_row(conn, game_id=game["id"], lock=True)
        r = game["round"]
        if game["status"] != "open":
            raise invalid("round", r, "an open round (this one is closing or the game is over)")
        if round_no is not None and round_no != r:
            raise invalid("round", round_no, f"the open round, {r}")
        if at is not None and at <= store.now():
            raise invalid("deadline", at[:19], "a time after now (UTC)")
        store.set_deadline(conn, game_id=game["id"], round_no=r, due_at=at,
                           set_by=who["label"])
    return {"round": r, "deadline": at}


def close_due(db) -> list[int]:
    """Close every open round whose deadline has come; returns the games closed."""
    with api.engine(db).begin() as conn:
        due = store.due_rounds(conn, store.now())
    closed = []
    for gid, r in due:
        try:
            api.close_game_round(db, gid, closed_by="deadline", round_no=r, if_open=True)
            closed.append(gid)
        except CrmsimError:  # closed meanwhile (by hand or by another server process)
            pass
    return closed


class Scheduler:
    """A thread that closes rounds at their deadlines while the server runs."""

    def __init__(self, db, every: float = CHECK_SECONDS):
        self.db, self.every = db, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="crmsim-deadlines",
                                        daemon=True)

    def start(self) -> Scheduler:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                close_due(self.db)
            except Exception as exc:  # noqa: BLE001 - one failed check must not stop the clock
                print(f"crmsim game: deadline check failed: {exc}", file=sys.stderr,
                      flush=True)
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)

"""Who may do what on a game: the instructor, co-instructors and assistants.

The instructor's token (printed when the game is created) has every right. The instructor
gives out staff keys with a role of their own (:func:`crmsim.game.api.add_staff`):

* ``co-instructor`` - runs the game like the instructor (closes rounds, sets deadlines,
  comments) but cannot give out keys;
* ``assistant`` - sees everything the instructor sees (teams, submissions, leaderboard,
  debrief) and writes comments to teams, but cannot close a round or set a deadline.

Creating a game on a server needs the server's instructor key (``crmsim game serve
--instructor-key``); teams need only the join code.
"""

from __future__ import annotations

from crmsim.game.text import AccessDenied

#: every right of each role
RIGHTS: dict[str, frozenset] = {
    "instructor": frozenset({"view", "comment", "close", "deadline", "keys"}),
    "co-instructor": frozenset({"view", "comment", "close", "deadline"}),
    "assistant": frozenset({"view", "comment"}),
}
#: roles the instructor can give out as staff keys
STAFF_ROLES = ("co-instructor", "assistant")


def require(role: str, right: str) -> None:
    """Raise :class:`AccessDenied` unless ``role`` has ``right``."""
    if right not in RIGHTS.get(role, ()):
        raise AccessDenied("denied.right", role=role, right=right)

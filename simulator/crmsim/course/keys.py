"""Student keys and the options file: what lets a student's copy stand alone.

A student's data must be the data their submission is graded on, without the course
secret ever leaving the instructor. So the instructor issues each student a **key** at
release (``crmsim release --all --roster ROSTER.csv --keys KEYS.csv``):

``key = base32(HMAC-SHA256(course secret, "crmsim-student-key" | student id))[:16]``
plus four check characters (a hash of the student id and the 16), written
``ABCD-EFGH-IJKL-MNOP-WXYZ``. The student's data are seeded by ``sha256(key, exercise,
student id)``: at home from the key, at grading from the key the grader derives from the
secret, so both are the same tables. The key says nothing about the secret (HMAC), the
check characters bind it to its student id (another student's key is refused at home),
and the grader refuses a submission whose notebook loaded a key that is not the one it
derives for that student. Hidden test inputs stay seeded by the secret itself, so a key
does not reveal them.

Options of choice and ranking questions are computed from the exercise's solution code,
which students never get. The release computes every roster student's options and writes
them to ``crmsim-options.json`` next to the notebooks, each student's entry found and
unmasked only with that student's id and key (an index and a keystream derived from both
by SHA-256/SHAKE-256): labels in the student's order, never which one is right.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from pathlib import Path

from crmsim.errors import CrmsimError, invalid

#: The environment variable a student (or CI) may set instead of writing STUDENT_KEY.
KEY_ENV = "CRMSIM_STUDENT_KEY"
#: Where the options of a release are looked for: this variable, else the current folder.
OPTIONS_ENV = "CRMSIM_OPTIONS_FILE"
OPTIONS_FILE = "crmsim-options.json"
OPTIONS_FORMAT = 1
BODY, CHECK = 16, 4  # characters of a key: HMAC part, check part
#: What a notebook's STUDENT_KEY may hold to mean "no key": practice data.
NO_KEY = ("", "your-key", "your-student-key")


def _b32(digest: bytes, n: int) -> str:
    return base64.b32encode(digest).decode()[:n]


def _check(student_id: str, body: str) -> str:
    return _b32(hashlib.sha256(f"crmsim-key-check\x1f{student_id}\x1f{body}".encode())
                .digest(), CHECK)


def student_key(student_id: str, secret: str) -> str:
    """The key of one student, derived from the course secret (instructor side only)."""
    mac = hmac.new(secret.encode(), f"crmsim-student-key\x1f{student_id}".encode(),
                   hashlib.sha256).digest()
    raw = _b32(mac, BODY)
    raw += _check(student_id, raw)
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def normalise_key(key) -> str:
    """A key without spaces or dashes, upper case ('' for no key)."""
    if key is None:
        return ""
    if not isinstance(key, str):
        raise invalid("key", key, "the student key your instructor gave you, as text")
    k = key.strip()
    if k.lower() in NO_KEY:
        return ""
    return k.replace("-", "").replace(" ", "").upper()


def check_key(student_id: str, key) -> str:
    """The normalised key, or a one-line error if it is not a key issued to this student
    (wrong length, a typo, or another student's key: the check characters tell)."""
    k = normalise_key(key)
    if not k:
        return ""
    if (len(k) != BODY + CHECK or not set(k) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
            or _check(student_id, k[:BODY]) != k[BODY:]):
        raise invalid("key", key, f"the key issued to student {student_id!r} (20 letters and "
                      "digits, e.g. ABCD-EFGH-IJKL-MNOP-WXYZ; a key belongs to one student id)")
    return k


def key_seed(key: str, exercise_id: str, student_id: str, purpose: str = "data") -> int:
    """The 63-bit seed of a student's data from their (normalised) key."""
    msg = "\x1f".join(["crmsim-key-data", key, exercise_id, student_id, purpose]).encode()
    return int.from_bytes(hashlib.sha256(msg).digest()[:8], "big") >> 1


# ---------------------------------------------------------------- the options file
def _entry_id(exercise_id: str, student_id: str, key: str) -> str:
    return hashlib.sha256(f"crmsim-options-entry\x1f{exercise_id}\x1f{student_id}\x1f{key}"
                          .encode()).hexdigest()[:32]


def _mask(data: bytes, exercise_id: str, student_id: str, key: str) -> bytes:
    pad = hashlib.shake_256(f"crmsim-options-pad\x1f{exercise_id}\x1f{student_id}\x1f{key}"
                            .encode()).digest(len(data))
    return bytes(a ^ b for a, b in zip(data, pad, strict=True))


def seal_options(exercise_id: str, student_id: str, key: str, options: dict) -> tuple:
    """``(entry id, masked text)`` of one student's options ``{"options", "zh"}``."""
    key = normalise_key(key)
    raw = json.dumps(options, ensure_ascii=False, sort_keys=True).encode()
    return (_entry_id(exercise_id, student_id, key),
            base64.b64encode(_mask(raw, exercise_id, student_id, key)).decode())


def options_document(entries: dict[str, dict[str, str]]) -> dict:
    """The content of ``crmsim-options.json``: ``exercise id -> {entry id: masked}``."""
    return {"format": OPTIONS_FORMAT, "about": "options of choice and ranking questions, "
            "one entry per student, readable only with that student's id and key",
            "exercises": {ex: dict(sorted(e.items())) for ex, e in sorted(entries.items())}}


def options_path() -> Path:
    env = os.environ.get(OPTIONS_ENV)
    return Path(env) if env else Path.cwd() / OPTIONS_FILE


def open_options(exercise_id: str, student_id: str, key: str) -> dict | None:
    """This student's options from the release's options file, or ``None`` if the file or
    the entry is absent (raises if the file is there but unreadable)."""
    path = options_path()
    if not key or not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        masked = doc["exercises"].get(exercise_id, {}).get(_entry_id(exercise_id, student_id,
                                                                     key))
        if masked is None:
            return None
        raw = _mask(base64.b64decode(masked), exercise_id, student_id, key)
        return json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CrmsimError(f"{OPTIONS_ENV}={str(path)!r} is invalid: expected the "
                          f"{OPTIONS_FILE} of your course's release ({exc})") from None

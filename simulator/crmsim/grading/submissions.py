"""Finding and reading submissions, their student ids, and the checks of the folders.

Every ``*.ipynb`` (any case) is read once into memory before anything runs (symbolic links
and special files are never followed or opened) and hashed; the submissions folder is
never written. The student id comes from the file name (``<id>.ipynb`` or
``<exercise-id>_<id>.ipynb``) or from the folder (``<id>/<anything>.ipynb``).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from crmsim.course.assignment import STUDENT_ID_RE
from crmsim.errors import check_out_folder, invalid

SID_SEPARATORS = ("__", "_", "-", ".")
MAX_BYTES = 50 * 1024 * 1024  # a submission (or a file a run leaves) larger than this is not read


@dataclass
class Submission:
    """One submission as read before grading: bytes in memory, never re-read."""

    path: str  # relative to the submissions folder
    student_id: str
    raw: bytes | None  # None: not opened (link, special file, too large)
    sha256: str = ""
    status: str | None = None  # a status that stops grading before anything runs


def _is_notebook(name: str) -> bool:
    return name.lower().endswith(".ipynb") and not name.startswith(".")


def find_submissions(folder: Path) -> list[Path]:
    """``*.ipynb`` (any case) in ``folder`` and in its sub-folders one level down.

    Symbolic links are listed (they get an ``unreadable_file`` row) but never followed:
    a linked sub-folder is not entered.
    """
    out = []
    for p in sorted(folder.iterdir()):
        if _is_notebook(p.name) and not p.is_dir():
            out.append(p)
        elif not p.is_symlink() and p.is_dir() and not p.name.startswith("."):
            out += [q for q in sorted(p.iterdir()) if _is_notebook(q.name) and not q.is_dir()]
    return out


def student_id_for(path: Path, folder: Path, exercise_id: str) -> str:
    if path.parent != folder:
        return path.parent.name
    stem = path.name[: -len(".ipynb")]
    for sep in SID_SEPARATORS:
        if stem.startswith(exercise_id + sep):
            return stem[len(exercise_id) + len(sep):]
        if stem.endswith(sep + exercise_id):
            return stem[: -len(exercise_id) - len(sep)]
    return stem


def safe_name(sid: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_.-]", "_", sid)[:64].lstrip(".")
    return s or "unnamed"


def read_regular(path: Path, limit: int = MAX_BYTES) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (not a link) within ``limit``."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read(limit + 1)
        return data if len(data) <= limit else None
    finally:
        os.close(fd)


def read_submissions(folder: Path, exercise_id: str) -> list[Submission]:
    """Read and hash every submission into memory (before any of them runs)."""
    subs, seen = [], set()
    for p in find_submissions(folder):
        sid = student_id_for(p, folder, exercise_id)
        raw = read_regular(p)
        sub = Submission(path=str(p.relative_to(folder)), student_id=sid, raw=raw,
                         sha256=hashlib.sha256(raw).hexdigest() if raw is not None else "")
        if raw is None:
            sub.status = "unreadable_file"
        elif not STUDENT_ID_RE.match(sid):
            sub.status = "invalid_student_id"
        elif sid in seen:
            sub.status = "duplicate_student_id"
        seen.add(sid)
        subs.append(sub)
    return subs


# ---------------------------------------------------------------- the folders
def check_out_dir(out) -> Path:
    """The grading output folder: writable, created with its parents if needed."""
    out = check_out_folder("out", out, parents=True)
    for name, kind in (("gradebook.csv", "file"), ("feedback", "folder"),
                       ("manual.csv", "file"), ("similarity.csv", "file"),
                       ("similarity.html", "file")):
        p = out / name
        if p.is_symlink() or (p.exists() and (p.is_dir() != (kind == "folder"))):
            raise invalid("out", str(out), f"a folder whose {name} is a {kind} (or absent)")
    return out


def check_submissions_dir(path) -> Path:
    p = Path(path)
    if not p.is_dir():
        raise invalid("submissions", str(path), "an existing folder of *.ipynb files")
    try:
        found = find_submissions(p)
    except OSError:
        found = []
    if not found:
        raise invalid("submissions", str(path), "a readable folder containing at least one "
                      "*.ipynb (directly or in one sub-folder per student)")
    return p


def _inside(child: Path, parent: Path) -> bool:
    child, parent = child.resolve(), parent.resolve()
    return child == parent or parent in child.parents


def check_places(exercise_folder: Path, folder: Path, out: Path) -> None:
    """The output folder is neither in the submissions folder nor in the exercise's."""
    if _inside(out, folder):
        raise invalid("out", str(out), "a folder outside the submissions folder")
    if _inside(out, exercise_folder):
        raise invalid("out", str(out), "a folder outside the exercise folder")

"""Safe writes: output appears complete or not at all, and nothing is overwritten unasked.

A folder of results is built in a hidden sibling folder and renamed into place once
everything in it is written; a file is written beside its target and renamed. A
failure (full disk, interrupt, bad data) removes the temporary copy and leaves what
was there before untouched. Existing output is replaced only with ``force=True``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import tempfile
from pathlib import Path

from crmsim.errors import CrmsimError, check_out_folder, invalid


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_failed(param: str, path, exc: OSError) -> CrmsimError:
    """The one-line error for an operating-system failure while writing ``path``."""
    why = exc.strerror or exc.__class__.__name__
    return invalid(param, str(path), f"a place that can be written (writing failed: {why})")


def check_target_folder(param: str, path, *, force: bool = False) -> Path:
    """Raise unless ``path`` can become a results folder; it may exist only empty or with
    ``force``. Call it before long work so a bad ``--out`` fails at once."""
    out = check_out_folder(param, path)
    if out.exists():
        if os.path.ismount(out):
            raise invalid(param, str(path), "a folder that is not a mount point (name a "
                          "folder inside it)")
        try:
            used = any(out.iterdir())
        except OSError as exc:
            raise write_failed(param, path, exc) from None
        if used and not force:
            raise invalid(param, str(path), "a new or empty folder (it holds earlier files; "
                          "add --force to replace it)")
    return out


@contextlib.contextmanager
def staged_folder(param: str, path, *, force: bool = False):
    """Yield a temporary folder to fill; on success it replaces ``path`` in one rename.

    On any error or interrupt the temporary folder is removed and ``path`` keeps its
    old contents. Operating-system errors become a one-line :class:`CrmsimError`.
    """
    out = check_target_folder(param, path, force=force)
    real = out.resolve()
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{real.name}.crmsim-", dir=real.parent))
        tmp.chmod(0o777 & ~_umask())
    except OSError as exc:
        raise write_failed(param, path, exc) from None
    try:
        yield tmp
        _replace_folder(tmp, real)
    except OSError as exc:
        raise write_failed(param, path, exc) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _replace_folder(new: Path, target: Path) -> None:
    """Rename ``new`` to ``target``; an existing ``target`` is moved aside first and
    deleted only once ``new`` is in place (put back if the rename fails)."""
    if not target.exists():
        os.rename(new, target)
        return
    if not any(target.iterdir()):
        os.rename(new, target)  # replaces an empty folder atomically
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rename(target, old / "x")
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old / "x", target)
        raise
    finally:
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)


def write_file(param: str, path, data: str | bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary sibling; refuse to replace an
    existing file unless ``force`` (the check and the write are one atomic step)."""
    path = Path(path)
    if path.is_dir():
        raise invalid(param, str(path), "a file path (a folder of that name exists)")
    if not force and (path.exists() or path.is_symlink()):
        raise invalid(param, str(path), "a new file (it exists; add --force to replace it)")
    parent = path.absolute().parent
    if not parent.is_dir():
        raise invalid(param, str(path), "a file in an existing folder")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        if force:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if the file appeared meanwhile: never clobbers
    except FileExistsError:
        raise invalid(param, str(path), "a new file (it exists; add --force to replace "
                      "it)") from None
    except OSError as exc:
        raise write_failed(param, path, exc) from None
    finally:
        if tmp is not None and os.path.lexists(tmp):
            os.unlink(tmp)
    return path


def md_table(rows, cols) -> list[str]:
    """A Markdown table of ``rows`` (dicts) with columns ``cols``, as lines."""
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = [str(r[c]).replace("|", "/").replace("\n", " ") for c in cols]
        out.append("| " + " | ".join(cells) + " |")
    return out


def generated_file(path: Path, text: str, command: str, argv) -> int:
    """Keep a generated file current: write ``text`` to ``path`` if it differs, or, with
    ``--check`` in ``argv``, report that it is stale (exit code 1) and write nothing."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if "--check" in argv:
        if current != text:
            print(f"{path} is out of date: run {command}")
            return 1
        return 0
    if current != text:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


#: first characters that make a spreadsheet read a cell as a formula (OWASP, "CSV
#: injection"), with their full-width forms, which some spreadsheets convert
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(value):
    """A cell a spreadsheet shows and never runs: text that starts like a formula gets a
    leading apostrophe (shown by no spreadsheet, the usual defence); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_csv(header, rows, *, quote_all: bool = False) -> str:
    """A CSV whose every text cell is :func:`spreadsheet_safe`, as a string."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n",
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    w.writerow([spreadsheet_safe(h) for h in header])
    for row in rows:
        w.writerow([spreadsheet_safe(v) for v in row])
    return buf.getvalue()

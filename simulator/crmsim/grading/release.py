"""The student release of an exercise: stubs for solutions, no hidden tests, checksums.

``crmsim release EXERCISE --out DIR [--lang zh]`` writes ``DIR/<exercise-id>.ipynb``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from pathlib import Path

import nbformat

from crmsim.errors import CrmsimError, invalid
from crmsim.grading.cells import BEGIN, END, STUB, cell_meta, check_lang, checksum
from crmsim.grading.exercise import Exercise


def stub_source(source: str) -> str:
    """Replace every ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` region by a stub."""
    out, inside = [], False
    for line in source.splitlines():
        if line.strip() == BEGIN:
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + s for s in STUB]
        elif line.strip() == END:
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise CrmsimError(f"unterminated {BEGIN!r} region")
    return "\n".join(out)


def student_version(ex: Exercise, lang: str = "en") -> nbformat.NotebookNode:
    """The release: stubs for solutions, no hidden tests, checksums on locked cells; from
    the Chinese twin when ``lang="zh"`` (then the feedback is in Chinese too)."""
    nb = copy.deepcopy(ex.source_in(lang))
    points = {q.id: q.points for q in ex.questions}
    cells = []
    for cell in nb.cells:
        m = cell_meta(cell)
        kind = m.get("kind")
        if kind == "hidden":
            continue
        if kind == "solution":
            cell.source = stub_source(cell.source)
        if isinstance(m.get("release"), str):  # e.g. the student-id cell's placeholder
            cell.source = m.pop("release")
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if kind == "locked":
            m["checksum"] = checksum(cell.source)
        if m.get("question"):
            m["points"] = points[m["question"]]
        if m:
            cell.id = re.sub(r"[^A-Za-z0-9_-]", "-", m["cell"])[:64]
        cells.append(cell)
    nb.cells = cells
    nb.metadata["crmsim"] = {"exercise": ex.id, "source_checksum": source_checksum(ex)}
    if lang != "en":
        nb.metadata["crmsim"]["lang"] = lang
    return nb


def source_checksum(ex: Exercise) -> str:
    h = hashlib.sha256()
    for c in ex.source.cells:
        h.update(checksum(c.source).encode())
    return h.hexdigest()[:16]


def _is_release(path: Path, ex: Exercise) -> bool:
    """Whether ``path`` is a student notebook an earlier ``release`` of ``ex`` wrote."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("crmsim")
    except (OSError, ValueError, AttributeError):
        return False
    return isinstance(meta, dict) and meta.get("exercise") == ex.id and "source_checksum" in meta


def release(ex: Exercise, out: Path, *, force: bool = False, lang: str = "en") -> Path:
    """Write the student notebook to ``out/<exercise-id>.ipynb`` and return its path
    (``lang="zh"``: the Chinese one; release each language into its own folder).

    Never writes into the exercise's own folder (its source notebook would be lost) and
    overwrites only a file an earlier release wrote, unless ``force``.
    """
    out = Path(out)
    check_lang(lang)
    src = ex.folder.resolve()
    target = out.resolve()
    if target == src or src in target.parents:
        raise invalid("out", str(out), "a folder outside the exercise's source folder "
                      f"{ex.folder}")
    path = out / f"{ex.id}.ipynb"
    if path.is_symlink() or path.is_dir() or (path.exists() and not force
                                              and not _is_release(path, ex)):
        raise invalid("out", str(out), f"a folder where {path.name} is absent or an earlier "
                      "release (pass --force to overwrite it)")
    nb = student_version(ex, lang)
    text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    out.mkdir(parents=True, exist_ok=True)
    tmp = out / f".{ex.id}.ipynb.tmp-{os.getpid()}"
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CrmsimError(f"out={str(out)!r} could not be written: {exc.strerror or exc}") \
            from None
    return path

"""Keep the two languages of the course in step: every Chinese page is paired with its
English page, and a sync stamp shared by both says they were last reviewed together.

A page under a ``zh/`` folder (``course/zh/01-x.md``, ``notebooks/zh/01-x.ipynb``) is the
Chinese twin of the file of the same name one folder up. Both files of a pair carry the same
stamp: a hash of both contents (stamps and notebook outputs left out). Editing either file
without touching the other makes the stamps disagree with the content, and
``python -m crmsim.course.translations check`` (run by the tests) names the stale pair. After
updating the other language, ``python -m crmsim.course.translations stamp FILE...`` records the pair
as in step again.

Markdown/MyST pages keep the stamp in a comment line ``<!-- translation-sync: HASH -->``;
notebooks in ``metadata.crmsim.translation_sync``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

from crmsim.errors import CrmsimError

STAMP = re.compile(r"^<!-- translation-sync: ([0-9a-f]{16}|unsynced) -->\n?", re.MULTILINE)
LANG_DIR = "zh"
SUFFIXES = (".md", ".ipynb")


def twin(path: Path) -> Path:
    """The other language's file of a pair: ``a/zh/x.md`` <-> ``a/x.md``."""
    path = Path(path)
    if path.parent.name == LANG_DIR:
        return path.parent.parent / path.name
    return path.parent / LANG_DIR / path.name


def pairs(root: Path) -> list[tuple[Path, Path]]:
    """Every (English, Chinese) pair under ``root``: each file inside a ``zh/`` folder."""
    root = Path(root)
    found = []
    for zh in sorted(root.rglob(f"{LANG_DIR}/*")):
        if zh.suffix in SUFFIXES and ".venv" not in zh.parts and "_build" not in zh.parts:
            found.append((twin(zh), zh))
    return found


def content(path: Path) -> str:
    """What a stamp covers: Markdown without its stamp line; a notebook's cell types and
    sources (not outputs, ids or metadata)."""
    path = Path(path)
    if not path.exists():
        raise CrmsimError(f"translation: {path} has no twin file (expected next to its pair)")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        cells = json.loads(text)["cells"]
        return json.dumps([[c["cell_type"], "".join(c["source"])] for c in cells],
                          ensure_ascii=False)
    return STAMP.sub("", text).rstrip()


def expected_stamp(en: Path, zh: Path) -> str:
    h = hashlib.sha256()
    for p in (en, zh):
        h.update(content(p).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


def read_stamp(path: Path) -> str | None:
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        return json.loads(text).get("metadata", {}).get("crmsim", {}).get("translation_sync")
    found = STAMP.search(text)
    return found.group(1) if found else None


def write_stamp(path: Path, stamp: str) -> None:
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        nb = json.loads(text)
        nb.setdefault("metadata", {}).setdefault("crmsim", {})["translation_sync"] = stamp
        new = json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    else:
        body = STAMP.sub("", text)
        new = body.rstrip("\n") + f"\n\n<!-- translation-sync: {stamp} -->\n"
    if new != text:
        path.write_text(new, encoding="utf-8")


def stale(root: Path) -> list[str]:
    """One line per pair whose files changed since they were last stamped together."""
    out = []
    for en, zh in pairs(root):
        if not en.exists():
            out.append(f"{zh}: no English twin {en}")
            continue
        want = expected_stamp(en, zh)
        for p in (en, zh):
            if read_stamp(p) != want:
                out.append(f"{en} <-> {zh}: {p} changed since the pair was last synced; update "
                           "the other language, then "
                           f"`python -m crmsim.course.translations stamp {p}`")
                break
    return out


def stamp(paths) -> None:
    """Record each given file's pair as in step (run after both languages were updated)."""
    for p in paths:
        p = Path(p)
        en, zh = (twin(p), p) if p.parent.name == LANG_DIR else (p, twin(p))
        s = expected_stamp(en, zh)
        write_stamp(en, s)
        write_stamp(zh, s)
        assert read_stamp(en) == read_stamp(zh) == expected_stamp(en, zh)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["check"]:
        problems = stale(Path(argv[1]) if len(argv) > 1 else Path("."))
        print("\n".join(problems) or "all translations in step")
        return 1 if problems else 0
    if argv[:1] == ["stamp"] and len(argv) > 1:
        stamp(argv[1:])
        return 0
    print("usage: python -m crmsim.course.translations check [ROOT] | stamp FILE...",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())

"""Re-execute every notebook (English and Chinese) in place, storing fresh outputs.

    .venv/bin/python notebooks/execute_all.py            # all notebooks, in order
    .venv/bin/python notebooks/execute_all.py 03 04      # only those whose name starts so
    .venv/bin/python notebooks/execute_all.py --en 03    # English only (--zh: Chinese only)

Each notebook runs top to bottom in a new ``python3`` kernel started with this
interpreter (so run it with the project's virtual environment), in the notebook's own
folder, exactly as nbval will run it; the Chinese twins in ``notebooks/zh/`` run with
``CRMSIM_LANG=zh``. Timing metadata is not recorded, so re-running without changes to the
simulator gives the same files. A notebook fails (and is left unchanged) when a cell raises
or when its output carries a font warning (a glyph missing from the font, a font family not
found): a Chinese label drawn as empty boxes is a broken figure. Prints seconds per notebook
and exits with status 1 if any notebook fails.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = Path(__file__).resolve().parent
LANG_DIRS = {"en": HERE, "zh": HERE / "zh"}
FONT_WARNING = re.compile(r"Glyph \d+ .*missing from|missing from (current )?font|"
                          r"findfont: Font family .* not found")


class FontWarning(Exception):
    """A cell's output says that text was drawn without the glyphs it needs."""


def notebooks(prefixes: list[str], languages=("en", "zh")) -> list[tuple[str, Path]]:
    found = [(lang, p) for lang in languages
             for p in sorted(LANG_DIRS[lang].glob("[0-9][0-9]-*.ipynb"))]
    if prefixes:
        found = [(lang, p) for lang, p in found if any(p.name.startswith(x) for x in prefixes)]
    return found


def font_warnings(nb) -> list[str]:
    """``cell N: warning text`` for every output of ``nb`` that reports a missing glyph/font."""
    out = []
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            text = o.get("text", "") if o.get("output_type") == "stream" else ""
            for line in str(text).splitlines():
                if FONT_WARNING.search(line):
                    out.append(f"cell {i}: {line.strip()[:200]}")
    return out


def execute(path: Path, language: str = "en", timeout: int = 600) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            record_timing=False, store_widget_state=True)
    before = os.environ.get("CRMSIM_LANG")
    os.environ["CRMSIM_LANG"] = language          # the kernel inherits it
    try:
        t0 = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - t0
    finally:
        if before is None:
            os.environ.pop("CRMSIM_LANG", None)
        else:
            os.environ["CRMSIM_LANG"] = before
    bad = font_warnings(nb)
    if bad:
        raise FontWarning("\n".join(bad))
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str]) -> int:
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    languages = ("en", "zh")
    if "--en" in argv or "--zh" in argv:
        languages = tuple(x[2:] for x in argv if x in ("--en", "--zh"))
    prefixes = [a for a in argv if not a.startswith("--")]
    paths = notebooks(prefixes, languages)
    if not paths:
        print("no notebooks matched", argv)
        return 1
    total, failed = 0.0, []
    for language, path in paths:
        name = str(path.relative_to(HERE))
        try:
            s = execute(path, language)
        except (CellExecutionError, FontWarning) as exc:
            failed.append(name)
            print(f"{name:<31} FAILED ({type(exc).__name__})\n{str(exc)[:2000]}", flush=True)
            continue
        total += s
        print(f"{name:<31} {s:6.1f} s", flush=True)
    print(f"{'total':<31} {total:6.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Executable lectures: MyST pages with a kernelspec whose Chinese twin runs the same code.

A lecture that has code cells must declare a Python kernel in its front matter (so Jupyter
Book executes it at build), and its Chinese twin under ``course/zh/`` must have the same
code cells, with ``i18n.set_language("zh")`` added to the first one, and the same inline
``{eval}`` expressions, so both languages quote the same computed numbers. Running the
cells is the site build's job; this test keeps the two languages from drifting apart.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

COURSE = Path(__file__).resolve().parent.parent / "course"
CELL = re.compile(r"```\{code-cell\} python\n(.*?)```", re.S)
EVAL = re.compile(r"\{eval\}`([^`]*)`")
SWITCH = re.compile(r"""^i18n\.set_language\(["']zh["']\)\s*(#.*)?$""")
PAGES = sorted(p.name for p in COURSE.glob("*.md") if CELL.search(p.read_text("utf-8")))


def front_matter(text: str) -> str:
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    return match.group(1) if match else ""


@pytest.mark.parametrize("name", PAGES)
def test_executable_page_declares_a_python_kernel(name):
    fm = front_matter((COURSE / name).read_text("utf-8"))
    assert re.search(r"kernelspec:\s*\n\s+name: python3", fm), f"{name}: no python3 kernelspec"


@pytest.mark.parametrize("name", PAGES)
def test_chinese_twin_runs_the_same_code(name):
    zh = COURSE / "zh" / name
    if not zh.exists():
        pytest.skip(f"{name} has no Chinese twin yet")
    en_text, zh_text = (COURSE / name).read_text("utf-8"), zh.read_text("utf-8")
    assert re.search(r"kernelspec:\s*\n\s+name: python3", front_matter(zh_text))
    en_cells, zh_cells = CELL.findall(en_text), CELL.findall(zh_text)
    assert len(zh_cells) == len(en_cells), f"zh/{name}: {len(zh_cells)} cells, not {len(en_cells)}"
    first = zh_cells[0].split("\n")
    assert any(SWITCH.match(line) for line in first), f"zh/{name}: first cell must switch to zh"
    kept = [line for line in first if line.strip() and line.strip() != "from crmsim import i18n"
            and not SWITCH.match(line)]
    assert kept == [line for line in en_cells[0].split("\n") if line.strip()], (
        f"zh/{name}: first code cell differs from the English page beyond the language switch")
    for i, (en, zh_cell) in enumerate(zip(en_cells[1:], zh_cells[1:], strict=True), start=1):
        assert en == zh_cell, f"zh/{name}: code cell {i} differs from the English page"
    en_only = Counter(EVAL.findall(en_text)) - Counter(EVAL.findall(zh_text))
    zh_only = Counter(EVAL.findall(zh_text)) - Counter(EVAL.findall(en_text))
    # a Chinese page may wrap an English expression to translate its label, e.g.
    # {"sanguine": "多血质", ...}[loss.idxmax()], but quotes the same computed value
    unmatched = sorted(en_only.elements())
    for expr in zh_only.elements():
        hit = next((e for e in unmatched if f"[{e}]" in expr), None)
        assert hit is not None, f"zh/{name}: {{eval}}`{expr}` has no English counterpart"
        unmatched.remove(hit)
    assert unmatched == [], f"zh/{name}: English {{eval}} expressions missing: {unmatched}"

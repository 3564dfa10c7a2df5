"""Copy the code of each English notebook into its Chinese twin (notebooks/zh/, same name).

    .venv/bin/python notebooks/sync_zh.py 00 01      # only those whose name starts so
    .venv/bin/python notebooks/sync_zh.py            # every pair

A Chinese notebook has the same cells in the same order as its English twin: markdown cells
are translated by hand, code cells are the English code with two changes only:

* the first code cell starts with ``from crmsim import i18n`` / ``i18n.set_language("zh")``
  (crmsim's plots and labels in Chinese, CJK font selected);
* display strings listed in the Chinese notebook's metadata ``crmsim.zh_labels``
  (``{"exact English text": "Chinese text"}``, quotes included, e.g. titles and axis labels
  the notebook's own code builds, and whole ``print(...)`` calls with their sentences in
  Chinese) are replaced, the longest first. Keys used for indexing must stay English.

The script refuses (exit 1, nothing written) when the two notebooks' cell types differ (a
markdown cell was added or removed in English: translate it first) or when a listed label no
longer occurs in the English code. Cells whose code changes lose their stored outputs: run
``execute_all.py`` next, then stamp the pair with ``python -m crmsim.course.translations stamp``.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ZH = HERE / "zh"
ZH_PREAMBLE = 'from crmsim import i18n\n\ni18n.set_language("zh")\n'


def zh_code(source: str, labels: dict[str, str], first: bool) -> str:
    # longest first: a whole print() sentence is replaced before a label it contains, and that
    # label then still reaches the sentence's code (the metadata's key order is not kept)
    for en, zh in sorted(labels.items(), key=lambda kv: -len(kv[0])):
        source = source.replace(en, zh)
    return ZH_PREAMBLE + source if first else source


def zh_cells(en_nb, markdown: list[str], labels: dict[str, str], old_zh=None) -> list:
    """The Chinese notebook's cells: ``markdown`` in order for the markdown cells, the English
    code (translated as described above) for the code cells; outputs kept from ``old_zh``
    where the code did not change."""
    md = iter(markdown)
    code_sources = "\n".join(c.source for c in en_nb.cells if c.cell_type == "code")
    missing = [k for k in labels if k not in code_sources]
    if missing:
        raise SystemExit(f"zh_labels not found in the English code: {missing}")
    cells, first = [], True
    for i, cell in enumerate(en_nb.cells):
        new = copy.deepcopy(cell)
        if cell.cell_type == "markdown":
            try:
                new.source = next(md)
            except StopIteration:
                raise SystemExit(f"cell {i}: no Chinese text for this markdown cell") from None
        else:
            new.source = zh_code(cell.source, labels, first)
            first = False
            old = old_zh.cells[i] if old_zh is not None and i < len(old_zh.cells) else None
            if old is not None and old.cell_type == "code" and old.source == new.source:
                new.outputs, new.execution_count = old.outputs, old.execution_count
            else:
                new.outputs, new.execution_count = [], None
        cells.append(new)
    if next(md, None) is not None:
        raise SystemExit("more Chinese markdown cells than English ones")
    return cells


def write_zh(en_path: Path, markdown: list[str], labels: dict[str, str], old_zh=None) -> Path:
    en_nb = nbformat.read(en_path, as_version=4)
    zh_nb = copy.deepcopy(en_nb)
    zh_nb.cells = zh_cells(en_nb, markdown, labels, old_zh)
    meta = zh_nb.metadata.setdefault("crmsim", {})
    meta["zh_labels"] = labels
    if old_zh is not None and "translation_sync" in old_zh.metadata.get("crmsim", {}):
        meta["translation_sync"] = old_zh.metadata["crmsim"]["translation_sync"]
    zh_nb.metadata["language_info"] = en_nb.metadata.get("language_info", {})
    out = ZH / en_path.name
    out.parent.mkdir(exist_ok=True)
    nbformat.write(zh_nb, out)
    return out


def sync(en_path: Path) -> Path:
    """Rewrite the code cells of ``en_path``'s existing Chinese twin from the English code."""
    zh_path = ZH / en_path.name
    old = nbformat.read(zh_path, as_version=4)
    en_nb = nbformat.read(en_path, as_version=4)
    kinds_en = [c.cell_type for c in en_nb.cells]
    kinds_zh = [c.cell_type for c in old.cells]
    if kinds_en != kinds_zh:
        raise SystemExit(f"{zh_path.name}: cell types differ from the English notebook "
                         f"(en {kinds_en}, zh {kinds_zh}); translate the new cells first")
    markdown = [c.source for c in old.cells if c.cell_type == "markdown"]
    labels = old.metadata.get("crmsim", {}).get("zh_labels", {})
    return write_zh(en_path, markdown, labels, old)


def main(argv: list[str]) -> int:
    paths = sorted(p for p in HERE.glob("[0-9][0-9]-*.ipynb") if (ZH / p.name).exists())
    if argv:
        paths = [p for p in paths if any(p.name.startswith(x) for x in argv)]
    for p in paths:
        print("synced", sync(p).relative_to(HERE.parent))
    return 0 if paths else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

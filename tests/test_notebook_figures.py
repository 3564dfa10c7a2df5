"""Every notebook cell that draws stores its figure, so students see it.

nbval compares text outputs only, so a figure lost to a non-interactive backend
(for instance a library switching matplotlib to Agg at import) would pass it.
"""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
DRAWS = re.compile(r"plt\.(show|subplots|figure)\(|\bplot_\w+\(|\.plot\(|\.hist\(|\.bar\(")


def drawing_cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        code = "\n".join(line.split("#", 1)[0] for line in src.splitlines())
        if DRAWS.search(code) and not re.search(r"^\s*def ", code, re.M):
            yield i, cell


def has_image(cell) -> bool:
    return any(k.startswith("image/") for o in cell.get("outputs", [])
               for k in o.get("data", {}))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_drawing_cell_stores_an_image(path):
    blind = [i for i, cell in drawing_cells(path) if not has_image(cell)]
    assert not blind, f"{path.name}: cells {blind} draw but store no image"


def test_the_check_finds_drawing_cells():
    assert sum(1 for p in NOTEBOOKS for _ in drawing_cells(p)) >= 10


def test_importing_crmsim_plots_keeps_the_backend():
    import subprocess
    import sys

    code = ("import matplotlib; matplotlib.use('svg'); import crmsim, crmsim.plots, "
            "crmsim.analysis; print(matplotlib.get_backend())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "svg"

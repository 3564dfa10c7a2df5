"""Re-execute every notebook in this folder in place, storing fresh outputs.

    .venv/bin/python notebooks/execute_all.py            # all notebooks, in order
    .venv/bin/python notebooks/execute_all.py 03 04      # only those whose name starts so

Each notebook runs top to bottom in a new ``python3`` kernel started with this
interpreter (so run it with the project's virtual environment), in the notebook's own
folder, exactly as nbval will run it. Timing metadata is not recorded, so re-running
without changes to the simulator gives the same files. Prints seconds per notebook and
exits with status 1 if any notebook fails (the failing notebook is left unchanged).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = Path(__file__).resolve().parent


def notebooks(prefixes: list[str]) -> list[Path]:
    found = sorted(p for p in HERE.glob("[0-9][0-9]-*.ipynb"))
    if prefixes:
        found = [p for p in found if any(p.name.startswith(x) for x in prefixes)]
    return found


def execute(path: Path, timeout: int = 600) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            record_timing=False, store_widget_state=True)
    t0 = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - t0
    nbformat.write(nb, path)
    return seconds


def main(argv: list[str]) -> int:
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    paths = notebooks(argv)
    if not paths:
        print("no notebooks matched", argv)
        return 1
    total, failed = 0.0, []
    for path in paths:
        try:
            s = execute(path)
        except CellExecutionError as exc:
            failed.append(path.name)
            print(f"{path.name:<28} FAILED\n{str(exc)[:2000]}", flush=True)
            continue
        total += s
        print(f"{path.name:<28} {s:6.1f} s", flush=True)
    print(f"{'total':<28} {total:6.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

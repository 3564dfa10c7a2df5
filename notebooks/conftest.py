"""pytest plugin for the notebooks: per-notebook wall time in the terminal summary.

Used when the notebooks are validated with nbval::

    pytest --nbval notebooks/ --nbval-sanitize-with notebooks/sanitize.cfg

It applies to the Chinese twins in ``notebooks/zh/`` too (one line per file). nbval turns
every code cell into a test item; this hook adds up the setup, call and teardown durations
of the items of each notebook (kernel start-up is part of the first cell's setup) and prints
one line per notebook, slowest first, plus the total.
"""

from __future__ import annotations

from collections import defaultdict

_SECONDS: dict[str, float] = defaultdict(float)
_CELLS: dict[str, set] = defaultdict(set)
_FAILED: dict[str, int] = defaultdict(int)


def _notebook_of(nodeid: str) -> str:
    return nodeid.split("::", 1)[0]


def pytest_runtest_logreport(report):
    path = _notebook_of(report.nodeid)
    if not path.endswith(".ipynb"):
        return
    _SECONDS[path] += float(getattr(report, "duration", 0.0) or 0.0)
    _CELLS[path].add(report.nodeid)
    if report.failed:
        _FAILED[path] += 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _SECONDS:
        return
    tr = terminalreporter
    tr.write_sep("=", "notebook wall time (nbval)")
    width = max(len(p) for p in _SECONDS)
    for path in sorted(_SECONDS):
        status = f"{_FAILED[path]} failed" if _FAILED[path] else "ok"
        tr.write_line(f"{path:<{width}}  {_SECONDS[path]:7.1f} s  "
                      f"{len(_CELLS[path]):3d} cells  {status}")
    tr.write_line(f"{'total':<{width}}  {sum(_SECONDS.values()):7.1f} s")

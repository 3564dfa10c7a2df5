"""pytest plugin loaded by the grader next to nbval: records each cell's outcome as JSON.

Runs in the pytest process, not in the student's kernel. The report is informational
(which cells failed and why); points never depend on it.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time

import pytest

_cells: dict[int, dict] = {}
_collect_errors: list[str] = []
_CELL = re.compile(r"::Cell (\d+)$")
_died: list[int] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """Watch the kernel while a cell runs: a real crash shows up within a fraction of a
    second, long before nbval's timeout (nbval only stops the kernel after the timeout)."""
    kernel = getattr(getattr(item, "parent", None), "kernel", None)
    limit = float(item.config.getoption("nbval_cell_timeout", 2000) or 2000)
    done = threading.Event()
    start = time.monotonic()

    def watch():
        while not done.wait(0.1):
            try:
                alive = kernel.is_alive()
            except Exception:  # noqa: BLE001 - a kernel object in a bad state counts as dead
                alive = False
            if not alive:
                if time.monotonic() - start < limit:
                    _died.append(item.cell_num)
                return

    if kernel is not None:
        threading.Thread(target=watch, daemon=True).start()
    try:
        yield
    finally:
        done.set()


def pytest_collectreport(report):
    if report.failed:
        _collect_errors.append(str(report.longreprtext)[-3000:])


def pytest_runtest_logreport(report):
    m = _CELL.search(report.nodeid)
    if not m:
        return
    n = int(m.group(1))
    if report.when == "call" or report.failed:
        prev = _cells.get(n)
        if prev and prev["outcome"] == "failed":
            return
        _cells[n] = {"outcome": report.outcome, "when": report.when,
                     "message": str(report.longreprtext)[-4000:] if report.failed else ""}


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("CRMSIM_GRADE_REPORT")
    if not path:
        return
    doc = {"cells": {str(k): v for k, v in sorted(_cells.items())},
           "collect_errors": _collect_errors,
           "kernel_died_in_cell": _died[0] if _died else None, "exitstatus": int(exitstatus)}
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)

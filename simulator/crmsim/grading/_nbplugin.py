"""pytest plugin loaded by the grader next to nbval: records each cell's outcome as JSON.

Runs in the pytest process, not in the student's kernel. The report is informational
(which cells failed and why); points never depend on it.
"""

from __future__ import annotations

import json
import os
import re

_cells: dict[int, dict] = {}
_collect_errors: list[str] = []
_CELL = re.compile(r"::Cell (\d+)$")


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
           "collect_errors": _collect_errors, "exitstatus": int(exitstatus)}
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)

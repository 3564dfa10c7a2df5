"""Reading a run: the nbval report of each cell, the kernel's death, timeouts, the disk cap.

The report (written by :mod:`crmsim.grading._nbplugin` in the pytest process) is
informational: it says which cells failed and why; points never depend on it.
"""

from __future__ import annotations

import re

from crmsim.grading.messages import msg

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def interpret_run(run: dict, labels: list, res) -> None:
    """Add the run's statuses, failed cells and notes to ``res``."""
    report = run["report"] or {}
    cells = report.get("cells", {}) if isinstance(report.get("cells"), dict) else {}
    dead = False
    died = report.get("kernel_died_in_cell")
    died = died if isinstance(died, int) and 0 <= died < len(labels) else None
    for key, info in cells.items():
        if not isinstance(info, dict) or info.get("outcome") != "failed":
            continue
        try:
            kind, name, q = labels[int(key)]
        except (ValueError, IndexError):
            continue
        text = ANSI.sub("", str(info.get("message", "")))
        short = short_error(text)
        if died == int(key):
            short = msg("cell.died_here")
        elif "Kernel dead" in text or "Kernel died" in text or "dead kernel" in text.lower():
            dead = True
            short = msg("cell.not_run")
        elif "Timeout of" in text or "KeyboardInterrupt" in text:
            res.add("timeout")
        elif "MemoryError" in text:
            res.add("memory_limit")
        res.add("cell_errors")
        if kind == "hidden":
            short = msg("cell.hidden_raised", error=short)
        elif failing_line(text) and died != int(key):
            short = msg("cell.at_line", error=short, line=failing_line(text))
        label = msg("cell.label", name=name, question=q) if q else name
        res.failed_cells.append((label, short, q))
    if died is not None:
        dead = True
        res.notes.append(msg("note.kernel_died", cell=labels[died][1]))
    if dead:
        res.add("kernel_died")
    if run["wall_timeout"]:
        res.add("timeout")
        res.notes.append(msg("note.stopped", seconds=f"{run['seconds']:.0f}"))
    if run.get("disk_limit"):
        res.add("disk_limit")
        res.notes.append(msg("note.disk_limit", mb=f"{run['disk_mb']:g}"))
    if report.get("collect_errors"):
        res.add("cell_errors")
        res.notes.append(msg("note.not_collected"))
    if not report and not run["wall_timeout"] and not run.get("disk_limit"):
        res.add("kernel_died")
        res.notes.append(msg("note.no_report"))


def failing_line(text: str) -> str:
    """The line of the cell itself that raised (IPython marks it ``---->``), e.g. the
    public test's failing ``assert``; empty if the traceback has none."""
    for ln in text.splitlines():
        m = re.match(r"^\s*---->\s*\d+\s?(.*)$", ln)
        if m and m.group(1).strip():
            return m.group(1).strip().replace("`", "'")[:200]
    return ""


def short_error(text: str) -> str:
    """The error line of a traceback (the last ``...Error``), at most 300 characters."""
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    keep = [ln.strip() for ln in lines if re.match(r"^\s*[A-Za-z_.]*(Error|Exception|Interrupt"
                                                   r"|Exit)\b", ln) or "Timeout of" in ln]
    out = keep[-1] if keep else (lines[-1] if lines else "failed")
    return out[:300]

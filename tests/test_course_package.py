"""The course tooling package: the student API stands alone (no grader), old import paths
are the moved modules themselves, the exercises' data shipped in the package is current,
and the grading and course packages have no import cycle and no module over 600 lines."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "simulator" / "crmsim"
MINE = ("crmsim.grading", "crmsim.course")
LEADS = {"crmsim.grading.cli"}  # the CLI cycle (cli <-> grading/cli) is the CLI layer's


def _run(code: str, **env) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=300)


def test_exercise_data_shipped_in_the_package_is_current():
    from crmsim.course import exercises

    assert exercises.main(["--check"]) == 0, \
        "crmsim/data/exercises.json is out of date: run python -m crmsim.course.exercises"
    data = exercises.exercise_data()
    assert set(data) == set(exercises.available(ROOT / "exercises"))
    assert all(isinstance(d["years"], float) for d in data.values())


def test_the_student_api_does_not_import_the_grader():
    r = _run("import sys; from crmsim import assignment; import crmsim.course.options; "
             "print(sorted(m for m in sys.modules if m.startswith('crmsim.grading')))")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_a_student_with_only_the_wheel_gets_data_and_a_clear_note_for_options(tmp_path):
    """No exercises folder: the data comes from the package, options say what they need."""
    r = _run("from crmsim import assignment\n"
             "d = assignment.load('ex06-analytical-crm', 's1')\n"
             "print(len(d.customers), d.choices_error != '')",
             CRMSIM_EXERCISES_DIR=str(tmp_path / "none"))
    assert r.returncode == 0, r.stderr
    n, noted = r.stdout.split()
    assert int(n) > 0 and noted == "True"


@pytest.mark.parametrize("old, new", [
    ("crmsim.assignment", "crmsim.course.assignment"),
    ("crmsim.translations", "crmsim.course.translations"),
    ("crmsim.docs", "crmsim.course.paramdocs"),
    ("crmsim.grading.coverage", "crmsim.course.coverage"),
    ("crmsim.grading.grader", "crmsim.grading.batch"),
])
def test_old_import_paths_are_the_moved_modules(old, new):
    import importlib

    assert importlib.import_module(old) is importlib.import_module(new)


def test_old_python_m_paths_still_run():
    r = subprocess.run([sys.executable, "-m", "crmsim.translations"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and "python -m crmsim.course.translations" in r.stderr


# ---------------------------------------------------------------- layout
def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every crmsim module ``path`` imports, at the top or inside a function."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in out if m.startswith("crmsim")}


def _graph() -> dict[str, set[str]]:
    files = {_module(p): p for p in PACKAGE.rglob("*.py")}
    return {m: {i for i in _imports(p) if i in files and i != m} for m, p in files.items()}


def test_no_import_cycle_through_grading_or_course():
    graph = _graph()
    mine = {m for m in graph if m.startswith(MINE) and m not in LEADS}
    cycles = []
    for start in sorted(mine):
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in graph.get(node, ()):
                if nxt == start:
                    cycles.append(" -> ".join([*path, start]))
                elif nxt not in seen and nxt not in LEADS:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    assert cycles == []


def test_course_does_not_import_grading():
    graph = _graph()
    assert {m: sorted(i for i in deps if i.startswith("crmsim.grading"))
            for m, deps in graph.items() if m.startswith("crmsim.course")
            and any(i.startswith("crmsim.grading") for i in deps)} == {}


def test_no_module_over_600_lines():
    long = {str(p.relative_to(PACKAGE)): n for pkg in ("grading", "course")
            for p in (PACKAGE / pkg).rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert long == {}

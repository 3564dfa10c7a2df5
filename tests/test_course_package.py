"""The course tooling package: the student API stands alone (no grader), old import paths
are the moved modules themselves, the exercises' data shipped in the package is current,
and the grading and course packages have no import cycle and no module over 600 lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "simulator" / "crmsim"


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
    line, result = r.stdout.strip().splitlines()
    assert line.startswith("Data: PRACTICE data for ex06-analytical-crm")
    n, noted = result.split()
    assert int(n) > 0 and noted == "True"


def test_old_python_m_paths_still_run():
    r = subprocess.run([sys.executable, "-m", "crmsim.translations"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and "python -m crmsim.course.translations" in r.stderr

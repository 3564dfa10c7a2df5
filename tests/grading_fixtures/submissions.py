"""Build good, broken and cheating submissions of an exercise for the grading tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat

from crmsim.grading.exercise import cell_meta
from crmsim.grading.release import student_version

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"


def _find(nb, name):
    for i, c in enumerate(nb.cells):
        if cell_meta(c).get("cell") == name:
            return i
    raise KeyError(name)


def source_of(nb, name):
    return nb.cells[_find(nb, name)].source


def with_id(nb, sid, key=""):
    """The notebook with its student cell filled in as a student would (id and key)."""
    nb = copy.deepcopy(nb)
    cell = nb.cells[_find(nb, "student-id")]
    cell.source = f'STUDENT_ID = "{sid}"' + (f'\nSTUDENT_KEY = "{key}"'
                                             if "STUDENT_KEY" in cell.source else "")
    return nb


def solved(ex, sid):
    """The instructor's notebook (solutions, hidden cells) with this student's id."""
    return with_id(ex.source, sid)


def stub(ex, sid):
    """The released notebook, only the student id filled in."""
    return with_id(student_version(ex), sid)


def insert_after(nb, name, source):
    nb = copy.deepcopy(nb)
    nb.cells.insert(_find(nb, name) + 1, nbformat.v4.new_code_cell(source))
    return nb


def replace(nb, name, source):
    nb = copy.deepcopy(nb)
    nb.cells[_find(nb, name)].source = source
    return nb


def delete(nb, name):
    nb = copy.deepcopy(nb)
    del nb.cells[_find(nb, name)]
    return nb


def set_exercise(nb, exercise_id):
    nb = copy.deepcopy(nb)
    nb.metadata["crmsim"] = {"exercise": exercise_id}
    return nb


def write(nb, path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    for i, c in enumerate(nb.cells):
        c.setdefault("id", f"x{i}")
    path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
    return path

"""The notebook a submission is graded as: its locked cells checked, hidden tests added.

Locked cells (setup, instructions, public tests, the submit cell) must be as released, in
English or in the Chinese twin; an edited, deleted or duplicated locked code cell zeroes
the questions it belongs to (a setup cell: all of them). The graded copy is the student's
cells, then the hidden tests, then a cell that exports the answers.
"""

from __future__ import annotations

import copy

import nbformat

from crmsim.grading.exercise import Exercise, cell_meta, checksum
from crmsim.grading.messages import msg


def _cells_by_name(nb) -> dict[str, list]:
    out: dict[str, list] = {}
    for c in nb.cells:
        name = cell_meta(c).get("cell")
        if isinstance(name, str):
            out.setdefault(name, []).append(c)
    return out


def check_locked(ex: Exercise, nb, res) -> set[str]:
    """Compare locked cells with the source; return the ids of questions zeroed."""
    qids = {q.id for q in ex.questions}
    by_name = _cells_by_name(nb)
    zeroed: set[str] = set()
    allowed = ex.locked_alternatives()  # English source or its Chinese twin
    for cell in ex.cells("locked"):
        m = cell_meta(cell)
        got = by_name.get(m["cell"], [])
        if len(got) == 1 and checksum(got[0].source) in allowed[m["cell"]]:
            continue
        what = msg("note.deleted" if not got else
                   ("note.duplicated" if len(got) > 1 else "note.edited"))
        if cell.cell_type != "code":
            res.notes.append(msg("note.text_cell", cell=m["cell"], what=what))
            continue
        affected = {m["question"]} if m.get("question") else qids
        zeroed |= affected
        res.add("modified_cells")
        if m.get("question"):
            res.notes.append(msg("note.locked_question", cell=m["cell"], what=what,
                                 question=m["question"]))
        else:
            res.notes.append(msg("note.locked_setup", cell=m["cell"], what=what))
    return zeroed


def graded_notebook(ex: Exercise, nb, export_names: list[str]):
    """Submission cells + hidden cells + an export cell; outputs and nbval tags removed."""
    hidden = ex.cells("hidden")
    hidden_names = {cell_meta(c)["cell"] for c in hidden}
    cells, labels = [], []
    for c in nb.cells:
        if cell_meta(c).get("cell") in hidden_names:
            continue
        c = copy.deepcopy(c)
        c.metadata.pop("tags", None)
        c.metadata.pop("nbval", None)
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
            name = cell_meta(c).get("cell") or f"your code cell #{len(labels) + 1}"
            labels.append(("student", name, cell_meta(c).get("question")))
        cells.append(c)
    for c in hidden:
        c = copy.deepcopy(c)
        c.outputs, c.execution_count = [], None
        cells.append(c)
        labels.append(("hidden", cell_meta(c)["cell"], cell_meta(c).get("question")))
    export = nbformat.v4.new_code_cell(
        "from crmsim.course import assignment as _crmsim_assignment\n"
        f"_crmsim_assignment.submit_from(globals(), {export_names!r})")
    cells.append(export)
    labels.append(("grader", "answer export", None))
    out = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    for i, c in enumerate(out.cells):
        c.id = f"c{i}"
    return out, labels

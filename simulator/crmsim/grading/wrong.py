"""Wrong solutions of an exercise: ``wrong/<mistake>.py``, read without running them.

Each is a known mistake CI grades: a docstring naming the mistake, ``LOSES`` (question ids
that must score 0), ``CELLS`` (solution cell name -> code replacing it) and ``FEEDBACK``
(``{"en": ..., "zh": ...}``: the mistake in a few words, what a student's feedback says
when their answer is what this mistake gives on their data; :mod:`.mistakes`).
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass
from pathlib import Path

from crmsim.errors import CrmsimError
from crmsim.grading.cells import cell_meta


@dataclass
class WrongSolution:
    """A known mistake: the solution cells it replaces and the questions it must lose."""

    name: str
    path: Path
    mistake: str  # the module docstring: what is wrong and why students do it
    loses: list[str]
    cells: dict[str, str]
    feedback: dict = None  # {"en": text, "zh": text}, or None (not named to students)


def wrong_solutions(ex) -> list[WrongSolution]:
    """The exercise's ``wrong/*.py`` files, read without running them (literals only)."""
    out = []
    folder = ex.folder / "wrong"
    solution_cells = {cell_meta(c)["cell"] for c in ex.cells("solution")}
    qids = {q.id for q in ex.questions}
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        def bad(what, path=path):
            return CrmsimError(f"exercise={ex.id!r} is invalid: wrong/{path.name}: {what}")

        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError) as exc:
            raise bad(str(exc)) from None
        values = {}
        for node in tree.body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id in ("LOSES", "CELLS", "FEEDBACK")):
                try:
                    values[node.targets[0].id] = ast.literal_eval(node.value)
                except ValueError:
                    raise bad(f"{node.targets[0].id} must be a literal") from None
        doc = ast.get_docstring(tree) or ""
        loses, cells = values.get("LOSES"), values.get("CELLS")
        if not doc.strip():
            raise bad("a docstring naming the mistake is required")
        if not (isinstance(loses, list) and loses and set(loses) <= qids):
            raise bad(f"LOSES={loses!r}: expected a non-empty list of question ids "
                      f"({', '.join(sorted(qids))})")
        if not (isinstance(cells, dict) and cells and set(cells) <= solution_cells
                and all(isinstance(v, str) for v in cells.values())):
            raise bad("CELLS: expected {solution cell name: code}, cells among "
                      f"{', '.join(sorted(solution_cells))}")
        feedback = values.get("FEEDBACK")
        if feedback is not None and not (isinstance(feedback, dict) and set(feedback) ==
                                         {"en", "zh"} and all(isinstance(v, str) and v.strip()
                                                              for v in feedback.values())):
            raise bad('FEEDBACK: expected {"en": text, "zh": text}')
        if feedback is not None and any("|" in v for v in feedback.values()):
            raise bad("FEEDBACK: no '|' (the feedback's table would show it as '/')")
        out.append(WrongSolution(path.stem, path, doc.strip(), list(loses), dict(cells),
                                 dict(feedback) if feedback else None))
    return out


def apply_wrong(nb, wrong: WrongSolution):
    """A copy of notebook ``nb`` with the wrong solution's cells replacing the originals."""
    nb = copy.deepcopy(nb)
    for c in nb.cells:
        name = cell_meta(c).get("cell")
        if name in wrong.cells:
            c.source = wrong.cells[name]
    return nb

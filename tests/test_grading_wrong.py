"""Hidden checks discriminate: every wrong solution in ``exercises/<id>/wrong/`` loses the
points of the questions it names (``LOSES``) and keeps all the others. Each exercise's
wrong solutions are graded in one sandboxed batch, as real submissions are."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "grading_fixtures"))
import submissions as S  # noqa: E402

from crmsim.grading import Options, available, grade, load_exercise  # noqa: E402
from crmsim.grading.exercise import apply_wrong, wrong_solutions  # noqa: E402

CASES = [(name, w.name) for name in available(S.EXERCISES)
         for w in wrong_solutions(load_exercise(name, S.EXERCISES))]


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    root = tmp_path_factory.mktemp("wrong")
    done = {}

    def graded(name):
        if name not in done:
            ex = load_exercise(name, S.EXERCISES)
            subs = root / name / "subs"
            for w in wrong_solutions(ex):
                S.write(apply_wrong(S.solved(ex, w.name), w), subs / f"{w.name}.ipynb")
            res = grade(ex, subs, root / name / "out", Options(jobs=2, cell_timeout=60))
            done[name] = ex, {r.student_id: r for r in res}
        return done[name]
    return graded


def test_an_exercise_has_wrong_solutions():
    assert CASES, "no exercise has wrong/ solutions"


@pytest.mark.parametrize("name, wrong", CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_wrong_solution_loses_its_questions_only(batches, name, wrong):
    ex, res = batches(name)
    r = res[wrong]
    loses = next(w for w in wrong_solutions(ex) if w.name == wrong).loses
    scored = {q: r.scores[q] for q in loses if r.scores[q] > 0}
    assert not scored, f"{name}/wrong/{wrong}.py scores {scored}: strengthen the hidden checks"
    kept = {q.id: r.scores[q.id] for q in ex.questions
            if q.id not in loses and not q.manual and r.scores[q.id] < q.points}
    assert not kept, f"{name}/wrong/{wrong}.py also loses {kept} ({r.status}, {r.failed_cells})"

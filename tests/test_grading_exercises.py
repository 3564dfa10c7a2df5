"""Every exercise both ways: the source notebook scores full marks (its written answers
given full marks by the instructor's marks file), the released stub (only the student id
filled in) scores zero on every question: a check that cannot fail is a bug. All exercises
are graded in one batch per exercise, in parallel."""

from __future__ import annotations

import concurrent.futures as cf
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "grading_fixtures"))
import submissions as S  # noqa: E402

from crmsim.grading import Options, available, grade, load_exercise  # noqa: E402

EXERCISES = available(S.EXERCISES)
TOPICS = ["ex01-lifecycle", "ex02-segmentation", "ex03-customer-value", "ex04-retention",
          "ex05-empowerment", "ex06-analytical-crm", "ex07-implementation", "ex08-crm-strategy"]


def test_one_exercise_per_topic():
    assert set(TOPICS) <= set(EXERCISES)
    for name in TOPICS:
        ex = load_exercise(name, S.EXERCISES)
        assert 3 <= len(ex.questions) <= 7
        assert any(c for c in ex.cells("hidden")), f"{name}: no code (hidden-test) question"


def _grade_both(name, root):
    ex = load_exercise(name, S.EXERCISES)
    subs = root / name / "subs"
    S.write(S.solved(ex, "solved"), subs / "solved.ipynb")
    S.write(S.stub(ex, "stub"), subs / "stub.ipynb")
    marks = root / name / "marks.csv"
    marks.write_text("student,exercise,question,points,comment\n" + "".join(
        f"solved,{ex.id},{q.id},{q.points:g},full marks\n" for q in ex.questions if q.manual),
        encoding="utf-8")
    written = any(q.manual for q in ex.questions)
    res = grade(ex, subs, root / name / "out", Options(jobs=1, cell_timeout=30),
                manual=marks if written else None)
    return ex, {r.student_id: r for r in res}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("exercises")
    with cf.ThreadPoolExecutor(2) as pool:
        return dict(zip(EXERCISES, pool.map(lambda n: _grade_both(n, root), EXERCISES),
                        strict=True))


@pytest.mark.parametrize("name", EXERCISES)
def test_source_full_marks_stub_zero(graded, name):
    ex, res = graded[name]
    solved, stub = res["solved"], res["stub"]
    assert solved.status == "ok", (solved.status, solved.failed_cells, solved.answers)
    assert solved.total == ex.max_points
    assert all(v == 0 for v in stub.scores.values()), stub.scores
    assert "missing_answers" in stub.status

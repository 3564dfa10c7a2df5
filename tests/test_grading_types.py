"""The question types of issue #11 end to end: choice, ranking (Kendall's tau), decision
(partial credit between baseline and best), written (exported to manual.csv, marks merged
with --manual). One sandboxed batch grades every variant of the demo exercise."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "grading_fixtures"))
import submissions as S  # noqa: E402

from crmsim.course import assignment  # noqa: E402
from crmsim.errors import CrmsimError  # noqa: E402
from crmsim.grading import Options, grade, load_exercise  # noqa: E402
from crmsim.grading.marks import read_marks  # noqa: E402
from crmsim.grading.types.decision import decision_share  # noqa: E402
from crmsim.grading.types.ranking import compare_ranking, kendall_tau  # noqa: E402

DEMO = Path(__file__).parent / "grading_fixtures" / "types_demo"

VARIANTS = {
    "solved": None,
    "wrongchoice": ("q1-answer", "best_region = [o for o in data.options('q1') "
                    "if o != best_region][0]"),
    "typed": ("q1-answer", "best_region = 'Atlantis'"),
    "reversed": ("q2-answer", "region_order = region_order[::-1]"),
    "small": ("q3-answer", "discount_decision = {'discount': 0.1}"),
    "overbudget": ("q3-answer", "discount_decision = {'discount': 0.9}"),
    "badform": ("q1-answer", "best_region = 42"),
}


@pytest.fixture(scope="module")
def ex():
    return load_exercise(DEMO)


@pytest.fixture(scope="module")
def graded(ex, tmp_path_factory):
    root = tmp_path_factory.mktemp("types")
    subs = root / "subs"
    for sid, change in VARIANTS.items():
        nb = S.solved(ex, sid)
        if change:
            nb = S.insert_after(nb, change[0], change[1])
        S.write(nb, subs / f"{sid}.ipynb")
    S.write(S.stub(ex, "stub"), subs / "stub.ipynb")
    res = grade(ex, subs, root / "out", Options(jobs=2, cell_timeout=60))
    return root, {r.student_id: r for r in res}


def test_solved_scores_every_auto_question_and_waits_for_marks(graded, ex):
    _, res = graded
    r = res["solved"]
    assert r.scores == {"q1": 2, "q2": 3, "q3": 4, "q4": 0}, (r.status, r.answers)
    assert r.status == "awaiting_marks"
    assert r.written["q4"].startswith("Focus the next campaign")


def test_stub_scores_zero(graded):
    _, res = graded
    assert all(v == 0 for v in res["stub"].scores.values())
    assert "missing_answers" in res["stub"].status


def test_choice(graded):
    _, res = graded
    assert res["wrongchoice"].scores["q1"] == 0
    assert "not the option your data supports best" in res["wrongchoice"].answers["best_region"][1]
    assert res["typed"].scores["q1"] == 0
    assert "not one of your options" in res["typed"].answers["best_region"][1]
    assert res["typed"].scores["q3"] == 4  # one wrong answer costs only its own question


def test_feedback_names_the_failing_public_test_line(graded, ex):
    from crmsim.grading.feedback import feedback

    root, res = graded
    r = res["badform"]
    assert r.scores["q1"] == 0 and r.scores["q2"] == 3
    text = (root / "out" / "feedback" / "badform.md").read_text(encoding="utf-8")
    assert "at the line 'assert best_region in data.options(\"q1\")" in text, text
    assert "compare revenue per buyer" in text  # q1's hint
    assert "largest revenue per buyer first" not in text  # q2 kept its points
    assert "practice data" in feedback(ex, res["solved"])


def test_ranking_partial_credit(graded):
    _, res = graded
    assert res["reversed"].scores["q2"] == 0  # tau = -1
    assert kendall_tau(["a", "b", "c"], ["a", "b", "c"]) == 1
    assert kendall_tau(["a", "c", "b"], ["a", "b", "c"]) == pytest.approx(1 / 3)
    share, msg = compare_ranking(["a", "c", "b"], {"options": ["c", "b", "a"],
                                                   "correct": ["a", "b", "c"]})
    assert share == pytest.approx(1 / 3) and "2 of 3 pairs" in msg
    assert compare_ranking(["a", "b"], {"options": ["a", "b", "c"],
                                        "correct": ["a", "b", "c"]})[0] == 0


def test_decision_partial_credit(graded):
    _, res = graded
    # toy response (1 - d)(1 + 2d): baseline 1, best 1.125 (d = 0.25), d = 0.1 gives 1.08
    assert res["small"].scores["q3"] == pytest.approx(4 * 0.08 / 0.125, abs=0.01)
    assert "of the improvement" in res["small"].answers["discount_decision"][1]
    assert res["overbudget"].scores["q3"] == 0
    assert "not allowed: discount=0.9" in res["overbudget"].answers["discount_decision"][1]
    assert decision_share(5, 5, 5) == 1 and decision_share(4, 5, 5) == 0
    assert decision_share(20, 10, 12) == 1 and decision_share(11, 10, 12) == 0.5


def test_options_are_shuffled_per_student_and_repeatable():
    labels = [f"L{i}" for i in range(8)]
    a = assignment.option_order("ex", "s1", "q1", labels)
    assert a == assignment.option_order("ex", "s1", "q1", labels) and sorted(a) == labels
    others = {tuple(assignment.option_order("ex", f"s{i}", "q1", labels)) for i in range(2, 9)}
    assert len(others | {tuple(a)}) > 4


def test_written_answers_exported_and_marks_merged(graded, ex, tmp_path):
    root, res = graded
    rows = list(csv.DictReader((root / "out" / "manual.csv").open(encoding="utf-8")))
    assert {r["student"] for r in rows} == set(VARIANTS)  # the stub wrote no answer
    row = next(r for r in rows if r["student"] == "solved")
    assert row["question"] == "q4" and row["max_points"] == "3" and row["points"] == ""
    assert "names the region" in row["rubric"] and row["answer"].startswith("Focus")
    # the instructor fills in manual.csv for one student and grades again with it
    subs = tmp_path / "subs"
    (subs).mkdir()
    (subs / "solved.ipynb").write_bytes((root / "subs" / "solved.ipynb").read_bytes())
    marks = tmp_path / "marks.csv"
    with marks.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(row))
        w.writeheader()
        w.writerow({**row, "points": "2.5", "comment": "no risk named"})
    before = (subs / "solved.ipynb").read_bytes()
    out = tmp_path / "out"
    (r,) = grade(ex, subs, out, Options(jobs=1, cell_timeout=60), manual=marks)
    assert r.scores == {"q1": 2, "q2": 3, "q3": 4, "q4": 2.5} and r.status == "ok"
    gb = list(csv.DictReader((out / "gradebook.csv").open(encoding="utf-8")))
    assert gb[0]["q4"] == "2.5" and gb[0]["total"] == "11.5"
    assert "no risk named" in (out / "feedback" / "solved.md").read_text(encoding="utf-8")
    assert (subs / "solved.ipynb").read_bytes() == before


@pytest.mark.parametrize("change, message", [
    ({"points": "4"}, "points='4': expected 0-3 for q4"),
    ({"points": "lots"}, "points='lots'"),
    ({"student": "nobody"}, "student='nobody'"),
    ({"question": "q1"}, "question='q1': expected a written question"),
    ({"exercise": "ex03-customer-value"}, "exercise='ex03-customer-value'"),
])
def test_bad_marks_are_refused_before_anything_runs(ex, tmp_path, change, message):
    marks = tmp_path / "marks.csv"
    row = {"student": "s1", "exercise": ex.id, "question": "q4", "points": "1", "comment": ""}
    with marks.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(row))
        w.writeheader()
        w.writerow({**row, **change})
    with pytest.raises(CrmsimError, match="manual=.*row 2: " + message.replace("(", r"\(")
                       .replace(")", r"\)")):
        read_marks(ex, marks, {"s1"})


def test_bad_marks_cli_exit_2_nothing_written(ex, tmp_path):
    from crmsim.grading.cli import main

    subs = tmp_path / "subs"
    S.write(S.solved(ex, "s1"), subs / "s1.ipynb")
    marks = tmp_path / "marks.csv"
    marks.write_text("student,exercise,question,points,comment\n"
                     f"s1,{ex.id},q4,9,too many\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["grade", str(DEMO), "--submissions", str(subs), "--out", str(out),
                 "--manual", str(marks), "--no-sandbox"])
    assert code == 2
    assert not (out / "gradebook.csv").exists() and not (out / "manual.csv").exists()


def test_submit_cell_lists_every_graded_answer_and_records_nothing(monkeypatch, capsys,
                                                                   tmp_path):
    monkeypatch.delenv(assignment.ANSWERS_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    ns = {"a": 1.5, "b": print, "rfm_table": lambda t, c: t}
    assignment.submit_from(ns, ["a", "b", "c"], code=["rfm_table", "missing_fn"])
    out = capsys.readouterr().out
    assert "records nothing on your computer" in out
    assert "ok       a" in out and "PROBLEM  b" in out and "MISSING  c" in out
    assert "rfm_table()" in out and "MISSING  missing_fn()" in out
    assert list(tmp_path.iterdir()) == []

"""Broken and cheating submissions of ex02-segmentation, graded in one batch.

Each gets its own gradebook row with a clear status and zero only for what it affects;
the batch always finishes; submissions are never modified; nothing is written outside
the output folder.
"""

from __future__ import annotations

import csv
import hashlib
import os
import sys
import tempfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "grading_fixtures"))
import submissions as S  # noqa: E402

from crmsim.grading import Options, grade, load_exercise  # noqa: E402

EX = "ex02-segmentation"
FULL = {"q1": 1, "q2": 1, "q3": 3, "q4": 2, "q5": 1}
# ex02 q6 is a written answer: a fully solved notebook waits for the instructor's marks
WAITING = "awaiting_marks"


def _snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                         p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _temp_leftovers() -> set:
    return {p.name for p in Path(tempfile.gettempdir()).glob("crmsim-grade*")}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    ex = load_exercise(EX, S.EXERCISES)
    subs = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("graded") / "out"
    good = S.solved(ex, "good")
    cases = {
        "good": good,
        "stub": S.stub(ex, "stub"),
        "crash": S.insert_after(S.solved(ex, "crash"), "setup", "import os\nos._exit(3)"),
        "loop": S.insert_after(S.solved(ex, "loop"), "q1-answer", "while True:\n    pass"),
        "memhog": S.insert_after(S.solved(ex, "memhog"), "q2-answer",
                                 "hog = bytearray(64 * 1024 ** 3)"),
        "noanswer": S.replace(S.solved(ex, "noanswer"), "q5-answer", "pass"),
        "editedtest": S.replace(S.solved(ex, "editedtest"), "q1-test", "assert True"),
        "deletedtest": S.delete(S.solved(ex, "deletedtest"), "q4-test"),
        "editedsetup": S.replace(S.solved(ex, "editedsetup"), "setup",
                                 S.source_of(ex.source, "setup") + "\nx = 1"),
        "otherid": S.solved(ex, "good"),
        "wrongex": S.set_exercise(S.solved(ex, "wrongex"), "ex03-customer-value"),
        # cheats: patch what an in-kernel check would call, forge exports
        "patcher": S.insert_after(S.stub(ex, "patcher"), "setup", (
            "import math, numpy, json, os\n"
            "math.isclose = lambda *a, **k: True\n"
            "numpy.isclose = numpy.allclose = lambda *a, **k: True\n"
            "n_buyers, mean_monetary, top_region = 1, 1.0, 'North'\n"
            "pyramid_share = {'A': 0.25, 'B': 0.25, 'C': 0.25, 'D': 0.25}\n"
            "def rfm_table(t, c):\n    return {}\n"
            "assignment.hidden_input = lambda name: {'transactions': None, 'cutoff': None}\n")),
        "forger": S.insert_after(S.stub(ex, "forger"), "setup", (
            "import json, os\n"
            "p = os.environ.get('CRMSIM_ANSWERS_FILE', 'answers.json')\n"
            "json.dump({'answers': {'n_buyers': 5, 'top_region': 'East'},"
            " 'student_ids': ['forger']}, open(p, 'w'))\n")),
    }
    for sid, nb in cases.items():
        S.write(nb, subs / f"{sid}.ipynb")
    (subs / "malformed.ipynb").write_text('{"cells": [ this is not json', encoding="utf-8")
    (subs / "notanotebook.ipynb").write_text('{"hello": 1}', encoding="utf-8")
    S.write(good, subs / "bad id!.ipynb")
    S.write(S.solved(ex, "dup"), subs / "dup.ipynb")
    S.write(S.solved(ex, "dup"), subs / "dup" / "ex02-segmentation.ipynb")
    S.write(S.solved(ex, "folder-student"), subs / "folder-student" / "anything.ipynb")

    before, exercises_before = _snapshot(subs), _snapshot(ex.folder)
    # the grader runs from a folder of its own: other test workers write to the repository's
    cwd, back = tmp_path_factory.mktemp("cwd"), os.getcwd()
    cwd_before = sorted(os.listdir(cwd))
    saved = tempfile.tempdir  # a private temp folder: other graders may share /tmp
    tempfile.tempdir = str(tmp_path_factory.mktemp("tmp"))
    try:
        os.chdir(cwd)
        temps_before = _temp_leftovers()
        results = grade(ex, subs, out, Options(jobs=2, cell_timeout=8, memory_mb=2048))
        temps_after = _temp_leftovers()
        cwd_after = sorted(os.listdir(cwd))
    finally:
        os.chdir(back)
        tempfile.tempdir = saved
    rows = {r["student_id"]: r for r in csv.DictReader(open(out / "gradebook.csv"))}
    return {"ex": ex, "subs": subs, "out": out, "rows": rows, "results": results,
            "before": before, "exercises_before": exercises_before,
            "temps_before": temps_before, "temps_after": temps_after,
            "cwd_before": cwd_before, "cwd_after": cwd_after}


def _scores(row):
    return {q: float(row[q]) for q in FULL}


def test_every_submission_has_a_row(batch):
    assert len(batch["results"]) == 19
    assert set(batch["rows"]) >= {"good", "stub", "crash", "loop", "memhog", "noanswer",
                                  "editedtest", "deletedtest", "editedsetup", "otherid",
                                  "wrongex", "patcher", "forger", "malformed", "notanotebook",
                                  "bad id!", "dup", "folder-student"}


def test_good_and_stub(batch):
    rows = batch["rows"]
    assert _scores(rows["good"]) == FULL and rows["good"]["status"] == WAITING
    assert rows["good"]["total"] == "8" and rows["good"]["max"] == "12"  # + q6, 4 by hand
    assert _scores(rows["folder-student"]) == FULL
    assert _scores(rows["stub"]) == dict.fromkeys(FULL, 0.0)
    assert "missing_answers" in rows["stub"]["status"]


def test_kernel_death(batch):
    row = batch["rows"]["crash"]
    assert "kernel_died" in row["status"] and float(row["total"]) == 0


def test_infinite_loop_only_costs_nothing_else(batch):
    row = batch["rows"]["loop"]
    assert "timeout" in row["status"]
    assert _scores(row) == FULL  # interrupted; the rest of the notebook still ran


def test_memory_hog(batch):
    row = batch["rows"]["memhog"]
    assert "memory_limit" in row["status"]
    assert _scores(row) == FULL


def test_missing_answer(batch):
    row = batch["rows"]["noanswer"]
    assert "missing_answers" in row["status"]
    assert _scores(row) == {**FULL, "q5": 0.0}


def test_edited_and_deleted_test_cells(batch):
    rows = batch["rows"]
    assert "modified_cells" in rows["editedtest"]["status"]
    assert _scores(rows["editedtest"]) == {**FULL, "q1": 0.0}
    assert _scores(rows["deletedtest"]) == {**FULL, "q4": 0.0}
    assert "modified_cells" in rows["editedsetup"]["status"]
    assert float(rows["editedsetup"]["total"]) == 0


def test_wrong_student_id(batch):
    row = batch["rows"]["otherid"]
    assert "wrong_student_id" in row["status"] and float(row["total"]) == 0


def test_wrong_exercise_and_malformed(batch):
    rows = batch["rows"]
    assert rows["wrongex"]["status"] == "wrong_exercise"
    assert rows["malformed"]["status"] == "malformed_notebook"
    assert rows["notanotebook"]["status"] == "malformed_notebook"
    assert rows["bad id!"]["status"] == "invalid_student_id"
    dups = [r for r in batch["results"] if r.student_id == "dup"]
    assert sorted(r.status for r in dups)[0].startswith("duplicate_student_id") or \
        any(r.status == "duplicate_student_id" for r in dups)
    assert all(float(r["total"]) == 0 for k, r in rows.items()
               if k in ("wrongex", "malformed", "notanotebook", "bad id!"))


def test_cheats_get_nothing(batch):
    rows = batch["rows"]
    assert float(rows["patcher"]["total"]) == 0
    assert float(rows["forger"]["total"]) == 0


def test_feedback_files_hide_expected_values(batch):
    fb = batch["out"] / "feedback"
    names = {p.name for p in fb.iterdir()}
    assert {"good.md", "stub.md", "crash.md", "malformed.md"} <= names
    assert len(names) == 19
    text = (fb / "patcher.md").read_text()
    assert "failed" in text
    good = next(r for r in batch["results"] if r.student_id == "good")
    assert good.answers["mean_monetary"][0]
    # The stub student's expected values never appear in their feedback.
    from crmsim.grading import Options as O
    from crmsim.grading.scoring import Prepared
    exp = Prepared(batch["ex"], "patcher", O(), batch["ex"].solution_module()).expected
    assert f"{exp['mean_monetary']:g}" not in text


def test_nothing_modified_nothing_left_behind(batch):
    assert S.EXERCISES.is_dir()
    assert _snapshot(batch["subs"]) == batch["before"]
    assert _snapshot(batch["ex"].folder) == batch["exercises_before"]
    assert batch["temps_after"] == batch["temps_before"] == set()
    assert batch["cwd_after"] == batch["cwd_before"] == []
    out_files = {str(p.relative_to(batch["out"])) for p in batch["out"].rglob("*")
                 if p.is_file()}
    assert "gradebook.csv" in out_files
    assert "manual.csv" in out_files  # ex02's written answers, for marking
    assert {"similarity.csv", "similarity.html"} <= out_files  # pairs alike, for a person
    assert all(f in ("gradebook.csv", "manual.csv", "similarity.csv", "similarity.html")
               or (f.startswith("feedback/") and f.endswith(".md"))
               for f in out_files)

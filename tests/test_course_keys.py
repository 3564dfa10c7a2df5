"""Student keys: the data a student sees at home are the data graded, another student's key
is refused (at home and by the grader), and the options file opens only with the key."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from crmsim.course import assignment, keys
from crmsim.errors import CrmsimError

SECRET = "a-course-secret-for-tests"
EX = "ex01-lifecycle"


def _frames_equal(a, b):
    for t in ("customers", "transactions", "events", "kpis"):
        pd.testing.assert_frame_equal(getattr(a, t), getattr(b, t))


def test_a_key_is_bound_to_its_student_and_says_nothing_of_the_secret():
    k1, k2 = keys.student_key("s1", SECRET), keys.student_key("s2", SECRET)
    assert k1 != k2 and keys.student_key("s1", SECRET) == k1
    assert k1 != keys.student_key("s1", SECRET + "x")
    assert len(k1) == 24 and k1.count("-") == 4 and SECRET not in k1
    assert keys.check_key("s1", k1.lower().replace("-", " ")) == k1.replace("-", "")
    with pytest.raises(CrmsimError, match="key=.*issued to student 's1'"):
        keys.check_key("s1", k2)
    with pytest.raises(CrmsimError, match="key="):
        keys.check_key("s1", k1[:-1] + ("A" if k1[-1] != "A" else "B"))
    assert keys.check_key("s1", "your-key") == "" and keys.check_key("s1", None) == ""


def test_home_data_with_the_key_are_the_graded_data(monkeypatch, capsys):
    """What the grader prepares (the course secret in its process) equals what the student
    loads at home with only their key: tables and the options of every question."""
    from crmsim.grading.exercise import load_exercise
    from crmsim.grading.scoring import Prepared
    from crmsim.grading.settings import Options

    monkeypatch.delenv(assignment.SECRET_ENV, raising=False)
    ex = load_exercise(EX)
    prep = Prepared(ex, "s2025001", Options(secret=SECRET), ex.solution_module())
    home = assignment.load(EX, "s2025001", key=keys.student_key("s2025001", SECRET))
    _frames_equal(home, prep.observable)
    assert home.choices == prep.observable.choices
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("Data: your own data for ex01-lifecycle") and "graded on" in line
    practice = assignment.load(EX, "s2025001")
    assert not practice.customers.equals(home.customers)
    assert "PRACTICE" in capsys.readouterr().out


def test_a_course_without_secret_grades_the_practice_data(monkeypatch):
    from crmsim.grading.scoring import expected_key

    monkeypatch.delenv(assignment.SECRET_ENV, raising=False)
    a = assignment.generate(EX, "s1")
    b = assignment.generate(EX, "s1", secret=assignment.DEFAULT_SECRET)
    assert a.source == b.source == "practice"
    _frames_equal(a, b)
    assert expected_key("s1", None) == ""


def test_another_students_key_is_refused_by_the_grader():
    from crmsim.grading.result import Result
    from crmsim.grading.scoring import Job, check_keys, expected_key

    def job(sid):
        return Job(Result(student_id=sid, submission=f"{sid}.ipynb"),
                   key=expected_key(sid, SECRET))

    own = keys.normalise_key(keys.student_key("s1", SECRET))
    other = keys.normalise_key(keys.student_key("s2", SECRET))
    j = job("s1")
    assert check_keys(j, [own]) is False and j.result.status == "ok" and not j.result.notes
    j = job("s1")
    assert check_keys(j, [other]) is True
    assert j.result.status == "wrong_student_key" and other[-4:] in j.result.notes[0]
    j = job("s1")
    assert check_keys(j, [""]) is False and j.result.notes[0].key == "note.no_key"


def test_the_options_file_opens_only_with_the_students_key(tmp_path, monkeypatch):
    k1, k2 = keys.student_key("s1", SECRET), keys.student_key("s2", SECRET)
    opts = {"options": {"q2": ["b", "a"]}, "zh": {}}
    entry, masked = keys.seal_options(EX, "s1", k1, opts)
    path = tmp_path / keys.OPTIONS_FILE
    path.write_text(json.dumps(keys.options_document({EX: {entry: masked}})))
    assert '"b"' not in path.read_text()
    monkeypatch.setenv(keys.OPTIONS_ENV, str(path))
    assert keys.open_options(EX, "s1", keys.normalise_key(k1)) == opts
    assert keys.open_options(EX, "s2", keys.normalise_key(k2)) is None
    assert keys.open_options(EX, "s1", "") is None
    path.write_text("{not json")
    with pytest.raises(CrmsimError, match=keys.OPTIONS_ENV):
        keys.open_options(EX, "s1", keys.normalise_key(k1))


def test_the_roster_is_checked(tmp_path):
    from crmsim.grading.student_repo import course_secret_for_keys, read_roster

    p = tmp_path / "roster.csv"
    p.write_text("name,student\nAnn,s1\nBo,s2\n")
    assert read_roster(p) == ["s1", "s2"]
    p.write_text("s1\ns1\n")
    with pytest.raises(CrmsimError, match="roster=.*each student id once"):
        read_roster(p)
    p.write_text("bad id!\n")
    with pytest.raises(CrmsimError, match="roster="):
        read_roster(p)
    with pytest.raises(CrmsimError, match="CRMSIM_COURSE_SECRET"):
        course_secret_for_keys(assignment.DEFAULT_SECRET)

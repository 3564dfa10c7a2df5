"""Fast unit tests of personalised data, release, checks and the CLI's bad-input handling."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from crmsim.course import assignment
from crmsim.errors import CrmsimError
from crmsim.grading.exercise import Question, checksum, load_exercise
from crmsim.grading.release import stub_source
from crmsim.grading.types import compare

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"


def fake_generator(scenario, *, seed, customers, years, strategies=None):
    """A tiny pure-pandas stand-in for crmsim.simulate (tests the injection hook)."""
    import numpy as np
    rng = np.random.default_rng(seed)
    ids = np.arange(customers)
    tx = pd.DataFrame({"order_id": np.arange(50), "customer_id": rng.choice(ids, 50),
                       "date": pd.Timestamp("2025-01-01")
                       + pd.to_timedelta(rng.uniform(0, 365 * years, 50), unit="D"),
                       "amount": rng.gamma(2, 20, 50)})
    cust = pd.DataFrame({"customer_id": ids, "region": rng.choice(["N", "S"], customers),
                         "true_alive": rng.random(customers) < 0.5})
    empty = pd.DataFrame({"kind": []})

    class R:
        pass
    r = R()
    r.customers, r.transactions, r.events, r.kpis = cust, tx, empty, empty
    r.true_events = empty
    return r


def test_seed_depends_on_secret_exercise_and_student(monkeypatch):
    monkeypatch.delenv(assignment.SECRET_ENV, raising=False)
    a = assignment.seed_for("ex02-segmentation", "alice")
    assert a == assignment.seed_for("ex02-segmentation", "alice", assignment.DEFAULT_SECRET)
    assert a != assignment.seed_for("ex02-segmentation", "bob")
    assert a != assignment.seed_for("ex03-customer-value", "alice")
    monkeypatch.setenv(assignment.SECRET_ENV, "another course")
    assert a != assignment.seed_for("ex02-segmentation", "alice")


def test_load_is_personal_and_repeatable_with_injected_generator(monkeypatch):
    monkeypatch.delenv(assignment.GRADING_DATA_ENV, raising=False)
    gen = fake_generator
    a1 = assignment.load("ex02-segmentation", "alice", generator=gen)
    a2 = assignment.load("ex02-segmentation", "alice", generator=gen)
    b = assignment.load("ex02-segmentation", "bob", generator=gen)
    pd.testing.assert_frame_equal(a1.transactions, a2.transactions)
    assert not a1.transactions["amount"].equals(b.transactions["amount"])
    assert "true_alive" not in a1.customers.columns and a1.true_events is None
    full = assignment.generate("ex02-segmentation", "alice", generator=gen)
    assert "true_alive" in full.customers.columns
    monkeypatch.setenv(assignment.GENERATOR_ENV, "test_grading_units:fake_generator")
    sys.path.insert(0, str(Path(__file__).parent))
    a3 = assignment.load("ex02-segmentation", "alice")
    pd.testing.assert_frame_equal(a1.transactions, a3.transactions)


def test_load_with_the_simulator_differs_between_students(monkeypatch):
    monkeypatch.delenv(assignment.GRADING_DATA_ENV, raising=False)
    monkeypatch.delenv(assignment.GENERATOR_ENV, raising=False)
    a = assignment.load("ex02-segmentation", "alice")
    b = assignment.load("ex02-segmentation", "bob")
    assert 300 <= len(a.customers) <= 800
    assert not a.transactions["amount"].equals(b.transactions["amount"])
    assert not any(c.startswith("true_") for c in a.customers.columns)


@pytest.mark.parametrize("bad", ["", "a b", "../x", "x" * 65, 7, None])
def test_bad_student_ids(bad):
    with pytest.raises(CrmsimError, match="student_id="):
        assignment.load("ex02-segmentation", bad)


def test_unknown_exercise_id():
    with pytest.raises(CrmsimError, match="exercise_id='ex99'"):
        assignment.load("ex99", "alice")


def test_submit_writes_json(tmp_path, monkeypatch):
    path = tmp_path / "answers.json"
    monkeypatch.setenv(assignment.ANSWERS_ENV, str(path))
    assignment.submit(a=1, b=pd.Series([1.5, 2.0], index=[3, 4]), c={"x", "y"}, d=float("nan"))
    assignment.submit_from({"e": "text"}, ["e", "missing"])
    assignment.submit(f=lambda: 1)
    doc = json.loads(path.read_text())
    assert doc["answers"] == {"a": 1, "b": {"3": 1.5, "4": 2.0}, "c": ["x", "y"], "d": None,
                              "e": "text"}
    assert set(doc["errors"]) == {"missing", "f"}


def test_compare_never_reveals_expected():
    q = Question("q", 1, ["x"], "number", rel_tol=1e-6)
    assert compare(q, 1.0, 1.0 + 1e-9)[0]
    ok, msg = compare(q, 2.0, 123.456)
    assert not ok and "123.456" not in msg
    assert not compare(q, "2", 2.0)[0]
    qi = Question("q", 1, ["x"], "integer")
    assert compare(qi, 3.0, 3)[0] and not compare(qi, 3.5, 3)[0]
    qs = Question("q", 1, ["x"], "set")
    assert compare(qs, [3, 1, 2], [1, 2, 3])[0]
    ok, msg = compare(qs, [1, 2], [1, 2, 99])
    assert not ok and "99" not in msg
    qm = Question("q", 1, ["x"], "mapping", rel_tol=1e-6)
    assert compare(qm, {"A": 0.5, "B": 0.5}, {"A": 0.5, "B": 0.5})[0]
    assert not compare(qm, {"A": 0.5}, {"A": 0.5, "B": 0.5})[0]
    qt = Question("q", 1, ["x"], "table")
    e = pd.DataFrame({"r": [1.0, 2.0]}, index=[7, 8])
    assert compare(qt, assignment.to_jsonable(e), e)[0]
    assert not compare(qt, {"r": {"7": 1.0}}, e)[0]
    assert not compare(Question("q", 1, ["x"], "text"), None, "a")[0]


def test_stub_source_and_checksum():
    src = "x = 1\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION\nz = 3"
    assert stub_source(src) == "x = 1\n# YOUR CODE HERE\nraise NotImplementedError()\nz = 3"
    src = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    assert "    raise NotImplementedError()" in stub_source(src)
    assert checksum("a = 1  \n") == checksum("a = 1")
    assert checksum("a = 1") != checksum("a = 2")
    with pytest.raises(CrmsimError):
        stub_source("### BEGIN SOLUTION\nx = 1")


def _run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "crmsim.grading", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_release_cli(tmp_path):
    r = _run("release", "ex02-segmentation", "--out", str(tmp_path / "rel"),
             "--exercises-dir", str(EXERCISES))
    assert r.returncode == 0, r.stderr
    nb = json.loads((tmp_path / "rel" / "ex02-segmentation.ipynb").read_text())
    text = json.dumps(nb)
    assert "BEGIN SOLUTION" not in text and "hidden_input" not in text
    assert "NotImplementedError" in text and "your-student-id" in text
    ex = load_exercise("ex02-segmentation", EXERCISES)
    locked = {c["metadata"]["crmsim"]["cell"]: c["metadata"]["crmsim"]["checksum"]
              for c in nb["cells"] if c["metadata"].get("crmsim", {}).get("kind") == "locked"}
    assert locked == ex.locked_checksums()
    assert nb["metadata"]["crmsim"]["exercise"] == "ex02-segmentation"
    assert all(c.get("outputs", []) == [] for c in nb["cells"])


def test_bad_input_one_line_exit_2_nothing_written(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a.ipynb").write_text("{}")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    cases = [
        (["grade", "ex99", "--submissions", str(subs), "--out", str(tmp_path / "o1")],
         "exercise='ex99'"),
        (["grade", "ex02-segmentation", "--submissions", str(tmp_path / "nope"), "--out",
          str(tmp_path / "o2")], "submissions="),
        (["grade", "ex02-segmentation", "--submissions", str(ro), "--out",
          str(tmp_path / "o3")], "submissions="),
        (["grade", "ex02-segmentation", "--submissions", str(subs), "--out", str(blocker)],
         "out="),
        (["release", "nope", "--out", str(tmp_path / "o4")], "exercise='nope'"),
        (["release", "ex02-segmentation", "--out", str(blocker / "x")], "out="),
    ]
    if os.geteuid() != 0:  # root may write anywhere
        cases.append((["grade", "ex02-segmentation", "--submissions", str(subs), "--out",
                       str(ro / "deeper" / "out")], "out="))
    before = sorted(p.name for p in tmp_path.rglob("*") if "ro" not in p.parts)
    for args, needle in cases:
        r = _run(*args, "--exercises-dir", str(EXERCISES))
        assert r.returncode == 2, (args, r.stderr)
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0] and "expected" in lines[0], r.stderr
    r = _run("grade", "ex02-segmentation", "--submissions", str(subs), "--out", "x", "--jobs",
             "0")
    assert r.returncode == 2 and "jobs='0'" in r.stderr
    ro.chmod(0o700)
    assert sorted(p.name for p in tmp_path.rglob("*") if "ro" not in p.parts) == before

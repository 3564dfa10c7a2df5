"""The attacks of issue #9 against `crmsim grade`, with honest classmates in the batch.

Run through the real command line (so the grader's own command line holds
``--submissions DIR``) with the course secret in the grader's environment. Every
attack must score 0, classmates keep full marks and untouched files, nothing outlives
the batch, and the secret is readable nowhere. Skipped, loudly, only where the sandbox
cannot start (the reason is printed).
"""

from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "grading_fixtures"))
import attacks as A  # noqa: E402
import submissions as S  # noqa: E402

from crmsim.grading import load_exercise, sandbox  # noqa: E402

EX = "ex02-segmentation"
FULL = {"q1": 1.0, "q2": 1.0, "q3": 3.0, "q4": 2.0, "q5": 1.0}
# ex02 q6 is a written answer: a fully solved notebook waits for the instructor's marks
WAITING = "awaiting_marks"
WHY = sandbox.problem()
pytestmark = pytest.mark.skipif(WHY is not None, reason=f"SANDBOX CANNOT RUN HERE: {WHY}")


def _hashes(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def _procs_with(token: str) -> list[int]:
    out = []
    for d in Path("/proc").glob("[0-9]*"):
        try:
            if token.encode() in (d / "cmdline").read_bytes():
                out.append(int(d.name))
        except OSError:
            continue
    return out


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    ex = load_exercise(EX, S.EXERCISES)
    root = tmp_path_factory.mktemp("attack")
    subs, out = root / "submissions", root / "graded"
    secret = f"course-secret-{uuid.uuid4().hex}"
    secret_file = root / "instructor" / "secret.txt"
    secret_file.parent.mkdir()
    secret_file.write_text(secret)
    token = f"survivor-{uuid.uuid4().hex}"
    S.write(S.solved(ex, "alice"), subs / "alice.ipynb")
    S.write(S.solved(ex, "BOB"), subs / "BOB.IPYNB")  # upper-case suffix gets a row
    S.write(S.solved(ex, "carol"), subs / "carol" / "work.ipynb")
    S.write(S.insert_after(S.stub(ex, "tamper"), "setup", A.tamper(str(subs), str(out))),
            subs / "tamper.ipynb")
    S.write(S.insert_after(S.stub(ex, "survivor"), "setup",
                           A.survivor(str(out / "gradebook.csv"), token)),
            subs / "survivor.ipynb")
    S.write(S.insert_after(S.stub(ex, "snoop"), "setup",
                           A.snoop(secret[::-1], str(secret_file))), subs / "snoop.ipynb")
    S.write(S.insert_after(S.stub(ex, "forker"), "setup", A.forker()), subs / "forker.ipynb")
    (subs / "linked.ipynb").symlink_to("/etc/passwd")
    (subs / "linkdir").symlink_to(secret_file.parent, target_is_directory=True)
    before = _hashes(subs)
    env = {**os.environ, "CRMSIM_COURSE_SECRET": secret}
    r = subprocess.run([sys.executable, "-m", "crmsim.cli", "grade", EX, "--submissions",
                        str(subs), "--out", str(out), "--exercises-dir", str(S.EXERCISES),
                        "--jobs", "2", "--cell-timeout", "30"],
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    gradebook = (out / "gradebook.csv").read_bytes()
    time.sleep(3)  # a survivor would append within 0.25 s and then live on for 30 s
    rows = {row["student_id"]: row for row in csv.DictReader(open(out / "gradebook.csv"))}
    return {"rows": rows, "out": out, "subs": subs, "before": before, "secret": secret,
            "token": token, "gradebook": gradebook, "stderr": r.stderr}


def _scores(row):
    return {q: float(row[q]) for q in FULL}


def test_classmates_untouched_and_graded(attacked):
    rows = attacked["rows"]
    for sid in ("alice", "BOB", "carol"):
        assert _scores(rows[sid]) == FULL and rows[sid]["status"] == WAITING, rows[sid]
        assert rows[sid]["isolation"] == "bwrap" and rows[sid]["batch"] == "complete"
    assert _hashes(attacked["subs"]) == attacked["before"]
    assert rows["alice"]["sha256"] == attacked["before"]["alice.ipynb"]


def test_tamper_reaches_nothing(attacked):
    row = attacked["rows"]["tamper"]
    assert float(row["total"]) == 0
    text = (attacked["out"] / "feedback" / "tamper.md").read_text()
    assert "'BLOCKED'" in text and "FOUND:" not in text


def test_nothing_outlives_the_batch(attacked):
    assert float(attacked["rows"]["survivor"]["total"]) == 0
    assert (attacked["out"] / "gradebook.csv").read_bytes() == attacked["gradebook"]
    assert "survivor,1,1" not in attacked["gradebook"].decode()
    assert _procs_with(attacked["token"]) == []


def test_secret_never_readable(attacked):
    row = attacked["rows"]["snoop"]
    assert float(row["total"]) == 0
    text = (attacked["out"] / "feedback" / "snoop.md").read_text()
    assert "'NOTFOUND'" in text and "FOUND:" not in text.replace("NOTFOUND", "")
    for p in attacked["out"].rglob("*"):
        if p.is_file():
            assert attacked["secret"] not in p.read_text()


def test_process_count_is_limited(attacked):
    from crmsim.grading.sandbox import NPROC

    text = (attacked["out"] / "feedback" / "forker.md").read_text()
    started = int(text.split("'FORKED:")[1].split("'")[0])
    assert 0 < started < NPROC, started
    assert float(attacked["rows"]["forker"]["total"]) == 0


def test_links_are_never_followed(attacked):
    rows = attacked["rows"]
    assert rows["linked"]["status"] == "unreadable_file" and rows["linked"]["sha256"] == ""
    assert "linkdir" not in rows and "secret" not in rows
    for p in (attacked["out"] / "feedback").iterdir():
        assert "root:x:0:0" not in p.read_text()

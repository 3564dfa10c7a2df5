"""Bad input and faults at the command line (issues #9, #10): each case exits with code 2
and one line on stderr, no traceback, writes nothing and loses nothing."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "grading_fixtures"))
import submissions as S  # noqa: E402

from crmsim.grading import load_exercise, sandbox  # noqa: E402

EX = "ex02-segmentation"


def _crmsim(*args, env=None, **kw):
    more = ["--exercises-dir", str(S.EXERCISES)] if args[0] in ("grade", "release") else []
    return subprocess.run([sys.executable, "-m", "crmsim.cli", *args, *more],
                          capture_output=True, text=True, env=env or os.environ, **kw)


def _tree(root: Path) -> dict:
    return {str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest()
                                       if p.is_file() and not p.is_symlink() else "dir")
            for p in sorted(root.rglob("*"))}


@pytest.fixture
def place(tmp_path):
    """A submissions folder (one malformed notebook: nothing to run) and a file."""
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "amy.ipynb").write_text("{}")
    (tmp_path / "file").write_text("x")
    (tmp_path / "empty").mkdir()
    (tmp_path / "gb-dir" / "gradebook.csv").mkdir(parents=True)
    (tmp_path / "fb-file").mkdir()
    (tmp_path / "fb-file" / "feedback").write_text("x")
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / f"{EX}.ipynb").write_text('{"mine": "keep me"}')
    return tmp_path


def _grade(place, out, *more):
    return ["grade", EX, "--submissions", str(place / "subs"), "--out", str(out), *more]


CASES = {
    "release into the exercise's own folder": (
        lambda t: ["release", EX, "--out", str(S.EXERCISES / EX)], "out="),
    "release into a sub-folder of the exercise": (
        lambda t: ["release", EX, "--out", str(S.EXERCISES / EX / "rel")], "out="),
    "release over a file it did not write": (
        lambda t: ["release", EX, "--out", str(t / "foreign")], "--force"),
    "release out is a file": (lambda t: ["release", EX, "--out", str(t / "file")], "out="),
    "unknown exercise": (lambda t: ["grade", "ex99", "--submissions", str(t / "subs"),
                                    "--out", str(t / "o")], "exercise='ex99'"),
    "cell timeout nan": (lambda t: _grade(t, t / "o", "--cell-timeout", "nan"),
                         "cell-timeout='nan'"),
    "cell timeout inf": (lambda t: _grade(t, t / "o", "--cell-timeout", "inf"),
                         "cell-timeout='inf'"),
    "cell timeout negative": (lambda t: _grade(t, t / "o", "--cell-timeout", "-1"),
                              "cell-timeout='-1'"),
    "timeout nan": (lambda t: _grade(t, t / "o", "--timeout", "nan"), "timeout='nan'"),
    "memory zero": (lambda t: _grade(t, t / "o", "--memory-mb", "0"), "memory-mb='0'"),
    "disk cap zero": (lambda t: _grade(t, t / "o", "--disk-mb", "0"), "disk-mb='0'"),
    "jobs zero": (lambda t: _grade(t, t / "o", "--jobs", "0"), "jobs='0'"),
    "out is a file": (lambda t: _grade(t, t / "file"), "out="),
    "out below a file": (lambda t: _grade(t, t / "file" / "x"), "out="),
    "gradebook.csv is a folder": (lambda t: _grade(t, t / "gb-dir"), "gradebook.csv"),
    "feedback is a file": (lambda t: _grade(t, t / "fb-file"), "feedback"),
    "out inside the submissions": (lambda t: _grade(t, t / "subs" / "graded"),
                                   "outside the submissions"),
    "out is the exercise folder": (lambda t: _grade(t, S.EXERCISES / EX),
                                   "outside the exercise"),
    "submissions missing": (lambda t: ["grade", EX, "--submissions", str(t / "nope"),
                                       "--out", str(t / "o")], "submissions="),
    "submissions is a file": (lambda t: ["grade", EX, "--submissions", str(t / "file"),
                                         "--out", str(t / "o")], "submissions="),
    "submissions without notebooks": (lambda t: ["grade", EX, "--submissions",
                                                 str(t / "empty"), "--out", str(t / "o")],
                                      "submissions="),
    "scheduler not running": (lambda t: _grade(t, t / "o", "--scheduler",
                                               "tcp://127.0.0.1:9"), "scheduler="),
    "compare scheduler not running": (
        lambda t: ["compare", "--strategies", "none", "--customers", "50", "--years", "0.2",
                   "--replications", "2", "--scheduler", "tcp://127.0.0.1:9"], "scheduler="),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_one_line_exit_2_nothing_written(place, case):
    make, needle = CASES[case]
    exercise_before = _tree(S.EXERCISES / EX)
    before = _tree(place)
    r = _crmsim(*make(place), timeout=120)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2, (case, r.stderr)
    assert len(lines) == 1 and lines[0].startswith("crmsim: error:"), r.stderr
    assert needle in lines[0] and "Traceback" not in r.stderr
    assert _tree(place) == before
    assert _tree(S.EXERCISES / EX) == exercise_before


def test_release_overwrites_its_own_release_and_foreign_only_with_force(place):
    assert _crmsim("release", EX, "--out", str(place / "rel")).returncode == 0
    assert _crmsim("release", EX, "--out", str(place / "rel")).returncode == 0
    r = _crmsim("release", EX, "--out", str(place / "foreign"), "--force")
    assert r.returncode == 0, r.stderr
    nb = json.loads((place / "foreign" / f"{EX}.ipynb").read_text())
    assert nb["metadata"]["crmsim"]["exercise"] == EX


def test_no_sandbox_refuses_and_names_bubblewrap(place, tmp_path):
    bin_ = tmp_path / "bin"  # a PATH without bwrap
    bin_.mkdir()
    env = {**os.environ, "PATH": str(bin_)}
    before = _tree(place)
    r = _crmsim(*_grade(place, place / "o"), env=env)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1, r.stderr
    assert "bubblewrap" in lines[0] and "--no-sandbox" in lines[0]
    assert _tree(place) == before
    r = _crmsim(*_grade(place, place / "o", "--no-sandbox"), env=env)
    assert r.returncode == 0, r.stderr
    row = next(csv.DictReader(open(place / "o" / "gradebook.csv")))
    assert row["status"] == "malformed_notebook" and row["isolation"] == "not_run"


def test_output_on_another_device(place):
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)) or \
            os.stat(shm).st_dev == os.stat(place).st_dev:
        pytest.skip("no second writable file system (/dev/shm) here")
    out = shm / f"crmsim-test-{os.getpid()}"
    try:
        r = _crmsim(*_grade(place, out))
        assert r.returncode == 0, r.stderr
        assert (out / "gradebook.csv").is_file() and (out / "feedback" / "amy.md").is_file()
    finally:
        shutil.rmtree(out, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"),
                    reason="mounting a tiny full file system needs root")
def test_full_disk(place):
    disk = place / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)]).returncode:
        pytest.skip("cannot mount tmpfs here")
    try:
        subprocess.run(["dd", "if=/dev/zero", f"of={disk / 'fill'}", "bs=4k"],
                       capture_output=True)
        before = _tree(disk)
        r = _crmsim(*_grade(place, disk))
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 2 and len(lines) == 1 and "out=" in lines[0], r.stderr
        assert "Traceback" not in r.stderr and _tree(disk) == before
    finally:
        subprocess.run(["umount", str(disk)])


@pytest.mark.skipif(sandbox.problem() is not None,
                    reason=f"SANDBOX CANNOT RUN HERE: {sandbox.problem()}")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_batch_stops_promptly(tmp_path, sig):
    ex = load_exercise(EX, S.EXERCISES)
    subs, out, tmp = tmp_path / "subs", tmp_path / "out", tmp_path / "tmp"
    tmp.mkdir()
    (subs / "bad").mkdir(parents=True)
    (subs / "amy.ipynb").write_text("{}")  # finishes at once
    for sid in ("loop1", "loop2", "loop3"):
        S.write(S.insert_after(S.solved(ex, sid), "setup", "while True:\n    pass"),
                subs / f"{sid}.ipynb")
    before = _tree(subs)
    proc = subprocess.Popen([sys.executable, "-m", "crmsim.cli", "grade", EX, "--submissions",
                             str(subs), "--out", str(out), "--exercises-dir", str(S.EXERCISES),
                             "--jobs", "2", "--cell-timeout", "120"],
                            env={**os.environ, "TMPDIR": str(tmp)}, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(list(tmp.glob("crmsim-grade-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(3)  # the kernels are in the loop now
    t0 = time.monotonic()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert time.monotonic() - t0 < 20  # not the 120 s cell timeout
    lines = err.strip().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, err
    assert f"interrupted by {signal.Signals(sig).name}" in lines[0] and "Traceback" not in err
    rows = {r["student_id"]: r for r in csv.DictReader(open(out / "gradebook.csv"))}
    assert set(rows) == {"amy", "loop1", "loop2", "loop3"}
    assert all(r["batch"] == "interrupted" for r in rows.values())
    assert rows["amy"]["status"] == "malformed_notebook"
    assert all(rows[s]["status"] == "not_graded" for s in ("loop1", "loop2", "loop3"))
    assert list(tmp.iterdir()) == []  # temp folders removed
    assert _tree(subs) == before
    time.sleep(1)
    for d in Path("/proc").glob("[0-9]*"):
        try:
            assert str(tmp).encode() not in (d / "cmdline").read_bytes()
            assert str(tmp).encode() not in (d / "environ").read_bytes()
        except OSError:
            continue

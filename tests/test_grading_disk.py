"""The sandbox's cap on a submission's total disk use: a notebook that writes many files
totalling more than ``disk_mb`` is stopped and scored with a clear note, in both languages,
and its classmates in the same batch are graded as if it were not there."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "grading_fixtures"))
import submissions as S  # noqa: E402

from crmsim.grading import Options, grade, load_exercise, sandbox  # noqa: E402
from crmsim.grading.sandbox import BLOCK, disk_use  # noqa: E402

EX = "ex02-segmentation"
CAP_MB = 40
# 120 files of 1 MB each (none near the 512 MB per-file limit), then it waits to be stopped
FILLER = """
import os, time
os.makedirs("fill", exist_ok=True)
for i in range(120):
    with open(f"fill/part{i}.bin", "wb") as fh:
        fh.write(os.urandom(1024 * 1024))
time.sleep(50)
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    ex = load_exercise(EX, S.EXERCISES)
    root = tmp_path_factory.mktemp("disk")
    subs = root / "subs"
    S.write(S.solved(ex, "honest"), subs / "honest.ipynb")
    S.write(S.insert_after(S.solved(ex, "filler"), "setup", FILLER), subs / "filler.ipynb")
    zh = S.insert_after(S.solved(ex, "fillerzh"), "setup", FILLER)
    zh.metadata["crmsim"] = {"exercise": ex.id, "lang": "zh"}
    S.write(zh, subs / "fillerzh.ipynb")
    isolated = sandbox.problem() is None  # the cap holds with and without the sandbox
    res = grade(ex, subs, root / "out", Options(jobs=2, cell_timeout=60, disk_mb=CAP_MB,
                                                sandbox=isolated))
    return ex, root / "out", {r.student_id: r for r in res}


def test_a_notebook_over_the_disk_cap_is_stopped_with_a_clear_note(graded):
    ex, out, res = graded
    r = res["filler"]
    assert "disk_limit" in r.status and "timeout" not in r.status, r.status
    assert r.total == 0
    text = (out / "feedback" / "filler.md").read_text(encoding="utf-8")
    assert f"took more than {CAP_MB} MB of disk, the limit for one submission" in text
    assert "`disk_limit`: the notebook's files took more disk space than the limit" in text
    zh = (out / "feedback" / "fillerzh.md").read_text(encoding="utf-8")
    assert f"每份作业 {CAP_MB} MB 的上限" in zh and "disk" not in zh.replace("disk_limit", "")


def test_classmates_in_the_batch_are_unaffected(graded):
    ex, _, res = graded
    honest = res["honest"]
    assert honest.status == "awaiting_marks", (honest.status, honest.notes)
    assert all(honest.scores[q.id] == q.points for q in ex.questions if not q.manual)


def test_disk_use_counts_every_file_and_stops_early(tmp_path):
    (tmp_path / "a").mkdir()
    for i in range(10):
        (tmp_path / "a" / f"e{i}").touch()  # empty files count a block each
    (tmp_path / "big").write_bytes(b"x" * 100_000)
    used = disk_use(tmp_path)
    assert used >= 11 * BLOCK + 100_000
    locked = tmp_path / "a"
    locked.chmod(0o000)  # a folder the run made unreadable is still measured
    try:
        assert disk_use(tmp_path) == used
    finally:
        locked.chmod(0o700)
    assert disk_use(tmp_path, stop_above=0) < used


def test_disk_cap_must_be_positive(tmp_path):
    from crmsim.errors import CrmsimError

    ex = load_exercise(EX, S.EXERCISES)
    subs = tmp_path / "subs"
    S.write(S.solved(ex, "a"), subs / "a.ipynb")
    with pytest.raises(CrmsimError, match="disk_mb"):
        grade(ex, subs, tmp_path / "out", Options(disk_mb=0, sandbox=False))


@pytest.mark.skipif(sandbox.problem() is not None,
                    reason=f"SANDBOX CANNOT RUN HERE: {sandbox.problem()}")
def test_the_sandbox_has_no_unlimited_memory_backed_folder(tmp_path):
    """bwrap's own /dev is a tmpfs outside the run's folder: read-only, and /dev/shm small,
    so files there can neither escape the disk cap nor fill the machine's memory."""
    import subprocess

    for d in ("work", "tmp"):
        (tmp_path / d).mkdir()
    script = ("dd if=/dev/zero of=/dev/filler bs=1M count=1 2>/dev/null && echo dev-written; "
              "dd if=/dev/zero of=/dev/shm/filler bs=1M count=200 2>/dev/null; "
              "du -m /dev/shm/filler | cut -f1")
    r = subprocess.run(sandbox.wrap(["sh", "-c", script], tmp_path, uid=None),
                       capture_output=True, text=True, timeout=120)
    lines = r.stdout.split()
    assert "dev-written" not in lines, r.stderr
    if sandbox._sizes_tmpfs():
        assert int(lines[-1]) <= sandbox.SHM_BYTES // 2**20, r.stdout

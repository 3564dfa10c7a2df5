"""Issue #10: Ctrl-C and SIGTERM stop promptly, keep what was there, leave no temp files
or child processes, and exit non-zero after one line."""

import os
import signal
import subprocess
import sys
import time

import pytest

from crmsim.cli import main

EXE = os.path.join(os.path.dirname(sys.executable), "crmsim")
EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}


def descendants(pid: int) -> list[int]:
    kids = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                kids += [int(d), *descendants(int(d))]
    return kids


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def listing(folder):
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*"))


def interrupt(argv, cwd, sig, *, wait_for_children=0):
    """Start the command, wait until its progress bar shows it is working (and its
    workers exist), send ``sig``; return exit code, stderr, seconds to stop, workers."""
    # as in a terminal: a shell running this suite in the background (CI) starts it with
    # SIGINT ignored, and the child would inherit that
    p = subprocess.Popen([EXE, *argv], cwd=cwd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    seen = ""
    while "it/s" not in seen and "run/s" not in seen and "period/s" not in seen:
        ch = p.stderr.read(1)
        assert ch, "the command ended before it could be interrupted: " + seen
        seen += ch
    kids = []
    t0 = time.time()
    while time.time() - t0 < 30 and len(kids) < wait_for_children:
        time.sleep(0.1)
        kids = descendants(p.pid)
    assert len(kids) >= wait_for_children
    time.sleep(0.5)
    assert p.poll() is None, "the run finished before it could be interrupted"
    sent = time.time()
    p.send_signal(sig)
    _, err = p.communicate(timeout=30)
    return p.returncode, err, time.time() - sent, kids


def message_lines(err: str) -> list[str]:
    """stderr lines other than the progress bar's redraws."""
    return [ln for ln in err.replace("\r", "\n").splitlines() if ln.strip() and "|" not in ln]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_simulate_keeps_the_earlier_run(sig, tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "notes.txt").write_text("earlier run")
    before = listing(tmp_path)
    code, err, took, _ = interrupt(["simulate", "--customers", "100000", "--years", "3",
                                    "--report", "--out", "run", "--force"],
                                   tmp_path, sig)
    assert code == EXIT[sig]
    lines = message_lines(err)
    assert len(lines) == 1 and "interrupted" in lines[0] and "Traceback" not in err, err
    assert took < 10
    assert listing(tmp_path) == before  # no temp folder, earlier run untouched


@pytest.mark.parametrize("sig", [signal.SIGTERM])  # SIGINT takes the same path (above)
def test_interrupted_compare_stops_its_workers(sig, tmp_path):
    code, err, took, kids = interrupt(
        ["compare", "--strategies", "none", "discount", "--customers", "20000", "--years",
         "2", "--replications", "4", "--jobs", "2", "--out", "cmp"], tmp_path, sig,
        wait_for_children=2)
    assert code == EXIT[sig] and took < 10
    lines = message_lines(err)
    assert len(lines) == 1 and lines[0].startswith("crmsim: interrupted by"), err
    assert "Traceback" not in err
    deadline = time.time() + 20
    while time.time() < deadline and any(running(k) for k in kids):
        time.sleep(0.2)
    assert not [k for k in kids if running(k)]
    assert list(tmp_path.iterdir()) == []


def test_interrupt_while_writing_leaves_nothing(tmp_path, capsys, monkeypatch):
    import crmsim.cli.simulate

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(crmsim.cli.simulate, "write_report", stop)
    code = main(["simulate", "--customers", "200", "--years", "0.2", "--quiet", "--report",
                 "--out", str(tmp_path / "run")])
    assert code == 130
    assert capsys.readouterr().err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []

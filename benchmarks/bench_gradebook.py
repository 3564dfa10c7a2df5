"""Merging marks for a class without re-executing a notebook: the course gradebook.

Stores ``--students`` results of ex04-retention in a temporary SQLite course database,
then times, in one run:

* importing one marks CSV for every student's written answers (``crmsim gradebook marks``),
* computing the gradebook with marks, lateness and weights (``gradebook show``),
* the four exports (Canvas, Moodle, Blackboard, Excel) and the item analysis page;

and, as the baseline measured in the same run, grading one real submission of the same
exercise (the old way merged marks by grading every submission again). Prints seconds and
the ratio of the merge to re-grading the class (the one submission's time x students).

    python benchmarks/bench_gradebook.py                 # 300 students
    python benchmarks/bench_gradebook.py --students 100
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "grading_fixtures"))

import submissions as S  # noqa: E402
from test_gradebook import _result  # noqa: E402

from crmsim.cli import main as cli  # noqa: E402
from crmsim.gradebook.record import record  # noqa: E402
from crmsim.gradebook.store import connect  # noqa: E402
from crmsim.grading import Options, grade, load_exercise  # noqa: E402

EX = "ex04-retention"


def timed(fn, repeat=1) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=300)
    n = ap.parse_args().students
    ex = load_exercise(EX, S.EXERCISES)
    work = Path(tempfile.mkdtemp(prefix="crmsim-bench-gradebook-"))
    try:
        db = f"sqlite:///{work / 'course.db'}"
        engine = connect(db)
        rng = np.random.default_rng(1)
        results = [_result(ex, i, rng) for i in range(n)]
        t_record = timed(lambda: record(engine, ex, results))
        (work / "course.toml").write_text(
            f'[exercises.{EX}]\ndeadline = "2026-10-01T23:59"\nweight = 1\n', encoding="utf-8")
        args = ["--db", db, "--exercises-dir", str(S.EXERCISES)]
        cli(["gradebook", "settings", str(work / "course.toml"), *args])
        marks = work / "marks.csv"
        with marks.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["student", "exercise", "question", "points", "comment"])
            for i in range(n):
                for q in ex.questions:
                    if q.manual:
                        w.writerow([f"s{i:04d}", EX, q.id, q.points // 2, "ok"])
        quiet = open(os.devnull, "w")  # noqa: SIM115 - the CLI prints tables
        stdout, sys.stdout = sys.stdout, quiet
        try:
            t_marks = timed(lambda: cli(["gradebook", "marks", str(marks), "--exercise", EX,
                                         "--marker", "bench", *args]))
            t_show = timed(lambda: cli(["gradebook", "show", *args]), repeat=3)
            t_export = {fmt: timed(lambda fmt=fmt: cli(
                ["gradebook", "export", "--format", fmt, "--out",
                 str(work / f"g.{fmt}"), "--force", *args]), repeat=3)
                for fmt in ("canvas", "moodle", "blackboard", "xlsx")}
            t_items = timed(lambda: cli(["report", "items", EX, "--out", str(work / "items"),
                                         "--force", *args]))
        finally:
            sys.stdout = stdout
        subs = work / "subs"
        subs.mkdir()
        S.write(S.solved(ex, "bench01"), subs / "bench01.ipynb")
        sandbox = shutil.which("bwrap") is not None
        t_grade = timed(lambda: grade(ex, subs, work / f"out{time.perf_counter_ns()}",
                                      Options(jobs=1, sandbox=sandbox)))
        merge = t_marks + t_show
        load = os.getloadavg()[0]
        print(f"course gradebook, {n} students of {EX} (load average {load:.1f}):")
        print(f"  record {n} results in the database   {t_record:7.2f} s")
        print(f"  import {n} marks                      {t_marks:7.2f} s")
        print(f"  compute the gradebook (median of 3)   {t_show:7.2f} s")
        for fmt, t in t_export.items():
            print(f"  export {fmt:<10} (median of 3)      {t:7.2f} s")
        print(f"  item analysis page, both languages    {t_items:7.2f} s")
        print(f"  baseline: grade 1 submission ({'sandboxed' if sandbox else 'no sandbox'}) "
              f"{t_grade:6.2f} s")
        print(f"  merging marks: {merge:.2f} s = 1/{t_grade * n / merge:,.0f} of re-grading the "
              f"class ({t_grade * n:.0f} s at that rate)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

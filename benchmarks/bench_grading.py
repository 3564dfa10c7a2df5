"""Grade 40 submissions of one exercise, serially and in parallel, in one run.

Prints total seconds, seconds per submission and the parallel speed-up. Submissions are
the solved notebook with 40 different student ids (so 40 different data sets).

    python benchmarks/bench_grading.py [--n 40] [--exercise ex02-segmentation] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "grading_fixtures"))

import submissions as S  # noqa: E402

from crmsim.grading import Options, grade, load_exercise  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--exercise", default="ex02-segmentation")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--skip-serial", action="store_true")
    args = ap.parse_args()
    ex = load_exercise(args.exercise, ROOT / "exercises")
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "subs"
        for i in range(args.n):
            S.write(S.solved(ex, f"s{i:03d}"), subs / f"s{i:03d}.ipynb")
        runs = [("parallel", args.jobs)] + ([] if args.skip_serial else [("serial", 1)])
        seconds = {}
        for label, jobs in runs:
            t0 = time.perf_counter()
            res = grade(ex, subs, Path(tmp) / f"out-{label}", Options(jobs=jobs))
            seconds[label] = time.perf_counter() - t0
            bad = [r.student_id for r in res if r.total != ex.max_points]
            print(f"{label:8s} jobs={jobs}: {seconds[label]:7.1f} s total, "
                  f"{seconds[label] / args.n:5.2f} s per submission"
                  + (f"  (NOT full marks: {bad})" if bad else ""))
        if "serial" in seconds:
            print(f"speed-up parallel/serial: {seconds['serial'] / seconds['parallel']:.2f}x "
                  f"on {os.cpu_count()} CPUs (load average now "
                  f"{os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

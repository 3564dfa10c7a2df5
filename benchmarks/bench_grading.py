"""Grading speed with the sandbox on and off, and the time for a class of 300.

Grades N submissions of one exercise (the solved notebook with N different student ids,
so N different data sets) with ``--jobs`` workers, once in the bubblewrap sandbox and
once with ``--no-sandbox``. Prints wall seconds per submission for each, and the time
for 300 submissions: measured if ``--n 300``, otherwise extrapolated linearly from the
measured batch (and labelled so).

    python benchmarks/bench_grading.py [--n 20] [--exercise ex02-segmentation] [--jobs 2]
        [--only sandbox|no-sandbox]
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

from crmsim.grading import Options, grade, load_exercise, sandbox  # noqa: E402

CLASS = 300


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--exercise", default="ex02-segmentation")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", choices=["sandbox", "no-sandbox"], help="measure one mode")
    args = ap.parse_args()
    ex = load_exercise(args.exercise, ROOT / "exercises")
    why = sandbox.problem()
    modes = ([] if why else [("sandbox", True)]) + [("no-sandbox", False)]
    if why:
        print(f"sandbox: NOT MEASURED ({why})")
    modes = [m for m in modes if args.only in (None, m[0])]
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "subs"
        for i in range(args.n):
            S.write(S.solved(ex, f"s{i:03d}"), subs / f"s{i:03d}.ipynb")
        for label, on in modes:
            t0 = time.perf_counter()
            res = grade(ex, subs, Path(tmp) / f"out-{label}", Options(jobs=args.jobs,
                                                                      sandbox=on))
            sec = time.perf_counter() - t0
            bad = [r.student_id for r in res if r.total != ex.max_points]
            per = sec / args.n
            how = "measured" if args.n == CLASS else f"extrapolated from {args.n} measured"
            print(f"{label:10s} jobs={args.jobs}: {sec:7.1f} s for {args.n}, "
                  f"{per:5.2f} s per submission; {CLASS} submissions: "
                  f"{per * CLASS / 60:5.1f} min ({how})"
                  + (f"  NOT full marks: {bad}" if bad else ""))
    print(f"{os.cpu_count()} CPUs, load average now {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

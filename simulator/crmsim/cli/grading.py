"""argparse wiring for ``crmsim release``, ``crmsim grade`` and ``crmsim similarity``.

``add_commands(subparsers)`` registers the subcommands; each sets ``func(args) -> int``.
Bad input prints one line ``crmsim: error: <param>=<value> is invalid: expected ...`` and
returns 2 before anything is written. The grader is imported by each command, not here: it
needs the ``crmsim[grade]`` extra (nbclient, nbval, pytest).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections import Counter
from pathlib import Path

from crmsim.cli.common import Parser
from crmsim.errors import CrmsimError, check_out_folder, invalid


def _error(exc: Exception) -> int:
    print(f"crmsim: error: {exc}", file=sys.stderr)
    return 2


def cmd_release(args) -> int:
    from crmsim.grading.exercise import available, default_exercises_dir, load_exercise
    from crmsim.grading.release import release
    from crmsim.grading.student_repo import release_all
    try:
        if args.all == (args.exercise is not None):
            raise invalid("exercise", args.exercise, "an exercise id, or --all (not both)")
        if (args.roster or args.keys) and not args.all:
            raise invalid("roster", args.roster, "used with --all (the whole course's release)")
        out = check_out_folder("out", args.out, parents=True)
        if not args.all:
            ex = load_exercise(args.exercise, args.exercises_dir)
            path = release(ex, out, force=args.force, lang=args.lang)
            print(f"released {ex.id}: {path} ({len(ex.questions)} questions, "
                  f"{ex.max_points:g} points)")
            return 0
        root = Path(args.exercises_dir) if args.exercises_dir else default_exercises_dir()
        exercises = [load_exercise(name, root) for name in available(root)]
        if not exercises:
            raise invalid("exercises-dir", str(root), "a folder of exercises")
        done = release_all(exercises, out, roster=args.roster, keys_out=args.keys,
                           lang=args.lang, force=args.force, jobs=args.jobs)
    except CrmsimError as exc:
        return _error(exc)
    print(f"released {len(done['notebooks'])} exercises to {out}" +
          (f"; options of {args.roster} in {done['options']}; keys in {done['keys']} (keep "
           "it private: send each student their own line)" if done["keys"] else
           " (no --roster: students get practice data and no options)"))
    return 0


def _positive(name, cast):
    def conv(text):
        try:
            v = cast(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                str(invalid(name, text, "a positive number"))) from None
        if not math.isfinite(v) or v <= 0:
            raise argparse.ArgumentTypeError(str(invalid(name, text, "a positive number")))
        return v
    return conv


def cmd_grade(args) -> int:
    from crmsim.grading.batch import Interrupted, grade
    from crmsim.grading.exercise import load_exercise
    from crmsim.grading.settings import Options
    opts = Options(jobs=args.jobs, cell_timeout=args.cell_timeout, memory_mb=args.memory_mb,
                   wall_timeout=args.timeout, disk_mb=args.disk_mb, keep_temp=args.keep_temp,
                   sandbox=not args.no_sandbox, scheduler=args.scheduler,
                   name_mistakes=not args.no_mistakes)
    try:
        ex = load_exercise(args.exercise, args.exercises_dir)
        out = Path(args.out)
        keep = None
        if args.db:
            from crmsim.gradebook.record import record
            from crmsim.gradebook.store import connect

            engine = connect(args.db)  # opened (and checked) before anything runs

            def keep(results, batch):
                record(engine, ex, results, batch=batch, folder=args.submissions)
        results = grade(ex, args.submissions, out, opts, manual=args.manual, keep=keep)
    except (CrmsimError, Interrupted) as exc:
        return _error(exc)
    counts = Counter(s for r in results for s in r.status.split(";"))
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(f"graded {len(results)} submissions of {ex.id} -> {out / 'gradebook.csv'} "
          f"({summary}); pairs alike -> {out / 'similarity.csv'}")
    return 0


def cmd_similarity(args) -> int:
    from crmsim.grading.exercise import load_exercise
    from crmsim.grading.similarity import write_similarity
    from crmsim.grading.submissions import (
        check_out_dir,
        check_places,
        check_submissions_dir,
        read_submissions,
    )
    try:
        ex = load_exercise(args.exercise, args.exercises_dir)
        folder = check_submissions_dir(args.submissions)
        out = check_out_dir(args.out)
        check_places(ex.folder, folder, out)
        out.mkdir(parents=True, exist_ok=True)
        pairs = write_similarity(ex, read_submissions(folder, ex.id), out)
    except CrmsimError as exc:
        return _error(exc)
    print(f"{len(pairs)} pairs of {ex.id} submissions alike -> {out / 'similarity.csv'} "
          f"and {out / 'similarity.html'} (for a person to look at; no grade changed)")
    return 0


def add_commands(subparsers) -> None:
    """Register ``release``, ``grade`` and ``similarity`` on an argparse subparsers object."""
    ex_help = "exercise id (e.g. ex02-segmentation) or path of an exercise folder"
    dir_help = ("folder holding the exercises (default: $CRMSIM_EXERCISES_DIR, ./exercises, "
                "or the repository's exercises/)")

    p = subparsers.add_parser("release", help="write the student version of an exercise",
                              description="Write OUT/<exercise>.ipynb: solutions replaced by "
                              "stubs, hidden tests removed, locked cells checksummed.")
    p.add_argument("exercise", nargs="?", default=None, help=ex_help)
    p.add_argument("--all", action="store_true",
                   help="release every exercise of the course, with the classroom workflow and "
                   "a README: the student repository (nothing of the private course folder)")
    p.add_argument("--roster", default=None, metavar="ROSTER.CSV",
                   help="with --all: the students (column student, or one id a line); issues "
                   "each a key (from $CRMSIM_COURSE_SECRET) and writes their options to "
                   "OUT/crmsim-options.json")
    p.add_argument("--keys", default=None, metavar="KEYS.CSV",
                   help="with --roster: where to write the students' keys (outside OUT)")
    p.add_argument("--jobs", type=_positive("jobs", int), default=1,
                   help="processes computing the roster's options (default 1)")
    p.add_argument("--out", required=True, help="folder for the student notebook(s)")
    p.add_argument("--exercises-dir", default=None, help=dir_help)
    p.add_argument("--force", action="store_true",
                   help="overwrite OUT/<exercise>.ipynb even if it is not an earlier release")
    p.add_argument("--lang", default="en", choices=("en", "zh"),
                   help="language of the student notebook and its feedback: en (default) or "
                   "zh (简体中文, from exercises/<id>/zh/)")
    p.set_defaults(func=cmd_release)

    g = subparsers.add_parser("grade", help="grade a folder of submitted notebooks",
                              description="Grade every *.ipynb in SUBMISSIONS (student id from "
                              "the file name <id>.ipynb / <exercise>_<id>.ipynb or the folder "
                              "<id>/...). Writes OUT/gradebook.csv and OUT/feedback/<id>.md.")
    g.add_argument("exercise", help=ex_help)
    g.add_argument("--submissions", required=True, help="folder of submitted notebooks")
    g.add_argument("--out", required=True, help="folder for gradebook.csv and feedback/")
    g.add_argument("--exercises-dir", default=None, help=dir_help)
    g.add_argument("--jobs", type=_positive("jobs", int), default=max(1, os.cpu_count() or 1),
                   help="submissions graded in parallel (default: number of CPUs)")
    g.add_argument("--cell-timeout", type=_positive("cell-timeout", float), default=None,
                   help="seconds per cell (default: the exercise's cell_timeout)")
    g.add_argument("--timeout", type=_positive("timeout", float), default=None,
                   help="seconds per submission in total (default: from the cell timeout)")
    g.add_argument("--memory-mb", type=_positive("memory-mb", int), default=3072,
                   help="address-space limit of the grading processes, MB (default 3072)")
    g.add_argument("--disk-mb", type=_positive("disk-mb", int), default=1024,
                   help="disk space all the files of one submission's run may take, MB; past "
                   "it the run is stopped (default 1024)")
    g.add_argument("--keep-temp", action="store_true", help="keep the temp folders (debug)")
    g.add_argument("--no-sandbox", action="store_true",
                   help="run notebooks WITHOUT the bubblewrap sandbox (as your own user, able "
                   "to see your files and processes); recorded as isolation=none")
    g.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run the notebooks on this Dask cluster (e.g. tcp://host:8786); its "
                   "workers need crmsim and bubblewrap; the course secret stays here")
    g.add_argument("--no-mistakes", action="store_true",
                   help="do not name the known mistake (wrong/) a failed answer equals (skips "
                   "running those mistakes on each failing student's data)")
    g.add_argument("--manual", default=None, metavar="MARKS.CSV",
                   help="marks of written answers to merge into the gradebook: OUT/manual.csv "
                   "with its points (and comment) column filled in, or any CSV with columns "
                   "student, exercise, question, points, comment")
    g.add_argument("--db", default=None, metavar="URL",
                   help="also keep every result in this course database (e.g. "
                   "sqlite:///course.db): answers, scores, feedback; `crmsim gradebook` and "
                   "`crmsim report items` read it")
    g.set_defaults(func=cmd_grade)

    s = subparsers.add_parser("similarity", help="find pairs of submissions alike (copies)",
                              description="Write OUT/similarity.csv (student_a, student_b, "
                              "question, similarity 0-1) and OUT/similarity.html (each pair side "
                              "by side): the pairs whose code for a question (template, "
                              "identifiers, comments and layout ignored) or written answer are "
                              "alike beyond the thresholds of crmsim.grading.similarity. "
                              "`crmsim grade` writes them too. It changes no grade.")
    s.add_argument("exercise", help=ex_help)
    s.add_argument("--submissions", required=True, help="folder of submitted notebooks")
    s.add_argument("--out", required=True, help="folder for similarity.csv and .html")
    s.add_argument("--exercises-dir", default=None, help=dir_help)
    s.set_defaults(func=cmd_similarity)


def main(argv=None) -> int:
    parser = Parser(prog="crmsim", description="crmsim grading commands")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    add_commands(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


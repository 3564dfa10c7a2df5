"""argparse wiring for ``crmsim gradebook ...``, ``crmsim mark ...`` and ``crmsim report
items``.

Every command takes ``--db URL`` (the course database, default ``sqlite:///course.db``);
bad input prints one line and exits 2 with nothing changed; files are written atomically.
"""

from __future__ import annotations

from pathlib import Path

from crmsim.cli.common import print_table
from crmsim.errors import invalid

DB_HELP = "the course database: a SQLAlchemy URL (default sqlite:///course.db)"
EX_DIR_HELP = ("folder holding the exercises (default: $CRMSIM_EXERCISES_DIR, ./exercises, "
               "or the repository's exercises/)")


def _exercises(args, ids=None) -> dict:
    """The course's exercises by id: those named in ``ids`` (all of the folder if None)."""
    from crmsim.grading.exercise import default_exercises_dir, load_exercise

    root = Path(args.exercises_dir) if args.exercises_dir else default_exercises_dir()
    if ids is None:
        ids = sorted(p.parent.name for p in root.glob("*/exercise.toml"))
    return {ex.id: ex for ex in (load_exercise(i, root) for i in ids)}


def _engine(args):
    from crmsim.gradebook.store import connect

    return connect(args.db)


def cmd_settings(args) -> int:
    from crmsim.database import dump, now
    from crmsim.gradebook.store import SETTINGS
    from crmsim.gradebook.term import read_settings

    settings = read_settings(args.file, set(_exercises(args)))
    with _engine(args).begin() as conn:
        conn.execute(SETTINGS.insert().values(settings=dump(settings), imported_at=now(),
                                              imported_by=args.by))
    print(f"settings imported: {len(settings['exercises'])} exercises, late rule "
          f"{settings['late']['per_day']:.0%} a day up to {settings['late']['max_days']} days")
    return 0


def cmd_roster(args) -> int:
    from crmsim.gradebook.store import ROSTER
    from crmsim.gradebook.term import read_roster

    people = read_roster(args.file)
    with _engine(args).begin() as conn:
        conn.execute(ROSTER.delete())
        conn.execute(ROSTER.insert(), people)
    print(f"roster imported: {len(people)} students")
    return 0


def cmd_submitted(args) -> int:
    from crmsim.database import now
    from crmsim.gradebook.store import SUBMITTED, current_settings
    from crmsim.gradebook.term import parse_time, read_csv

    ex = _exercises(args, [args.exercise])[args.exercise]
    engine = _engine(args)
    with engine.begin() as conn:
        tz = (current_settings(conn) or {}).get("course", {}).get("timezone", "UTC")
        rows = []
        for n, row in enumerate(read_csv(args.file, "times", ("student_id", "submitted_at")),
                                start=2):
            rows.append(dict(exercise=ex.id, student_id=row["student_id"],
                             submitted_at=parse_time(f"times row {n}: submitted_at",
                                                     row["submitted_at"], tz),
                             source="lms", recorded_at=now()))
        conn.execute(SUBMITTED.insert(), rows)
    print(f"submission times of {ex.id}: {len(rows)} from {args.file}")
    return 0


def cmd_extend(args) -> int:
    from crmsim.database import now
    from crmsim.gradebook.store import EXTENSIONS, current_settings
    from crmsim.gradebook.term import parse_time

    ex = _exercises(args, [args.exercise])[args.exercise]
    if not args.why.strip():
        raise invalid("why", args.why, "the reason for the extension")
    with _engine(args).begin() as conn:
        tz = (current_settings(conn) or {}).get("course", {}).get("timezone", "UTC")
        until = parse_time("until", args.until, tz)
        conn.execute(EXTENSIONS.insert().values(exercise=ex.id, student_id=args.student,
                                                deadline=until, reason=args.why,
                                                granted_by=args.by, granted_at=now()))
    print(f"extension: {args.student} may submit {ex.id} until {until}")
    return 0


def cmd_marks(args) -> int:
    from crmsim.gradebook.marks import import_marks

    ex = _exercises(args, [args.exercise])[args.exercise]
    n = import_marks(_engine(args), ex, args.file, marker=args.marker, role=args.role)
    print(f"marks of {ex.id}: {n} imported ({args.role}, {args.marker})")
    return 0


def cmd_override(args) -> int:
    from crmsim.gradebook.audit import override

    ex = _exercises(args, [args.exercise])[args.exercise]
    row = override(_engine(args), ex, student=args.student, question=args.question,
                   points=args.points, who=args.by, why=args.why)
    print(f"override {ex.id} {args.student} {args.question}: {row['old']:g} -> {row['new']:g}")
    return 0


def cmd_regrade(args) -> int:
    from crmsim.gradebook.audit import answer_regrade, request_regrade

    ex = _exercises(args, [args.exercise])[args.exercise]
    if args.action == "request":
        rid = request_regrade(_engine(args), ex, student=args.student, question=args.question,
                              reason=args.reason)
        print(f"regrade request {rid}: {ex.id} {args.student} {args.question}")
    else:
        out = answer_regrade(_engine(args), ex, args.request, who=args.by, answer=args.answer,
                             points=args.points)
        print(f"regrade request {out['id']}: {out['status']}")
    return 0


def cmd_show(args) -> int:
    from crmsim.gradebook.grades import exercise_grades, final_grades

    with _engine(args).connect() as conn:
        if args.exercise:
            df = exercise_grades(conn, _exercises(args))
            print_table(df[df["exercise"] == args.exercise].drop(columns=["exercise"]))
        else:
            print_table(final_grades(conn, _exercises(args)))
    return 0


def cmd_agreement(args) -> int:
    from crmsim.gradebook.marks import agreement, marks_table

    with _engine(args).connect() as conn:
        print_table(agreement(marks_table(conn)))
    return 0


def cmd_export(args) -> int:
    from crmsim.gradebook.exports import export
    from crmsim.gradebook.grades import final_grades, question_scores, settings_or_error
    from crmsim.output import write_file

    exercises = _exercises(args)
    with _engine(args).connect() as conn:
        settings = settings_or_error(conn)
        data = export(args.format, final_grades(conn, exercises, settings),
                      question_scores(conn, exercises), settings, exercises)
    write_file("out", args.out, data, force=args.force)
    print(f"gradebook exported for {args.format}: {args.out}")
    return 0


def cmd_feedback(args) -> int:
    from crmsim.gradebook.bundles import bundle
    from crmsim.output import write_file

    ex = _exercises(args, [args.exercise])[args.exercise]
    with _engine(args).connect() as conn:
        data = bundle(conn, ex, args.layout)
    write_file("out", args.out, data, force=args.force)
    print(f"feedback of {ex.id} for upload ({args.layout}): {args.out}")
    return 0


def cmd_items(args) -> int:
    from crmsim.gradebook.items import analyse, histogram, page
    from crmsim.output import staged_folder

    ex = _exercises(args, [args.exercise])[args.exercise]
    with _engine(args).connect() as conn:
        analysis = analyse(conn, ex)
    with staged_folder("out", args.out, force=args.force) as tmp:
        for lang in ("en", "zh"):
            fig = f"items-{lang}.png"
            if analysis["n"]:
                histogram(ex, analysis, lang, tmp / fig)
            name = "items.md" if lang == "en" else "items.zh.md"
            (tmp / name).write_text(page(ex, analysis, lang, fig), encoding="utf-8")
        if analysis["n"]:
            analysis["questions"].to_csv(tmp / "items.csv", index=False)
    print(f"item analysis of {ex.id} ({analysis['n']} submissions): {args.out}/items.md, "
          "items.zh.md")
    return 0


def cmd_mark_add(args) -> int:
    from crmsim.gradebook.queue import add_marker

    ex = _exercises(args, [args.exercise])[args.exercise]
    key = add_marker(_engine(args), ex, name=args.marker, role=args.role, sample=args.sample)
    print(f"{args.role} marker {args.marker} of {ex.id}: open /mark/{key} on the marking "
          "server (the key is shown only now)")
    return 0


def cmd_mark_serve(args) -> int:
    from crmsim.gradebook.app import serve

    exercises = _exercises(args)
    _engine(args)  # the database opens (and is checked) before the server starts
    print(f"marking app on http://{args.host}:{args.port}/mark/<key> (Ctrl-C stops it)",
          flush=True)
    serve(args.db, exercises, host=args.host, port=args.port, threads=args.threads,
          dev=args.dev, proxy=args.proxy)
    return 0


def _common(p, exercise=False):
    p.add_argument("--db", default="sqlite:///course.db", help=DB_HELP)
    p.add_argument("--exercises-dir", default=None, help=EX_DIR_HELP)
    if exercise:
        p.add_argument("--exercise", required=True, help="exercise id, e.g. ex04-retention")


def add_commands(subparsers) -> None:
    """Register ``gradebook`` and ``report`` on an argparse subparsers object."""
    from crmsim.cli.common import Parser

    gb = subparsers.add_parser("gradebook", help="the course gradebook: roster, deadlines, "
                               "marks, overrides, regrades, LMS exports")
    sub = gb.add_subparsers(dest="action_group", required=True, parser_class=Parser)

    p = sub.add_parser("settings", help="import the course settings (deadlines, late rule, "
                       "weights) from a TOML file")
    p.add_argument("file")
    p.add_argument("--by", default="instructor", help="who imports them (kept)")
    _common(p)
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser("roster", help="import the class roster from a CSV (student_id, name, "
                       "email, section; optionally lms_id, login)")
    p.add_argument("file")
    _common(p)
    p.set_defaults(func=cmd_roster)

    p = sub.add_parser("submitted", help="submission times from an LMS download (CSV: "
                       "student_id, submitted_at)")
    p.add_argument("file")
    _common(p, exercise=True)
    p.set_defaults(func=cmd_submitted)

    p = sub.add_parser("extend", help="grant one student a later deadline")
    _common(p, exercise=True)
    p.add_argument("--student", required=True)
    p.add_argument("--until", required=True, help="the new deadline (ISO 8601)")
    p.add_argument("--why", required=True)
    p.add_argument("--by", required=True, help="who grants it")
    p.set_defaults(func=cmd_extend)

    p = sub.add_parser("marks", help="import marks of written answers from a CSV")
    p.add_argument("file")
    _common(p, exercise=True)
    p.add_argument("--marker", required=True, help="who marked (kept with every mark)")
    p.add_argument("--role", default="first", choices=("first", "second", "final"),
                   help="first marking (counts), second marking of a sample (for agreement) "
                   "or final (moderated, counts over the first)")
    p.set_defaults(func=cmd_marks)

    p = sub.add_parser("override", help="set a question's score by hand (kept with who, "
                       "when and why)")
    _common(p, exercise=True)
    p.add_argument("--student", required=True)
    p.add_argument("--question", required=True)
    p.add_argument("--points", required=True)
    p.add_argument("--by", required=True)
    p.add_argument("--why", required=True)
    p.set_defaults(func=cmd_override)

    p = sub.add_parser("regrade", help="a student's regrade request, and its answer")
    p.add_argument("action", choices=("request", "answer"))
    _common(p, exercise=True)
    p.add_argument("--student", help="(request) the student")
    p.add_argument("--question", help="(request) the question")
    p.add_argument("--reason", default="", help="(request) the student's reason")
    p.add_argument("--request", type=int, help="(answer) the request's id")
    p.add_argument("--answer", default="", help="(answer) what the student will read")
    p.add_argument("--points", default=None, help="(answer) a new score; omit to uphold")
    p.add_argument("--by", default="", help="(answer) who answers")
    p.set_defaults(func=cmd_regrade)

    p = sub.add_parser("show", help="the final grades, or one exercise's grades")
    _common(p)
    p.add_argument("--exercise", default=None)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("agreement", help="how first and second markers agree, per question")
    _common(p)
    p.set_defaults(func=cmd_agreement)

    p = sub.add_parser("export", help="the gradebook for Canvas, Moodle, Blackboard or Excel")
    _common(p)
    p.add_argument("--format", required=True, choices=("canvas", "moodle", "blackboard",
                                                       "xlsx"))
    p.add_argument("--out", required=True, help="the file to write")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("feedback", help="every student's feedback, zipped for an LMS upload")
    _common(p, exercise=True)
    p.add_argument("--layout", default="files", choices=("files", "moodle"))
    p.add_argument("--out", required=True, help="the zip file to write")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.set_defaults(func=cmd_feedback)

    mk = subparsers.add_parser("mark", help="mark written answers in the browser: markers' "
                               "keys and the marking server")
    msub = mk.add_subparsers(dest="mark_action", required=True, parser_class=Parser)
    p = msub.add_parser("add", help="add a marker of an exercise and print the marker's key")
    _common(p, exercise=True)
    p.add_argument("--marker", required=True, help="the marker's name (kept with each mark)")
    p.add_argument("--role", default="first", choices=("first", "second", "final"),
                   help="first: a share of the class (first markers split it); second: a "
                   "sample marked again, for agreement; final: moderates where they differ")
    p.add_argument("--sample", type=float, default=0.2,
                   help="(second markers) share of the answers to mark again (default 0.2)")
    p.set_defaults(func=cmd_mark_add)
    p = msub.add_parser("serve", help="run the marking app (waitress)")
    _common(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8100)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--proxy", default=None, metavar="ADDRESS",
                   help="trust the X-Forwarded-* headers of this reverse proxy")
    p.add_argument("--dev", action="store_true", help="Werkzeug's development server")
    p.set_defaults(func=cmd_mark_serve)

    rp = subparsers.add_parser("report", help="reports on graded work: item analysis")
    rsub = rp.add_subparsers(dest="report", required=True, parser_class=Parser)
    p = rsub.add_parser("items", help="item analysis of an exercise: difficulty, "
                        "discrimination, answers, histograms (both languages)")
    p.add_argument("exercise")
    p.add_argument("--db", default="sqlite:///course.db", help=DB_HELP)
    p.add_argument("--exercises-dir", default=None, help=EX_DIR_HELP)
    p.add_argument("--out", required=True, help="folder for items.md, items.zh.md and plots")
    p.add_argument("--force", action="store_true", help="replace an existing folder")
    p.set_defaults(func=cmd_items)

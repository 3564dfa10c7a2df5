"""The course gradebook through a term: results kept in the database, marks by two markers,
a regrade and an override with their audit rows, late work and an extension, exports for
Canvas, Moodle, Blackboard and Excel, feedback for an LMS, item analysis; and one real
grading run kept with ``crmsim grade --db``.

The term is a simulated class of 300 students whose results are made here (grading 2,400
notebooks would take an hour); the grading run is real, sandboxed where bubblewrap exists.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent / "grading_fixtures"))
import submissions as S  # noqa: E402

from crmsim.cli import main  # noqa: E402
from crmsim.database import load  # noqa: E402
from crmsim.gradebook import audit, bundles, grades, items, marks  # noqa: E402
from crmsim.gradebook.record import record  # noqa: E402
from crmsim.gradebook.store import OVERRIDES, REGRADES, RESULTS, connect  # noqa: E402
from crmsim.grading import load_exercise  # noqa: E402
from crmsim.grading.messages import Bilingual  # noqa: E402
from crmsim.grading.result import Result  # noqa: E402

EXERCISES = sorted(p.parent.name for p in S.EXERCISES.glob("*/exercise.toml"))
N = 300
DEADLINE = "2026-10-01T23:59"  # Asia/Shanghai: 15:59 UTC
LATE_STUDENT, EXTENDED, NEVER = "s0007", "s0011", "s0299"
#: a roster name a spreadsheet would run, and a Chinese one
EVIL = "=HYPERLINK(\"http://x.example\",\"click\")"
MISTAKE, MISTAKE_ZH = "counted order lines, not orders", "把订单行当作订单计数"


def _ability(i: int) -> float:
    return (i % 100) / 100


def _result(ex, i: int, rng) -> Result:
    """A plausible result: the auto-checked questions right with a chance that grows with the
    student's ability (the first one at random: an item that does not discriminate)."""
    sid = f"s{i:04d}"
    r = Result(student_id=sid, submission=f"{sid}.ipynb", sha256=f"{i:064x}")
    auto = [q for q in ex.questions if not q.manual]
    for k, q in enumerate(auto):
        p = 0.5 if k == 0 else 0.2 + 0.75 * _ability(i)
        right = bool(rng.random() < p)
        r.scores[q.id] = float(q.points) if right else 0.0
        for name in q.answers:
            r.expected[name] = 42.0
            r.exported[name] = 42.0 if right else float(40 + i % 2)
            r.answers[name] = (right, "correct" if right else "your value is not correct")
            if not right and i % 2 == 0:  # 40.0: what a known mistake gives
                r.mistakes[name] = Bilingual(MISTAKE, MISTAKE_ZH)
    for q in ex.questions:
        if q.manual:
            r.scores[q.id] = 0.0
            r.written[q.id] = f"Answer of {sid} to {q.id}: retention pays when it costs less."
    r.lang = "zh" if i % 5 == 0 else "en"
    if any(q.manual for q in ex.questions):
        r.add("awaiting_marks")
    return r


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """A term of 300 students: 8 exercises graded into the database, roster and settings."""
    root = tmp_path_factory.mktemp("term")
    db = f"sqlite:///{root / 'course.db'}"
    engine = connect(db)
    exercises = {e: load_exercise(e, S.EXERCISES) for e in EXERCISES}
    rng = np.random.default_rng(1)
    for ex in exercises.values():
        results = [_result(ex, i, rng) for i in range(N) if f"s{i:04d}" != NEVER]
        record(engine, ex, results, feedback=lambda r: f"# feedback of {r.student_id}\n")
    roster = root / "roster.csv"
    with roster.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student_id", "name", "email", "section", "lms_id"])
        for i in range(N):
            name = EVIL if i == 3 else ("王小明" if i == 4 else f"Student {i}")
            w.writerow([f"s{i:04d}", name, f"s{i:04d}@uni.example", f"A{i % 3}", 1000 + i])
    settings = root / "course.toml"
    body = "".join(f'[exercises.{e}]\ndeadline = "{DEADLINE}"\nweight = {1 + k % 2}\n'
                   f'lms_id = "{500 + k}"\n\n' for k, e in enumerate(EXERCISES))
    settings.write_text('[course]\nname = "CRM autumn 2026"\ntimezone = "Asia/Shanghai"\n\n'
                        '[late]\ngrace_minutes = 15\nper_day = 0.1\nmax_days = 7\n\n' + body,
                        encoding="utf-8")
    args = ["--db", db, "--exercises-dir", str(S.EXERCISES)]
    assert main(["gradebook", "settings", str(settings), *args]) == 0
    assert main(["gradebook", "roster", str(roster), *args]) == 0
    return {"root": root, "db": db, "engine": engine, "exercises": exercises, "args": args}


def _written(term):
    return [(ex, q) for ex in term["exercises"].values() for q in ex.questions if q.manual]


def test_results_keep_answers_checks_and_expected_values(term):
    with term["engine"].connect() as conn:
        rows = conn.execute(sa.select(RESULTS)).mappings().all()
    assert len(rows) == len(EXERCISES) * (N - 1)
    row = rows[0]
    exported, expected, checks = (load(row[c]) for c in ("exported", "expected", "checks"))
    assert exported and set(exported) == set(expected) == set(checks)
    for name, (ok, _message) in checks.items():
        assert ok == (exported[name] == expected[name])


def test_two_markers_and_a_second_marking_sample(term):
    """Markers split the class; a second marker marks a sample of 30; agreement is shown;
    the first mark counts, a final (moderated) mark over it."""
    root, args = term["root"], term["args"]
    for ex, q in _written(term):
        for marker, part in (("ann", range(0, N // 2)), ("bo", range(N // 2, N))):
            path = root / f"marks-{ex.id}-{q.id}-{marker}.csv"
            with path.open("w", encoding="utf-8", newline="") as f:
                w = csv.writer(f)
                w.writerow(["student", "exercise", "question", "points", "comment"])
                for i in part:
                    if f"s{i:04d}" != NEVER:
                        w.writerow([f"s{i:04d}", ex.id, q.id, round(q.points * _ability(i)),
                                    "=cmd|' /C calc'!A0" if i == 5 else "clear argument"])
            assert main(["gradebook", "marks", str(path), "--exercise", ex.id, "--marker",
                         marker, *args]) == 0
        second = root / f"second-{ex.id}-{q.id}.csv"
        with second.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["student", "exercise", "question", "points"])
            for i in range(0, N, 10):  # 30 answers
                pts = round(q.points * _ability(i)) if i % 20 else max(0, round(q.points *
                                                                             _ability(i)) - 1)
                w.writerow([f"s{i:04d}", ex.id, q.id, pts])
        assert main(["gradebook", "marks", str(second), "--exercise", ex.id, "--marker",
                     "cy", "--role", "second", *args]) == 0
    with term["engine"].connect() as conn:
        table = marks.marks_table(conn)
        agree = marks.agreement(table)
        counting = marks.counting_marks(table)
    assert set(table["marker"]) == {"ann", "bo", "cy"}
    assert (agree["pairs"] == 30).all() and len(agree) == len(_written(term))
    assert ((agree["exact_agreement"] > 0.3) & (agree["exact_agreement"] < 1)).all()
    assert set(counting["role"]) == {"first"}  # a second mark alone never counts
    ex, q = _written(term)[0]
    marks.add_mark(term["engine"], ex, student="s0010", question=q.id, points=q.points,
                   marker="lead", role="final", comment="moderated")
    with term["engine"].connect() as conn:
        qs = grades.question_scores(conn, term["exercises"])
    row = qs[(qs.exercise == ex.id) & (qs.student_id == "s0010") & (qs.question == q.id)]
    assert row["points"].item() == q.points and row["source"].item() == "mark"


def test_a_bad_marks_file_changes_nothing(term, capsys):
    ex, q = _written(term)[0]
    bad = term["root"] / "bad-marks.csv"
    bad.write_text(f"student,exercise,question,points\ns0001,{ex.id},{q.id},1\n"
                   f"s0002,{ex.id},{q.id},{q.points + 5}\n", encoding="utf-8")
    with term["engine"].connect() as conn:
        before = len(marks.marks_table(conn))
    assert main(["gradebook", "marks", str(bad), "--exercise", ex.id, "--marker", "x",
                 *term["args"]]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "row 3" in err and "points=" in err
    with term["engine"].connect() as conn:
        assert len(marks.marks_table(conn)) == before


def test_regrade_and_override_keep_an_audit_trail(term):
    ex = term["exercises"]["ex04-retention"]
    q = next(q for q in ex.questions if not q.manual)
    engine = term["engine"]
    rid = audit.request_regrade(engine, ex, student="s0020", question=q.id,
                                reason="my value matches my own table")
    assert audit.answer_regrade(engine, ex, rid, who="ta-li", answer="you are right",
                                points=q.points)["status"] == "changed"
    with pytest.raises(Exception, match="open request"):
        audit.answer_regrade(engine, ex, rid, who="ta-li", answer="again")
    row = audit.override(engine, ex, student="s0021", question=q.id, points=0, who="prof",
                         why="answer copied from s0020")
    with engine.connect() as conn:
        trail = conn.execute(sa.select(OVERRIDES)).mappings().all()
        req = conn.execute(sa.select(REGRADES)).mappings().one()
        qs = grades.question_scores(conn, term["exercises"])
    regraded = [t for t in trail if t["regrade_id"] == rid]
    assert len(regraded) == 1 and regraded[0]["new"] == q.points and regraded[0]["who"] == "ta-li"
    assert row["new"] == 0 and trail[-1]["why"] == "answer copied from s0020"
    assert req["status"] == "changed" and req["answered_by"] == "ta-li"
    mine = qs[(qs.exercise == ex.id) & (qs.question == q.id)].set_index("student_id")
    assert mine.loc["s0020", "points"] == q.points and mine.loc["s0020", "source"] == "override"
    assert mine.loc["s0021", "points"] == 0


def test_late_work_is_penalised_and_an_extension_honoured(term):
    ex_id = EXERCISES[0]
    times = term["root"] / "times.csv"
    # 2 days and 1 hour late (Shanghai time); the extended student as late, but allowed
    times.write_text(f"student_id,submitted_at\n{LATE_STUDENT},2026-10-04T01:00\n"
                     f"{EXTENDED},2026-10-04T01:00\ns0001,2026-10-02T00:10\n", encoding="utf-8")
    assert main(["gradebook", "submitted", str(times), "--exercise", ex_id,
                 *term["args"]]) == 0
    assert main(["gradebook", "extend", "--exercise", ex_id, "--student", EXTENDED,
                 "--until", "2026-10-05T12:00", "--why", "hospital note", "--by", "prof",
                 *term["args"]]) == 0
    with term["engine"].connect() as conn:
        per = grades.exercise_grades(conn, term["exercises"]).set_index(
            ["exercise", "student_id"])
    late, ext, grace = (per.loc[(ex_id, s)] for s in (LATE_STUDENT, EXTENDED, "s0001"))
    assert late["days_late"] == 3 and late["late_factor"] == pytest.approx(0.7)
    assert late["points"] == pytest.approx(round(late["raw"] * 0.7, 2))
    assert ext["days_late"] == 0 and ext["points"] == ext["raw"]
    assert grace["days_late"] == 0  # 11 minutes late: within the 15 minutes of grace
    assert per.loc[(ex_id, NEVER), "status"] == "missing" and per.loc[(ex_id, NEVER),
                                                                       "points"] == 0


def test_final_grade_is_the_weighted_share_of_points(term):
    with term["engine"].connect() as conn:
        settings = grades.settings_or_error(conn)
        final = grades.final_grades(conn, term["exercises"]).set_index("student_id")
        per = grades.exercise_grades(conn, term["exercises"])
    assert len(final) == N
    w = {e: settings["exercises"][e]["weight"] for e in EXERCISES}
    mine = per[per.student_id == "s0042"].set_index("exercise")["share"]
    want = sum(w[e] * mine[e] for e in EXERCISES) / sum(w.values()) * 100
    assert final.loc["s0042", "final"] == pytest.approx(want, abs=0.01)
    assert final.loc["s0004", "name"] == "王小明"


def _export(term, fmt, tmp_path):
    out = tmp_path / f"grades.{ 'xlsx' if fmt == 'xlsx' else 'csv'}"
    assert main(["gradebook", "export", "--format", fmt, "--out", str(out),
                 *term["args"]]) == 0
    return out


@pytest.mark.parametrize("fmt", ["canvas", "moodle", "blackboard"])
def test_exports_have_the_lms_columns_and_no_formula(term, tmp_path, fmt):
    raw = _export(term, fmt, tmp_path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark: spreadsheets read Chinese
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    first = {"canvas": ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"],
             "moodle": ["ID number", "First name", "Last name", "Email address"],
             "blackboard": ["Last Name", "First Name", "Username", "Student ID"]}[fmt]
    assert header[:len(first)] == first
    cols = header[len(first):]
    assert len(cols) == len(EXERCISES)
    if fmt == "canvas":
        assert cols[0] == f"{EXERCISES[0]} (500)" and rows[1][0] == "Points Possible"
    if fmt == "blackboard":
        ex0 = load_exercise(EXERCISES[0], S.EXERCISES)
        assert cols[0] == f"{EXERCISES[0]} [Total Pts: {ex0.max_points:g} Score] |500"
        assert raw.decode("utf-8-sig").splitlines()[1].startswith('"')  # every field quoted
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")], "a formula cell"
    assert any(c.startswith("'=HYPERLINK") for c in cells) or fmt != "canvas"
    assert len(rows) == N + 1 + (fmt == "canvas")


def test_excel_export_holds_text_never_formulas(term, tmp_path):
    from openpyxl import load_workbook

    wb = load_workbook(_export(term, "xlsx", tmp_path))
    assert wb.sheetnames == ["final", "questions"]
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(c.value == "'" + EVIL for c in cells)
    assert wb["final"].max_row == N + 1


def test_feedback_for_the_lms_names_marks_overrides_and_lateness(term, tmp_path):
    ex = term["exercises"][EXERCISES[0]]
    out = tmp_path / "fb.zip"
    assert main(["gradebook", "feedback", "--exercise", ex.id, "--out", str(out),
                 *term["args"]]) == 0
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        late = z.read(f"{LATE_STUDENT}.md").decode()
    assert len(names) == N - 1
    assert "3 day(s) after the deadline: 70%" in late and "marked" in late
    with term["engine"].connect() as conn:
        moodle, files = bundles.bundle(conn, ex, "moodle"), bundles.bundle(conn, ex)
        assert bundles.bundle(conn, ex) == files  # the same database, the same bytes
    with zipfile.ZipFile(io.BytesIO(moodle)) as z:
        assert "Student 7_1007_assignsubmission_file_/feedback-" + ex.id + ".md" in z.namelist()
    with zipfile.ZipFile(io.BytesIO(files)) as z:
        zh = z.read("s0010.md").decode()  # i % 5 == 0: a Chinese notebook
    assert "评分之后" in zh and "本练习得分" in zh


def test_item_analysis_page_in_both_languages(term, tmp_path):
    ex_id = "ex04-retention"
    out = tmp_path / "items"
    assert main(["report", "items", ex_id, "--out", str(out), *term["args"]]) == 0
    en, zh = (out / "items.md").read_text(), (out / "items.zh.md").read_text()
    assert "difficulty" in en and "难度" in zh and "区分度" in zh
    for lang in ("en", "zh"):
        png = out / f"items-{lang}.png"
        assert png.stat().st_size > 10_000 and png.read_bytes()[:4] == b"\x89PNG"
    stats = {r["question"]: r for r in csv.DictReader((out / "items.csv").open())}
    ex = term["exercises"][ex_id]
    auto = [q.id for q in ex.questions if not q.manual]
    # the first auto question is right at random, the others with the student's ability
    assert float(stats[auto[0]]["item_rest"]) < 0.15 < float(stats[auto[1]]["item_rest"])
    assert float(stats[auto[1]]["upper_lower"]) > 0.3
    with term["engine"].connect() as conn:
        analysis = items.analyse(conn, ex)
    wrong = analysis["answers"][ex.questions[1].answers[0]]["wrong"]
    assert wrong and all(v != "42.0" for v, _ in wrong)
    # the wrong value a known mistake gives is named by it, in each page's language
    assert f"| `40.0` | {dict(wrong)['40.0']} | {MISTAKE} |" in en
    assert MISTAKE_ZH in zh and f"| `41.0` | {dict(wrong)['41.0']} | - |" in en


def test_bad_settings_get_one_line_and_change_nothing(term, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    for text, word in [('[course]\ntimezone = "Mars/Olympus"\n[exercises.ex04-retention]\n',
                        "course.timezone"),
                       ('[exercises.ex99-nothing]\nweight = 1\n', "ex99-nothing"),
                       ('[exercises.ex04-retention]\ndeadline = "next friday"\n',
                        "deadline"),
                       ('[late]\nper_day = 2\n[exercises.ex04-retention]\n', "late.per_day")]:
        bad.write_text(text, encoding="utf-8")
        assert main(["gradebook", "settings", str(bad), *term["args"]]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and word in err, err
    with term["engine"].connect() as conn:
        assert len(grades.settings_or_error(conn)["exercises"]) == len(EXERCISES)


def test_a_bad_database_url_is_one_line(tmp_path, capsys):
    assert main(["gradebook", "show", "--db", "nosuch://x"]) == 2
    assert "db=" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("bwrap") is None and sys.platform == "linux",
                    reason="bubblewrap is missing")
def test_grade_db_keeps_a_real_run(tmp_path):
    """`crmsim grade --db` stores what the run exported and what it was checked against."""
    ex = load_exercise("ex02-segmentation", S.EXERCISES)
    subs = tmp_path / "subs"
    subs.mkdir()
    S.write(S.solved(ex, "good01"), subs / "good01.ipynb")
    S.write(S.stub(ex, "stub01"), subs / "stub01.ipynb")
    db = f"sqlite:///{tmp_path / 'c.db'}"
    cmd = [sys.executable, "-m", "crmsim.cli", "grade", "ex02-segmentation", "--submissions",
           str(subs), "--out", str(tmp_path / "out"), "--exercises-dir", str(S.EXERCISES),
           "--db", db, "--jobs", "2"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with connect(db).connect() as conn:
        rows = {r["student_id"]: r for r in conn.execute(sa.select(RESULTS)).mappings()}
    good, stub = rows["good01"], rows["stub01"]
    checks = load(good["checks"])
    exported, expected = load(good["exported"]), load(good["expected"])
    auto = {a for q in ex.questions if not q.manual for a in q.answers}
    assert auto and all(checks[a][0] for a in auto)
    assert set(exported) <= set(expected) and exported
    written = load(good["written"])
    assert written and all(written.values())
    feedback = (tmp_path / "out" / "feedback" / "good01.md").read_text(encoding="utf-8")
    assert good["feedback"] == feedback
    assert not any(load(stub["checks"])[a][0] for a in auto)
    assert json.loads(good["scores"]) and good["total"] > stub["total"]


def test_the_graders_csv_files_hold_no_formula():
    """gradebook.csv and manual.csv: a student's file name or written answer that starts like
    a formula is written as text."""
    from crmsim.grading.gradebook import gradebook_csv
    from crmsim.grading.marks import manual_csv

    ex = load_exercise("ex02-segmentation", S.EXERCISES)
    r = _result(ex, 1, np.random.default_rng(0))
    r.student_id, r.submission = "=cmd|' /C calc'!A0", "@SUM(A1).ipynb"
    q = next(q for q in ex.questions if q.manual)
    r.written[q.id] = "=HYPERLINK(\"http://x.example\")"
    for text in (gradebook_csv(ex, [r], "complete"), manual_csv(ex, [r])):
        cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
        assert any(c.startswith("'=") for c in cells)

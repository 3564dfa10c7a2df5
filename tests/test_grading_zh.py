"""Chinese exercises: the zh twin of a source notebook is graded exactly like the English one,
`release --lang zh` writes the Chinese student notebook, feedback speaks the student's language."""

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

from crmsim.grading import Options, grade
from crmsim.grading.exercise import available, cell_meta, load_exercise
from crmsim.grading.release import release, student_version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
ZH_EXERCISES = [e for e in available(EXERCISES)
                if (EXERCISES / e / "zh" / f"{e}.ipynb").is_file()]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _code(nb):
    return [(cell_meta(c).get("cell"), c.cell_type, c.source) for c in nb.cells]


def _only_chinese_printing(suffix: str, exid: str) -> None:
    """What a Chinese setup cell adds after the English code: Chinese texts in ``_``-names
    and prints of them, nothing that changes the names the answers use."""
    import ast

    for stmt in ast.parse(suffix).body:
        printing = isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) \
            and getattr(stmt.value.func, "id", "") == "print"
        private = isinstance(stmt, ast.Assign) and all(
            isinstance(t, ast.Name) and t.id.startswith("_") for t in stmt.targets)
        assert printing or private, f"{exid}: setup adds {ast.unparse(stmt)[:60]!r}"
    assert not suffix.strip() or CJK.search(suffix), exid


@pytest.mark.parametrize("exid", ZH_EXERCISES)
def test_zh_twin_has_same_cells_and_code(exid):
    ex = load_exercise(exid, EXERCISES)
    zh = ex.source_in("zh")
    en, tw = _code(ex.source), _code(zh)
    assert [(n, t) for n, t, _ in en] == [(n, t) for n, t, _ in tw]
    for (name, kind, src), (_, _, zsrc) in zip(en, tw, strict=True):
        if kind == "markdown":
            assert CJK.search(zsrc), f"{exid}: markdown cell {name} is not in Chinese"
        elif name == "setup":  # the only code difference: plots and messages in Chinese
            assert zsrc.startswith("from crmsim import i18n\ni18n.set_language(\"zh\")")
            assert src in zsrc
            _only_chinese_printing(zsrc.split(src, 1)[1], exid)
        elif "word_count" in zsrc:  # Chinese essays have no spaces: words counted as graded
            assert re.sub(r"assignment\.word_count\((\w+)\)", r"len(\1.split())", zsrc) == src
        else:
            assert zsrc == src, f"{exid}: code cell {name} differs from the English one"
    for q in ex.questions:
        assert CJK.search(q.title_zh) and CJK.search(q.hint_zh), f"{exid} {q.id}"
    assert CJK.search(ex.title_zh)
    spec = tomllib.loads((EXERCISES / exid / "exercise.toml").read_text(encoding="utf-8"))
    assert len(spec["objectives_zh"]) == len(spec["objectives"])
    assert all(CJK.search(o) for o in spec["objectives_zh"])


def test_release_lang_zh(tmp_path):
    ex = load_exercise("ex02-segmentation", EXERCISES)
    en = release(ex, tmp_path / "en")
    zh = release(ex, tmp_path / "zh", lang="zh")
    a, b = (json.loads(p.read_text(encoding="utf-8")) for p in (en, zh))
    assert b["metadata"]["crmsim"]["lang"] == "zh" and "lang" not in a["metadata"]["crmsim"]
    assert [cell_meta(c).get("cell") for c in a["cells"]] == \
        [cell_meta(c).get("cell") for c in b["cells"]]
    stub = next(c for c in b["cells"] if cell_meta(c).get("cell") == "q2-answer")
    assert "raise NotImplementedError()" in "".join(stub["source"])
    assert CJK.search("".join(b["cells"][0]["source"]))
    sid = next(c for c in b["cells"] if cell_meta(c).get("cell") == "student-id")
    assert "".join(sid["source"]).startswith('STUDENT_ID = "your-student-id"  # <- 在这里')
    with pytest.raises(Exception, match="lang"):
        release(ex, tmp_path / "x", lang="fr")


def _submission(nb, sid):
    nb = json.loads(json.dumps(nb))
    for c in nb["cells"]:
        if cell_meta(c).get("cell") == "student-id":
            c["source"] = f'STUDENT_ID = "{sid}"\nSTUDENT_KEY = ""'
    return nbformat.writes(nbformat.from_dict(nb))


def test_zh_solution_scores_like_english_and_gets_chinese_feedback(tmp_path):
    """The solved zh twin and the solved English notebook score the same; a zh stub gets
    Chinese feedback (titles, hints, fixed sentences), an English one English feedback."""
    ex = load_exercise("ex02-segmentation", EXERCISES)
    subs = tmp_path / "subs"
    subs.mkdir()
    zh_source = ex.source_in("zh")
    zh_source.metadata["crmsim"] = {"exercise": ex.id, "lang": "zh"}
    (subs / "en1.ipynb").write_text(_submission(ex.source, "en1"), encoding="utf-8")
    (subs / "zh1.ipynb").write_text(_submission(zh_source, "zh1"), encoding="utf-8")
    essay = "细分依据：最近购买情况、购买频率和购买金额，" * 14  # 266 汉字 = 133 words
    zh_essay = json.loads(json.dumps(zh_source))
    for c in zh_essay["cells"]:
        if cell_meta(c).get("cell") == "q6-answer":
            c["source"] = f"segmentation_essay = {essay!r}"
    (subs / "zh3.ipynb").write_text(_submission(zh_essay, "zh3"), encoding="utf-8")
    stub = student_version(ex, "zh")
    (subs / "zh2.ipynb").write_text(_submission(stub, "zh2"), encoding="utf-8")
    out = tmp_path / "out"
    results = {r.student_id: r for r in grade(ex, subs, out, Options(jobs=2, sandbox=False))}
    en1, zh1, zh2 = results["en1"], results["zh1"], results["zh2"]
    assert zh2.total == 0 and zh2.lang == "zh"
    zh3 = results["zh3"]  # a Chinese essay passes its public test and is counted in words
    assert zh3.status == "awaiting_marks" and zh3.total == zh1.total, zh3.failed_cells
    manual = (out / "manual.csv").read_text(encoding="utf-8")
    assert "zh3,ex02-segmentation,q6,4,133,100-250," in manual
    auto = [q.id for q in ex.questions if not q.manual]
    assert all(en1.scores[q] == q_pts for q, q_pts in
               ((q.id, q.points) for q in ex.questions if not q.manual))
    assert {q: zh1.scores[q] for q in auto} == {q: en1.scores[q] for q in auto}
    assert "modified_cells" not in zh1.status and zh1.lang == "zh" and en1.lang == "en"
    assert not zh1.notes, zh1.notes  # Chinese text cells are not "edited" cells
    fb_zh = (out / "feedback" / "zh2.md").read_text(encoding="utf-8")
    fb_en = (out / "feedback" / "en1.md").read_text(encoding="utf-8")
    assert "评分反馈" in fb_zh and "失分题目的提示" in fb_zh and ex.title_zh in fb_zh
    for q in ex.questions:
        if not q.manual:
            assert q.hint_zh in fb_zh and q.hint not in fb_zh
    assert "Hints for the questions" not in fb_zh
    assert "笔记本运行结束时仍未定义" in fb_zh  # the stub's answers were never defined
    for english in ("no answer", "not defined when", "failed -", "Cells that failed", "## Notes",
                    "not exported", "see the failed cells", "at the line"):
        assert english not in fb_zh, english
    assert not CJK.search(fb_en.replace(ex.title, ""))


def test_submit_cell_speaks_chinese(monkeypatch, capsys):
    from crmsim import i18n
    from crmsim.course import assignment

    monkeypatch.delenv(assignment.ANSWERS_ENV, raising=False)
    before = i18n.get_language()
    try:
        i18n.set_language("zh")
        assignment.submit_from({"a": 1.5}, ["a", "b"], code=["f"])
        zh = capsys.readouterr().out
        i18n.set_language("en")
        assignment.submit_from({"a": 1.5}, ["a", "b"], code=["f"])
        en = capsys.readouterr().out
    finally:
        i18n.set_language(before)
    assert "需要评分的答案" in zh and "缺失 b" in zh and "Graded answers" not in zh
    assert "Graded answers" in en and "MISSING  b" in en and not CJK.search(en)


def test_word_count_counts_chinese():
    from crmsim.course.assignment import word_count

    assert word_count("Keep the loyal customers, win back the lost ones.") == 9
    assert word_count("留住忠诚客户，赢回流失客户。") == 6  # 12 汉字, punctuation not counted
    assert word_count("RFM 最近购买 matters") == 4
    assert word_count("") == 0


# ----------------------------------------------------------- every message of the checks
def _every_check_message() -> list:
    """Drive every branch of the answer checks of every question type (and the grader's own
    per-answer messages)."""
    from crmsim.grading.exercise import Question
    from crmsim.grading.messages import msg
    from crmsim.grading.types import compare
    from crmsim.grading.types.choice import compare_choice
    from crmsim.grading.types.ranking import compare_ranking

    def q(t):
        return Question(id="q1", points=2, answers=["a"], type=t)

    out = [compare(q("number"), None, 1.0), compare(q("number"), "x", 1.0),
           compare(q("integer"), 2.5, 3), compare(q("number"), 1.0, None),
           compare(q("number"), 2.0, 1.0), compare(q("integer"), 2, 3),
           compare(q("text"), 3, "b"), compare(q("text"), "a", "b"),
           compare(q("set"), 3, [1]), compare(q("set"), [1, 2], [2, 3]),
           compare(q("mapping"), 3, {"k": 1}), compare(q("mapping"), {"j": 1, "k": 2},
                                                         {"k": 1, "m": 2}),
           compare(q("table"), 3, {"c": {"k": 1}}), compare(q("table"), {}, {"c": {"k": 1}}),
           compare(q("table"), {"c": {"k": 2}}, {"c": {"k": 1}})]
    spec = {"options": ["A1", "B2", "C3"], "correct": "A1"}
    out += [compare_choice(3, spec), compare_choice("Z9", spec), compare_choice("B2", spec),
            compare_choice("A1", spec)]
    order = {"options": ["A1", "B2", "C3"], "correct": ["A1", "B2", "C3"]}
    out += [compare_ranking("A1", order), compare_ranking(["A1"], order),
            compare_ranking(["B2", "A1", "C3"], order)]
    msgs = [m for _, m in out]
    length = msg("answer.length", lo=150, hi=300)
    msgs += [msg("answer.missing", why=msg("answer.not_exported"), see=""),
             msg("answer.missing", why=msg("answer.not_exported"),
                 see=msg("answer.see_failed")),
             msg("answer.missing", why=msg("answer.not_defined"), see=""),
             msg("answer.decision_best"), msg("answer.decision_nothing"),
             msg("answer.decision_share", share="40%"),
             msg("answer.decision_not_allowed", why="discount=0.9"),
             msg("answer.decision_failed", why="KeyError: 'strategies'"),
             msg("answer.not_written"), msg("answer.recorded", n=12, length=length),
             msg("answer.marked", points="3", max="4", comment=" - 论证清楚", length="")]
    return msgs


ENGLISH = ("expected", "your", " not ", "missing", "keys", "values", "items", "pairs",
           "answer", "words", "decision", "column", "label", "order", "tolerance", "unknown",
           "allowed", "simulated", "correct")


def test_every_answer_message_has_a_chinese_version():
    msgs = _every_check_message()
    assert len(set(msgs)) == len(msgs) == 33  # each branch once
    assert all(m.render("en") == m for m in msgs)  # a message is its English text
    left = {m: m.render("zh") for m in msgs
            if any(w in m.render("zh").casefold() for w in ENGLISH)}
    assert left == {}


def _every_note() -> list:
    """Every note and failed-cell line the grader writes, each branch once."""
    from crmsim.grading.messages import msg

    return [msg("note.text_cell", cell="intro", what=msg("note.edited")),
            msg("note.locked_question", cell="q2-test", what=msg("note.deleted"),
                question="q2"),
            msg("note.locked_setup", cell="setup", what=msg("note.duplicated")),
            msg("note.grader_failed"),
            msg("note.unreadable", error="NotJSONError: bad"),
            msg("note.wrong_exercise", got="'ex03-customer-value'",
                expected="'ex02-segmentation'"),
            msg("note.wrong_student", ids="s2", sid="'s1'"),
            msg("note.kernel_died", cell="q3-answer"),
            msg("note.stopped", seconds="600"), msg("note.disk_limit", mb="1024"),
            msg("note.not_collected"), msg("note.no_report"),
            msg("cell.label", name="q3-test", question="q3"),
            msg("cell.hidden_raised", error="ZeroDivisionError"),
            msg("cell.died_here"), msg("cell.not_run"),
            msg("cell.at_line", error=msg("cell.not_run"), line="assert x")]


def test_notes_and_failed_cells_have_a_chinese_version():
    from crmsim.grading.messages import msg

    notes = _every_note()
    assert notes[1] == "locked cell `q2-test` was deleted: question q2 scores 0"
    words = ("cell", "question", "grader", "notebook", "kernel", "stopped", "report", "hidden",
             "deleted", "edited", "duplicated", "your", "disk", "limit", "run", "died")
    zh = {n: n.render("zh") for n in notes}
    assert {n: z for n, z in zh.items()
            if any(w in z.replace("`", " ").replace("STUDENT_ID", "").casefold().split()
                   or f" {w} " in f" {z.casefold()} " for w in words)} == {}
    assert msg("cell.at_line", error="AssertionError", line="assert x").render("zh") == \
        "AssertionError 出错的代码行 `assert x`"


def test_the_grading_catalogue_is_complete_and_used():
    """Every key has both languages with the same fields and Chinese in its zh text; every
    key the grader's code names exists, and every key is used."""
    import string

    from crmsim.grading import messages
    from crmsim.grading.result import STATUS_ORDER

    cat = messages.catalogue()
    for key, entry in cat.items():
        assert set(entry) == {"en", "zh"}, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f}
                  for lang in ("en", "zh")]
        assert fields[0] == fields[1], key
        bare = re.sub(r"\{\w+\}", "", entry["zh"])
        assert CJK.search(bare) or not re.search(r"[A-Za-z]", bare), key
    source = "\n".join(p.read_text(encoding="utf-8") for p in
                       (ROOT / "simulator" / "crmsim" / "grading").rglob("*.py"))
    named = set(re.findall(r"""(?:msg|text|w)\(\s*["']([a-z_]+\.[a-z_]+)["']""", source))
    named |= set(re.findall(r"""["']((?:note|verdict|fb)\.[a-z_]+)["']""", source))
    named |= {f"status.{s}" for s in STATUS_ORDER}
    assert named - set(cat) == set()
    assert set(cat) - named == set()


# ----------------------------------------------------------- options in Chinese
@pytest.mark.parametrize("exid", ZH_EXERCISES)
def test_every_option_has_a_chinese_meaning(exid, capsys):
    """A Chinese student sees each option label with its meaning (the label stays the answer:
    it is also a value in the data or the code)."""
    from crmsim import i18n
    from crmsim.course import assignment

    data = assignment.load(exid, "zh001")
    assert data.choices_error == ""
    assert capsys.readouterr().out.startswith(f"Data: PRACTICE data for {exid}")
    for q, labels in data.choices.items():
        assert set(data.choices_zh[q]) == set(labels)
        assert all(CJK.search(t) for t in data.choices_zh[q].values()), (exid, q)
        try:
            i18n.set_language("zh")
            data.show_options(q)
        finally:
            i18n.set_language("en")
        zh = capsys.readouterr().out.splitlines()
        data.show_options(q)
        en = capsys.readouterr().out.splitlines()
        assert en == [f"{i}. {label}" for i, label in enumerate(labels, 1)]
        assert [line.split("    （")[0] for line in zh] == en
        assert all(CJK.search(line) for line in zh)


def test_options_with_a_bad_chinese_mapping_are_refused():
    from types import SimpleNamespace

    from crmsim.course.options import interpretation_options
    from crmsim.errors import CrmsimError

    ex = load_exercise("ex07-implementation", EXERCISES)
    data = SimpleNamespace(student_id="s1")
    for zh in ({"philosophy": "理念"}, {"philosophy": "理念", "technology": "理念",
                                       "implementation": "实施"}):
        solution = SimpleNamespace(options_q1=lambda d, h, zh=zh: {
            "options": ["philosophy", "technology", "implementation"],
            "correct": "technology", "zh": zh})
        with pytest.raises(CrmsimError, match="'zh' as a distinct Chinese text"):
            interpretation_options(ex, solution, data, {})

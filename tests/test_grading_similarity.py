"""Copies found: a disguised copy (variables renamed, comments and layout added; sentences
reordered, words changed) is reported with its question; the released template shared by
everybody, untouched stubs and an independent answer are not."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "grading_fixtures"))
import copies as C  # noqa: E402
import submissions as S  # noqa: E402

from crmsim.grading import load_exercise  # noqa: E402
from crmsim.grading.exercise import apply_wrong, cell_meta, wrong_solutions  # noqa: E402
from crmsim.grading.similarity import similar_pairs  # noqa: E402
from crmsim.grading.submissions import read_submissions  # noqa: E402

EX = "ex01-lifecycle"
OWN_ESSAY = ('ladder_essay = """My firm keeps few of its first buyers: the step from one order '
             "to two is where the ladder breaks, and the customers there are still in "
             "development. Loyal buyers in maturity are served like anybody else, with no "
             "contact person and no special offers, so the relationship is only a basic one. "
             "I would aim for a partnership with the best customers: VIP service for mature "
             "customers and a win-back letter for those who left, because both cost less than "
             'the margin they keep, which is why my plan in Q4 pays."""')


def _source(nb, cell):
    return next(c.source for c in nb.cells if cell_meta(c).get("cell") == cell)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    ex = load_exercise(EX, S.EXERCISES)
    subs = tmp_path_factory.mktemp("similar") / "subs"
    alice = S.solved(ex, "alice")
    bob = S.with_id(alice, "bob")
    for cell, keep in (("q1-answer", ()), ("q3-answer", ("ladder_counts",))):
        bob = S.replace(bob, cell, C.disguise_code(_source(alice, cell), seed=1, keep=keep))
    essay = _source(alice, "q5-answer")
    body = essay.split('"""')[1]
    bob = S.replace(bob, "q5-answer", f'ladder_essay = """{C.reorder_text(body, seed=2)}"""')
    unsorted = next(w for w in wrong_solutions(ex) if w.name == "unsorted_log")
    carol = S.replace(apply_wrong(S.solved(ex, "carol"), unsorted), "q5-answer", OWN_ESSAY)
    for sid, nb in (("alice", alice), ("bob", bob), ("carol", carol),
                    ("dave", S.stub(ex, "dave")), ("erin", S.stub(ex, "erin"))):
        S.write(nb, subs / f"{sid}.ipynb")
    pairs = similar_pairs(ex, read_submissions(subs, ex.id))
    return ex, subs, {(p.student_a, p.student_b, p.question): p for p in pairs}


def test_a_disguised_copy_is_found_for_code_and_text(batch):
    _, _, pairs = batch
    assert ("alice", "bob", "q1") in pairs and ("alice", "bob", "q3") in pairs
    assert pairs["alice", "bob", "q1"].kind == "code"
    assert pairs["alice", "bob", "q1"].similarity >= 0.9
    text = pairs["alice", "bob", "q5"]
    assert text.kind == "prose" and text.similarity >= 0.8
    assert text.text_a != text.text_b  # the reordered text, not the same one


def test_templates_stubs_and_independent_answers_are_not_copies(batch):
    _, _, pairs = batch
    assert not [k for k in pairs if "dave" in k or "erin" in k]  # untouched stubs
    assert ("alice", "carol", "q1") not in pairs and ("bob", "carol", "q1") not in pairs
    assert ("alice", "carol", "q5") not in pairs and ("bob", "carol", "q5") not in pairs
    # carol's q3 is the instructor's, as alice's: the very same code is reported
    assert ("alice", "carol", "q3") in pairs


def test_the_command_writes_the_csv_and_the_side_by_side_page(batch, tmp_path):
    from crmsim.cli.grading import main

    ex, subs, pairs = batch
    out = tmp_path / "out"
    assert main(["similarity", EX, "--submissions", str(subs), "--out", str(out),
                 "--exercises-dir", str(S.EXERCISES)]) == 0
    with open(out / "similarity.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["student_a", "student_b", "question", "similarity"]
    assert {(r["student_a"], r["student_b"], r["question"]) for r in rows} == set(pairs)
    assert all(0 <= float(r["similarity"]) <= 1 for r in rows)
    page = (out / "similarity.html").read_text()
    assert page.count("<section>") == len(rows) and "my_ch_" in page  # bob's renamed code
    assert main(["similarity", EX, "--submissions", str(tmp_path / "none"), "--out",
                 str(out), "--exercises-dir", str(S.EXERCISES)]) == 2


def test_written_answers_in_chinese_reordered_are_found():
    from crmsim.grading.similarity import text_pairs

    a = ("企业在首次购买到重复购买这一级流失的客户最多。这些客户还处在开发期，企业为获取他们花了"
         "钱，却还没有赚回来。企业与成熟客户的关系只是基本型的，没有人专门照顾他们。企业应当与最好的客户"
         "建立伙伴型关系：为成熟客户提供贵宾服务，为流失客户寄送挽回信。我的第四题方案按利润衡量是划算的。")
    sentences = a.split("。")[:-1]
    b = "。".join(sentences[::-1]).replace("最多", "最大量") + "。"
    c = ("我的市场里，大多数顾客只买一次就再也不来了，所以阶梯在第一级就断了。与其给所有人发优惠"
         "券，不如在第一次购买后打一个欢迎电话，并为常客设立积分计划。成熟期的客户应当有专人负责，"
         "这样关系才能从被动的反应型走向主动型。这些做法的成本都低于它们保住的毛利。")
    found = {(x, y): s for x, y, s in text_pairs({"a": a, "b": b, "c": c})}
    assert set(found) == {("a", "b")} and found["a", "b"] >= 0.8

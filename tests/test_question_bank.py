"""The Chinese question bank (course/zh/adoption/question-bank.toml) is a usable graded quiz.

Every item has an answer, is keyed to one of the course's 39 numbered topics (the coverage
table, and the topic list of the course brief when it is available), and all 39 topics are
covered; computed answers are recomputed from their inputs with the course's own formulas.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]
BANK = tomllib.loads((ROOT / "course/zh/adoption/question-bank.toml").read_text(encoding="utf-8"))
ITEMS = BANK["item"]
COVERAGE = tomllib.loads((ROOT / "course/coverage.toml").read_text(encoding="utf-8"))
TOPICS = {int(k) for k in COVERAGE["topics"]}
LETTERS = "ABCD"


def grade(item: dict, response) -> float:
    """Points earned by one response (short answers: share of the keywords mentioned)."""
    kind = item["type"]
    if kind == "choice":
        return item["points"] * (str(response).strip().upper() == item["answer"])
    if kind == "truefalse":
        return item["points"] * (response is item["answer"])
    if kind == "calc":
        return item["points"] * (abs(float(response) - item["answer"]) <= item["tolerance"])
    hits = sum(k in str(response) for k in item["keywords"])
    return item["points"] * hits / len(item["keywords"])


def grade_sheet(sheet: dict) -> float:
    by_id = {i["id"]: i for i in ITEMS}
    return sum(grade(by_id[q], r) for q, r in sheet.items())


def test_size_ids_and_fields():
    assert len(ITEMS) >= 150
    ids = [i["id"] for i in ITEMS]
    assert len(set(ids)) == len(ids)
    for i in ITEMS:
        assert {"id", "topic", "lecture", "type", "points", "question", "answer"} <= set(i), i
        assert i["type"] in {"choice", "truefalse", "short", "calc"}, i["id"]
        assert i["points"] > 0 and re.search(r"[\u4e00-\u9fff]", i["question"]), i["id"]
        assert (ROOT / "course" / "zh" / i["lecture"]).is_file(), i["id"]


def test_every_item_is_keyed_to_an_existing_topic_and_all_39_are_covered():
    assert TOPICS == set(range(1, 40))
    keyed = {i["topic"] for i in ITEMS}
    assert keyed <= TOPICS
    assert keyed == TOPICS, f"topics without items: {sorted(TOPICS - keyed)}"
    per_topic = [sum(i["topic"] == t for i in ITEMS) for t in sorted(TOPICS)]
    assert min(per_topic) >= 3


def test_topics_match_the_course_brief_when_available():
    brief = next((p / "shared" / "DOMAIN.md" for p in ROOT.parents
                  if (p / "shared" / "DOMAIN.md").exists()), None)
    if brief is None:
        pytest.skip("the course brief is not next to this checkout")
    numbers = {int(n) for n in re.findall(r"^\s*(\d+)\. \*\*", brief.read_text("utf-8"), re.M)}
    assert {i["topic"] for i in ITEMS} <= numbers and len(numbers) == 39


def test_every_item_has_a_usable_answer():
    for i in ITEMS:
        if i["type"] == "choice":
            assert len(i["options"]) == 4 == len(set(i["options"])), i["id"]
            assert i["answer"] in LETTERS, i["id"]
        elif i["type"] == "truefalse":
            assert isinstance(i["answer"], bool), i["id"]
        elif i["type"] == "short":
            assert len(i["answer"]) >= 10 and i["keywords"], i["id"]
            missing = [k for k in i["keywords"] if k not in i["answer"]]
            assert not missing, f"{i['id']}: keywords not in the model answer: {missing}"
        else:
            assert isinstance(i["answer"], float | int) and i["tolerance"] > 0, i["id"]
    tf = [i["answer"] for i in ITEMS if i["type"] == "truefalse"]
    assert 0 < sum(tf) < len(tf), "both true and false statements"
    letters = {i["answer"] for i in ITEMS if i["type"] == "choice"}
    assert len(letters) >= 3, "correct options are not all in one position"


def _ex03_clv():
    spec = importlib.util.spec_from_file_location(
        "ex03_solution", ROOT / "exercises/ex03-customer-value/solution.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.simple_clv


def test_computed_answers_follow_from_their_inputs():
    compute = {
        "clv": lambda x: _ex03_clv()(**x),
        "roi": lambda x: x["profit_difference"] / (x["spending"] + x["discounts"]),
        "lift": lambda x: (x["with_both"] / x["with_a"]) / (x["with_b"] / x["orders"]),
        "delivered_value": lambda x: sum(x["value"]) - sum(x["cost"]),
        "retention_rate": lambda x: x["kept"] / x["had"],
    }
    calc = [i for i in ITEMS if i["type"] == "calc"]
    assert {i["kind"] for i in calc} == set(compute)
    for i in calc:
        assert abs(compute[i["kind"]](i["inputs"]) - i["answer"]) <= i["tolerance"], i["id"]


def test_the_bank_grades_a_quiz():
    perfect = {i["id"]: i["answer"] for i in ITEMS}
    assert grade_sheet(perfect) == pytest.approx(sum(i["points"] for i in ITEMS))
    choice = [i for i in ITEMS if i["type"] == "choice"][:10]
    wrong = {i["id"]: LETTERS[(LETTERS.index(i["answer"]) + 1) % 4] for i in choice}
    assert grade_sheet(wrong) == 0
    tf = next(i for i in ITEMS if i["type"] == "truefalse")
    assert grade_sheet({tf["id"]: not tf["answer"]}) == 0
    short = next(i for i in ITEMS if i["type"] == "short")
    half = "、".join(short["keywords"][: len(short["keywords"]) // 2])
    assert 0 < grade(short, half) < short["points"]


def test_the_adoption_pack_quotes_the_bank_as_it_is():
    """Counts in assessment.md and README.md are the bank's own."""
    from collections import Counter

    n = Counter(i["type"] for i in ITEMS)
    pack = ROOT / "course/zh/adoption"
    assessment = (pack / "assessment.md").read_text(encoding="utf-8")
    assert (f"共 {len(ITEMS)} 题：单选 {n['choice']}、判断 {n['truefalse']}、"
            f"名词解释/简答 {n['short']}、计算 {n['calc']}") in assessment
    per_topic = min(Counter(i["topic"] for i in ITEMS).values())
    assert f"每个知识点至少 {per_topic} 题" in assessment
    assert f"{len(ITEMS)} 道题" in (pack / "README.md").read_text(encoding="utf-8")

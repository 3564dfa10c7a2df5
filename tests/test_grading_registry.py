"""Question types are a registry: one module per type, each registering itself with its
names in both languages; every type an exercise uses is registered; the grader's code has
no ladder over type names."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from crmsim.errors import CrmsimError
from crmsim.grading.exercise import Question, question_problem
from crmsim.grading.types import REGISTRY, Case, QuestionType, get

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
GRADING = ROOT / "simulator" / "crmsim" / "grading"
TYPES = GRADING / "types"
CJK = re.compile(r"[\u4e00-\u9fff]")
SPECS = sorted(ROOT.glob("exercises/*/exercise.toml")) + \
    sorted(ROOT.glob("tests/grading_fixtures/*/exercise.toml"))


def test_each_module_of_the_types_package_registers_the_type_of_its_name():
    modules = {p.stem for p in TYPES.glob("*.py")} - {"__init__", "base"}
    assert modules == set(REGISTRY)
    for name, qtype in REGISTRY.items():
        assert isinstance(qtype, QuestionType) and qtype.name == name
        assert qtype.check.__module__ == f"crmsim.grading.types.{name}" or \
            qtype.check.__module__ == "crmsim.grading.types.base"


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_type_names_itself_in_both_languages(name):
    qtype = get(name)
    assert qtype.names == {"en": name, "zh": qtype.zh}
    assert CJK.search(qtype.zh) and not CJK.search(qtype.name)
    assert qtype.summary.strip()
    assert len({t.zh for t in REGISTRY.values()}) == len(REGISTRY)


@pytest.mark.parametrize("spec", SPECS, ids=[p.parent.name for p in SPECS])
def test_every_question_type_of_every_exercise_is_registered(spec):
    questions = tomllib.loads(spec.read_text(encoding="utf-8"))["questions"]
    assert {q.get("type", "number") for q in questions} <= set(REGISTRY)


def test_an_unregistered_type_is_refused():
    assert "not in" in question_problem(Question("q1", 1, ["a"], "essay", topics=[1],
                                                 hint="h"))


def test_type_keys_belong_to_their_type():
    q = Question("q1", 1, ["a"], "number", topics=[1], hint="h", words=[1, 2])
    assert question_problem(q) == "rubric/words: only for written questions"
    q = Question("q1", 1, ["a"], "number", topics=[1], hint="h", options="f")
    assert question_problem(q) == "options: only for choice/ranking"
    q = Question("q1", 1, ["a", "b"], "choice", topics=[1], hint="h", options="f")
    assert question_problem(q) == "a choice question exports exactly one answer"


def test_checks_speak_through_messages_with_keys():
    from crmsim.grading.messages import Msg

    q = Question("q1", 2, ["a"], "number")
    share, why = get("number").check(q, 2.0, Case(expected=1.0))
    assert share == 0 and isinstance(why, Msg) and why.key == "answer.wrong_value"
    assert why == "your value 2 is not correct (not within tolerance)"
    assert why.render("zh") == "你的数值 2 不正确（不在容差范围内）"


def test_no_ladder_over_type_names_in_the_grader():
    """Type names appear only in their own modules (and the docs of exercise.py)."""
    names = "|".join(sorted(REGISTRY))
    ladder = re.compile(rf"""\.type\s*(==|!=|in|not in)|["']({names})["']\s*(:|\)|,|])""")
    found = []
    for path in GRADING.rglob("*.py"):
        if path.parent == TYPES:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ladder.search(line) and not line.strip().startswith("#"):
                found.append(f"{path.name}:{n}: {line.strip()}")
    assert found == []


def test_a_bad_options_correct_names_the_rule_of_its_type():
    from types import SimpleNamespace

    from crmsim.course.options import interpretation_options

    q = Question("q1", 1, ["a"], "ranking", topics=[1], hint="h", options="opts")
    ex = SimpleNamespace(id="exx", questions=[q])
    solution = SimpleNamespace(opts=lambda d, h: {"options": ["A", "B"], "correct": ["A"]})
    with pytest.raises(CrmsimError, match="must return the full order of the options"):
        interpretation_options(ex, solution, SimpleNamespace(student_id="s1"), {})


def test_a_new_type_with_its_own_keys_is_one_registration(monkeypatch, tmp_path):
    """What a new module of crmsim/grading/types/ does, done here: the spec loader, the
    validation and the check take the new type and its own keys without other changes."""
    from crmsim.grading import exercise
    from crmsim.grading.messages import msg

    def check(q, got, case):
        ok = isinstance(got, str) and re.fullmatch(q.spec("pattern"), got) is not None
        return float(ok), msg("answer.correct") if ok else msg("answer.wrong_text", value=got)

    def problem(q):
        return None if isinstance(q.spec("pattern"), str) else "pattern: a regular expression"

    monkeypatch.setitem(REGISTRY, "pattern", QuestionType(
        name="pattern", zh="格式", summary="a text of a given form", check=check,
        one_answer=True, keys=("pattern",), problem=problem))

    def spec(question):
        return {"id": "exx", "notebook": "x.ipynb", "solution": "s.py", "unit": 1,
                "minutes": 10, "objectives": ["o"],
                "questions": [{"id": "q1", "points": 1, "answers": ["a"], "topics": [1],
                               "hint": "h", **question}]}

    q = exercise._from_spec(spec({"type": "pattern", "pattern": r"[A-Z]\d"}), tmp_path) \
        .questions[0]
    assert q.kind.check(q, "A1", Case())[0] == 1 and q.kind.check(q, "a1", Case())[0] == 0
    with pytest.raises(CrmsimError, match="pattern: a regular expression"):
        exercise._from_spec(spec({"type": "pattern", "pattern": 3}), tmp_path)
    with pytest.raises(CrmsimError, match="pattern: only for pattern questions"):
        exercise._from_spec(spec({"type": "number", "pattern": "x"}), tmp_path)

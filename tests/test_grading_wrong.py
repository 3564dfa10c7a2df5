"""Hidden checks discriminate: every wrong solution in ``exercises/<id>/wrong/`` loses the
points of the questions it names (``LOSES``) and keeps all the others. Each exercise's
wrong solutions are graded in one sandboxed batch, as real submissions are."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "grading_fixtures"))
import submissions as S  # noqa: E402

from crmsim.grading import Options, available, grade, load_exercise  # noqa: E402
from crmsim.grading.exercise import apply_wrong, wrong_solutions  # noqa: E402

CASES = [(name, w.name) for name in available(S.EXERCISES)
         for w in wrong_solutions(load_exercise(name, S.EXERCISES))]


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    root = tmp_path_factory.mktemp("wrong")
    done = {}

    def graded(name):
        if name not in done:
            ex = load_exercise(name, S.EXERCISES)
            subs = root / name / "subs"
            for w in wrong_solutions(ex):
                S.write(apply_wrong(S.solved(ex, w.name), w), subs / f"{w.name}.ipynb")
            res = grade(ex, subs, root / name / "out", Options(jobs=2, cell_timeout=60))
            done[name] = ex, {r.student_id: r for r in res}
        return done[name]
    return graded


def test_an_exercise_has_wrong_solutions():
    assert CASES, "no exercise has wrong/ solutions"


@pytest.mark.parametrize("name, wrong", CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_wrong_solution_loses_its_questions_only(batches, name, wrong):
    ex, res = batches(name)
    r = res[wrong]
    loses = next(w for w in wrong_solutions(ex) if w.name == wrong).loses
    scored = {q: r.scores[q] for q in loses if r.scores[q] > 0}
    assert not scored, f"{name}/wrong/{wrong}.py scores {scored}: strengthen the hidden checks"
    kept = {q.id: r.scores[q.id] for q in ex.questions
            if q.id not in loses and not q.manual and r.scores[q.id] < q.points}
    assert not kept, f"{name}/wrong/{wrong}.py also loses {kept} ({r.status}, {r.failed_cells})"


def _renderings(value) -> set[str]:
    """Ways an expected number or text could be printed in a feedback file."""
    if isinstance(value, bool) or value is None:
        return set()
    if isinstance(value, (int, float)):
        v = float(value)
        return {f"{v:g}", f"{v:.2f}", f"{v:.3f}", repr(value)} - {"0", "1", "0.00", "1.00"}
    if isinstance(value, str) and len(value) > 3:
        return {value}
    return set()


def _leaks(ex, q, sol, full, hidden, expected) -> set[str]:
    """Texts that would give away question ``q``'s answer if a feedback file showed them:
    the expected value (value types), the correct option (choice), the correct order or
    its first label (ranking), the best decision's value and the best decision (decision)."""
    import json

    from crmsim.course.options import interpretation_options

    if q.type in ("choice", "ranking"):
        correct = interpretation_options(ex, sol, full, hidden)[q.id]["correct"]
        if q.type == "choice":
            return _renderings(correct)
        return (_renderings(correct[0]) | {str(correct), ", ".join(correct),
                                           " > ".join(correct), json.dumps(correct)})
    if q.type == "decision":
        candidates = getattr(sol, q.candidates)(full)
        values = [float(getattr(sol, q.evaluate)(full, c)) for c in candidates]
        best = max(range(len(values)), key=values.__getitem__)
        shown = _renderings(values[best]) | {f"{values[best]:.0f}", f"{values[best]:,.0f}"}
        return shown | ({json.dumps(candidates[best])} if best else set())
    if q.manual:
        return set()
    return {s for a in q.answers for s in _renderings(expected[a])}


@pytest.mark.parametrize("name, wrong", CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_feedback_is_actionable_and_hides_expected_values(batches, name, wrong):
    from crmsim.course import assignment
    from crmsim.grading.feedback import feedback

    ex, res = batches(name)
    r = res[wrong]
    text = feedback(ex, r)
    loses = next(w for w in wrong_solutions(ex) if w.name == wrong).loses
    for q in ex.questions:
        assert (q.hint in text) == (q.id in loses), q.id  # a hint for every question lost
    assert "## Which data the grade used" in text and "practice data" in text
    full = assignment.generate(ex.id, wrong)
    sol = ex.solution_module()
    rng = __import__("numpy").random.default_rng(
        assignment.seed_for(ex.id, wrong, purpose="hidden"))
    hidden = sol.hidden_inputs(assignment.observable(full), rng)
    expected = sol.expected(full, hidden)
    # the exercise's own texts (titles, hints) may name option labels; the answer may not
    # appear anywhere else
    own = text
    for q in ex.questions:
        own = own.replace(q.hint, "").replace(q.title, "")
    for q in ex.questions:
        if q.id in loses:
            leaked = {s for s in _leaks(ex, q, sol, full, hidden, expected) if s in own}
            assert not leaked, f"feedback shows the answer of {q.id} ({q.type}): {leaked}"


@pytest.mark.parametrize("name, wrong", CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_the_known_mistake_is_named_in_both_languages(batches, name, wrong):
    """A submission making a known mistake is told which one (the wrong/ file's FEEDBACK),
    in the language of its notebook, next to the answers it got wrong."""
    from crmsim.grading.feedback import feedback

    ex, res = batches(name)
    r = res[wrong]
    w = next(w for w in wrong_solutions(ex) if w.name == wrong)
    assert w.feedback, f"{name}/wrong/{wrong}.py has no FEEDBACK naming the mistake"
    named = [a for a, (_, why) in r.answers.items() if w.feedback["en"] in str(why)]
    lost = [a for q in ex.questions if q.id in w.loses for a in q.answers]
    assert named and set(named) <= set(lost), (r.answers, lost)
    assert w.feedback["en"] in feedback(ex, r)
    r.lang = "zh"
    try:
        assert w.feedback["zh"] in feedback(ex, r)
    finally:
        r.lang = "en"

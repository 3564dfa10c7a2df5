"""The marking app (``crmsim mark serve``, waitress) from outside: two first markers mark a
batch of 30 written answers in Chromium (one with the keyboard, one with the mouse and a
saved comment), a second marker marks a sample again, and the final marker sees how they
agree; the marks land in the course database with who gave them. Students stay anonymous;
a wrong key, a forged form and a bad level change nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent / "grading_fixtures"))
import submissions as S  # noqa: E402

from crmsim.gradebook import marks, queue  # noqa: E402
from crmsim.gradebook.record import record  # noqa: E402
from crmsim.gradebook.store import connect  # noqa: E402
from crmsim.grading import load_exercise  # noqa: E402
from tests.browser import chromium_page  # noqa: E402
from tests.game_server import Browser, free_port  # noqa: E402
from tests.test_gradebook import _result  # noqa: E402

EX = "ex04-retention"
N = 30


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """A course database with 30 graded submissions, four markers and the marking server."""
    root = tmp_path_factory.mktemp("marking")
    db = f"sqlite:///{root / 'course.db'}"
    engine = connect(db)
    ex = load_exercise(EX, S.EXERCISES)
    rng = np.random.default_rng(3)
    record(engine, ex, [_result(ex, i, rng) for i in range(N)])
    keys = {name: queue.add_marker(engine, ex, name=name, role=role, sample=0.34)
            for name, role in (("ann", "first"), ("bo", "first"), ("cy", "second"),
                               ("lead", "final"))}
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crmsim.cli", "mark", "serve", "--db", db, "--port", str(port),
         "--exercises-dir", str(S.EXERCISES)], stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:  # this server's page, not another test's server on a reused port
            if b'id="who"' in urllib.request.urlopen(f"{url}/mark/{keys['ann']}",
                                                     timeout=5).read():
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(proc.stderr.read().decode())
            time.sleep(0.2)
    yield {"url": url, "keys": keys, "engine": engine, "ex": ex, "root": root}
    proc.terminate()
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
    proc.stderr.close()


def _question(ex):
    return next(q for q in ex.questions if q.manual)


def _mark_queue(page, app, who: str, keyboard: bool, seen: list, limit=None) -> int:
    """Mark every answer of ``who``'s queue in the browser; returns how many."""
    q = _question(app["ex"])
    page.goto(f"{app['url']}/mark/{app['keys'][who]}")
    seen.append(page.content())
    page.click(f"tr[data-question='{q.id}'] a.start")
    n = 0
    while True:
        page.wait_for_selector("#answer")
        seen.append(page.content())
        total = int(re.search(r"(\d+)\D*$", page.inner_text("#label").split(":")[0]).group(1))
        if keyboard:
            for c in range(len(q.rubric)):  # levels 0 / 1, criterion by criterion
                page.keyboard.press("1" if who == "cy" and n % 2 else str((n + c) % 2))
            page.keyboard.press("Control+Enter")
        else:
            for c in range(len(q.rubric)):
                page.check(f"input[name='level-{c}'][value='{(n + c + 1) % 2}']")
            if n == 0:
                page.fill("#comment", "Use your own retention numbers.")
                page.check("input[name='save_snippet']")
            else:
                page.click("button.snippet")
            page.click("#save")
        page.wait_for_selector("#notice")  # saved; the page shows the next answer
        n += 1
        if n >= (limit or total):
            return n


def test_two_markers_a_second_sample_and_agreement_in_the_browser(app, tmp_path):
    seen: list[str] = []
    with chromium_page() as page:
        page.set_default_timeout(120_000)  # a loaded CI machine: pages, not speed, are tested
        done = {who: _mark_queue(page, app, who, keyboard=(who == "ann"), seen=seen)
                for who in ("ann", "bo")}
        done["cy"] = _mark_queue(page, app, "cy", keyboard=True, seen=seen)
        # the second marker gave 4 points where the first gave 2 to every other answer:
        # the final marker moderates the first of those
        moderated = _mark_queue(page, app, "lead", keyboard=True, seen=seen, limit=1)
        page.goto(f"{app['url']}/mark/{app['keys']['lead']}")
        page.screenshot(path=str(tmp_path / "lead.png"), full_page=True)
        agreement_text = page.inner_text("#agreement")
        page.goto(f"{app['url']}/mark/{app['keys']['bo']}?lang=zh")
        zh = page.inner_text("body")
        page.goto(f"{app['url']}/mark/{app['keys']['bo']}/{_question(app['ex']).id}/0?lang=zh")
        zh_item = page.inner_text("#rubric")
    assert done["ann"] + done["bo"] == N and min(done["ann"], done["bo"]) >= 5
    assert 3 <= done["cy"] <= 20  # a sample of about a third
    with app["engine"].connect() as conn:
        table = marks.marks_table(conn, EX)
    first = table[table.role == "first"]
    assert len(first) == N and set(first.marker) == {"ann", "bo"}
    assert first["student_id"].nunique() == N  # each answer marked once, by one first marker
    assert (table[table.role == "second"].marker == "cy").sum() == done["cy"]
    q = _question(app["ex"])
    assert first["levels"].map(len).eq(len(q.rubric)).all()
    bo = first[first.marker == "bo"]
    assert (bo["comment"] == "Use your own retention numbers.").all()  # the snippet reused
    assert str(done["cy"]) in agreement_text and "100%" not in agreement_text
    final = table[table.role == "final"]
    assert moderated == 1 and len(final) == 1 and final.marker.item() == "lead"
    with app["engine"].connect() as conn:
        counting = marks.counting_marks(marks.marks_table(conn, EX)).set_index("student_id")
    assert counting.loc[final.student_id.item(), "role"] == "final"
    assert "人工评分" in zh and "初评" in zh
    # the rubric's own level descriptors (exercise.toml), and its criteria in Chinese
    assert any("quotes the student's own Q1, Q2 and Q4 numbers" in p for p in seen)
    assert "正确使用学生自己的客户保持数字" in zh_item and "引用自己 Q1、Q2、Q4 的数字" in zh_item
    # anonymous: no student id on any page a marker saw, outside the answers themselves
    # (the made-up answers here quote their author's id)
    pages = [re.sub(r'<div class="answer" id="answer">.*?</div>', "", p, flags=re.S)
             for p in seen]
    assert len(pages) > N and not [p for p in pages if re.search(r"\bs00\d\d\b", p)]


def test_from_outside_a_wrong_key_a_forged_form_and_a_bad_level_change_nothing(app):
    with app["engine"].connect() as conn:
        before = len(marks.marks_table(conn, EX))
    q = _question(app["ex"])
    b = Browser()
    assert b.get(f"{app['url']}/mark/not-a-key")[0] == 403
    item = f"{app['url']}/mark/{app['keys']['ann']}/{q.id}/0"
    levels = {f"level-{c}": "1" for c in range(len(q.rubric))}
    assert Browser().post(item, levels)[0] == 400  # no CSRF token: a forged form
    token = b.csrf(item)
    status, body = b.post(item, {"csrf_token": token, **levels, "level-0": "7"})
    assert status == 400 and "level" in body.lower()
    assert b.post(f"{app['url']}/mark/not-a-key/{q.id}/0", {"csrf_token": token,
                                                           **levels})[0] == 403
    with app["engine"].connect() as conn:
        assert len(marks.marks_table(conn, EX)) == before

"""The game in a real browser: an instructor and two teams play three rounds in headless
Chromium (Playwright), through the pages alone."""

import os
import re
from pathlib import Path

from tests.browser import chromium_page
from tests.game_server import KEY, server_thread

#: screenshots are kept here when set (to look at them), else in pytest's tmp_path
SHOTS = os.environ.get("CRMSIM_SCREENSHOTS")


def test_instructor_and_two_teams_play_three_rounds_in_the_browser(tmp_path):
    shots = Path(SHOTS) if SHOTS else tmp_path
    shots.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{tmp_path / 'game.db'}"
    with server_thread(db) as base, chromium_page(viewport=(1200, 1000)) as page:
        # the instructor creates the game on the start page
        page.goto(base + "/")
        page.fill("#create input[name=customers]", "1500")
        page.fill("#instructor_key", KEY)
        page.fill("#create input[name=rounds]", "3")
        page.click("#create-button")
        admin_url = page.url
        assert "/admin/" in admin_url
        code = page.inner_text("#join-code")
        # two teams join with the code
        team_urls = {}
        for team in ("Falcons", "Otters"):
            page.goto(base + "/")
            page.fill("#code", code)
            page.fill("#team", team)
            page.click("#join-button")
            assert page.inner_text("#title").startswith(f"Team {team}")
            team_urls[team] = page.url
        for r in (1, 2, 3):
            # Falcons: acquisition, seats and a targeted win-back, plus a report
            page.goto(team_urls["Falcons"])
            assert f"Round {r} of 3 is open" in page.inner_text("#round-status")
            page.fill("#author", "Mei")
            page.fill("#acq_direct_mail", str(1000 * r))
            page.fill("#seats", "4")
            if r == 1:
                page.check("#use_win_back")
                page.fill("#target_win_back", "tier=A|B")
                page.fill("#params_win_back", "cost_per_contact=5")
            else:  # the standing parameters are in the form and in the table of decisions
                assert "cost_per_contact=5" in page.input_value("#params_win_back")
                assert "cost_per_contact=5" in page.inner_text("#in-force")
            page.check("#report_value_pyramid")
            page.click("#submit")
            assert f"Round {r}: decisions saved" in page.inner_text("#notice")
            if r == 1:
                page.screenshot(path=str(shots / "team-decisions.png"), full_page=True)
            # Otters: an over-budget submission is refused, then a valid one is saved
            page.goto(team_urls["Otters"])
            page.fill("#acq_telesales", "999999")
            page.click("#submit")
            error = page.inner_text("#error")
            assert re.search(r"budget=.* is invalid: expected at most the cash available", error)
            if r == 1:
                page.screenshot(path=str(shots / "team-error.png"), full_page=True)
            page.fill("#acq_telesales", "600")
            page.fill("#discount", "0.05")
            page.click("#submit")
            assert "decisions saved" in page.inner_text("#notice")
            # the instructor sees both submitted and closes the round
            page.goto(admin_url)
            assert page.inner_text("#teams").count("yes") == 2
            page.click("#close-button")
            assert f"Round {r} closed: 2 markets advanced" in page.inner_text("#notice")
        page.screenshot(path=str(shots / "instructor.png"), full_page=True)
        page.goto(team_urls["Falcons"])
        assert "cost_per_contact=5" in page.inner_text("#in-force")  # never retyped
        page.goto(admin_url)
        board = page.inner_text("#leaderboard")
        assert "Falcons" in board and "Otters" in board
        assert "The game is over" in page.inner_text("#round-status")
        # each team sees its three rounds, its own reports and can download its data
        page.goto(team_urls["Falcons"])
        assert page.locator("table.results tr").count() == 4
        assert page.get_by_text("Round 3 report: Value pyramid A/B/C/D").count() == 1
        with page.expect_download() as dl:
            page.click("#data-csv")
        assert dl.value.suggested_filename == "crm-game-data-csv.zip"
        page.screenshot(path=str(shots / "team-results.png"), full_page=True)
        page.goto(team_urls["Otters"])
        assert page.get_by_text("Value pyramid").count() == 0  # Falcons' reports stay theirs
        # the debrief with its plots
        page.goto(admin_url)
        page.click("#debrief")
        assert page.locator("img").count() == 3
        page.screenshot(path=str(shots / "debrief.png"), full_page=True)


def test_instructor_creates_a_shared_market_and_teams_are_told(tmp_path):
    db = f"sqlite:///{tmp_path / 'game.db'}"
    with server_thread(db) as base, chromium_page(viewport=(1200, 1000)) as page:
        page.goto(base + "/")
        page.fill("#create input[name=customers]", "800")
        page.fill("#instructor_key", KEY)
        page.select_option("#market", "shared")
        page.click("#create-button")
        assert "a shared market" in page.inner_text("#market")
        code = page.inner_text("#join-code")
        page.goto(base + "/")
        page.fill("#code", code)
        page.fill("#team", "Herons")
        page.click("#join-button")
        assert "compete for the same prospects" in page.inner_text("#market")
        page.screenshot(path=str(tmp_path / "shared-team.png"), full_page=True)


def test_staff_keys_deadline_and_comments_in_the_browser_in_chinese(tmp_path):
    db = f"sqlite:///{tmp_path / 'game.db'}"
    with server_thread(db) as base, chromium_page(viewport=(1200, 1000),
                                                  locale="zh-CN") as page:
        page.goto(base + "/")
        assert "教师密钥" in page.inner_text("#key-note")  # the browser's language
        page.fill("#instructor_key", KEY)
        page.click("#create-button")
        admin_url = page.url
        code = page.inner_text("#join-code")
        # the instructor gives an assistant a key and sets a deadline
        page.fill("#staff-label", "李助教")
        page.select_option("#staff-role", "assistant")
        page.click("#staff-button")
        key = page.inner_text("#staff-key code")
        page.fill("#deadline-at", "2099-03-01T14:30")
        page.click("#deadline-button")
        assert "2099-03-01T14:30:00 UTC" in page.inner_text("#deadline")
        page.goto(base + "/")
        page.fill("#code", code)
        page.fill("#team", "Herons")
        page.click("#join-button")
        team_url = page.url
        assert "截止时间：2099-03-01T14:30:00 UTC" in page.inner_text("#deadline")
        # the assistant sees the game, cannot close the round, comments to the team
        page.goto(f"{base}/admin/{key}")
        assert "助教" in page.inner_text("#role")
        assert page.locator("#close-button").count() == 0
        assert page.locator("#deadline-form").count() == 0
        page.select_option("#comment-team", "Herons")
        page.fill("#comment-text", "先看看流失预警名单。")
        page.click("#comment-button")
        assert "评语已保存" in page.inner_text("#notice")
        page.screenshot(path=str(tmp_path / "assistant-zh.png"), full_page=True)
        page.goto(team_url)
        assert "先看看流失预警名单。" in page.inner_text("#comments")
        page.goto(admin_url)
        assert "李助教" in page.inner_text("#staff")

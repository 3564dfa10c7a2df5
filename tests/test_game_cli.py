"""``crmsim game ...``: a game played from the command line; bad input is one line, exit 2."""

import json
import re
import zipfile

from crmsim.cli import main


def _tokens(out):
    code = re.search(r"join code:\s+(\S+)", out).group(1)
    admin = re.search(r"instructor token:\s+(\S+)", out).group(1)
    teams = dict(re.findall(r"team '(\w+)' token: (\S+)", out))
    return code, admin, teams


def test_a_game_from_the_command_line(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'g.db'}"
    settings = tmp_path / "game.toml"
    settings.write_text('customers = 800\nrounds = 2\n[[events]]\nround = 2\n'
                        'kind = "price_war"\n', encoding="utf-8")
    assert main(["game", "create", "--db", db, "--settings", str(settings), "--team", "Red",
                 "--event", "1:service_outage:capacity=0.5"]) == 0
    code, admin, teams = _tokens(capsys.readouterr().out)
    assert main(["game", "join", "--db", db, "--code", code, "--team", "Blue"]) == 0
    blue = re.search(r"team token: (\S+)", capsys.readouterr().out).group(1)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"seats": 4, "acquisition": {"direct_mail": 400}}))
    assert main(["game", "submit", "--db", db, "--token", teams["Red"], "--decisions",
                 f"@{plan}", "--round", "1", "--author", "li"]) == 0
    assert "decisions stored" in capsys.readouterr().out
    # bad input: one line on stderr, exit 2, nothing stored
    for argv, msg in [
        (["submit", "--token", blue, "--decisions", '{"seats": "many"}'], "seats='many'"),
        (["submit", "--token", blue, "--decisions", "{oops"], "--decisions='{oops'"),
        (["submit", "--token", "wrong", "--decisions", "{}"], "team_token"),
        (["close", "--token", blue], "admin_token"),
        (["create", "--customers", "5"], "customers=5"),
        (["create", "--event", "x:outage"], "--event='x:outage'"),
    ]:
        assert main(["game", argv[0], "--db", db, *argv[1:]]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and msg in err, err
    for r in (1, 2):
        assert main(["game", "close", "--db", db, "--token", admin, "--round", str(r)]) == 0
    assert "the game is over" in capsys.readouterr().out
    assert main(["game", "leaderboard", "--db", db, "--token", blue]) == 0
    board = capsys.readouterr().out
    assert "Red" in board and "Blue" in board
    assert main(["game", "status", "--db", db, "--token", teams["Red"]]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["team"] == "Red" and len(status["results"]) == 2
    assert status["results"][0]["decisions"]["ran"]["seats"] == 2  # outage: half the seats
    assert status["results"][1]["decisions"]["ran"]["discount"] == 0.1  # price war
    out = tmp_path / "red.zip"
    assert main(["game", "data", "--db", db, "--token", teams["Red"], "--out", str(out)]) == 0
    assert sorted(zipfile.ZipFile(out).namelist()) == ["customers.csv", "events.csv",
                                                       "transactions.csv"]
    deb = tmp_path / "debrief"
    assert main(["game", "debrief", "--db", db, "--token", admin, "--out", str(deb)]) == 0
    assert sorted(p.name for p in deb.iterdir()) == [
        "debrief.md", "decisions.csv", "figure1.png", "figure2.png", "figure3.png",
        "information_value.csv"]
    assert main(["game", "debrief", "--db", db, "--token", admin, "--out", str(deb)]) == 2
    assert "--force" in capsys.readouterr().err


def test_the_demo_game_has_two_teams_and_an_event(tmp_path):
    from crmsim.game import api
    from crmsim.game.cli import demo_game

    db = f"sqlite:///{tmp_path / 'demo.db'}"
    made = demo_game(db)
    status = api.game_status(db, made["admin_token"])
    assert [t["team"] for t in status["teams"]] == ["Team A", "Team B"]
    assert status["settings"]["events"][0]["kind"] == "service_outage"
    team = api.team_status(db, made["teams"]["Team A"])
    assert team["standing"]["seats"] >= 1 and team["round"] == 1

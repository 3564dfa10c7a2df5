"""30 teams submitting at once lose nothing: through the web server and through the API."""

import threading

from crmsim.game import api, store
from tests.game_server import post, server_thread

TEAMS = 30


def _latest_seats(db, gid):
    with api.engine(db).begin() as conn:
        teams = store.teams(conn, gid)
        rows = store.submissions(conn, gid)
        latest = {t["name"]: store.load(store.latest_submission(conn, t["id"], 1)["decisions"])
                  for t in teams}
    return rows, {name: d["seats"] for name, d in latest.items()}


def _all_at_once(work):
    """Run ``work(i)`` for every team in its own thread, all released together."""
    gate = threading.Barrier(TEAMS)
    out = [None] * TEAMS

    def run(i):
        gate.wait()
        out[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(TEAMS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    return out


def test_thirty_teams_submit_at_once_through_the_web_server(tmp_path):
    db = f"sqlite:///{tmp_path / 'game.db'}"
    names = [f"team{i:02d}" for i in range(TEAMS)]
    g = api.create_game(db, {"customers": 300, "rounds": 1}, teams=names)
    with server_thread(db) as base:
        def work(i):
            token = g["teams"][names[i]]
            first = post(f"{base}/team/{token}/submit", {"round": 1, "seats": i,
                                                         "acq_online_ads": 10 * i})
            second = post(f"{base}/team/{token}/submit", {"round": 1, "seats": i + 1,
                                                          "author": f"member{i}"})
            return first[0], second[0], "replaced your earlier decisions" in second[1]

        answers = _all_at_once(work)
        assert answers == [(200, 200, True)] * TEAMS
        rows, seats = _latest_seats(db, g["game_id"])
        assert len(rows) == 2 * TEAMS
        assert seats == {n: i + 1 for i, n in enumerate(names)}
        status, body = post(f"{base}/admin/{g['admin_token']}/close", {"round": 1})
        assert status == 200 and f"{TEAMS} markets advanced" in body
    board = api.leaderboard(db, g["admin_token"])
    assert len(board) == TEAMS


def test_thirty_teams_submit_at_once_through_the_api(tmp_path):
    db = f"sqlite:///{tmp_path / 'game.db'}"
    names = [f"team{i:02d}" for i in range(TEAMS)]
    g = api.create_game(db, {"customers": 300, "rounds": 1}, teams=names)

    def work(i):
        out = api.submit(db, g["teams"][names[i]], {"seats": i}, author=f"m{i}")
        return out["round"]

    assert _all_at_once(work) == [1] * TEAMS
    rows, seats = _latest_seats(db, g["game_id"])
    assert len(rows) == TEAMS and seats == {n: i for i, n in enumerate(names)}
    assert sorted(r["author"] for r in rows) == sorted(f"m{i}" for i in range(TEAMS))


def test_submissions_racing_the_close_are_either_counted_or_rejected(tmp_path):
    """A submission that arrives while the round closes is stored before the close (and
    counts) or refused after it: never stored and silently ignored."""
    db = f"sqlite:///{tmp_path / 'game.db'}"
    names = [f"team{i:02d}" for i in range(TEAMS)]
    g = api.create_game(db, {"customers": 300, "rounds": 2}, teams=names)

    def work(i):
        if i == 0:
            return api.close_round(db, g["admin_token"])
        try:
            return api.submit(db, g["teams"][names[i]], {"seats": 10 + i}, round_no=1)
        except api.CrmsimError as exc:
            assert "round 1 is closed" in str(exc)
            return None

    out = _all_at_once(work)
    game = api.game_outcomes(db, g["admin_token"])
    ran = {o["team"]: o["decisions"]["ran"]["seats"] for o in game["outcomes"]}
    for i in range(1, TEAMS):
        accepted = out[i] is not None
        assert (ran[names[i]] == 10 + i) == accepted

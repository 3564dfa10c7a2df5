"""The game's Python API: everything the web page and ``crmsim game`` do, with access checks.

Who may do what is decided by tokens alone: the instructor's token (printed once when a
game is created) manages its game, staff keys it gives out have their role's rights
(:mod:`crmsim.game.roles`); a team's token (printed once when it joins) reads and
changes that team only. Tokens and keys are stored hashed. Every function takes ``db``: a
database URL or an engine from :func:`crmsim.game.store.connect`.

Submissions (documented rule):

* a submission names the round it is for; only the open round accepts submissions;
* resubmitting before the round closes replaces the team's earlier decisions for that
  round (every submission is kept, with its author and time, the latest counts);
* a submission for a closed (or not yet open) round is rejected and changes nothing;
* a round with a deadline (:mod:`crmsim.game.deadlines`) accepts submissions until the
  deadline; a late one (at or after it) is rejected and changes nothing, even while the
  server has not closed the round yet;
* invalid or over-budget decisions are rejected with a one-line message naming the field,
  and change nothing;
* a team that submits nothing keeps its standing decisions (see :mod:`crmsim.game.play`).

Closing a round (instructor) first marks it ``closing`` (no submission is accepted from
then on), then advances every team's market and stores the outcomes, then opens the next
round. A server that dies while closing leaves the game ``closing``; closing again (or
:func:`resume`, which the server runs at start) finishes the job with the same results.
"""

from __future__ import annotations

import secrets
import string
import threading

import sqlalchemy as sa

from crmsim import rounds
from crmsim.errors import CrmsimError, invalid
from crmsim.game import events, play, roles, rules, scoring, store
from crmsim.game.text import AccessDenied, GameError
from crmsim.game.workers import MarketWorkers

_ENGINES: dict[str, sa.Engine] = {}
_LOCK = threading.Lock()
#: open markets kept in memory between rounds, ``{(database, game, team): (round,
#: market)}``: only speed depends on it (a market not here is restored from its stored
#: snapshot). Keys name the database: games of two databases share ids.
MARKETS: dict[tuple, tuple] = {}
#: one close at a time in this process (a cached market is advanced by one thread only)
_CLOSING = threading.Lock()
#: worker processes holding the markets instead of MARKETS (see use_workers)
WORKERS = None


def use_workers(n: int):
    """Keep markets in ``n`` worker processes (closing a round then uses ``n`` cores);
    ``n <= 1`` keeps them in this process. Returns the workers (or None)."""
    global WORKERS
    with _CLOSING:
        if WORKERS is not None:
            WORKERS.close()
            WORKERS = None
        if n > 1:
            WORKERS = MarketWorkers(n)
    return WORKERS


__all__ = ["AccessDenied", "GameError"]


def engine(db) -> sa.Engine:
    """The engine for ``db`` (a URL, opened once per process, or an engine)."""
    if isinstance(db, sa.Engine):
        return db
    with _LOCK:
        if db not in _ENGINES:
            _ENGINES[db] = store.connect(db)
        return _ENGINES[db]


def _key(eng: sa.Engine, gid: int, team_id: int) -> tuple:
    """A team's market, named by its database (engines are opened once per URL), game and
    team."""
    return (id(eng), gid, team_id)


def _staff(conn, token, right: str = "view") -> tuple:
    """``(game, who)`` for an instructor token or a staff key with ``right``; ``who``:
    ``{"role", "label"}``."""
    token = token if isinstance(token, str) else ""
    game = store.games_by_admin(conn, token)
    if game is not None:
        who = {"role": "instructor", "label": "instructor"}
    else:
        member = store.staff_by_key(conn, token)
        if member is None:
            raise AccessDenied("denied.staff")
        game = store.game_row(conn, game_id=member["game_id"])
        who = {"role": member["role"], "label": member["label"]}
    roles.require(who["role"], right)
    return game, who


def _admin(conn, token, right: str = "view"):
    return _staff(conn, token, right)[0]


def staff_role(db, token) -> str | None:
    """The role of ``token`` on its game (instructor, co-instructor, assistant) or None."""
    with engine(db).begin() as conn:
        try:
            return _staff(conn, token)[1]["role"]
        except AccessDenied:
            return None


def _team(conn, team_token):
    team = store.team_by_token(conn, team_token if isinstance(team_token, str) else "")
    if team is None:
        raise AccessDenied("denied.team")
    return team


TOKEN_ALPHABET = string.ascii_letters + string.digits


def _new_token() -> str:
    """20 letters and digits (119 bits): no ``-`` that a command line would read as an option
    (``--token -6YT…`` failed), no ``_`` that breaks a double-click selection."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(20))


# ------------------------------------------------------------------ instructor
def create_game(db, settings: dict | None = None, *, teams=()) -> dict:
    """Create a game; returns its id, join code, the instructor token and the tokens of
    teams created with it (``teams``: names). Tokens are shown only here."""
    settings = rules.check_settings(settings)
    admin = _new_token()
    code = secrets.token_hex(3).upper()
    with engine(db).begin() as conn:
        gid = store.insert_game(conn, code=code, admin_token=admin, settings=settings)
        made = {}
        for name in teams:
            made[_check_name(conn, gid, name)] = tok = _new_token()
            store.insert_team(conn, game_id=gid, name=name.strip(), token=tok)
    return {"game_id": gid, "code": code, "admin_token": admin, "teams": made,
            "settings": settings}


def _check_name(conn, gid, name) -> str:
    if not isinstance(name, str) or not 0 < len(name.strip()) <= 40:
        raise invalid("team", name, "a team name of 1 to 40 characters")
    if any(t["name"] == name.strip() for t in store.teams(conn, gid)):
        raise invalid("team", name, "a name no other team of this game uses")
    return name.strip()


def close_round(db, admin_token: str, *, closed_by: str = "instructor",
                round_no: int | None = None) -> dict:
    """Close the open round: advance every team's market and open the next round.

    ``round_no`` (optional) guards against closing twice: it must be the open round.
    """
    eng = engine(db)
    with eng.begin() as conn:
        game, who = _staff(conn, admin_token, "close")
    if who["role"] != "instructor":
        closed_by = f"{who['role']}: {who['label']}"[:80]
    return close_game_round(eng, game["id"], closed_by=closed_by, round_no=round_no)


def close_game_round(db, gid: int, *, closed_by: str, round_no: int | None = None,
                     if_open: bool = False) -> dict:
    """Close the open round of game ``gid`` (access already checked: the instructor, a
    co-instructor or the deadline). ``if_open``: refuse a round another request is
    closing already (a deadline leaves that close to whoever began it)."""
    eng = engine(db)
    with eng.begin() as conn:
        game = store.game_row(conn, game_id=gid, lock=True)
        r = game["round"]
        if if_open and game["status"] != "open":
            raise invalid("round", r, "an open round (it is being closed already)")
        if game["status"] == "finished":
            raise invalid("round", r, "nothing: the game is finished (every round is closed)")
        if round_no is not None and round_no != r:
            raise invalid("round", round_no, f"the open round, {r}")
        if game["status"] == "open":
            store.set_status(conn, game["id"], status="closing", round_no=r)
            store.insert_close(conn, game_id=game["id"], round_no=r, closed_by=closed_by)
    return _finish_close(eng, game["id"])


def _finish_close(eng, gid: int) -> dict:
    with _CLOSING:
        return _advance_all(eng, gid)


def _advance_all(eng, gid: int) -> dict:
    with eng.begin() as conn:
        game = store.game_row(conn, game_id=gid)
        settings = store.load(game["settings"])
        r = game["round"]
        if game["status"] != "closing":  # finished meanwhile by another request
            return {"round": r - 1, "teams": len(store.teams(conn, gid)), "finished": False}
        teams = store.teams(conn, gid)
        against = _rivals(conn, settings, gid, teams, r)
        tasks = []
        for team in teams:
            prev = _previous(conn, gid, team["id"], r)
            sub = store.latest_submission(conn, team["id"], r)
            decisions = play.standing_decisions(
                prev["standing"], store.load(sub["decisions"]) if sub else None, settings)
            key = _key(eng, gid, team["id"])
            cached = MARKETS.get(key)
            if r == 1:
                market = None
            elif WORKERS is not None:
                market = _snapshot(conn, settings, gid, team["id"], r - 1) \
                    if WORKERS.needs_snapshot(key, r) else "memory"
            elif cached is not None and cached[0] == r - 1:
                market = cached[1]
            else:
                market = _snapshot(conn, settings, gid, team["id"], r - 1)
            tasks.append((market, settings, decisions, r, prev["cumulative_profit"],
                          against.get(team["id"])))
    if WORKERS is not None:
        done = [(None, *out) for out in WORKERS.play(
            [(_key(eng, gid, team["id"]), *task)
             for team, task in zip(teams, tasks, strict=True)])]
    else:
        done = []
        for team, task in zip(teams, tasks, strict=True):
            MARKETS.pop(_key(eng, gid, team["id"]), None)  # being advanced: not after r - 1
            done.append(play.play_round(*task))
    with eng.begin() as conn:
        game = store.game_row(conn, game_id=gid, lock=True)
        for team, task, (_m, snap, ran, results, reps, held) in zip(teams, tasks, done,
                                                                        strict=True):
            shared = {} if held is None else {"rivals": task[5], "holds": held}
            store.replace_outcome(conn, game_id=gid, team_id=team["id"], round_no=r,
                                  decisions={"standing": task[2], "ran": ran, **shared},
                                  results=results, reports=reps, snapshot=snap)
        last = r >= settings["rounds"]
        store.set_status(conn, gid, status="finished" if last else "open",
                         round_no=r if last else r + 1)
    for team, (market, *_rest) in zip(teams, done, strict=True):
        if market is not None:
            MARKETS[_key(eng, gid, team["id"])] = (r, market)
    return {"round": r, "teams": len(teams), "finished": last}


def _rivals(conn, settings, gid, teams, r) -> dict:
    """``{team id: customer ids the other teams held after round r - 1}`` in a shared
    market (empty for copies and before round 2)."""
    if settings.get("market") != "shared" or r <= 1:
        return {}
    held = {}
    for team in teams:
        rows = [o for o in store.outcomes(conn, gid, team["id"]) if o["round"] == r - 1]
        if not rows:
            raise CrmsimError(f"round {r - 1} of team {team['id']} has no stored outcome")
        held[team["id"]] = store.load(rows[0]["decisions"])["holds"]
    return play.rivals(held, settings["customers"])


#: what the stored outcome keeps for the server only (who holds whom in a shared market)
PRIVATE = ("rivals", "holds")


def _public(decisions: dict) -> dict:
    return {k: v for k, v in decisions.items() if k not in PRIVATE}


def _previous(conn, gid, team_id, r) -> dict:
    """The team's standing decisions and cumulative profit after round ``r - 1``."""
    if r <= 1:
        return {"standing": None, "cumulative_profit": 0.0}
    rows = [o for o in store.outcomes(conn, gid, team_id) if o["round"] == r - 1]
    if not rows:
        raise CrmsimError(f"round {r - 1} of team {team_id} has no stored outcome")
    return {"standing": store.load(rows[0]["decisions"])["standing"],
            "cumulative_profit": store.load(rows[0]["results"])["cumulative_profit"]}


def _snapshot(conn, settings, gid, team_id, r) -> bytes:
    """The market after round ``r``: the stored snapshot, or a replay of the stored
    decisions when the snapshot is missing."""
    snap = store.snapshot(conn, team_id, r)
    if snap:
        return bytes(snap)
    done = [store.load(o["decisions"]) for o in store.outcomes(conn, gid, team_id)
            if o["round"] <= r]
    return rounds.dumps(play.replay(settings, [d["ran"] for d in done],
                                    [d.get("rivals") for d in done]))


def resume(db) -> list[int]:
    """Finish every close a stopped server left half-done; returns the game ids."""
    eng = engine(db)
    with eng.begin() as conn:
        ids = [g.id for g in conn.execute(sa.select(store.GAMES.c.id).where(
            store.GAMES.c.status == "closing"))]
    for gid in ids:
        _finish_close(eng, gid)
    return ids


def game_status(db, admin_token: str) -> dict:
    """The instructor's view: settings, open round, every team's submission state."""
    with engine(db).begin() as conn:
        game, who = _staff(conn, admin_token)
        settings = store.load(game["settings"])
        teams = []
        for t in store.teams(conn, game["id"]):
            sub = store.latest_submission(conn, t["id"], game["round"])
            teams.append({"team": t["name"], "submitted": sub is not None,
                          "submitted_at": sub["submitted_at"] if sub else None,
                          "author": sub["author"] if sub else None})
        board = _leaderboard(conn, game["id"])
        names = {t["id"]: t["name"] for t in store.teams(conn, game["id"])}
        notes = [{"team": names.get(c["team_id"]), "author": c["author"], "role": c["role"],
                  "text": c["text"], "at": c["written_at"]}
                 for c in store.comments(conn, game["id"])]
        keys = [{"role": m["role"], "label": m["label"], "created_at": m["created_at"]}
                for m in store.staff(conn, game["id"])] if who["role"] == "instructor" else []
        due = store.deadline(conn, game["id"], game["round"])
    return {"game_id": game["id"], "name": settings["name"], "code": game["code"],
            "round": game["round"], "rounds": settings["rounds"], "status": game["status"],
            "settings": settings, "teams": teams, "leaderboard": board,
            "role": who["role"], "rights": sorted(roles.RIGHTS[who["role"]]),
            "deadline": due, "comments": notes, "staff": keys}


# ------------------------------------------------------------------ teams
def join_game(db, code: str, team: str) -> dict:
    """Join the game with join code ``code`` as team ``team``; returns the team token
    (shown only here). Teams may join while round 1 is open."""
    with engine(db).begin() as conn:
        game = store.game_row(conn, code=str(code or "").strip().upper(), lock=True)
        if game is None:
            raise invalid("code", code, "the join code of a game (ask the instructor)")
        if game["round"] != 1 or game["status"] != "open":
            raise invalid("code", code, "a game still in round 1 (this game has started)")
        name = _check_name(conn, game["id"], team)
        token = _new_token()
        tid = store.insert_team(conn, game_id=game["id"], name=name, token=token)
    return {"team_token": token, "team_id": tid, "game_id": game["id"], "team": name}


def _cash(conn, game, team_id) -> float:
    settings = store.load(game["settings"])
    prev = _previous(conn, game["id"], team_id, game["round"]) if game["round"] > 1 else None
    return settings["starting_budget"] + (prev["cumulative_profit"] if prev else 0.0)


def submit(db, team_token: str, decisions: dict, *, round_no: int | None = None,
           author: str | None = None) -> dict:
    """Store a team's decisions for the open round (see the module doc for the rules)."""
    if author is not None and (not isinstance(author, str) or len(author) > 80):
        raise invalid("author", author if isinstance(author, str) and len(author) < 100
                      else type(author).__name__, "a name of at most 80 characters")
    if round_no is not None and (isinstance(round_no, bool) or not isinstance(round_no, int)):
        raise invalid("round", str(round_no)[:40], "a whole number (the open round)")
    with engine(db).begin() as conn:
        team = _team(conn, team_token)
        game = store.game_row(conn, game_id=team["game_id"], lock=True)
        r = game["round"]
        if game["status"] != "open":
            raise invalid("round", round_no if round_no is not None else r,
                          "an open round: round " f"{r} is closed"
                          + ("" if game["status"] == "closing" else " and the game is over"))
        if round_no is not None and round_no != r:
            raise invalid("round", round_no, f"the open round, {r} (round {round_no} is "
                          + ("closed" if round_no < r else "not open yet") + ")")
        due = store.deadline(conn, game["id"], r)
        if due is not None and store.now() >= due:
            raise GameError("late", round=r, due=due[:19])
        settings = store.load(game["settings"])
        cash = _cash(conn, game, team["id"])
        checked = rules.check_submission(decisions, settings, cash=cash)
        replaced = store.latest_submission(conn, team["id"], r) is not None
        row = store.insert_submission(conn, game_id=game["id"], team_id=team["id"],
                                      round_no=r, decisions=checked,
                                      author=(author or team["name"]).strip() or team["name"])
    return {"round": r, "replaced": replaced, "decisions": checked, **row}


def team_rules(db, team_token: str) -> dict:
    """The settings a team's form needs (decisions and strategies allowed, reports on sale)."""
    with engine(db).begin() as conn:
        team = _team(conn, team_token)
        settings = store.load(store.game_row(conn, game_id=team["game_id"])["settings"])
    return {k: settings[k] for k in ("decisions", "strategies", "reports")}


def team_status(db, team_token: str) -> dict:
    """A team's own view: the open round, its cash, its submission, its results and
    reports of every closed round, the events announced, the leaderboard."""
    with engine(db).begin() as conn:
        team = _team(conn, team_token)
        game = store.game_row(conn, game_id=team["game_id"])
        settings = store.load(game["settings"])
        sub = store.latest_submission(conn, team["id"], game["round"])
        rounds_ = [{"round": o["round"], "decisions": _public(store.load(o["decisions"])),
                    "results": store.load(o["results"]), "reports": store.load(o["reports"])}
                   for o in store.outcomes(conn, game["id"], team["id"])]
        cash = _cash(conn, game, team["id"]) if game["status"] != "finished" else None
        history = [{"round": s["round"], "author": s["author"], "at": s["submitted_at"],
                    "decisions": store.load(s["decisions"])}
                   for s in store.submissions(conn, game["id"], team["id"])]
        board = _leaderboard(conn, game["id"])
        notes = [{"author": c["author"], "text": c["text"], "at": c["written_at"]}
                 for c in store.comments(conn, game["id"], team["id"])]
        due = store.deadline(conn, game["id"], game["round"])
    standing = rounds_[-1]["decisions"]["standing"] if rounds_ else \
        play.initial_decisions(settings)
    return {"team": team["name"], "game": settings["name"], "round": game["round"],
            "rounds": settings["rounds"], "status": game["status"], "cash": cash,
            "submission": store.load(sub["decisions"]) if sub and game["status"] == "open"
            else None, "standing": {k: standing[k] for k in play.STANDING},
            "history": history, "results": rounds_,
            "events": [events.describe(e) for e in settings["events"]],
            "settings": {**{k: settings[k] for k in ("decisions", "strategies", "reports",
                                                     "round_days", "starting_budget",
                                                     "max_seats", "max_discount")},
                         "market": settings.get("market", "copies")},
            "report_prices": {r: rules.report_price(settings, r) for r in settings["reports"]},
            "leaderboard": board, "comments": notes,
            "deadline": due if game["status"] == "open" else None}


def _leaderboard(conn, gid) -> list[dict]:
    names = {t["id"]: t["name"] for t in store.teams(conn, gid)}
    rows = [{"team": names[o["team_id"]], **store.load(o["results"])}
            for o in store.outcomes(conn, gid)]
    return scoring.leaderboard(rows).to_dict("records")


def leaderboard(db, token: str):
    """The leaderboard (DataFrame) of the game of ``token`` (a team's or the instructor's)."""
    import pandas as pd

    with engine(db).begin() as conn:
        try:
            game = _admin(conn, token)
        except AccessDenied:
            game = store.game_row(conn, game_id=_team(conn, token)["game_id"])
        return pd.DataFrame(_leaderboard(conn, game["id"]))


def customer_data(db, team_token: str, fmt: str = "csv") -> bytes:
    """A zip of the team's own market data after its latest closed round: customers,
    transactions and events as the firm sees them (no hidden ``true_`` columns), CSV or
    Parquet, to analyse with :mod:`crmsim.analysis` in the team's notebook."""
    if fmt not in ("csv", "parquet"):
        raise invalid("format", fmt, "csv or parquet")
    with engine(db).begin() as conn:
        team = _team(conn, team_token)
        game = store.game_row(conn, game_id=team["game_id"])
        settings = store.load(game["settings"])
        done = [o["round"] for o in store.outcomes(conn, game["id"], team["id"])]
        if not done:
            raise invalid("round", game["round"], "a closed round (no data before round 1 "
                          "closes)")
        last, key = max(done), _key(engine(db), game["id"], team["id"])
        snap = None if MARKETS.get(key, (None,))[0] == last or WORKERS is not None else \
            _snapshot(conn, settings, game["id"], team["id"], last)
    if WORKERS is not None:
        blob = WORKERS.data(key, last, fmt)
        if blob is not None:
            return blob
    if snap is None:
        with _CLOSING:  # (taken outside any transaction: a close takes it first)
            cached = MARKETS.get(key)
            if cached is not None and cached[0] == last:  # the market in memory
                return play.data_zip(cached[1], fmt)
        with engine(db).begin() as conn:
            snap = _snapshot(conn, settings, game["id"], team["id"], last)
    return play.data_zip(rounds.loads(snap), fmt)


def game_outcomes(db, admin_token: str) -> dict:
    """Every team's decisions and results per round (for the debrief)."""
    with engine(db).begin() as conn:
        game = _admin(conn, admin_token)
        names = {t["id"]: t["name"] for t in store.teams(conn, game["id"])}
        rows = [{"team": names[o["team_id"]], "round": o["round"],
                 "decisions": _public(store.load(o["decisions"])),
                 "results": store.load(o["results"])}
                for o in store.outcomes(conn, game["id"])]
        subs = [{"team": names[s["team_id"]], "round": s["round"], "author": s["author"],
                 "at": s["submitted_at"]} for s in store.submissions(conn, game["id"])]
        return {"settings": store.load(game["settings"]), "status": game["status"],
                "round": game["round"], "outcomes": rows, "submissions": subs,
                "leaderboard": _leaderboard(conn, game["id"])}


# ------------------------------------------------------------------ staff
def add_staff(db, admin_token: str, role: str, label: str) -> dict:
    """Give out a staff key with ``role`` (co-instructor or assistant; the instructor only);
    returns the key (shown only here)."""
    if role not in roles.STAFF_ROLES:
        raise invalid("role", role, " or ".join(roles.STAFF_ROLES))
    if not isinstance(label, str) or not 0 < len(label.strip()) <= 80:
        raise invalid("label", label, "a name of 1 to 80 characters")
    key = _new_token()
    with engine(db).begin() as conn:
        game = _admin(conn, admin_token, "keys")
        store.insert_staff(conn, game_id=game["id"], role=role, label=label.strip(), key=key)
    return {"key": key, "role": role, "label": label.strip(), "game_id": game["id"]}


#: longest comment, in characters
MAX_COMMENT = 2000


def comment(db, token: str, team: str | None, text: str) -> dict:
    """A staff member's comment to team ``team`` (its name; None: a note to the staff)."""
    if not isinstance(text, str) or not 0 < len(text.strip()) <= MAX_COMMENT:
        raise invalid("comment", text if isinstance(text, str) and len(text) < 80 else "...",
                      f"a text of 1 to {MAX_COMMENT} characters")
    with engine(db).begin() as conn:
        game, who = _staff(conn, token, "comment")
        team_id = None
        if team:
            ids = {t["name"]: t["id"] for t in store.teams(conn, game["id"])}
            if team not in ids:
                raise invalid("team", team, "a team of this game: " + ", ".join(ids))
            team_id = ids[team]
        return store.insert_comment(conn, game_id=game["id"], team_id=team_id,
                                    author=who["label"], role=who["role"], text=text.strip())

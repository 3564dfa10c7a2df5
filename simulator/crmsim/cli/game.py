"""``crmsim game create|join|submit|close|deadline|staff|status|leaderboard|data|debrief|serve``.

Each command calls :mod:`crmsim.game.api` on the database of ``--db`` (default
``$CRMSIM_GAME_DB`` or ``sqlite:///crmsim-game.db``), so the command line does what the
web page does. Tokens are printed once, by ``create`` and ``join``. The game's modules are
imported by each command, not here: they need the ``crmsim[game]`` extra (Flask,
SQLAlchemy), and ``crmsim simulate`` must start without it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from crmsim.cli.common import print_table
from crmsim.errors import invalid


def _db(args) -> str:
    return args.db or os.environ.get("CRMSIM_GAME_DB") or "sqlite:///crmsim-game.db"


def _read_mapping(param: str, text: str) -> dict:
    """JSON text, or ``@file`` / a path of a .json/.toml/.yaml file, -> dict."""
    import yaml

    path = Path(text[1:] if text.startswith("@") else text)
    raw, suffix = text, ".json"
    if text.startswith("@") or (path.suffix in (".json", ".toml", ".yaml", ".yml")
                                and path.exists()):
        try:
            raw, suffix = path.read_text(encoding="utf-8"), path.suffix
        except OSError as exc:
            raise invalid(param, text, f"a readable file ({exc.strerror})") from None
    try:
        if suffix == ".toml":
            from crmsim.sim.scenarios import tomllib

            value = tomllib.loads(raw)
        elif suffix in (".yaml", ".yml"):
            value = yaml.safe_load(raw)
        else:
            value = json.loads(raw)
    except (ValueError, yaml.YAMLError, RecursionError) as exc:  # RecursionError: [[[[...
        first = (str(exc).splitlines() or ["?"])[0][:120]
        raise invalid(param, text[:80], f"JSON (or @file.json/.toml/.yaml): {first}") from None
    if not isinstance(value, dict):
        raise invalid(param, text[:80], "a JSON object {...}")
    return value


def _event(text: str) -> dict:
    """``ROUND:KIND[:param=value,...]`` -> event dict."""
    parts = text.split(":")
    if len(parts) < 2 or not parts[0].strip().isdigit():
        raise invalid("--event", text, "ROUND:KIND[:param=value,...], e.g. 2:service_outage")
    out = {"round": int(parts[0]), "kind": parts[1].strip()}
    for item in ":".join(parts[2:]).split(","):
        if item.strip():
            key, eq, value = item.partition("=")
            try:
                out[key.strip()] = float(value)
            except ValueError:
                raise invalid("--event", text, "param=number pairs after the kind") from None
    return out


def _print(obj) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


def cmd_create(args) -> int:
    from crmsim.game import api

    settings = _read_mapping("--settings", args.settings) if args.settings else {}
    for key in ("name", "scenario", "seed", "market", "customers", "rounds", "round_days",
                "starting_budget"):
        value = getattr(args, key)
        if value is not None:
            settings[key] = value
    if args.event:
        settings["events"] = list(settings.get("events") or []) + [_event(e) for e in args.event]
    made = api.create_game(_db(args), settings, teams=args.team or ())
    print(f"game {made['game_id']} created: {made['settings']['name']}")
    print(f"join code:        {made['code']}")
    print(f"instructor token: {made['admin_token']}   (keep it private)")
    for name, token in made["teams"].items():
        print(f"team {name!r} token: {token}")
    return 0


def cmd_join(args) -> int:
    from crmsim.game import api

    joined = api.join_game(_db(args), args.code, args.team)
    print(f"team {joined['team']!r} joined game {joined['game_id']}")
    print(f"team token: {joined['team_token']}   (keep it private; web page /team/<token>)")
    return 0


def cmd_submit(args) -> int:
    from crmsim.game import api

    decisions = _read_mapping("--decisions", args.decisions)
    done = api.submit(_db(args), args.token, decisions, round_no=args.round,
                      author=args.author)
    word = "replaced the earlier submission" if done["replaced"] else "stored"
    print(f"round {done['round']}: decisions {word} at {done['submitted_at']}")
    _print(done["decisions"])
    return 0


def cmd_close(args) -> int:
    from crmsim.game import api

    done = api.close_round(_db(args), args.token, round_no=args.round)
    print(f"round {done['round']} closed: {done['teams']} markets advanced"
          + (" (the game is over)" if done.get("finished") else ""))
    return 0


def _is_admin(db, token) -> bool:
    """Whether ``token`` is the instructor's token or a staff key (else: a team's)."""
    from crmsim.game import api

    return api.staff_role(db, token) is not None


def cmd_deadline(args) -> int:
    from crmsim.game import deadlines

    if args.clear:
        due = None
    elif args.minutes is not None:
        due = deadlines.in_minutes(args.minutes)
    elif args.at:
        due = args.at
    else:
        raise invalid("--at", None, "a time (UTC, ISO 8601), or --in MINUTES, or --clear")
    done = deadlines.set_deadline(_db(args), args.token, due, round_no=args.round)
    print(f"round {done['round']}: " + (f"closes by itself at {done['deadline']}"
                                        if done["deadline"] else "no deadline"))
    return 0


def cmd_staff(args) -> int:
    from crmsim.game import api

    made = api.add_staff(_db(args), args.token, args.role, args.label)
    print(f"{made['role']} key for {made['label']!r}: {made['key']}   (shown only now; "
          "web page /admin/<key>)")
    return 0


def cmd_status(args) -> int:
    from crmsim.game import api

    db = _db(args)
    status = api.game_status(db, args.token) if _is_admin(db, args.token) \
        else api.team_status(db, args.token)
    if not args.json:
        status.pop("settings", None)
        for r in status.get("results", []):
            r.pop("reports", None)
    _print(status)
    return 0


def cmd_leaderboard(args) -> int:
    from crmsim.game import api

    board = api.leaderboard(_db(args), args.token)
    if board.empty:
        print("no round closed yet")
    else:
        print_table(board)
    return 0


def cmd_data(args) -> int:
    from crmsim.game import api
    from crmsim.output import write_file

    blob = api.customer_data(_db(args), args.token, args.format)
    write_file("--out", args.out, blob, force=args.force)
    print(f"customer data written to {args.out}")
    return 0


def cmd_debrief(args) -> int:
    from crmsim.game import api, debrief
    from crmsim.output import check_target_folder, staged_folder

    check_target_folder("--out", args.out, force=args.force)
    game = api.game_outcomes(_db(args), args.token)
    with staged_folder("--out", args.out, force=args.force) as tmp:
        debrief.write(game, tmp)
    print(f"debrief written to {args.out}/debrief.md")
    return 0


def demo_game(db: str) -> dict:
    """A small demo game with two teams and an event (for ``serve --demo``)."""
    from crmsim.game import api

    return api.create_game(db, {"name": "Demo game", "customers": 3000, "rounds": 4,
                                "events": [{"round": 3, "kind": "service_outage"}]},
                           teams=["Team A", "Team B"])


#: environment variable with the server's instructor key (``serve --instructor-key``)
KEY_ENV = "CRMSIM_GAME_KEY"


def cmd_serve(args) -> int:
    from crmsim.game import api, web

    db = _db(args)
    key = args.instructor_key or os.environ.get(KEY_ENV)
    if key is not None and len(key) < 12:
        raise invalid("--instructor-key", "...", "a key of at least 12 characters")
    if key is None:
        key = api._new_token()
        print(f"instructor key (creates games on the start page): {key}")
    if args.demo:
        made = demo_game(db)
        base = f"http://{args.host}:{args.port}"
        print(f"demo game created; join code {made['code']}")
        print(f"instructor page: {base}/admin/{made['admin_token']}")
        for name, token in made["teams"].items():
            print(f"{name} page:      {base}/team/{token}")
    threads = web.THREADS if args.threads is None else args.threads
    kind = "Werkzeug's development server" if args.dev else f"waitress, {threads} threads"
    print(f"serving the game on http://{args.host}:{args.port}/ ({kind}; database {db}); "
          "Ctrl-C stops", flush=True)
    if args.workers < 1:
        raise invalid("--workers", args.workers, "a whole number >= 1")
    if not 1 <= threads <= 256:
        raise invalid("--threads", threads, "a whole number in [1, 256]")
    api.use_workers(args.workers)
    try:
        web.serve(db, host=args.host, port=args.port, instructor_key=key, dev=args.dev,
                  threads=threads, proxy=args.proxy)
    except OSError as exc:
        raise invalid("--port", args.port, f"a free port ({exc.strerror})") from None
    finally:
        api.use_workers(1)
    return 0


def add_commands(subparsers) -> None:
    """Register ``game`` and its subcommands on an argparse subparsers object."""
    g = subparsers.add_parser("game", help="the classroom game: create, join, submit, close, "
                              "deadline, staff, status, leaderboard, data, debrief, serve")
    sub = g.add_subparsers(dest="game_command", required=True, parser_class=type(g))

    def db(sp):
        sp.add_argument("--db", help="database URL (default $CRMSIM_GAME_DB or "
                        "sqlite:///crmsim-game.db; PostgreSQL: postgresql+psycopg://...)")

    def token(sp, who):
        sp.add_argument("--token", required=True, help=f"{who} token")

    c = sub.add_parser("create", help="create a game (prints the join code and tokens)")
    db(c)
    c.add_argument("--settings", help="settings as JSON, or a .json/.toml/.yaml file "
                   "(keys: crmsim.game.rules.SETTINGS, listed in simulator/PARAMETERS.md)")
    c.add_argument("--name")
    c.add_argument("--scenario")
    c.add_argument("--seed", type=int)
    c.add_argument("--market", help="copies (each team its own copy of the market, the "
                   "default) or shared (teams compete for the same prospects)")
    c.add_argument("--customers", type=int, help="people in each team's market")
    c.add_argument("--rounds", type=int)
    c.add_argument("--round-days", type=float, dest="round_days")
    c.add_argument("--budget", type=float, dest="starting_budget", help="starting budget")
    c.add_argument("--team", action="append", help="create a team now (repeat)")
    c.add_argument("--event", action="append", metavar="ROUND:KIND[:param=value]",
                   help="market event, e.g. 2:service_outage:capacity=0.25 (repeat)")
    c.set_defaults(func=cmd_create)

    j = sub.add_parser("join", help="join a game as a team (prints the team token)")
    db(j)
    j.add_argument("--code", required=True, help="the game's join code")
    j.add_argument("--team", required=True, help="team name")
    j.set_defaults(func=cmd_join)

    s = sub.add_parser("submit", help="submit a team's decisions for the open round")
    db(s)
    token(s, "team")
    s.add_argument("--decisions", required=True, help="JSON, e.g. '{\"seats\": 4, "
                   "\"acquisition\": {\"online_ads\": 2000}}', or @file.json")
    s.add_argument("--round", type=int, help="the round the decisions are for (refused if "
                   "it is not the open round)")
    s.add_argument("--author", help="who decided (stored with the decisions)")
    s.set_defaults(func=cmd_submit)

    cl = sub.add_parser("close", help="close the open round and advance every market")
    db(cl)
    token(cl, "instructor")
    cl.add_argument("--round", type=int, help="refuse unless this is the open round")
    cl.set_defaults(func=cmd_close)

    dl = sub.add_parser("deadline", help="set when the open round closes by itself")
    db(dl)
    token(dl, "instructor or co-instructor")
    dl.add_argument("--at", help="time in UTC, ISO 8601 (e.g. 2026-03-01T14:30)")
    dl.add_argument("--in", type=float, dest="minutes", help="minutes from now")
    dl.add_argument("--clear", action="store_true", help="remove the deadline")
    dl.add_argument("--round", type=int, help="refuse unless this is the open round")
    dl.set_defaults(func=cmd_deadline)

    sf = sub.add_parser("staff", help="give out a co-instructor or assistant key")
    db(sf)
    token(sf, "instructor")
    sf.add_argument("--role", required=True, choices=("co-instructor", "assistant"))
    sf.add_argument("--label", required=True, help="whose key it is (shown on comments)")
    sf.set_defaults(func=cmd_staff)

    st = sub.add_parser("status", help="a team's own view, or the instructor's")
    db(st)
    token(st, "team or instructor")
    st.add_argument("--json", action="store_true", help="everything, reports included")
    st.set_defaults(func=cmd_status)

    lb = sub.add_parser("leaderboard", help="the leaderboard")
    db(lb)
    token(lb, "team or instructor")
    lb.set_defaults(func=cmd_leaderboard)

    d = sub.add_parser("data", help="a team's customer data (zip of CSV or Parquet)")
    db(d)
    token(d, "team")
    d.add_argument("--out", required=True, help="zip file to write")
    d.add_argument("--format", choices=("csv", "parquet"), default="csv")
    d.add_argument("--force", action="store_true", help="replace an existing file")
    d.set_defaults(func=cmd_data)

    de = sub.add_parser("debrief", help="write the debrief report with plots")
    db(de)
    token(de, "instructor")
    de.add_argument("--out", required=True, help="folder for debrief.md, figures and CSVs")
    de.add_argument("--force", action="store_true", help="replace an existing folder")
    de.set_defaults(func=cmd_debrief)

    sv = sub.add_parser("serve", help="serve the web pages for teams and instructor")
    db(sv)
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--workers", type=int, default=1, help="processes that keep the teams' "
                    "markets (closing a round uses that many cores; default 1: this process)")
    sv.add_argument("--instructor-key", dest="instructor_key", help="the key that creates "
                    f"games on the start page (default ${KEY_ENV}, else a new one is printed)")
    sv.add_argument("--threads", type=int, help="request threads of waitress (default "
                    "crmsim.game.web.THREADS)")
    sv.add_argument("--proxy", metavar="ADDRESS", help="trust X-Forwarded-* headers from "
                    "the reverse proxy at this address (e.g. 127.0.0.1; see the game guide)")
    sv.add_argument("--dev", action="store_true", help="Werkzeug's development server "
                    "instead of waitress (one machine, no proxy)")
    sv.add_argument("--demo", action="store_true", help="first create a demo game with two "
                    "teams and print its pages")
    sv.set_defaults(func=cmd_serve)

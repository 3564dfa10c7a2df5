"""The game database: games, teams, every submitted decision, closed rounds and outcomes.

SQLAlchemy Core over any database URL: SQLite by default (``sqlite:///game.db``, opened
in WAL mode with a busy timeout, every transaction ``BEGIN IMMEDIATE`` so concurrent
writers queue instead of failing), PostgreSQL through the same code
(``postgresql+psycopg://user@host/db``; rows that must not change under a transaction are
locked with ``SELECT ... FOR UPDATE``). Nothing about a game lives only in memory: a server
restarted at any point rebuilds everything from these tables.

Tables
------
``games``        one row per game: join code, hash of the instructor token, settings
                 (JSON), the open round and its status (open / closing / finished)
``teams``        one row per team: name and the hash of its token
``submissions``  every accepted submission, never updated: round, decisions (JSON),
                 author and time (UTC); the latest row of a team and round counts
``closes``       one row per closed round: who closed it and when
``outcomes``     one row per team and closed round: the decisions the market ran with,
                 the round's results and scores (JSON), the reports bought (JSON) and
                 the market's snapshot after the round (bytes, ``crmsim.rounds.dumps``)
``staff``        co-instructor and assistant keys of a game: role, label, key hash
``comments``     what the staff wrote to a team (or to the staff): author, text, time
``deadlines``    when a round closes by itself (UTC): the server's schedule, which a
                 restarted server reads back
``secrets``      the server's own secrets (the key that signs the forms' CSRF tokens), so
                 forms stay valid across restarts and across server processes

Tables are created when missing (``create_all``), so a database of an older version gains
the new tables without losing anything.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from crmsim import database
from crmsim.database import dump, load, now  # noqa: F401 - the game's modules use them here

META = sa.MetaData()

GAMES = sa.Table(
    "games", META,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(32), nullable=False, unique=True),
    sa.Column("admin_hash", sa.String(64), nullable=False),
    sa.Column("settings", sa.Text, nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)
TEAMS = sa.Table(
    "teams", META,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("game_id", sa.Integer, sa.ForeignKey("games.id"), nullable=False),
    sa.Column("name", sa.String(80), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("joined_at", sa.String(32), nullable=False),
    sa.UniqueConstraint("game_id", "name"),
)
SUBMISSIONS = sa.Table(
    "submissions", META,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("game_id", sa.Integer, sa.ForeignKey("games.id"), nullable=False),
    sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("decisions", sa.Text, nullable=False),
    sa.Column("author", sa.String(80), nullable=False),
    sa.Column("submitted_at", sa.String(32), nullable=False),
    sa.Index("ix_submissions_team_round", "team_id", "round"),
)
CLOSES = sa.Table(
    "closes", META,
    sa.Column("game_id", sa.Integer, sa.ForeignKey("games.id"), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True),
    sa.Column("closed_by", sa.String(80), nullable=False),
    sa.Column("closed_at", sa.String(32), nullable=False),
)
OUTCOMES = sa.Table(
    "outcomes", META,
    sa.Column("game_id", sa.Integer, sa.ForeignKey("games.id"), primary_key=True),
    sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True),
    sa.Column("decisions", sa.Text, nullable=False),
    sa.Column("results", sa.Text, nullable=False),
    sa.Column("reports", sa.Text, nullable=False),
    sa.Column("snapshot", sa.LargeBinary, nullable=False),
)

STAFF = sa.Table(
    "staff", META,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("game_id", sa.Integer, sa.ForeignKey("games.id"), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("label", sa.String(80), nullable=False),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.String(32), nullable=False),
)
COMMENTS = sa.Table(
    "comments", META,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("game_id", sa.Integer, sa.ForeignKey("games.id"), nullable=False),
    sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id"), nullable=True),
    sa.Column("author", sa.String(80), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("written_at", sa.String(32), nullable=False),
)
DEADLINES = sa.Table(
    "deadlines", META,
    sa.Column("game_id", sa.Integer, sa.ForeignKey("games.id"), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True),
    sa.Column("due_at", sa.String(32), nullable=False),
    sa.Column("set_by", sa.String(80), nullable=False),
)
SECRETS = sa.Table(
    "secrets", META,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
)

DEFAULT_URL = "sqlite:///crmsim-game.db"


def token_hash(token: str) -> str:
    """Tokens are stored only as SHA-256 hashes: a copied database reveals no token."""
    return hashlib.sha256(str(token).encode("utf-8")).hexdigest()


def connect(url: str = DEFAULT_URL) -> sa.Engine:
    """Open (and create if needed) the game database at ``url`` (SQLite in WAL mode with
    queued writers, or PostgreSQL: :func:`crmsim.database.connect`)."""
    return database.connect(url, META, name="db")


# ------------------------------------------------------------------ reads
def game_row(conn, *, game_id=None, code=None, lock=False):
    q = sa.select(GAMES)
    q = q.where(GAMES.c.id == game_id) if game_id is not None else q.where(GAMES.c.code == code)
    if lock:
        q = q.with_for_update()
    return conn.execute(q).mappings().first()


def games_by_admin(conn, admin_token: str):
    q = sa.select(GAMES).where(GAMES.c.admin_hash == token_hash(admin_token))
    return conn.execute(q).mappings().first()


def team_by_token(conn, token: str):
    q = sa.select(TEAMS).where(TEAMS.c.token_hash == token_hash(token))
    return conn.execute(q).mappings().first()


def teams(conn, game_id: int) -> list:
    q = sa.select(TEAMS).where(TEAMS.c.game_id == game_id).order_by(TEAMS.c.id)
    return list(conn.execute(q).mappings())


def latest_submission(conn, team_id: int, round_no: int):
    q = (sa.select(SUBMISSIONS).where(SUBMISSIONS.c.team_id == team_id,
                                      SUBMISSIONS.c.round == round_no)
         .order_by(SUBMISSIONS.c.id.desc()).limit(1))
    return conn.execute(q).mappings().first()


def submissions(conn, game_id: int, team_id: int | None = None) -> list:
    q = sa.select(SUBMISSIONS).where(SUBMISSIONS.c.game_id == game_id)
    if team_id is not None:
        q = q.where(SUBMISSIONS.c.team_id == team_id)
    return list(conn.execute(q.order_by(SUBMISSIONS.c.id)).mappings())


def outcomes(conn, game_id: int, team_id: int | None = None, *, snapshots=False) -> list:
    cols = [c for c in OUTCOMES.c if snapshots or c.name != "snapshot"]
    q = sa.select(*cols).where(OUTCOMES.c.game_id == game_id)
    if team_id is not None:
        q = q.where(OUTCOMES.c.team_id == team_id)
    return list(conn.execute(q.order_by(OUTCOMES.c.round, OUTCOMES.c.team_id)).mappings())


def snapshot(conn, team_id: int, round_no: int):
    q = sa.select(OUTCOMES.c.snapshot).where(OUTCOMES.c.team_id == team_id,
                                             OUTCOMES.c.round == round_no)
    return conn.execute(q).scalar()


def staff_by_key(conn, key: str):
    q = sa.select(STAFF).where(STAFF.c.key_hash == token_hash(key))
    return conn.execute(q).mappings().first()


def staff(conn, game_id: int) -> list:
    q = sa.select(STAFF).where(STAFF.c.game_id == game_id).order_by(STAFF.c.id)
    return list(conn.execute(q).mappings())


def comments(conn, game_id: int, team_id: int | None = None) -> list:
    q = sa.select(COMMENTS).where(COMMENTS.c.game_id == game_id)
    if team_id is not None:
        q = q.where(COMMENTS.c.team_id == team_id)
    return list(conn.execute(q.order_by(COMMENTS.c.id)).mappings())


def deadline(conn, game_id: int, round_no: int):
    """The deadline (ISO UTC text) of a round, or None."""
    q = sa.select(DEADLINES.c.due_at).where(DEADLINES.c.game_id == game_id,
                                            DEADLINES.c.round == round_no)
    return conn.execute(q).scalar()


def due_rounds(conn, at: str) -> list:
    """``(game id, round)`` of every open round whose deadline is at or before ``at``."""
    q = (sa.select(GAMES.c.id, GAMES.c.round).join(DEADLINES, sa.and_(
        DEADLINES.c.game_id == GAMES.c.id, DEADLINES.c.round == GAMES.c.round))
        .where(GAMES.c.status == "open", DEADLINES.c.due_at <= at).order_by(GAMES.c.id))
    return [(r.id, r.round) for r in conn.execute(q)]


def secret(conn, name: str, make) -> str:
    """The server secret ``name``, created with ``make()`` the first time."""
    value = conn.execute(sa.select(SECRETS.c.value).where(SECRETS.c.name == name)).scalar()
    if value is None:
        value = make()
        conn.execute(SECRETS.insert().values(name=name, value=value))
    return value


def closes(conn, game_id: int) -> list:
    q = sa.select(CLOSES).where(CLOSES.c.game_id == game_id).order_by(CLOSES.c.round)
    return list(conn.execute(q).mappings())


# ------------------------------------------------------------------ writes
def insert_game(conn, *, code: str, admin_token: str, settings: dict) -> int:
    res = conn.execute(GAMES.insert().values(
        code=code, admin_hash=token_hash(admin_token), settings=dump(settings), round=1,
        status="open", created_at=now()))
    return int(res.inserted_primary_key[0])


def insert_team(conn, *, game_id: int, name: str, token: str) -> int:
    res = conn.execute(TEAMS.insert().values(game_id=game_id, name=name,
                                             token_hash=token_hash(token), joined_at=now()))
    return int(res.inserted_primary_key[0])


def insert_submission(conn, *, game_id, team_id, round_no, decisions, author) -> dict:
    at = now()
    res = conn.execute(SUBMISSIONS.insert().values(
        game_id=game_id, team_id=team_id, round=round_no, decisions=dump(decisions),
        author=author, submitted_at=at))
    return {"id": int(res.inserted_primary_key[0]), "submitted_at": at}


def set_status(conn, game_id: int, *, status: str, round_no: int) -> None:
    conn.execute(GAMES.update().where(GAMES.c.id == game_id).values(status=status,
                                                                    round=round_no))


def insert_close(conn, *, game_id, round_no, closed_by) -> None:
    conn.execute(CLOSES.insert().values(game_id=game_id, round=round_no, closed_by=closed_by,
                                        closed_at=now()))


def replace_outcome(conn, *, game_id, team_id, round_no, decisions, results, reports,
                    snapshot: bytes) -> None:
    conn.execute(OUTCOMES.delete().where(OUTCOMES.c.team_id == team_id,
                                         OUTCOMES.c.round == round_no))
    conn.execute(OUTCOMES.insert().values(
        game_id=game_id, team_id=team_id, round=round_no, decisions=dump(decisions),
        results=dump(results), reports=dump(reports), snapshot=snapshot))


def insert_staff(conn, *, game_id, role, label, key) -> int:
    res = conn.execute(STAFF.insert().values(game_id=game_id, role=role, label=label,
                                             key_hash=token_hash(key), created_at=now()))
    return int(res.inserted_primary_key[0])


def insert_comment(conn, *, game_id, team_id, author, role, text) -> dict:
    at = now()
    conn.execute(COMMENTS.insert().values(game_id=game_id, team_id=team_id, author=author,
                                          role=role, text=text, written_at=at))
    return {"written_at": at}


def set_deadline(conn, *, game_id, round_no, due_at: str | None, set_by: str) -> None:
    """Set (or with ``due_at=None`` remove) the deadline of a round."""
    conn.execute(DEADLINES.delete().where(DEADLINES.c.game_id == game_id,
                                          DEADLINES.c.round == round_no))
    if due_at is not None:
        conn.execute(DEADLINES.insert().values(game_id=game_id, round=round_no,
                                               due_at=due_at, set_by=set_by))

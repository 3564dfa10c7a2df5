"""The one database layer of what crmsim keeps (the game, the course gradebook).

SQLAlchemy Core over any database URL: SQLite by default, opened in WAL mode with a busy
timeout and every transaction ``BEGIN IMMEDIATE`` so concurrent writers queue instead of
failing; PostgreSQL through the same code (``postgresql+psycopg://user@host/db``). Times are
UTC ISO 8601 strings and structured values JSON text, so every database stores them alike.
Needs SQLAlchemy (the ``game`` and ``grade`` extras).
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from crmsim.errors import invalid


def now() -> str:
    """The time of a record: UTC, ISO 8601 to the microsecond."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def dump(obj) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, allow_nan=True)


def load(text: str | None):
    return None if text is None else json.loads(text)


def connect(url: str, metadata: sa.MetaData, *, name: str = "db") -> sa.Engine:
    """Open the database at ``url`` and create ``metadata``'s tables if they are missing."""
    try:
        sa.engine.make_url(url).get_dialect()
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError, TypeError,
            ModuleNotFoundError):
        raise invalid(name, url, "a database URL such as sqlite:///course.db or "
                      "postgresql+psycopg://user@host/db") from None
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, record):  # pragma: no cover - driver callback
            dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # pragma: no cover - driver callback
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # one writer at a time, queued
    else:
        engine = sa.create_engine(url, pool_pre_ping=True)
    try:
        metadata.create_all(engine)
    except sa.exc.SQLAlchemyError as exc:
        raise invalid(name, url, f"a database that can be opened and written "
                      f"({type(exc).__name__}: {str(exc).splitlines()[0][:120]})") from None
    return engine

"""What protects the game's forms: CSRF tokens, the server's instructor key, the language.

CSRF: every form carries a token tied to the browser's session (a signed, HttpOnly,
SameSite=Lax cookie); a POST whose token is missing or does not match is refused with 400
and changes nothing. The key that signs sessions is stored in the game database
(``secrets``), so a page loaded before a server restart can still be submitted after it,
and several server processes on one database accept each other's forms.

The JSON endpoint (``/api/...``) takes no cookie and needs no CSRF token: a browser sends
a cross-site ``application/json`` request only after a CORS preflight this server never
grants, and the token in its address is the credential.

The instructor key (``crmsim game serve --instructor-key``) lets its holder create games on
the server; it is compared in constant time and never shown on a page.
"""

from __future__ import annotations

import hmac
import secrets

from flask import abort, g, request, session

from crmsim.game import store
from crmsim.game.text import LANGS

#: the form field and session entry holding the CSRF token
CSRF_FIELD = "csrf_token"


def session_secret(eng) -> str:
    """The key that signs this database's sessions (created once, kept in the database)."""
    with eng.begin() as conn:
        return store.secret(conn, "session", lambda: secrets.token_hex(32))


def csrf_token() -> str:
    """The CSRF token of the browser's session (made on its first form)."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf() -> None:
    """Refuse (400) a form POST without the session's CSRF token."""
    if request.method != "POST" or request.path.startswith("/api/"):
        return
    sent = request.form.get(CSRF_FIELD, "")
    kept = session.get(CSRF_FIELD, "")
    if not (sent and kept and hmac.compare_digest(str(sent), str(kept))):
        g.csrf_failed = True
        abort(400)


def key_matches(given, key: str | None) -> bool:
    """Whether ``given`` is the server's instructor key (``None``: the server has none)."""
    return bool(key) and isinstance(given, str) and hmac.compare_digest(
        given.encode("utf-8"), key.encode("utf-8"))


def language() -> str:
    """The page language: ``?lang=``, else the ``lang`` cookie, else the browser's choice."""
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    kept = request.cookies.get("lang")
    if kept in LANGS:
        return kept
    return request.accept_languages.best_match(LANGS) or "en"

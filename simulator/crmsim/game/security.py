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

import secrets

from crmsim.game import store
from crmsim.webapp import (  # noqa: F401 - the game's protection is the shared one
    CSRF_FIELD,
    check_csrf,
    csrf_token,
    key_matches,
    language,
)


def session_secret(eng) -> str:
    """The key that signs this database's sessions (created once, kept in the database)."""
    with eng.begin() as conn:
        return store.secret(conn, "session", lambda: secrets.token_hex(32))

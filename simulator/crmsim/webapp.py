"""What every crmsim web app shares (the game, the marking app): CSRF tokens on forms,
keys compared in constant time, the page language, safe headers, a production server.

CSRF: every form carries a token tied to the browser's session (a signed, HttpOnly,
SameSite=Lax cookie); a POST whose token is missing or does not match is refused with 400
and changes nothing. JSON endpoints (``/api/...``) take no cookie and need no token: a
browser sends a cross-site ``application/json`` request only after a CORS preflight these
servers never grant. Served by waitress (a production WSGI server from PyPI), optionally
behind a reverse proxy whose ``X-Forwarded-*`` headers are then trusted. Needs Flask (the
``game`` extra).
"""

from __future__ import annotations

import hmac
import secrets

from flask import abort, g, request, session

#: the form field and session entry holding the CSRF token
CSRF_FIELD = "csrf_token"
LANGS = ("en", "zh")


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
    """Whether ``given`` is ``key`` (``None``: there is no key, nothing matches)."""
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


def protect(app, secret_key: str, max_body: int) -> None:
    """Sessions signed with ``secret_key``, CSRF checked and the language chosen before every
    request, safe headers after it, bodies over ``max_body`` bytes refused."""
    app.secret_key = secret_key
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      MAX_CONTENT_LENGTH=max_body)

    @app.before_request
    def _before():
        g.lang = language()
        check_csrf()

    @app.after_request
    def _after(resp):
        if request.args.get("lang") in LANGS:
            resp.set_cookie("lang", request.args["lang"], samesite="Lax", max_age=365 * 86400)
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "no-referrer")  # keys are in addresses
        return resp

    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["lang"] = lambda: g.lang


def serve_app(app, *, host: str, port: int, threads: int, dev: bool = False,
              proxy: str | None = None) -> None:
    """Serve ``app`` until interrupted: waitress by default, Werkzeug's development server
    with ``dev``; ``proxy``: the reverse proxy whose forwarded headers are trusted."""
    if dev:
        from werkzeug.serving import make_server

        make_server(host, port, app, threaded=True).serve_forever()
        return
    import waitress

    extra = {} if not proxy else {
        "trusted_proxy": proxy, "trusted_proxy_count": 1,
        "trusted_proxy_headers": "x-forwarded-for x-forwarded-host x-forwarded-proto "
                                 "x-forwarded-port",
        "clear_untrusted_proxy_headers": True}
    waitress.serve(app, host=host, port=port, threads=threads, ident="crmsim", _quiet=True,
                   **extra)

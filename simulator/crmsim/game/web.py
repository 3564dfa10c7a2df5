"""The game's web app (Flask + Jinja2 templates): a page per team and one for the staff.

Flask because the game is request/response forms over blocking work (a database
transaction, a simulated quarter): a small synchronous framework with templates, a test
client and a threaded server fits, with nothing asynchronous to get wrong. Every page
calls :mod:`crmsim.game.api`, so the web page, the CLI and Python do the same things.

The token in a page's address is the key: ``/team/<team token>`` shows and changes that
team only, ``/admin/<instructor token or staff key>`` shows its game with that role's
rights (:mod:`crmsim.game.roles`). Creating a game needs the server's instructor key;
every form carries a CSRF token (:mod:`crmsim.game.security`). ``POST
/api/team/<token>/submit`` takes a team's decisions as JSON. Serve with ``crmsim game
serve`` (waitress, a production WSGI server; see :func:`serve`).
"""

from __future__ import annotations

import base64
import json

from flask import Flask, Response, g, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from crmsim import webapp
from crmsim.errors import CrmsimError, invalid
from crmsim.game import api, deadlines, debrief, events, reports, rules, security, text
from crmsim.game.forms import _number, form_decisions, form_state, params_text
from crmsim.sim.acquisition import BUDGET_CHANNELS
from crmsim.sim.strategies import REGISTRY

__all__ = ["create_app", "form_decisions", "serve"]

#: largest request body (bytes): a decision form or JSON is a few kilobytes
MAX_BODY = 64 * 1024


def _msg(exc) -> str:
    return text.render(exc, g.lang)


def _json_decisions(raw: bytes) -> tuple:
    """A JSON body ``{"decisions": {...}, "round": r, "author": name}`` -> its parts."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        first = (str(exc).splitlines() or ["?"])[0][:120]
        raise invalid("body", "...", f"JSON {{\"decisions\": {{...}}}}: {first}") from None
    if not isinstance(body, dict):
        raise invalid("body", type(body).__name__, "a JSON object {\"decisions\": {...}, "
                      "\"round\": r, \"author\": name}")
    unknown = sorted(set(body) - {"decisions", "round", "author"})
    if unknown:
        raise invalid("body", unknown[0][:40], "keys decisions, round, author")
    r = body.get("round")
    if r is not None and (isinstance(r, bool) or not isinstance(r, int)):
        raise invalid("round", r if not isinstance(r, str) else r[:40], "a whole number")
    return body.get("decisions"), r, body.get("author")


def create_app(db: str, *, instructor_key: str | None = None) -> Flask:
    """The web app on database ``db`` (URL); finishes any half-done close first.

    ``instructor_key``: who gives it may create games on this server (None: nobody can
    through the web; ``crmsim game create`` on the server still can)."""
    app = Flask(__name__)
    api.resume(db)
    webapp.protect(app, security.session_secret(api.engine(db)), MAX_BODY)

    def message(title_key, msg, code):
        if request.path.startswith("/api/"):
            return jsonify(error=msg), code
        return render_template("message.html", title=text.t(title_key, g.lang),
                               message=msg), code

    @app.errorhandler(api.AccessDenied)
    def denied(exc):
        return message("title.denied", _msg(exc), 403)

    @app.errorhandler(BadRequest)
    def bad_request(exc):
        if g.get("csrf_failed"):
            return message("title.refused", text.t("csrf.failed", g.lang), 400)
        return message("title.refused", text.t("request.bad", g.lang), 400)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc):
        return message("title.refused", text.t("request.too_large", g.lang,
                                               limit=MAX_BODY // 1024), 413)

    def team_page(token, *, error=None, notice=None, form=None, code=200):
        status = api.team_status(db, token)
        return render_template(
            "team.html", s=status, token=token, error=error, notice=notice,
            state=form_state(status), form=form or {}, channels=BUDGET_CHANNELS,
            registry=REGISTRY, on_sale=reports.REPORTS), code

    @app.get("/")
    def home():
        return render_template("home.html", error=None)

    @app.post("/join")
    def join():
        try:
            joined = api.join_game(db, request.form.get("code"), request.form.get("team"))
        except api.AccessDenied:
            raise
        except CrmsimError as exc:
            return render_template("home.html", error=_msg(exc)), 400
        return redirect(url_for("team", token=joined["team_token"]))

    @app.post("/create")
    def create():
        if not security.key_matches(request.form.get("instructor_key"), instructor_key):
            return render_template("home.html", error=text.t(
                "create.key" if instructor_key else "create.no_key", g.lang)), 403
        try:
            settings = {"name": request.form.get("name") or "CRM game",
                        "market": request.form.get("market") or "copies"}
            for key, whole in (("customers", True), ("rounds", True),
                               ("starting_budget", False)):
                value = _number(key, request.form.get(key), whole=whole)
                if value is not None:
                    settings[key] = value
            made = api.create_game(db, settings)
        except CrmsimError as exc:
            return render_template("home.html", error=_msg(exc)), 400
        return redirect(url_for("admin", token=made["admin_token"]))

    @app.get("/team/<token>")
    def team(token):
        return team_page(token)

    @app.post("/team/<token>/submit")
    def team_submit(token):
        allowed = api.team_rules(db, token)
        try:
            decisions = form_decisions(request.form, allowed)
            round_no = _number("round", request.form.get("round"), whole=True)
            done = api.submit(db, token, decisions, round_no=round_no,
                              author=(request.form.get("author") or "").strip() or None)
        except api.AccessDenied:
            raise
        except CrmsimError as exc:
            return team_page(token, error=_msg(exc), form=request.form, code=400)
        key = "submit.replaced" if done["replaced"] else "submit.saved"
        return team_page(token, notice=text.t(key, g.lang, round=done["round"],
                                              at=done["submitted_at"][:19]))

    @app.post("/api/team/<token>/submit")
    def api_submit(token):
        if not request.is_json:
            return jsonify(error=text.t("api.json", g.lang)), 415
        try:
            decisions, round_no, author = _json_decisions(request.get_data())
            done = api.submit(db, token, decisions, round_no=round_no, author=author)
        except api.AccessDenied:
            raise
        except CrmsimError as exc:
            return jsonify(error=_msg(exc)), 400
        return jsonify({k: done[k] for k in ("round", "replaced", "decisions",
                                             "submitted_at")})

    @app.get("/team/<token>/data.zip")
    def team_data(token):
        fmt = request.args.get("format", "csv")
        try:
            blob = api.customer_data(db, token, fmt)
        except api.AccessDenied:
            raise
        except CrmsimError as exc:
            return message("title.no_data", _msg(exc), 400)
        return Response(blob, mimetype="application/zip", headers={
            "Content-Disposition": f"attachment; filename=crm-game-data-{fmt}.zip"})

    @app.get("/admin/<token>")
    def admin(token, error=None, notice=None, code=200, made=None):
        status = api.game_status(db, token)
        return render_template("admin.html", s=status, token=token, error=error,
                               notice=notice, made=made, roles=api.roles.STAFF_ROLES,
                               events=[events.describe(e) for e in
                                       status["settings"]["events"]]), code

    def staff_action(token, act):
        """Run ``act()`` for the admin page: its notice, or the refusal on the page."""
        try:
            notice, made = act()
        except api.AccessDenied:
            raise
        except CrmsimError as exc:
            return admin(token, error=_msg(exc), code=400)
        return admin(token, notice=notice, made=made)

    @app.post("/admin/<token>/close")
    def admin_close(token):
        def act():
            round_no = _number("round", request.form.get("round"), whole=True)
            done = api.close_round(db, token, round_no=round_no)
            return text.t("close.done", g.lang, round=done["round"], teams=done["teams"]), None
        return staff_action(token, act)

    @app.post("/admin/<token>/deadline")
    def admin_deadline(token):
        def act():
            round_no = _number("round", request.form.get("round"), whole=True)
            raw = (request.form.get("deadline") or "").strip()
            done = deadlines.set_deadline(db, token, raw or None, round_no=round_no)
            if done["deadline"] is None:
                return text.t("deadline.cleared", g.lang, round=done["round"]), None
            return text.t("deadline.set", g.lang, round=done["round"],
                          at=done["deadline"][:19]), None
        return staff_action(token, act)

    @app.post("/admin/<token>/comment")
    def admin_comment(token):
        def act():
            api.comment(db, token, request.form.get("team") or None,
                        request.form.get("text"))
            return text.t("comment.saved", g.lang), None
        return staff_action(token, act)

    @app.post("/admin/<token>/staff")
    def admin_staff(token):
        def act():
            made = api.add_staff(db, token, request.form.get("role"),
                                 request.form.get("label"))
            return text.t("staff.made", g.lang, role=made["role"], label=made["label"]), made
        return staff_action(token, act)

    @app.get("/admin/<token>/debrief")
    def admin_debrief(token):
        figures, tables = debrief.build(api.game_outcomes(db, token))
        images = {name: base64.b64encode(png).decode("ascii") for name, png in figures.items()}
        return render_template("debrief.html", images=images, tables=tables,
                               s=api.game_status(db, token), token=token)

    app.jinja_env.filters["money"] = lambda x: "-" if x is None else f"{x:,.0f}"
    app.jinja_env.filters["share"] = lambda x: "-" if x is None else f"{x:.1%}"
    app.jinja_env.filters["params"] = params_text
    app.jinja_env.globals["price"] = rules.report_price
    app.jinja_env.globals["_"] = lambda key, **fields: text.t(key, g.lang, **fields)
    return app


#: request threads of the production server: a close holds one thread for its duration,
#: the others keep answering the teams (60 teams submitting at once queue for a few)
THREADS = 16


def serve(db: str, *, host: str = "127.0.0.1", port: int = 8000,
          instructor_key: str | None = None, dev: bool = False, threads: int = THREADS,
          proxy: str | None = None):
    """Serve the app until interrupted, and close rounds at their deadlines meanwhile.

    Waitress (a production WSGI server) by default; ``dev=True``: Werkzeug's development
    server. ``proxy``: the address of a reverse proxy whose ``X-Forwarded-*`` headers
    (client address, https, host) are trusted (see the game guide)."""
    app = create_app(db, instructor_key=instructor_key)
    clock = deadlines.Scheduler(db).start()
    try:
        webapp.serve_app(app, host=host, port=port, threads=threads, dev=dev, proxy=proxy)
    finally:
        clock.stop()

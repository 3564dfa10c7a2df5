"""The game's web app (Flask + Jinja2 templates): a page per team and one for the instructor.

Flask because the game is request/response forms over blocking work (a database
transaction, a simulated quarter): a small synchronous framework with templates, a test
client and a threaded server fits, with nothing asynchronous to get wrong. Every page
calls :mod:`crmsim.game.api`, so the web page, the CLI and Python do the same things.

The token in a page's address is the key: ``/team/<team token>`` shows and changes that
team only, ``/admin/<instructor token>`` manages its game. Serve with
``crmsim game serve`` (Werkzeug's threaded server; one request per thread).
"""

from __future__ import annotations

import base64

from flask import Flask, Response, redirect, render_template, request, url_for

from crmsim.errors import CrmsimError, invalid
from crmsim.game import api, debrief, events, reports, rules
from crmsim.sim.acquisition import BUDGET_CHANNELS
from crmsim.sim.strategies import REGISTRY


def _number(name: str, raw: str, *, whole: bool = False):
    raw = (raw or "").strip()
    if raw == "":
        return None
    try:
        value = float(raw)
        if whole:
            if not value.is_integer():
                raise ValueError
            return int(value)
        return value
    except ValueError:
        raise invalid(name, raw, "a whole number" if whole else "a number") from None


def _params(name: str, raw: str) -> dict:
    """``key=value, key=value`` -> dict (numbers where they parse)."""
    out = {}
    for part in (raw or "").split(","):
        if not part.strip():
            continue
        key, eq, value = part.partition("=")
        if not eq or not key.strip():
            raise invalid(f"{name} parameters", part.strip(), "key=value pairs separated by "
                          "commas, e.g. cost_per_contact=5")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            out[key.strip()] = value.strip()
    return out


def form_decisions(form, settings: dict) -> dict:
    """A submitted decision form -> the decisions dict of :func:`crmsim.game.api.submit`."""
    allowed = settings["decisions"]
    out: dict = {}
    if "acquisition" in allowed:
        acq = {}
        for ch in BUDGET_CHANNELS:
            v = _number(f"acquisition.{ch}", form.get(f"acq_{ch}"))
            if v:
                acq[ch] = v
        out["acquisition"] = acq
    if "strategies" in allowed:
        chosen = []
        for name in settings["strategies"]:
            if form.get(f"use_{name}"):
                params = _params(name, form.get(f"params_{name}"))
                target = (form.get(f"target_{name}") or "").strip()
                if target:
                    params["target"] = target
                chosen.append({name: params})
        out["strategies"] = chosen
    if "seats" in allowed and form.get("seats", "").strip() != "":
        out["seats"] = _number("seats", form.get("seats"), whole=True)
    if "discount" in allowed and form.get("discount", "").strip() != "":
        out["discount"] = _number("discount", form.get("discount"))
    if "reports" in allowed:
        out["reports"] = [r for r in settings["reports"] if form.get(f"report_{r}")]
    return out


def _form_state(status: dict) -> dict:
    """What the decision form shows: the team's submission this round, else its standing
    decisions from last round."""
    sub = status["submission"]
    if sub is None:
        sub = {k: status["standing"][k] for k in ("strategies", "seats", "discount")}
    strategies = {}
    for item in sub.get("strategies") or []:
        for name, params in item.items():
            strategies[name] = params
    return {"acquisition": sub.get("acquisition") or {}, "strategies": strategies,
            "seats": sub.get("seats"), "discount": sub.get("discount"),
            "reports": sub.get("reports") or []}


def create_app(db: str) -> Flask:
    """The web app on database ``db`` (URL); finishes any half-done close first."""
    app = Flask(__name__)
    api.resume(db)

    def team_page(token, *, error=None, notice=None, form=None, code=200):
        status = api.team_status(db, token)
        state = _form_state(status)
        return render_template(
            "team.html", s=status, token=token, error=error, notice=notice, state=state,
            form=form or {}, channels=BUDGET_CHANNELS, registry=REGISTRY,
            on_sale=reports.REPORTS), code

    @app.errorhandler(api.AccessDenied)
    def denied(exc):
        return render_template("message.html", title="Not allowed", message=str(exc)), 403

    @app.get("/")
    def home():
        return render_template("home.html", error=None)

    @app.post("/join")
    def join():
        try:
            joined = api.join_game(db, request.form.get("code"), request.form.get("team"))
        except CrmsimError as exc:
            return render_template("home.html", error=str(exc)), 400
        return redirect(url_for("team", token=joined["team_token"]))

    @app.post("/create")
    def create():
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
            return render_template("home.html", error=str(exc)), 400
        return redirect(url_for("admin", token=made["admin_token"]))

    @app.get("/team/<token>")
    def team(token):
        return team_page(token)

    @app.post("/team/<token>/submit")
    def team_submit(token):
        status = api.team_status(db, token)
        try:
            decisions = form_decisions(request.form, {**status["settings"]})
            round_no = _number("round", request.form.get("round"), whole=True)
            done = api.submit(db, token, decisions, round_no=round_no,
                              author=(request.form.get("author") or "").strip() or None)
        except CrmsimError as exc:
            return team_page(token, error=str(exc), form=request.form, code=400)
        word = "replaced your earlier decisions" if done["replaced"] else "saved"
        return team_page(token, notice=f"Round {done['round']}: decisions {word} at "
                         f"{done['submitted_at'][:19]} UTC.")

    @app.get("/team/<token>/data.zip")
    def team_data(token):
        fmt = request.args.get("format", "csv")
        try:
            blob = api.customer_data(db, token, fmt)
        except api.AccessDenied:
            raise
        except CrmsimError as exc:
            return render_template("message.html", title="No data yet", message=str(exc)), 400
        return Response(blob, mimetype="application/zip", headers={
            "Content-Disposition": f"attachment; filename=crm-game-data-{fmt}.zip"})

    @app.get("/admin/<token>")
    def admin(token, error=None, notice=None, code=200):
        status = api.game_status(db, token)
        return render_template("admin.html", s=status, token=token, error=error,
                               notice=notice, events=[events.describe(e) for e in
                                                      status["settings"]["events"]]), code

    @app.post("/admin/<token>/close")
    def admin_close(token):
        try:
            round_no = _number("round", request.form.get("round"), whole=True)
            done = api.close_round(db, token, round_no=round_no)
        except api.AccessDenied:
            raise
        except CrmsimError as exc:
            return admin(token, error=str(exc), code=400)
        return admin(token, notice=f"Round {done['round']} closed: {done['teams']} markets "
                     "advanced.")

    @app.get("/admin/<token>/debrief")
    def admin_debrief(token):
        figures, tables = debrief.build(api.game_outcomes(db, token))
        images = {name: base64.b64encode(png).decode("ascii") for name, png in figures.items()}
        return render_template("debrief.html", images=images, tables=tables,
                               s=api.game_status(db, token), token=token)

    app.jinja_env.filters["money"] = lambda x: "-" if x is None else f"{x:,.0f}"
    app.jinja_env.filters["share"] = lambda x: "-" if x is None else f"{x:.1%}"
    app.jinja_env.globals["price"] = rules.report_price
    return app


def serve(db: str, *, host: str = "127.0.0.1", port: int = 8000):
    """Run the app with Werkzeug's threaded server until interrupted."""
    from werkzeug.serving import make_server

    server = make_server(host, port, create_app(db), threaded=True)
    server.serve_forever()

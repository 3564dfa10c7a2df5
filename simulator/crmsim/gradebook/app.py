"""The marking app: written answers marked in the browser, ``crmsim mark serve``.

A marker opens ``/mark/<key>`` (the key ``crmsim mark add`` printed): the exercise's written
questions with the marker's queue and progress; then one answer at a time by its anonymous
label, the student's own graded numbers beside it, the rubric with a level per criterion
and its descriptor, a comment with saved snippets, and keyboard navigation. Each mark goes
to the course database with who and when (:func:`crmsim.gradebook.marks.add_mark`); the
second markers' sample and the agreement between markers are shown to the final marker.
The same protections as the game (:mod:`crmsim.webapp`): CSRF tokens, keys in constant
time, waitress.
"""

from __future__ import annotations

import functools
import math
import secrets
import sys
from pathlib import Path

from flask import Flask, g, redirect, render_template, request, url_for
from werkzeug.exceptions import BadRequest, Forbidden

from crmsim import webapp
from crmsim.course.answers import word_count
from crmsim.database import now
from crmsim.errors import CrmsimError
from crmsim.gradebook import queue
from crmsim.gradebook.marks import add_mark, agreement, marks_table
from crmsim.gradebook.store import SNIPPETS, connect, rows, secret
from crmsim.gradebook.words import word

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: largest form: a comment and a few levels
MAX_BODY = 64 * 1024
THREADS = 8


def levels(criterion: dict, lang: str) -> list[tuple[float, str]]:
    """(points, descriptor) of each level of a rubric criterion, lowest first: its own
    descriptors (``levels``/``levels_zh``), else generic ones."""
    p = float(criterion["points"])
    own = criterion.get("levels_zh" if lang == "zh" else "levels") or criterion.get("levels")
    if own:
        return [(float(k), d) for k, d in enumerate(own)]
    steps = list(range(int(p) + 1)) if p.is_integer() else [0, p / 2, p]
    out = []
    for k in steps:
        name = ("level.0" if k == 0 else "level.full" if k == steps[-1] else "level.partly")
        out.append((float(k), word(name, lang, k=f"{k:g}", p=f"{p:g}")))
    return out


def criterion_text(ex, criterion: dict, lang: str) -> str:
    """A rubric criterion in ``lang``: the Chinese from the course's instructor materials
    (``exercises/zh/instructor.toml``, the one list of the rubrics' Chinese), else as written."""
    text = criterion["criterion"]
    return _instructor_zh(str(ex.folder.parent)).get(text, text) if lang == "zh" else text


@functools.cache
def _instructor_zh(root: str) -> dict:
    path = Path(root) / "zh" / "instructor.toml"
    if not path.is_file():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8")).get("zh", {})


def create_app(db: str, exercises: dict) -> Flask:
    """The marking app on course database ``db`` for ``exercises`` (id -> Exercise)."""
    engine = connect(db)
    app = Flask(__name__)
    with engine.begin() as conn:
        key = secret(conn, "session", lambda: secrets.token_hex(32))
    webapp.protect(app, key, MAX_BODY)

    def t(k, **fields):
        return word(k, g.lang, **fields)

    def who(key):
        with engine.connect() as conn:
            m = queue.marker_of(conn, key)
        if m is None or m["exercise"] not in exercises:
            raise Forbidden()
        return m, exercises[m["exercise"]]

    def written(ex):
        return [q for q in ex.questions if q.manual]

    @app.errorhandler(Forbidden)
    def denied(_exc):
        return render_template("mark_message.html", title=t("mark.refused"),
                               message=t("mark.denied")), 403

    @app.errorhandler(BadRequest)
    def bad(_exc):
        msg = t("mark.csrf") if g.get("csrf_failed") else t("mark.refused")
        return render_template("mark_message.html", title=t("mark.refused"), message=msg), 400

    @app.get("/mark/<key>")
    def dashboard(key):
        m, ex = who(key)
        items = []
        with engine.connect() as conn:
            for q in written(ex):
                mine = queue.queue(conn, ex, m, q.id)
                done = queue.done_by(conn, ex, m, q.id)
                todo = [i for i, a in enumerate(mine) if a["student"] not in done]
                every = queue.answers(conn, ex, q.id)
                marks = marks_table(conn, ex.id)
                counted = marks[(marks["question"] == q.id)
                                & marks["role"].isin(("first", "final"))]["student_id"].nunique()
                items.append({"q": q, "mine": len(mine), "done": len(mine) - len(todo),
                              "next": todo[0] if todo else None, "counted": counted,
                              "total": len(every)})
            agree = agreement(marks_table(conn, ex.id)) if m["role"] != "first" else None
        return render_template("mark_dashboard.html", m=m, ex=ex, items=items, key=key,
                               agree=agree)

    def item_page(key, qid, n, *, error=None, notice=None, code=200):
        m, ex = who(key)
        q = next((q for q in written(ex) if q.id == qid), None)
        if q is None:
            raise Forbidden()
        with engine.connect() as conn:
            mine = queue.queue(conn, ex, m, qid)
            if not mine:
                return render_template("mark_message.html", title=t("mark.title"),
                                       message=t("mark.empty")), 200
            n = max(0, min(n, len(mine) - 1))
            answer = mine[n]
            done = queue.done_by(conn, ex, m, qid).get(answer["student"])
            snippets = [r["text"] for r in rows(conn, SNIPPETS, exercise=ex.id, question=qid)]
        chosen = done["levels"] if done is not None else {}
        rubric = [{"criterion": criterion_text(ex, c, g.lang), "levels": levels(c, g.lang),
                   "chosen": chosen.get(str(i))} for i, c in enumerate(q.rubric)]
        return render_template(
            "mark_item.html", m=m, ex=ex, q=q, key=key, n=n, total=len(mine), a=answer,
            words=word_count(answer["text"]), rubric=rubric, done=done,
            snippets=sorted(set(snippets)), error=error, notice=notice), code

    @app.get("/mark/<key>/<qid>/<int:n>")
    def item(key, qid, n):
        return item_page(key, qid, n, notice=request.args.get("saved") and t(
            "mark.saved", label=request.args.get("saved"), points=float(
                request.args.get("points", 0)), max=float(request.args.get("max", 0))))

    @app.post("/mark/<key>/<qid>/<int:n>")
    def save(key, qid, n):
        m, ex = who(key)
        q = next((q for q in written(ex) if q.id == qid), None)
        if q is None:
            raise Forbidden()
        with engine.connect() as conn:
            mine = queue.queue(conn, ex, m, qid)
        if not 0 <= n < len(mine):
            raise Forbidden()
        answer = mine[n]
        chosen, points = {}, 0.0
        for i, c in enumerate(q.rubric):
            allowed = {p for p, _ in levels(c, g.lang)}
            raw = request.form.get(f"level-{i}", "")
            try:
                value = float(raw)
            except ValueError:
                value = math.nan
            if value not in allowed:
                return item_page(key, qid, n, error=t("mark.level_missing"), code=400)
            chosen[str(i)] = value
            points += value
        comment = (request.form.get("comment") or "").strip()[:2000]
        try:
            add_mark(engine, ex, student=answer["student"], question=qid, points=points,
                     marker=m["name"], role=m["role"], comment=comment, levels=chosen)
        except CrmsimError:
            return item_page(key, qid, n, error=t("mark.refused"), code=400)
        if comment and request.form.get("save_snippet"):
            with engine.begin() as conn:
                conn.execute(SNIPPETS.insert().values(exercise=ex.id, question=qid,
                                                      text=comment, marker=m["name"], at=now()))
        nxt = n + 1 if n + 1 < len(mine) else n
        return redirect(url_for("item", key=key, qid=qid, n=nxt, saved=answer["label"],
                                points=f"{points:g}", max=f"{q.points:g}"))

    app.jinja_env.globals["_"] = lambda k, **fields: word(k, g.lang, **fields)
    app.jinja_env.filters["num"] = lambda x: "-" if x is None else (
        f"{x:,.4g}" if isinstance(x, float) else str(x))
    return app


def serve(db: str, exercises: dict, *, host: str = "127.0.0.1", port: int = 8100,
          threads: int = THREADS, dev: bool = False, proxy: str | None = None) -> None:
    """Serve the marking app until interrupted (waitress; see :mod:`crmsim.webapp`)."""
    webapp.serve_app(create_app(db, exercises), host=host, port=port, threads=threads,
                     dev=dev, proxy=proxy)

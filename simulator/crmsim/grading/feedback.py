"""The student's feedback in Markdown, in the language of the submitted notebook.

Every sentence comes from the grading catalogue by key (:mod:`.messages`): a notebook
released with ``--lang zh`` gets its feedback in Chinese, titles and hints included.
"""

from __future__ import annotations

from crmsim.grading.exercise import Exercise
from crmsim.grading.messages import render, text
from crmsim.grading.result import Result


def _verdict(q, r: Result, check: tuple) -> str:
    ok, why = check
    if q.manual and q.id in r.written:
        if q.id in r.marks:
            return render(why, r.lang)
        return text("verdict.awaiting", r.lang, message=why)
    if ok:
        return text("verdict.passed", r.lang)
    part = r.scores[q.id] > 0
    return text("verdict.partly" if part else "verdict.failed", r.lang, message=why)


def _questions(ex: Exercise, r: Result) -> list[str]:
    def w(key):
        return text(key, r.lang)

    lines = [f"| {w('fb.question')} | {w('fb.type')} | {w('fb.points')} | {w('fb.result')} |",
             "|---|---|---|---|"]
    for q in ex.questions:
        checks = [r.answers.get(a) for a in q.answers]
        if all(c is None for c in checks):
            verdict = w("fb.not_checked")
        else:
            verdict = "; ".join(f"`{a}`: {_verdict(q, r, c)}"
                                for a, c in zip(q.answers, checks, strict=True) if c)
        qtitle = f"{q.id} {q.title_in(r.lang)}".strip()
        lines.append(f"| {qtitle} | {q.kind.name_in(r.lang)} | {r.scores[q.id]:g} / "
                     f"{q.points:g} | {verdict.replace('|', '/')} |")
    return lines


def feedback(ex: Exercise, r: Result, batch: str = "complete") -> str:
    """The student's feedback in Markdown, in the language of the submitted notebook."""
    lang = r.lang

    def w(key):
        return text(key, lang)

    title = (ex.title_zh or ex.title) if lang == "zh" else ex.title
    lines = [f"# {w('fb.title')}: {title}", "",
             f"- {w('fb.student')}: `{r.student_id}`",
             f"- {w('fb.submission')}: `{r.submission}`",
             f"- {w('fb.score')}: **{r.total:g} / {ex.max_points:g}**",
             f"- {w('fb.status')}: `{r.status}`",
             f"- {w('fb.isolation')}: `{r.isolation}`"]
    if batch != "complete":
        lines.append(f"- {w('fb.batch')}: `{batch}` ({w('fb.batch_stopped')})")
    lines.append("")
    for st in r.status.split(";"):
        lines.append(f"  - `{st}`: {w(f'status.{st}')}")
    lines += ["", f"## {w('fb.questions')}", ""] + _questions(ex, r)
    failing = [q for q in ex.questions if r.scores[q.id] < q.points and q.hint
               and not (q.manual and q.id not in r.marks and q.id in r.written)]
    if failing:
        lines += ["", f"## {w('fb.hints')}", ""]
        lines += [f"- {q.id}: {q.hint_in(lang)}" for q in failing]
    if r.failed_cells:
        lines += ["", f"## {w('fb.failed_cells')}", ""]
        lines += [f"- {render(label, lang)}: `{render(why, lang).replace('`', chr(39))}`"
                  for label, why, _ in r.failed_cells]
    if r.notes:
        lines += ["", f"## {w('fb.notes')}", ""]
        lines += [f"- {render(n, lang)}" for n in r.notes]
    if r.data_note:
        lines += ["", f"## {w('fb.data')}", "", r.data_note]
    lines += ["", w("fb.closing"), ""]
    return "\n".join(lines)



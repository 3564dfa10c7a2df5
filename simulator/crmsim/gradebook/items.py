"""Item analysis of one exercise from the course database: ``crmsim report items``.

Per question, over the latest graded submission of each student (classical test theory):

``difficulty``     the mean share of the question's points earned (the p-value of an item)
``item_rest``      the correlation of the question's score with the rest of the score (the
                   corrected point-biserial correlation for a right/wrong question)
``upper_lower``    the share earned by the best 27% of submissions (by total) minus that of
                   the weakest 27% (Kelley 1939; 27% maximises the difference's reliability)

and for automatically checked answers the answers given (choice questions) and the most
common wrong ones, each named by the known mistake it equals where the grader found one;
an answer that is a mapping (a quiz of several items, such as ex08 q5)
is analysed item by item. The page (``items.md`` in English, ``items.zh.md`` in Chinese)
shows the tables and a histogram of scores per question.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from crmsim.database import load
from crmsim.gradebook.grades import question_scores
from crmsim.gradebook.store import latest_results
from crmsim.gradebook.words import word
from crmsim.output import md_table as _md_table

#: share of the class in each of the upper and lower groups of the upper-lower index
GROUP_SHARE = 0.27
#: how many of the most common wrong answers a question lists
TOP_WRONG = 5
#: question types whose answers are counted option by option
CHOICE_TYPES = ("choice",)


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 3 or np.std(a) == 0 or np.std(b) == 0:
        return math.nan
    return float(np.corrcoef(a, b)[0, 1])


def question_stats(ex, shares: pd.DataFrame) -> pd.DataFrame:
    """``shares``: students x questions, the share of each question's points earned."""
    points = shares * pd.Series({q.id: q.points for q in ex.questions})
    total = points.sum(axis=1)
    order = total.sort_values(kind="stable").index
    k = max(1, int(round(GROUP_SHARE * len(order))))
    low, high = order[:k], order[-k:]
    rows = []
    for q in ex.questions:
        s = shares[q.id].to_numpy(float)
        rest = (total - points[q.id]).to_numpy(float)
        rows.append({"question": q.id, "type": q.type, "points": float(q.points),
                     "difficulty": float(np.mean(s)) if len(s) else math.nan,
                     "item_rest": _corr(s, rest),
                     "upper_lower": float(shares.loc[high, q.id].mean()
                                          - shares.loc[low, q.id].mean()) if len(s) else
                     math.nan})
    return pd.DataFrame(rows)


def _key(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           sort_keys=True)[:120]


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-9)
    return a == b


def answer_tables(ex, results: list[dict]) -> dict:
    """Per answer name: ``given`` (choice questions: each answer and its count), ``wrong``
    (the most common wrong answers) and ``items`` (mapping answers: share correct per key)."""
    out = {}
    for q in ex.questions:
        if q.manual:
            continue
        for name in q.answers:
            given, wrong, items, named = Counter(), Counter(), {}, {}
            for r in results:
                exported, expected = load(r["exported"]), load(r["expected"])
                checks, mistakes = load(r["checks"]), load(r["mistakes"])
                if name not in exported:
                    continue
                value = exported[name]
                given[_key(value)] += 1
                if name in checks and not checks[name][0]:
                    wrong[_key(value)] += 1
                    if name in mistakes:
                        named.setdefault(_key(value), Counter())[
                            (mistakes[name]["en"], mistakes[name]["zh"])] += 1
                want = expected.get(name)
                if isinstance(value, dict) and isinstance(want, dict):
                    for item, right in want.items():
                        hit = items.setdefault(item, [0, 0])
                        hit[0] += _same(value.get(item), right)
                        hit[1] += 1
            out[name] = {"question": q.id, "type": q.type,
                         "given": given if q.type in CHOICE_TYPES else Counter(),
                         "wrong": wrong.most_common(TOP_WRONG),
                         "mistakes": {v: c.most_common(1)[0][0] for v, c in named.items()},
                         "items": {k: v[0] / v[1] for k, v in items.items() if v[1]}}
    return out


def analyse(conn, ex) -> dict:
    """The item analysis of ``ex``: ``n``, ``questions`` (a DataFrame), ``answers``,
    ``shares`` (students x questions) and ``totals``."""
    qs = question_scores(conn, {ex.id: ex})
    qs = qs[qs["exercise"] == ex.id]
    results = [r for r in latest_results(conn, ex.id)]
    if qs.empty:
        return {"n": 0, "questions": pd.DataFrame(), "answers": {}, "shares": pd.DataFrame(),
                "totals": pd.Series(dtype=float)}
    qs = qs.assign(share=qs["points"] / qs["max"].where(qs["max"] > 0, 1))
    shares = qs.pivot(index="student_id", columns="question", values="share")[
        [q.id for q in ex.questions]]
    points = qs.pivot(index="student_id", columns="question", values="points")
    return {"n": len(shares), "questions": question_stats(ex, shares),
            "answers": answer_tables(ex, results), "shares": shares,
            "totals": points.sum(axis=1)}


def md_table(rows: list[list], heads: list[str]) -> list[str]:
    return _md_table([dict(zip(heads, r, strict=True)) for r in rows], heads)


def _fmt(x) -> str:
    return "-" if isinstance(x, float) and math.isnan(x) else (f"{x:.2f}" if isinstance(
        x, float) else str(x))


def page(ex, analysis: dict, lang: str, figure: str) -> str:
    """The item-analysis page in ``lang`` (Markdown), showing ``figure``."""
    title = (ex.title_zh or ex.title) if lang == "zh" else ex.title
    lines = [f"# {word('items.title', lang, exercise=f'{ex.id} {title}')}", ""]
    if not analysis["n"]:
        return "\n".join(lines + [word("items.none", lang), ""])
    lines += [word("items.intro", lang, n=analysis["n"]), ""]
    cols = ["question", "type", "points", "difficulty", "item_rest", "upper_lower"]
    heads = [word(f"items.{c}", lang) for c in cols]
    table = [[_fmt(v) for v in row] for row in analysis["questions"][cols].itertuples(
        index=False)]
    lines += md_table(table, heads) + ["", f"![{word('items.histogram', lang)}]({figure})", ""]
    for name, a in analysis["answers"].items():
        n_given = sum(a["given"].values())
        if a["given"]:
            lines += [f"## {a['question']} `{name}`: {word('items.answers', lang)}", ""]
            rows = [[f"`{v}`", str(c), f"{c / n_given:.0%}"] for v, c in a["given"].most_common()]
            lines += md_table(rows, [word("items.value", lang), word("items.count", lang),
                                     word("items.share", lang)]) + [""]
        if a["wrong"]:
            lines += [f"## {a['question']} `{name}`: {word('items.wrong', lang)}", ""]
            rows = [[f"`{v}`".replace("|", "/"), str(c),
                     a["mistakes"][v][lang == "zh"] if v in a["mistakes"] else "-"]
                    for v, c in a["wrong"]]
            lines += md_table(rows, [word("items.value", lang), word("items.count", lang),
                                     word("items.mistake", lang)])
            lines += [""]
        if a["items"]:
            label = f"{a['question']} {name}"
            lines += [f"## {word('items.sub_items', lang, answer=label)}", ""]
            rows = [[f"`{k}`", f"{v:.0%}"] for k, v in sorted(a["items"].items(),
                                                            key=lambda kv: kv[1])]
            lines += md_table(rows, [word("items.item", lang), word("items.correct_share", lang)])
            lines += [""]
    return "\n".join(lines)


def histogram(ex, analysis: dict, lang: str, path: Path) -> None:
    """Score histograms: one panel per question and one of the total score."""
    from matplotlib.figure import Figure  # no pyplot: no backend, no global figure

    from crmsim import i18n

    before = i18n.get_language()
    i18n.set_language(lang)
    try:
        qids = [q.id for q in ex.questions]
        n = len(qids) + 1
        ncols = min(4, n)
        nrows = math.ceil(n / ncols)
        fig = Figure(figsize=(3.2 * ncols, 2.4 * nrows))
        axes = fig.subplots(nrows, ncols, squeeze=False)
        shares = analysis["shares"]
        for ax, qid in zip(axes.flat, qids, strict=False):
            ax.hist(shares[qid].to_numpy(float), bins=np.linspace(0, 1, 11), color="#4c72b0")
            ax.set_title(qid)
            ax.set_xlabel(word("items.share", lang))
        ax = axes.flat[len(qids)]
        ax.hist(analysis["totals"].to_numpy(float), bins=15, color="#dd8452")
        ax.set_title(word("items.total", lang))
        for ax in axes.flat[n:]:
            ax.axis("off")
        for ax in axes[:, 0]:
            ax.set_ylabel(word("items.students", lang))
        fig.suptitle(word("items.histogram", lang))
        fig.tight_layout()
        fig.savefig(path, dpi=110)
    finally:
        i18n.set_language(before)

"""Copies found: the pairs of submissions whose code or written answer for a question are
alike, for a person to look at. It never changes a grade.

Per question, from each submission's solution cells of that question (locked cells and
cells the student added are left out):

code
    copydetect's tokeniser and winnowing (Schleimer et al., *Winnowing: local algorithms
    for document fingerprinting*, SIGMOD 2003): identifiers become ``V``/``F``, comments
    and layout disappear, k-grams of the filtered code are hashed and winnowed. The
    fingerprints of the released template (the stub, the function's signature) are
    boilerplate and removed, and so are fingerprints found in more than
    :data:`COMMON_COUNT` submissions (as MOSS does: the way most of a class writes a line,
    such as the expected solution of a short task, is no evidence of a copy).
    Similarity is the Dice overlap ``2|A ∩ B| / (|A| + |B|)`` of two fingerprint sets.
written answers
    TF-IDF of word 1-3-grams (scikit-learn; each Chinese character counts as a word),
    fitted on the batch's answers to that question, so phrases everybody uses weigh little,
    and the cosine of two answers: insensitive to the order of sentences, robust to a
    changed word here and there, in English and Chinese.

A pair is reported when its similarity reaches the question kind's threshold
(:data:`CODE_THRESHOLD`, :data:`TEXT_THRESHOLD`). A side with too little of its own
(:data:`MIN_FINGERPRINTS`, :data:`MIN_WORDS`), such as an untouched stub, is never
compared: two untouched stubs are not a copy. ``similarity.csv`` lists the pairs
(``student_a, student_b, question, similarity``); ``similarity.html`` shows each pair side
by side.
"""

from __future__ import annotations

import ast
import csv
import html
import io
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import nbformat

from crmsim.course.answers import word_count
from crmsim.grading.cells import BEGIN, END, cell_meta
from crmsim.grading.exercise import Exercise
from crmsim.grading.release import stub_source
from crmsim.output import write_file
from crmsim.params import Param

#: A pair of code answers at or above this Dice overlap of fingerprints is reported.
CODE_THRESHOLD = Param(0.8, "share", "a copy with renamed variables and new comments or "
                       "layout filters to the same code (1.0); independent solutions of the "
                       "same task measured 0.0-0.5 on the course's exercises (planted batch, "
                       "benchmarks/bench_similarity.py)")
#: A pair of written answers at or above this cosine of TF-IDF vectors is reported.
TEXT_THRESHOLD = Param(0.6, "share", "in the planted batch (benchmarks/bench_similarity.py) "
                       "reordered copies with words changed measured 0.64 and above, "
                       "independent essays built from shared sentence templates at most "
                       "0.59; real independent essays are less alike")
#: k-gram length (characters of filtered code) and winnowing window, copydetect's defaults.
NOISE, GUARANTEE = 25, 30
#: A code answer with fewer fingerprints of its own (beyond the template) is not compared.
MIN_FINGERPRINTS = Param(5, "fingerprints", "about two lines of filtered code: less is the "
                         "stub or a one-liner everybody writes alike", kind="int")
#: A written answer with fewer words is not compared.
MIN_WORDS = Param(20, "words", "the shortest written answer the exercises ask for is 80 "
                  "words; fewer is a stub or a fragment", kind="int")
#: Fingerprints that more than this many submissions have are common code and removed.
COMMON_COUNT = Param(10, "submissions", "MOSS's default (-m 10): a passage in more than 10 "
                     "programs is the way a class writes it, not a copy; a copy is shared by "
                     "a few", kind="int")
COLUMNS = ("student_a", "student_b", "question", "similarity")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass
class Pair:
    student_a: str
    student_b: str
    question: str
    similarity: float
    kind: str  # "code" or "prose" (a written answer)
    text_a: str = ""
    text_b: str = ""


# ---------------------------------------------------------------- what is compared
def _cells_by_question(nb) -> dict[str, list[str]]:
    out = defaultdict(list)
    for c in nb.cells:
        m = cell_meta(c)
        if c.cell_type == "code" and m.get("kind") == "solution" and m.get("question"):
            out[m["question"]].append(c.source)
    return out


def answers_of(ex: Exercise, raw: bytes) -> dict[str, str]:
    """``question id -> the submission's code of that question`` (solution cells joined);
    an unreadable notebook has none."""
    try:
        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
    except Exception:  # noqa: BLE001 - an unreadable notebook has nothing to compare
        return {}
    return {q: "\n".join(src) for q, src in _cells_by_question(nb).items()}


def templates_of(ex: Exercise) -> dict[str, str]:
    """``question id -> the released template of its solution cells`` (both languages)."""
    out = defaultdict(list)
    for lang in ("en", "zh"):
        try:
            nb = ex.source_in(lang)
        except Exception:  # noqa: BLE001 - an exercise without a Chinese notebook
            continue
        for q, srcs in _cells_by_question(nb).items():
            out[q] += [stub_source(s) for s in srcs]
    return {q: "\n".join(v) for q, v in out.items()}


def written_text(source: str) -> str:
    """The text of a written answer: its string literals (the answer), else the code."""
    source = re.sub(rf"^\s*({re.escape(BEGIN)}|{re.escape(END)})\s*$", "", source, flags=re.M)
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    texts = [n.value for n in ast.walk(tree)
             if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return "\n".join(texts) if texts else source


# ---------------------------------------------------------------- code: winnowing
def fingerprints(code: str, boilerplate=()) -> set:
    """Winnowed fingerprints of ``code`` (identifiers, comments and layout ignored), less
    those of ``boilerplate``. The k-grams are hashed with CRC-32, not Python's ``hash``
    (copydetect's, salted per process), so the same batch gives the same pairs every run."""
    import numpy as np
    from copydetect import utils

    filtered, _ = utils.filter_code(code, "answer.py", language="python")
    if len(filtered) < NOISE:
        return set()
    raw = filtered.encode("utf-8")
    hashes = np.array([zlib.crc32(raw[i:i + NOISE]) for i in range(len(raw) - NOISE + 1)],
                      dtype=np.int64)
    picked, _ = utils.winnow(hashes, GUARANTEE - NOISE + 1)
    return {int(h) for h in picked} - set(boilerplate)


def code_pairs(codes: dict[str, str], template: str) -> list[tuple[str, str, float]]:
    """``(a, b, similarity)`` of every pair of students at or above the code threshold."""
    boiler = fingerprints(template) if template.strip() else set()
    prints = {s: fingerprints(c, boiler) for s, c in codes.items()}
    seen = defaultdict(int)
    for fp in prints.values():
        for h in fp:
            seen[h] += 1
    common = {h for h, n in seen.items() if n > COMMON_COUNT.default}
    prints = {s: fp - common for s, fp in prints.items()}
    prints = {s: fp for s, fp in prints.items() if len(fp) >= MIN_FINGERPRINTS.default}
    shared = defaultdict(int)  # (a, b) -> fingerprints in common, via an inverted index
    owners = defaultdict(list)
    for s in sorted(prints):
        for h in prints[s]:
            owners[h].append(s)
    for group in owners.values():
        for a, b in combinations(group, 2):
            shared[a, b] += 1
    out = []
    for (a, b), n in shared.items():
        sim = 2 * n / (len(prints[a]) + len(prints[b]))
        if sim >= CODE_THRESHOLD.default:
            out.append((a, b, sim))
    return out


# ---------------------------------------------------------------- text: TF-IDF
def text_pairs(texts: dict[str, str], template: str = "") -> list[tuple[str, str, float]]:
    """``(a, b, similarity)`` of every pair of written answers at or above the threshold."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    stub = written_text(template).strip()
    kept = {s: t for s, t in texts.items()
            if word_count(t) >= MIN_WORDS.default and t.strip() != stub}
    if len(kept) < 2:
        return []
    ids = sorted(kept)
    vec = TfidfVectorizer(analyzer="word", ngram_range=(1, 3), sublinear_tf=True,
                          lowercase=True, token_pattern=r"(?u)\b\w+\b")
    x = vec.fit_transform([_CJK.sub(r" \g<0> ", kept[s]) for s in ids])
    sims = (x @ x.T).tocoo()
    return [(ids[i], ids[j], float(v)) for i, j, v in zip(sims.row, sims.col, sims.data,
                                                          strict=True)
            if i < j and v >= TEXT_THRESHOLD.default - 1e-9]


# ---------------------------------------------------------------- the batch
def similar_pairs(ex: Exercise, submissions) -> list[Pair]:
    """Every pair of ``submissions`` (objects with ``student_id`` and ``raw``) alike beyond
    the thresholds, question by question, most similar first."""
    code = {s.student_id: answers_of(ex, s.raw) for s in submissions
            if s.raw is not None and not getattr(s, "status", None)}
    templates = templates_of(ex)
    pairs = []
    for q in ex.questions:
        mine = {sid: a[q.id] for sid, a in code.items() if q.id in a}
        if q.manual:
            texts = {sid: written_text(c) for sid, c in mine.items()}
            found, kind, shown = text_pairs(texts, templates.get(q.id, "")), "prose", texts
        else:
            found, kind, shown = code_pairs(mine, templates.get(q.id, "")), "code", mine
        pairs += [Pair(a, b, q.id, round(sim, 3), kind, shown[a], shown[b])
                  for a, b, sim in found]
    return sorted(pairs, key=lambda p: (-p.similarity, p.question, p.student_a, p.student_b))


def similarity_csv(pairs: list[Pair]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for p in pairs:
        w.writerow([p.student_a, p.student_b, p.question, f"{min(p.similarity, 1.0):.3f}"])
    return buf.getvalue()


def similarity_html(ex: Exercise, pairs: list[Pair]) -> str:
    """The report page: each pair's two answers side by side."""
    e = html.escape
    rows = []
    for p in pairs:
        rows.append(
            f"<section><h2>{e(p.question)}: {e(p.student_a)} and {e(p.student_b)} "
            f"({p.kind}, similarity {min(p.similarity, 1.0):.3f})</h2><div class=pair>"
            f"<div><h3>{e(p.student_a)}</h3><pre>{e(p.text_a)}</pre></div>"
            f"<div><h3>{e(p.student_b)}</h3><pre>{e(p.text_b)}</pre></div></div></section>")
    body = "\n".join(rows) or "<p>No pair of submissions is alike beyond the thresholds.</p>"
    return (f"<!doctype html><html lang=en><meta charset=utf-8><title>Similar submissions: "
            f"{e(ex.id)}</title><style>body{{font-family:sans-serif;margin:2em}}"
            ".pair{display:grid;grid-template-columns:1fr 1fr;gap:1em}"
            "pre{background:#f4f4f4;padding:.5em;white-space:pre-wrap;font-size:85%}</style>"
            f"<h1>Similar submissions: {e(ex.id)}</h1><p>{len(pairs)} pairs at or above the "
            f"thresholds (code {CODE_THRESHOLD.default:g}, written {TEXT_THRESHOLD.default:g})"
            ". They are for a person to look at: a similarity is no proof and changes no "
            f"grade.</p>\n{body}\n</html>\n")


def write_similarity(ex: Exercise, submissions, out) -> list[Pair]:
    """Write ``out/similarity.csv`` and ``out/similarity.html``; return the pairs."""
    pairs = similar_pairs(ex, submissions)
    write_file("out", out / "similarity.html", similarity_html(ex, pairs), force=True)
    write_file("out", out / "similarity.csv", similarity_csv(pairs), force=True)
    return pairs

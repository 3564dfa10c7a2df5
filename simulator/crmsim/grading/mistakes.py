"""Naming a student's mistake: is a wrong answer what one of the exercise's known mistakes
gives on that student's data?

Every ``wrong/<mistake>.py`` of an exercise is a known mistake (:mod:`.wrong`). When an
answer fails, the grader runs the instructor's notebook with each mistake that loses that
question (its cells in place of the solution's) on the student's own observable data and
hidden inputs, and compares what it exports with the student's answer. If they are the
same (within the question's tolerances), the feedback names the mistake in the student's
language (its ``FEEDBACK``), never the value. The runs are the instructor's own code on
data the grader made, so they need no sandbox; they run in one child process per student
(without the course secret in its environment), only for the mistakes that can matter.
"""

from __future__ import annotations

import json
import math
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

from crmsim.course import answers as answers_mod
from crmsim.course import assignment
from crmsim.grading.cells import cell_meta
from crmsim.grading.locked import graded_notebook
from crmsim.grading.messages import Bilingual, msg
from crmsim.grading.wrong import WrongSolution, apply_wrong

#: seconds one student's mistake runs may take together before they are given up
MISTAKE_TIMEOUT = 300


def candidates(wrongs: list[WrongSolution], failed: set[str]) -> list[WrongSolution]:
    """The named mistakes that lose one of the ``failed`` question ids."""
    return [w for w in wrongs if w.feedback and set(w.loses) & failed]


def variant_sources(ex, wrong: WrongSolution, export: list[str], failed=None) -> list[str]:
    """The code cells the notebook with ``wrong`` in place of the solution runs, in order
    (hidden tests and the answer export included, as graded). With ``failed`` (question
    ids), only what those answers need: cells of no question (the setup), of the failed
    questions and of the questions before them, less hidden tests and decision runs of other
    questions (what-if simulations take most of a notebook's time)."""
    nb, _ = graded_notebook(ex, apply_wrong(ex.source, wrong), export)
    order = [q.id for q in ex.questions]
    if failed:
        last = max(order.index(q) for q in failed)
        slow = {q.id for q in ex.questions if q.candidates}  # decision questions
    out = []
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        m = cell_meta(c)
        q = m.get("question")
        if failed and q and q not in failed and (
                q not in order or order.index(q) > last or m.get("kind") == "hidden"
                or q in slow):
            continue
        out.append(c.source)
    return out


def run_variants(variants: dict[str, list[str]], bundle: dict,
                 timeout: float = MISTAKE_TIMEOUT) -> dict[str, dict]:
    """``mistake name -> the answers its notebook exports`` on ``bundle``'s data, from one
    child process (a mistake whose run fails gives what it exported before failing)."""
    if not variants:
        return {}
    with tempfile.TemporaryDirectory(prefix="crmsim-mistakes-") as tmp:
        tmp = Path(tmp)
        with open(tmp / "bundle.pkl", "wb") as fh:
            pickle.dump(bundle, fh)
        (tmp / "variants.json").write_text(json.dumps(variants))
        env = {k: v for k, v in os.environ.items() if not k.startswith("CRMSIM_")}
        env.update(MPLBACKEND="Agg", **{assignment.GRADING_DATA_ENV: str(tmp / "bundle.pkl")})
        try:
            subprocess.run([sys.executable, "-m", "crmsim.grading.mistakes", str(tmp)],
                           cwd=tmp, env=env, timeout=timeout, capture_output=True)
        except subprocess.TimeoutExpired:
            pass
        out = {}
        for name in variants:
            path = tmp / f"{name}.answers.json"
            try:
                doc = json.loads(path.read_text())
                out[name] = doc.get("answers", {}) if isinstance(doc, dict) else {}
            except (OSError, ValueError):
                out[name] = {}
        return out


def same(a, b, q) -> bool:
    """Whether two exported answers are the same, numbers within the question's tolerances."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=q.rel_tol, abs_tol=q.abs_tol)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], q) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y, q) for x, y in zip(a, b, strict=True))
    return a == b


def name_mistakes(ex, wrongs, failed: dict, submitted: dict, bundle: dict, export: list[str],
                  timeout: float = MISTAKE_TIMEOUT) -> dict:
    """``answer name -> Bilingual mistake text`` for every failed answer (``failed``: answer
    name -> question) that equals what a known mistake gives on this student's data."""
    wanted = candidates(wrongs, {q.id for q in failed.values()})
    if not wanted:
        return {}
    ids = {q.id for q in failed.values()}
    got = run_variants({w.name: variant_sources(ex, w, export, ids & set(w.loses))
                        for w in wanted}, bundle, timeout)
    named = {}
    for name, q in failed.items():
        for w in wanted:
            if q.id in w.loses and name in got[w.name] and name in submitted \
                    and same(submitted[name], got[w.name][name], q):
                named[name] = Bilingual(w.feedback["en"], w.feedback["zh"])
                break
    return named


def explain(why, mistake):
    """The answer's verdict with the mistake it matches named."""
    return msg("answer.known_mistake", why=why, mistake=mistake)


def _main(folder: str) -> int:
    """In the child process: run each variant's cells in a fresh namespace."""
    import matplotlib

    matplotlib.use("Agg")
    import io
    from contextlib import redirect_stderr, redirect_stdout

    tmp = Path(folder)
    variants = json.loads((tmp / "variants.json").read_text())
    for name, sources in variants.items():
        os.environ[answers_mod.ANSWERS_ENV] = str(tmp / f"{name}.answers.json")
        ns = {"__name__": "__main__"}
        sink = io.StringIO()
        with redirect_stdout(sink), redirect_stderr(sink):
            for i, src in enumerate(sources):
                try:
                    exec(compile(src, f"<{name} cell {i}>", "exec"), ns)  # noqa: S102
                except Exception:  # noqa: BLE001, S110 - a failing cell: go on as nbval does
                    pass
        import matplotlib.pyplot as plt

        plt.close("all")
    return 0


if __name__ == "__main__":  # pragma: no cover - the child process
    sys.exit(_main(sys.argv[1]))

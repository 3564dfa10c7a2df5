"""Similarity of a planted batch: 300 submissions of ex01-lifecycle, PLANTED pairs of them
disguised copies (variables renamed, comments and blank lines added; the essay's sentences
reordered with words changed), the others independent: per cell the instructor's solution,
a known mistake (wrong/) or the untouched stub, with variables renamed, plus (in most cells)
two lines of the student's own exploration, and an essay of their own.

Prints how long finding the pairs takes (and the ratio to reading the 300 notebooks, the
baseline measured in the same run), the planted pairs found per question and every pair
reported that was not planted.

    .venv/bin/python benchmarks/bench_similarity.py [N] [PLANTED]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "grading_fixtures"))
import copies as C  # noqa: E402
import submissions as S  # noqa: E402

from crmsim.grading import load_exercise  # noqa: E402
from crmsim.grading.exercise import apply_wrong, cell_meta, wrong_solutions  # noqa: E402
from crmsim.grading.similarity import write_similarity  # noqa: E402
from crmsim.grading.submissions import read_submissions  # noqa: E402

OPENINGS = ["The ladder narrows most between {a} and {b}.",
            "Most customers are lost on the way from {a} to {b}.",
            "Looking at my counts, the weakest rung is {a} to {b}.",
            "My numbers show the biggest drop after {a}."]
MIDDLES = ["Those customers are still in the {s} stage, where the firm has paid for "
           "acquisition and earned little.",
           "In the {s} stage the firm spends on {x} but the customer has not yet paid it back.",
           "At that rung the firm should use {x} to lead to a second purchase.",
           "Customers in {s} need {x} more than a discount.",
           "Mature customers get a {r} relationship today: nobody looks after them.",
           "The firm should aim for a {t} relationship with its best customers.",
           "Kotler's levels go from basic to partnership; my firm is at the {r} level.",
           "Moving customers up means {x} for the ones who already buy twice."]
CLOSINGS = ["My Q4 plan, {p}, pays because it costs less than the margin it keeps.",
            "I chose {p} in Q4, judged on profit after its cost.",
            "Both parts of the plan ({p}) are justified by the profit they add."]
FILL = {"a": ["first-time buyers", "one order", "the first purchase", "repeat buyers"],
        "b": ["repeat buyers", "a second order", "devoted customers", "advocates"],
        "s": ["development", "growth", "maturity", "decline"],
        "x": ["personal contact", "account managers", "tailored offers", "quick service",
              "a welcome call", "loyalty points"],
        "r": ["basic", "reactive", "transactional"],
        "t": ["proactive", "accountable", "partnership"],
        "p": ["VIP tiering", "win-back", "the loyalty programme", "VIP tiering and win-back"]}


SHAPES = ['_seen_{i} = tx["amount"].quantile({f})',
          "print(len(events), {n})",
          "_top_{i} = customers.head({n}).shape",
          "for _k in range({n}):\n    pass",
          '_share_{i} = round(tx["amount"].mean() * {f}, {d})',
          "assert len(tx) > {n}",
          "_days_{i} = pd.Timedelta(days={n})",
          '_w = events[events["kind"] == "stage_change"].sample({n}, random_state={d})']


def own_lines(rng: random.Random) -> str:
    """A student's own exploration in a cell: two statements with their own numbers."""
    return "\n".join(rng.choice(SHAPES).format(i=rng.randint(0, 99), n=rng.randint(2, 500),
                                                f=round(rng.random(), 3), d=rng.randint(1, 9))
                     for _ in range(2))


def essay(rng: random.Random) -> str:
    def fill(t):
        return t.format(**{k: rng.choice(v) for k, v in FILL.items()})
    parts = [fill(rng.choice(OPENINGS))] + [fill(m) for m in rng.sample(MIDDLES, 5)]
    parts += [fill(rng.choice(CLOSINGS)), f"In my market {rng.randint(100, 400)} customers "
              f"bought once and {rng.randint(20, 99)} bought again."]
    return " ".join(parts)


def build(ex, folder: Path, n: int, planted: int, seed: int = 7) -> tuple[set, set]:
    """Write ``n`` submissions; return the planted pairs ``(original, copy)`` and the
    ``(student, cell)`` whose code has lines of the student's own."""
    rng = random.Random(seed)
    wrongs = wrong_solutions(ex)
    cells = [cell_meta(c)["cell"] for c in ex.cells("solution")]
    stub = S.stub(ex, "x")
    made, own = {}, set()
    for i in range(n - planted):
        sid = f"s{i:03d}"
        nb = S.solved(ex, sid)
        for cell in cells:
            pick = rng.random()
            if pick < 0.25:
                nb = S.replace(nb, cell, next(c.source for c in stub.cells
                                              if cell_meta(c).get("cell") == cell))
            elif pick < 0.5:
                options = [w for w in wrongs if cell in w.cells]
                if options:
                    nb = apply_wrong(nb, rng.choice(options))
            src = next(c.source for c in nb.cells if cell_meta(c).get("cell") == cell)
            if cell != "q5-answer":
                keep = [a for q in ex.questions for a in q.answers]
                src = C.disguise_code(src, rng.randint(0, 10**6), keep)
                if "BEGIN" in src or rng.random() < 0.5:
                    src += "\n" + own_lines(rng)
                    own.add((sid, cell))
                nb = S.replace(nb, cell, src)
        nb = S.replace(nb, "q5-answer", f'ladder_essay = """{essay(rng)}"""')
        made[sid] = nb
    pairs = set()
    originals = rng.sample(sorted(made), planted)
    for j, orig in enumerate(originals):
        sid = f"c{j:03d}"
        nb = S.with_id(made[orig], sid)
        for cell in cells:
            src = next(c.source for c in nb.cells if cell_meta(c).get("cell") == cell)
            if cell == "q5-answer":
                body = src.split('"""')[1]
                nb = S.replace(nb, cell, f'ladder_essay = """{C.reorder_text(body, j)}"""')
            else:
                keep = [a for q in ex.questions for a in q.answers]
                nb = S.replace(nb, cell, C.disguise_code(src, 1000 + j, keep))
        made[sid] = nb
        pairs.add(tuple(sorted((orig, sid))))
    for sid, nb in made.items():
        S.write(nb, folder / f"{sid}.ipynb")
    return pairs, own


def main(n: int = 300, planted: int = 15) -> None:
    import nbformat

    ex = load_exercise("ex01-lifecycle", S.EXERCISES)
    with tempfile.TemporaryDirectory() as tmp:
        subs, out = Path(tmp) / "subs", Path(tmp) / "out"
        out.mkdir()
        planted_pairs, own = build(ex, subs, n, planted)
        t0 = time.perf_counter()
        batch = read_submissions(subs, ex.id)
        for s in batch:
            nbformat.reads(s.raw.decode("utf-8"), as_version=4)
        base = time.perf_counter() - t0
        t0 = time.perf_counter()
        pairs = write_similarity(ex, batch, out)
        took = time.perf_counter() - t0
        rows = (out / "similarity.csv").read_text().splitlines()
    found = Counter(p.question for p in pairs if (p.student_a, p.student_b) in planted_pairs)
    other = [p for p in pairs if (p.student_a, p.student_b) not in planted_pairs]
    print(f"submissions: {len(batch)} (planted copy pairs: {len(planted_pairs)})")
    print(f"baseline (read and parse the notebooks): {base:.2f} s")
    print(f"similarity (all questions, csv + html):  {took:.2f} s  "
          f"(ratio to baseline {took / base:.1f}x)")
    print(f"pairs reported: {len(pairs)} (similarity.csv rows: {len(rows) - 1})")
    cell = {cell_meta(c)["question"]: cell_meta(c)["cell"] for c in ex.cells("solution")}
    for q in ex.questions:
        mine = len(planted_pairs) if q.manual else sum(
            1 for a, b in planted_pairs if (a if a.startswith("s") else b, cell[q.id]) in own)
        print(f"  {q.id} ({'prose' if q.manual else 'code'}): planted pairs found "
              f"{found[q.id]}/{len(planted_pairs)} ({mine} of them copy code of the "
              "student's own; the others copied only the common solution or a stub)")
    print(f"reported pairs that were not planted: {len(other)}")
    for p in other[:20]:
        print(f"  {p.student_a} {p.student_b} {p.question} {p.kind} {p.similarity:.3f}")
    print("lowest planted similarity per question:")
    for q in ex.questions:
        sims = [p.similarity for p in pairs if p.question == q.id
                and (p.student_a, p.student_b) in planted_pairs]
        print(f"  {q.id}: {min(sims):.3f}" if sims else f"  {q.id}: -")


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:3]])

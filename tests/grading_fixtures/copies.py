"""Disguised copies, as a student who copies makes them: variables renamed, comments and
blank lines added, a written answer's sentences reordered with a few words changed."""

from __future__ import annotations

import ast
import random
import re

from crmsim.grading.cells import BEGIN, END

SYNONYMS = {"customers": "clients", "firm": "company", "most": "the most", "should": "must",
            "buy": "purchase", "keep": "retain", "the": "this"}


def _names(code: str) -> set[str]:
    """Names the code binds: variables it assigns and the parameters of its functions."""
    body = re.sub(rf"^\s*({re.escape(BEGIN)}|{re.escape(END)})\s*$", "", code, flags=re.M)
    try:
        tree = ast.parse(body)
    except SyntaxError:
        return set()
    out = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
           and isinstance(n.ctx, ast.Store)}
    out |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
            for a in n.args.args}
    return out


def disguise_code(code: str, seed: int = 0, keep=()) -> str:
    """``code`` with its variables renamed (not those in ``keep``: the answer names the
    grader reads), a comment on some lines and blank lines between some."""
    rng = random.Random(seed)
    for name in sorted(_names(code) - set(keep), key=len, reverse=True):
        code = re.sub(rf"\b{re.escape(name)}\b", f"my_{name}_{rng.randint(10, 99)}", code)
    out = []
    for line in code.splitlines():
        if line.strip() and not line.strip().startswith("#") and rng.random() < 0.4 \
                and not line.rstrip().endswith(("\\", ",", "(", "[", "{", '"""')):
            line += "  # step"
        out.append(line)
        if rng.random() < 0.2 and not line.rstrip().endswith(("\\", ",", "(", "[", "{")):
            out.append("")
    return "\n".join(out)


def reorder_text(text: str, seed: int = 0, edits: int = 3) -> str:
    """``text`` with its sentences shuffled and ``edits`` words replaced by synonyms."""
    rng = random.Random(seed)
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    rng.shuffle(sentences)
    words = " ".join(sentences).split(" ")
    spots = [i for i, w in enumerate(words) if w.lower() in SYNONYMS]
    for i in rng.sample(spots, min(edits, len(spots))):
        words[i] = SYNONYMS[words[i].lower()]
    return " ".join(words)

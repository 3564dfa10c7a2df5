"""Decision questions of the graded exercises: the student's market and the rules of a choice.

A decision is ``{"strategies": [...]}`` (and, for customer development, ``contact_share``):
strategy entries as :func:`crmsim.simulate` accepts them, ``"name"`` or
``"name:target=<rule>"``. The grader simulates it on the student's own market (the data
seed, a larger population and two years: retention pays back slowly) with common random
numbers, so two decisions differ only by what they change. Used by the
exercises' ``solution.py`` files (``from crmsim.grading import decisions``), never by
students' notebooks.
"""

from __future__ import annotations

from crmsim.comparison import run_metrics
from crmsim.errors import CrmsimError
from crmsim.sim.strategies import resolve

#: The market a decision is tried on: the student's seed, 2,000 people, two years
#: (about 0.2-0.5 s per run on one core).
MARKET = {"scenario": "retail", "customers": 2000, "years": 2.0}


def profit(data, decision: dict) -> float:
    """Profit of the student's market over two years under ``decision``."""
    over = {"acquisition": {"contact_share": float(decision["contact_share"])}} \
        if "contact_share" in decision else None
    return run_metrics(MARKET["scenario"], list(decision.get("strategies", [])), data.seed,
                       customers=MARKET["customers"], years=MARKET["years"],
                       overrides=over)["profit"]


def problem(decision, *, menu, max_strategies: int, target_attrs=None,
            max_contact_share: float | None = None) -> str | None:
    """Why ``decision`` is not allowed (one phrase), or ``None``.

    ``menu``: strategy names allowed; ``max_strategies``: the budget in strategies;
    ``target_attrs``: attributes a ``target`` rule may use (None: no target allowed);
    ``max_contact_share``: when given, the decision also sets ``contact_share`` (share of
    prospects the campaigns reach) from 0 to this.
    """
    keys = ("strategies",) if max_contact_share is None else ("strategies", "contact_share")
    if not isinstance(decision, dict) or not set(decision) <= set(keys) \
            or "strategies" not in decision:
        return f"expected a dict with the keys {', '.join(keys)}"
    chosen = decision["strategies"]
    if not isinstance(chosen, list) or not all(isinstance(s, str) for s in chosen):
        return "strategies: expected a list of texts such as 'win_back:target=stage=decline'"
    if len(chosen) > max_strategies:
        return f"{len(chosen)} strategies chosen; the budget allows at most {max_strategies}"
    for entry in chosen:
        name, _, rest = entry.partition(":")
        if name.strip() not in menu:
            return f"{name.strip()!r} is not on the menu ({', '.join(menu)})"
        if rest:
            key, _, rule = rest.partition("=")
            if key.strip() != "target" or "," in rule:
                return f"{entry!r}: only a target may be set, e.g. {name}:target=tier=A|B"
            attrs = {part.split("=")[0].split(">")[0].split("<")[0].strip()
                     for part in rule.split("&")}
            if target_attrs is None or not attrs <= set(target_attrs):
                allowed = ", ".join(target_attrs or ()) or "none"
                return f"{entry!r}: targets may use only {allowed}"
    try:
        resolve(chosen)
    except CrmsimError as exc:
        return str(exc)
    if max_contact_share is not None:
        share = decision.get("contact_share")
        if not isinstance(share, (int, float)) or isinstance(share, bool) \
                or not 0 <= share <= max_contact_share:
            return (f"contact_share: expected a number from 0 to {max_contact_share:g} "
                    "(the campaign budget)")
    return None

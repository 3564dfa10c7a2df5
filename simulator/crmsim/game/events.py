"""Market events the instructor schedules for a round, applied to every team's market alike.

An event is ``{"round": r, "kind": k, ...params}``. It changes the decisions each team's
market runs with in round ``r`` (the teams' own stored decisions stay as they submitted
them), so every team meets the same shock on common random numbers:

=======================  =================================================================
``service_outage``       the call centre runs with ``capacity`` (default 0.25) of the seats
                         the team staffed (a system failure; idle seats cost nothing)
``competitor_campaign``  a competitor's acquisition campaign answers ``share`` (default 0.5)
                         of the prospects first: that share of every acquisition budget is
                         spent without reaching anyone (booked as ``event_cost``)
``price_war``            the competitor cuts prices: every team must give at least
                         ``discount`` (default 0.10) off list price this round
=======================  =================================================================
"""

from __future__ import annotations

import math

from crmsim.errors import check_whole, invalid
from crmsim.params import Param
from crmsim.rounds import MAX_DISCOUNT

#: kind -> (its parameters, one-line description)
KINDS: dict[str, tuple[dict[str, Param], str]] = {
    "service_outage": ({"capacity": Param(0.25, "share of seats", "share of the staffed "
                                          "seats that still work during the outage", lo=0,
                                          hi=1)},
                       "the call centre runs with a share of its seats"),
    "competitor_campaign": ({"share": Param(0.5, "share of prospects", "share of the "
                                            "prospects the competitor answers first: that "
                                            "share of every acquisition budget is wasted",
                                            lo=0, hi=1)},
                            "a competitor answers a share of your prospects first; that "
                            "share of the acquisition budget is wasted"),
    "price_war": ({"discount": Param(0.10, "share of list price", "smallest discount every "
                                     "team must give in the price war", lo=0,
                                     hi=MAX_DISCOUNT)},
                  "a competitor's price cut forces a minimum discount"),
}


def check_event(event, rounds: int) -> dict:
    """Return a complete, checked event dict or raise a one-line error."""
    if not isinstance(event, dict) or "kind" not in event or "round" not in event:
        raise invalid("events", event, "a dict {round: r, kind: k, ...}")
    kind = event["kind"]
    if kind not in KINDS:
        raise invalid("events.kind", kind, "one of " + ", ".join(KINDS))
    params, _ = KINDS[kind]
    extra = sorted(set(event) - {"round", "kind"} - set(params))
    if extra:
        raise invalid(f"events.{kind}", extra[0], "parameters " + ", ".join(params))
    out = {"round": check_whole("events.round", event["round"], 1, rounds), "kind": kind}
    for name, p in params.items():
        out[name] = p.check(f"events.{kind}.{name}", event.get(name, p.default))
    return out


def describe(event: dict) -> str:
    """One line for the teams' page: what happens in the round."""
    params = ", ".join(f"{k}={v:g}" for k, v in event.items() if k not in ("round", "kind"))
    return f"round {event['round']}: {event['kind']} ({params}): {KINDS[event['kind']][1]}"


def apply(decisions: dict, events: list, round_no: int) -> tuple[dict, float]:
    """The decisions a market runs with in ``round_no`` after the round's events, and the
    money the events waste (``event_cost``, booked outside the market's ledger)."""
    out = dict(decisions)
    wasted = 0.0
    for ev in events:
        if ev["round"] != round_no:
            continue
        if ev["kind"] == "service_outage":
            out["seats"] = int(math.floor(out["seats"] * ev["capacity"]))
        elif ev["kind"] == "competitor_campaign":
            acq = out.get("acquisition") or {}
            wasted += sum(acq.values()) * ev["share"]
            out["acquisition"] = {c: b * (1 - ev["share"]) for c, b in acq.items()}
        elif ev["kind"] == "price_war":
            out["discount"] = max(out.get("discount") or 0.0, ev["discount"])
    return out, wasted

"""Game settings and the rules a team's decisions must follow (ranges, budget).

A game's settings are a plain dict (stored as JSON); :func:`check_settings` fills in the
defaults below and refuses anything else with a one-line message. :func:`check_submission`
checks one team's decisions for one round against the settings and the team's cash; a
rejected submission raises :class:`~crmsim.errors.CrmsimError` and changes nothing.

Budget rule: a team starts with ``starting_budget`` of cash; its cash before a round is
the starting budget plus its cumulative profit so far (market profit minus reports bought).
What a round commits up front - the acquisition budget of every channel plus the price of
the reports bought - must not exceed that cash. Strategy, service and discount costs are
paid out of sales as they happen (they show in profit, not in the up-front budget).
"""

from __future__ import annotations

import copy
import math

from crmsim.errors import CrmsimError, check_range, check_whole, invalid

#: how teams share the market (see crmsim.game.play)
MARKETS = ("copies", "shared")

#: decisions a team can take each round (the engine's keys plus ``reports``)
DECISIONS = ("acquisition", "strategies", "seats", "discount", "reports")

#: default settings: each is a named game parameter (unit, rationale in the comment)
DEFAULTS = {
    "name": "CRM game",
    "scenario": "retail",          # built-in scenario or scenario file
    "seed": 7,                     # every team plays the same market: same seed (fair test)
    "market": "copies",            # "copies": each team its own copy of the market;
                                   # "shared": teams compete for the same prospects
    "customers": 5000,             # people in each team's market
    "rounds": 4,                   # rounds (decision periods)
    "round_days": 91.0,            # days per round: a quarter, as in Customer Centricity
    "starting_budget": 20000.0,    # currency: cash a team may commit in round 1
    "decisions": list(DECISIONS),  # which decisions the teams may take
    "strategies": None,            # strategy names allowed (None = every strategy)
    "reports": None,               # report names on sale (None = every report)
    "report_prices": {},           # {report: price} replacing a report's default price
    "events": [],                  # [{"round": r, "kind": k, ...params}], see game.events
    "discount_rate": 0.10,         # per year, to discount future margins (customer equity)
    "equity_rounds": 8,            # rounds of future margin counted in customer equity
    "max_seats": 60,               # most call-centre seats a team may staff
    "max_discount": 0.5,           # largest price discount (share of list price)
    "overrides": {},               # {section: {param: value}} changes to the scenario
}


def _names(param, value, allowed) -> list:
    if value is None:
        return list(allowed)
    if not isinstance(value, list | tuple) or any(v not in allowed for v in value):
        raise invalid(param, value, "a list of names from " + ", ".join(allowed))
    return list(dict.fromkeys(value))


def check_settings(settings: dict | None) -> dict:
    """Return complete, checked game settings (defaults filled in)."""
    from crmsim.game import events, reports
    from crmsim.sim import scenarios
    from crmsim.sim.strategies import REGISTRY

    settings = dict(settings or {})
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise invalid("settings", unknown[0], "one of " + ", ".join(DEFAULTS))
    out = copy.deepcopy(DEFAULTS)
    out.update(copy.deepcopy(settings))
    if not isinstance(out["name"], str) or not 0 < len(out["name"].strip()) <= 80:
        raise invalid("name", out["name"], "a game name of 1 to 80 characters")
    out["seed"] = check_whole("seed", out["seed"], 0, 2**63 - 1)
    if out["market"] not in MARKETS:
        raise invalid("market", out["market"], "'copies' (each team its own copy of the "
                      "market) or 'shared' (teams compete for the same prospects)")
    out["customers"] = check_whole("customers", out["customers"], 100, 1_000_000)
    out["rounds"] = check_whole("rounds", out["rounds"], 1, 40)
    out["round_days"] = float(check_range("round_days", out["round_days"], 7, 366))
    out["starting_budget"] = float(check_range("starting_budget", out["starting_budget"], 0,
                                               1e9))
    out["discount_rate"] = float(check_range("discount_rate", out["discount_rate"], 0, 1))
    out["equity_rounds"] = check_whole("equity_rounds", out["equity_rounds"], 0, 200)
    out["max_seats"] = check_whole("max_seats", out["max_seats"], 0, 10_000)
    out["max_discount"] = float(check_range("max_discount", out["max_discount"], 0, 0.5))
    out["decisions"] = _names("decisions", out["decisions"], DECISIONS)
    out["strategies"] = _names("strategies", out["strategies"],
                               [s for s in REGISTRY if s != "none"])
    out["reports"] = _names("reports", out["reports"], list(reports.CATALOGUE))
    prices = out["report_prices"]
    if not isinstance(prices, dict):
        raise invalid("report_prices", prices, "a dict {report: price}")
    for name, price in prices.items():
        if name not in reports.CATALOGUE:
            raise invalid("report_prices", name, "report names from "
                          + ", ".join(reports.CATALOGUE))
        prices[name] = float(check_range(f"report_prices.{name}", price, 0, 1e9))
    out["events"] = [events.check_event(e, out["rounds"]) for e in out["events"] or []]
    if not isinstance(out["overrides"], dict):
        raise invalid("overrides", out["overrides"], "a dict {section: {param: value}}")
    try:  # the scenario and its overrides must load now, not when round 1 closes
        scenarios.load(out["scenario"]).with_overrides(out["overrides"] or None)
    except CrmsimError:
        raise
    return out


def report_price(settings: dict, name: str) -> float:
    """What report ``name`` costs in this game."""
    from crmsim.game.reports import CATALOGUE

    return float(settings["report_prices"].get(name, CATALOGUE[name].price))


def upfront_cost(decisions: dict, settings: dict) -> float:
    """Money a round's decisions commit up front: acquisition budgets plus reports bought."""
    acq = sum((decisions.get("acquisition") or {}).values())
    return float(acq + sum(report_price(settings, r) for r in decisions.get("reports") or []))


def check_submission(decisions, settings: dict, *, cash: float) -> dict:
    """Return the checked decisions of one round, or raise a one-line error naming the field.

    ``decisions`` is a dict with any of :data:`DECISIONS`; a decision the game does not
    allow, a value out of range or a total above ``cash`` is refused.
    """
    from crmsim import rounds

    if not isinstance(decisions, dict):
        raise invalid("decisions", decisions, "a dict of decisions")
    unknown = [k for k in decisions if k not in DECISIONS]
    if unknown:
        raise invalid("decisions", unknown[0], "one of " + ", ".join(DECISIONS))
    barred = [k for k in decisions if k not in settings["decisions"]]
    if barred:
        raise invalid(barred[0], decisions[barred[0]], "nothing: this game does not allow "
                      f"the decision {barred[0]!r} (allowed: "
                      + ", ".join(settings["decisions"]) + ")")
    engine = {k: v for k, v in decisions.items() if k != "reports"}
    if "seats" in engine:
        check_whole("seats", engine["seats"], 0, settings["max_seats"])
    if "discount" in engine:
        check_range("discount", engine["discount"], 0, settings["max_discount"])
    for item in engine.get("strategies") or []:
        for name in ([item] if isinstance(item, str) else list(item) if isinstance(item, dict)
                     else [item]):
            base = name.split(":")[0] if isinstance(name, str) else name
            if base not in settings["strategies"]:
                raise invalid("strategies", name, "strategies this game allows: "
                              + ", ".join(settings["strategies"]))
    from crmsim.sim import scenarios

    sc = scenarios.load(settings["scenario"]).with_overrides(settings["overrides"] or None)
    out = rounds.check_decisions(engine, sc)
    reports = decisions.get("reports") or []
    if not isinstance(reports, list | tuple) or any(r not in settings["reports"]
                                                     for r in reports):
        raise invalid("reports", reports, "a list of reports on sale: "
                      + ", ".join(settings["reports"]))
    out["reports"] = sorted(set(reports))
    cost = upfront_cost(out, settings)
    if not math.isfinite(cost) or cost > max(cash, 0.0) + 1e-9:
        raise invalid("budget", round(cost, 2), f"at most the cash available, {cash:,.2f} "
                      "(acquisition budgets plus reports bought)")
    return out

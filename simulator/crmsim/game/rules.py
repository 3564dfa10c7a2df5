"""Game settings and the rules a team's decisions must follow (ranges, budget).

A game's settings are a plain dict (stored as JSON); each is a documented
:class:`~crmsim.params.Param` of :data:`SETTINGS` (listed in ``simulator/PARAMETERS.md``),
and :func:`check_settings` fills in their defaults and refuses anything else with a
one-line message. :func:`check_submission`
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

from crmsim import rounds
from crmsim.errors import check_range, check_whole, invalid
from crmsim.game import events, reports
from crmsim.params import Param
from crmsim.sim import scenarios
from crmsim.sim.strategies import REGISTRY

#: largest seed of a game: a signed 64-bit integer, as games have always allowed (a
#: simulation's seed may go up to crmsim.sim.crn.MAX_SEED)
MAX_GAME_SEED = 2**63 - 1

#: longest game name, in characters
MAX_GAME_NAME = 80

#: how teams share the market (see crmsim.game.play)
MARKETS = ("copies", "shared")

#: decisions a team can take each round: the market's (crmsim.rounds) plus ``reports``
TEAM_DECISIONS = (*rounds.ROUND_DECISIONS, "reports")


def _game_name(name: str, value) -> str:
    if not isinstance(value, str) or not 0 < len(value.strip()) <= MAX_GAME_NAME:
        raise invalid(name, value, f"a game name of 1 to {MAX_GAME_NAME} characters")
    return value


def _events(name: str, value) -> list:
    """A list of event dicts; each is checked against the rounds by :func:`check_settings`."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        raise invalid(name, value, "a list of events [{round: r, kind: k, ...}]")
    return list(value)


def _overrides(name: str, value) -> dict:
    """Scenario changes; :func:`check_settings` loads the scenario with them."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid(name, value, "a dict {section: {param: value}}")
    return value


#: every game setting with its default, unit and rationale (``crmsim game create --settings``)
SETTINGS: dict[str, Param] = {
    "name": Param("CRM game", "-", "the game's name on the teams' and the instructor's pages "
                  f"(1 to {MAX_GAME_NAME} characters)", kind="str", convert=_game_name),
    "scenario": Param("retail", "-", "the market every team plays: a built-in scenario "
                      "(" + ", ".join(scenarios.builtin_names()) + ") or a scenario file",
                      kind="str"),
    "seed": Param(7, "-", "random seed of the market; every team plays the same seed, so "
                  "teams meet the same customers (a fair test)", lo=0, hi=MAX_GAME_SEED,
                  kind="whole"),
    "market": Param("copies", "-", "copies: each team plays its own copy of the market; "
                    "shared: the teams compete for the same prospects", kind="str",
                    choices=MARKETS, allowed="'copies' (each team its own copy of the market) "
                    "or 'shared' (teams compete for the same prospects)"),
    "customers": Param(5000, "people", "people in each team's market", lo=100, hi=1_000_000,
                       kind="whole"),
    "rounds": Param(4, "rounds", "decision periods of the game", lo=1, hi=40, kind="whole"),
    "round_days": Param(91.0, "days", "length of a round: a quarter, as in Customer "
                        "Centricity", lo=7, hi=366),
    "starting_budget": Param(20000.0, "currency", "cash a team may commit in round 1; later "
                             "its cash grows or shrinks with its profit", lo=0, hi=1e9),
    "decisions": Param(list(TEAM_DECISIONS), "names", "which decisions the teams may take "
                       "(None = all)", kind="names", choices=TEAM_DECISIONS),
    "strategies": Param(None, "names", "strategies the teams may run (None = every strategy)",
                        kind="names", choices=tuple(s for s in REGISTRY if s != "none")),
    "reports": Param(None, "names", "reports on sale (None = every report)", kind="names",
                     choices=tuple(reports.REPORTS)),
    "report_prices": Param({}, "currency", "{report: price} replacing a report's default "
                           "price (crmsim.game.reports)", lo=0, hi=1e9, kind="mapping",
                           choices=tuple(reports.REPORTS), allowed="a dict {report: price}"),
    "events": Param([], "-", "market events [{round: r, kind: k, ...params}] the instructor "
                    "schedules for every team alike (crmsim.game.events)", kind="events",
                    convert=_events),
    "discount_rate": Param(0.10, "per year", "discounts future margins in customer equity",
                           lo=0, hi=1),
    "equity_rounds": Param(8, "rounds", "rounds of future margin counted in customer equity",
                           lo=0, hi=200, kind="whole"),
    "max_seats": Param(60, "seats", "most call-centre seats a team may staff", lo=0,
                       hi=rounds.MAX_SEATS, kind="whole"),
    "max_discount": Param(rounds.MAX_DISCOUNT, "share of list price", "largest price discount "
                          "a team may give; at most the market's own cap", lo=0,
                          hi=rounds.MAX_DISCOUNT),
    "overrides": Param({}, "-", "{section: {param: value}} changes to the scenario (see "
                       "simulator/PARAMETERS.md)", kind="overrides", convert=_overrides),
}

def explain() -> list[dict]:
    """Rows ``name, default, unit, doc``: every setting, then each event kind's parameters
    (``events.<kind>.<param>``), for ``simulator/PARAMETERS.md``."""
    rows = [{"name": k, "default": p.default, "unit": p.unit, "doc": p.doc}
            for k, p in SETTINGS.items()]
    for kind, (params, _) in events.KINDS.items():
        rows += [{"name": f"events.{kind}.{k}", "default": p.default, "unit": p.unit,
                  "doc": p.doc} for k, p in params.items()]
    return rows


def check_settings(settings: dict | None) -> dict:
    """Return complete, checked game settings (defaults filled in)."""
    settings = dict(settings or {})
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise invalid("settings", unknown[0], "one of " + ", ".join(SETTINGS))
    out = {k: p.check(k, copy.deepcopy(settings.get(k, p.default))) for k, p in
           SETTINGS.items()}
    out["events"] = [events.check_event(e, out["rounds"]) for e in out["events"]]
    # the scenario and its overrides must load now, not when round 1 closes
    scenarios.load(out["scenario"]).with_overrides(out["overrides"] or None)
    return out


def market_decisions(decisions: dict) -> dict:
    """The decisions the market runs with (:func:`crmsim.rounds.advance`): all but ``reports``."""
    return {k: v for k, v in decisions.items() if k != "reports"}


def report_price(settings: dict, name: str) -> float:
    """What report ``name`` costs in this game."""
    return float(settings["report_prices"].get(name, reports.REPORTS[name].price))


def upfront_cost(decisions: dict, settings: dict) -> float:
    """Money a round's decisions commit up front: acquisition budgets plus reports bought."""
    acq = sum((decisions.get("acquisition") or {}).values())
    return float(acq + sum(report_price(settings, r) for r in decisions.get("reports") or []))


def check_submission(decisions, settings: dict, *, cash: float) -> dict:
    """Return the checked decisions of one round, or raise a one-line error naming the field.

    ``decisions`` is a dict with any of :data:`TEAM_DECISIONS`; a decision the game does not
    allow, a value out of range or a total above ``cash`` is refused.
    """
    if not isinstance(decisions, dict):
        raise invalid("decisions", decisions, "a dict of decisions")
    unknown = [k for k in decisions if k not in TEAM_DECISIONS]
    if unknown:
        raise invalid("decisions", unknown[0], "one of " + ", ".join(TEAM_DECISIONS))
    barred = [k for k in decisions if k not in settings["decisions"]]
    if barred:
        raise invalid(barred[0], decisions[barred[0]], "nothing: this game does not allow "
                      f"the decision {barred[0]!r} (allowed: "
                      + ", ".join(settings["decisions"]) + ")")
    market = market_decisions(decisions)
    if "seats" in market:
        check_whole("seats", market["seats"], 0, settings["max_seats"])
    if "discount" in market:
        check_range("discount", market["discount"], 0, settings["max_discount"])
    for item in market.get("strategies") or []:
        for name in ([item] if isinstance(item, str) else list(item) if isinstance(item, dict)
                     else [item]):
            base = name.split(":")[0] if isinstance(name, str) else name
            if base not in settings["strategies"]:
                raise invalid("strategies", name, "strategies this game allows: "
                              + ", ".join(settings["strategies"]))
    sc = scenarios.load(settings["scenario"]).with_overrides(settings["overrides"] or None)
    out = rounds.check_decisions(market, sc)
    bought = decisions.get("reports") or []
    if not isinstance(bought, list | tuple) or any(r not in settings["reports"]
                                                    for r in bought):
        raise invalid("reports", bought, "a list of reports on sale: "
                      + ", ".join(settings["reports"]))
    out["reports"] = sorted(set(bought))
    cost = upfront_cost(out, settings)
    if not math.isfinite(cost) or cost > max(cash, 0.0) + 1e-9:
        raise invalid("budget", round(cost, 2), f"at most the cash available, {cash:,.2f} "
                      "(acquisition budgets plus reports bought)")
    return out

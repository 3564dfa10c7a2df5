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
import functools
import json
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


@functools.lru_cache(maxsize=64)
def _scenario(name: str, overrides: str):
    return scenarios.load(name).with_overrides(json.loads(overrides) or None)


def scenario_of(settings: dict):
    """The scenario of a game's settings, with its overrides. Built once per process and
    game settings (every submission checks against it; a build takes about as long as the
    rest of a submission); read it, never change it."""
    return _scenario(settings["scenario"], json.dumps(settings["overrides"] or {},
                                                       sort_keys=True))


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


class _Short:
    """A value shown in an error by at most :data:`SHOWN` characters of its repr (a 5,000
    digit number or a page of text stays a one-line message)."""

    def __init__(self, value):
        self.text = repr(value) if not isinstance(value, int) or abs(value) < 10**40 else \
            f"<a whole number of {len(str(abs(value)))} digits>"
        if len(self.text) > SHOWN:
            self.text = self.text[:SHOWN - 3] + "..."

    def __repr__(self):
        return self.text


#: most characters of a refused value an error message shows
SHOWN = 60
#: largest magnitude of a number in a decision (far above any budget or parameter; a
#: bigger one is refused before any arithmetic can overflow)
MAX_DECISION_NUMBER = 1e15
#: longest name or text in a decision (strategy, report, channel, target, parameter)
MAX_DECISION_TEXT = 200


def _bad(param: str, value, allowed: str):
    return invalid(param, _Short(value), allowed)


def _is_number(x) -> bool:
    """A real number that float arithmetic can use: not a bool, not text, finite, at most
    :data:`MAX_DECISION_NUMBER` in size."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return False
    return abs(x) <= MAX_DECISION_NUMBER and (isinstance(x, int) or math.isfinite(x))


def _is_text(x) -> bool:
    return isinstance(x, str) and 0 < len(x) <= MAX_DECISION_TEXT


def _check_params(name: str, params) -> None:
    if params is None:
        return
    if not isinstance(params, dict):
        raise _bad(f"strategies.{name}", params, "a dict {parameter: number, target: text}")
    for key, value in params.items():
        if not _is_text(key):
            raise _bad(f"strategies.{name}", key, "parameter names")
        if key == "target":
            if value is not None and not (isinstance(value, str)
                                          and len(value) <= MAX_DECISION_TEXT):
                raise _bad(f"{name}.target", value, "a target as text, e.g. tier=A|B")
        elif not (_is_number(value) or _is_text(value)):
            raise _bad(f"{name}.{key}", value, "a finite number (or a named value)")


def check_shape(decisions) -> None:
    """Refuse, with a one-line error, decisions not shaped like JSON decisions: a dict of
    known decisions; budgets and numbers real and finite (not text, not booleans, not
    :data:`MAX_DECISION_NUMBER` or more); strategies a list of names or ``{name: {param:
    value}}``; reports a list of names. What the values may be is checked afterwards."""
    if not isinstance(decisions, dict):
        raise _bad("decisions", decisions, "a dict {decision: value} (a JSON object)")
    for key in decisions:
        if key not in TEAM_DECISIONS:
            raise _bad("decisions", key, "one of " + ", ".join(TEAM_DECISIONS))
    acq = decisions.get("acquisition")
    if acq is not None:
        if not isinstance(acq, dict):
            raise _bad("acquisition", acq, "a dict {channel: budget}")
        for channel, budget in acq.items():
            if not _is_text(channel):
                raise _bad("acquisition", channel, "channel names")
            if not _is_number(budget):
                raise _bad(f"acquisition.{channel}", budget, "a budget (a finite number)")
    if "seats" in decisions and not (_is_number(decisions["seats"])
                                     and isinstance(decisions["seats"], int)):
        raise _bad("seats", decisions["seats"], "a whole number of call-centre seats")
    if "discount" in decisions and not _is_number(decisions["discount"]):
        raise _bad("discount", decisions["discount"], "a share of list price (a number)")
    for key in ("strategies", "reports"):
        items = decisions.get(key)
        if items is not None and not isinstance(items, list | tuple):
            raise _bad(key, items, f"a list of {key}")
    for item in decisions.get("strategies") or []:
        if isinstance(item, dict) and item:
            for name, params in item.items():
                if not _is_text(name):
                    raise _bad("strategies", name, "strategy names")
                _check_params(name, params)
        elif not _is_text(item):
            raise _bad("strategies", item, "a strategy name or {name: {param: value}}")
    for item in decisions.get("reports") or []:
        if not _is_text(item):
            raise _bad("reports", item, "report names")


def check_submission(decisions, settings: dict, *, cash: float) -> dict:
    """Return the checked decisions of one round, or raise a one-line error naming the field.

    ``decisions`` is a dict with any of :data:`TEAM_DECISIONS` (shaped as
    :func:`check_shape` says); a decision the game does not allow, a value out of range or
    a total above ``cash`` is refused.
    """
    check_shape(decisions)
    barred = [k for k in decisions if k not in settings["decisions"]]
    if barred:
        raise _bad(barred[0], decisions[barred[0]], "nothing: this game does not allow "
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
                raise _bad("strategies", name, "strategies this game allows: "
                              + ", ".join(settings["strategies"]))
    out = rounds.check_decisions(market, scenario_of(settings))
    bought = decisions.get("reports") or []
    if not isinstance(bought, list | tuple) or any(r not in settings["reports"]
                                                    for r in bought):
        raise _bad("reports", bought, "a list of reports on sale: "
                      + ", ".join(settings["reports"]))
    out["reports"] = sorted(set(bought))
    cost = upfront_cost(out, settings)
    if not math.isfinite(cost) or cost > max(cash, 0.0) + 1e-9:
        raise invalid("budget", round(cost, 2), f"at most the cash available, {cash:,.2f} "
                      "(acquisition budgets plus reports bought)")
    return out

"""The calibrated scenario: every fitted value a parameter with its provenance, as TOML.

The market built is the ``cdnow`` scenario's recipe (``data/scenarios/cdnow.toml``,
calibrated by hand) applied to any log: a weekly time scale, one launch cohort whose
first purchases follow the log's own weekly curve, the fitted purchase and dropout model
and Gamma-Gamma spend (first orders apart), no relationship dynamics, referrals or
campaigns (a log shows none of them), and lifecycle thresholds from the simulator's
day-based defaults in weeks. What a log cannot tell (margins, service costs) is an
assumption of :data:`ASSUMPTIONS` that the user sets; its default is stated in the file.
"""

from __future__ import annotations

import tomli_w

from crmsim.errors import invalid
from crmsim.params import Param
from crmsim.sim import scenarios
from crmsim.sim.scenarios import DAYS_PER_YEAR, SPEC

#: what a transaction log cannot tell; each goes into the scenario as set (default stated)
ASSUMPTIONS: dict[str, tuple[str, Param]] = {
    "gross_margin": ("market", Param(SPEC["market"]["gross_margin"].default, "share of list "
                     "price", "margin at list price; a log has prices, not costs: the "
                     "simulator's retail default unless you set it", lo=0, hi=1)),
    "currency": ("market", Param("USD", "-", "currency label of the log's amounts", kind="str")),
    "request_prob": ("service", Param(0.0, "probability per order", "chance an order leads to "
                     "a service call; 0 = no call centre, since a log has no calls (with calls "
                     "the waits move loyalty and the market no longer matches the fit)",
                     lo=0, hi=1)),
    "seats": ("service", Param(2, "seats", "call-centre seats", lo=1, hi=10_000, kind="int")),
    "seat_cost": ("service", Param(0.0, "currency per seat per KPI period", "wage and system "
                  "cost of one seat", lo=0)),
    "call_cost": ("service", Param(SPEC["service"]["call_cost"].default, "currency per call",
                  "cost of handling one call", lo=0)),
    "prospects_per_customer": ("", Param(1.0, "people per customer of the log", "people in "
                               "the market who are not customers, whom acquisition budgets "
                               "(the game, crmsim.rounds) and strategies can reach; a log does "
                               "not show them, and without a campaign they never buy, so the "
                               "log's customers are reproduced whatever this is", lo=0,
                               hi=100)),
    "onboarding_cost": ("acquisition", Param(0.0, "currency per new customer", "account "
                        "set-up and welcome pack for each new customer", lo=0)),
}
#: day-based lifecycle defaults of the simulator, converted to weeks (as in cdnow.toml)
_WEEKLY_LIFECYCLE = ("maturity_tenure", "decline_min_gap", "termination_gap", "winback_window")
_FIXED = {
    "market": {"time_unit": "week", "step": 1.0, "kpi_period": 4.0},
    "acquisition": {"contact_share": 0.0},
    "referral": {"rate": 0.0},
    "relationship": {"rate_growth": 0.0, "spend_growth": 0.0, "cross_buy_growth": 0.0,
                     "call_learning": 0.0, "decline_duration": 0.0},
    "purchase": {"trial_boost": 0.0},
}


def check_assumptions(values: dict | None) -> dict:
    """``{name: value}`` checked against :data:`ASSUMPTIONS` (defaults filled in)."""
    out = {}
    values = dict(values or {})
    for name in values:
        if name not in ASSUMPTIONS:
            raise invalid("--assume", name, "one of " + ", ".join(ASSUMPTIONS))
    for name, (_, prm) in ASSUMPTIONS.items():
        out[name] = prm.check(name, values.get(name, prm.default))
    return out


def values_of(fits, assumptions: dict) -> dict:
    """The scenario's ``{section: {param: value}}``: fixed recipe, estimates, assumptions."""
    data = {s: dict(v) for s, v in _FIXED.items()}
    for section, params in fits.estimates.items():
        for k, est in params.items():
            data.setdefault(section, {})[k] = est.value
    data["market"]["years"] = round(fits.weeks * 7 / DAYS_PER_YEAR, 6)
    data["market"]["start_date"] = fits.start.date().isoformat()
    data["lifecycle"] = {k: round(SPEC["lifecycle"][k].default / 7.0, 1)
                         for k in _WEEKLY_LIFECYCLE}
    for name, (section, _) in ASSUMPTIONS.items():
        if section:
            data.setdefault(section, {})[name] = assumptions[name]
    buyers = data["market"]["customers"]
    people = buyers + int(round(assumptions["prospects_per_customer"] * buyers))
    data["market"]["customers"] = people
    data["acquisition"]["launch_share"] = buyers / people
    return data


def _comment(text: str, width: int = 96) -> list[str]:
    words, lines, cur = text.split(), [], "#"
    for w in words:
        if len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = "#"
        cur += " " + w
    return lines + [cur] if cur != "#" else lines


def _provenance(fits, section: str, name: str, assumptions: dict) -> list[str]:
    est = fits.estimates.get(section, {}).get(name)
    if est is not None:
        se = "" if est.se != est.se else f" (standard error {est.se:.4g})"
        extra = ""
        if (section, name) in (("market", "customers"), ("acquisition", "launch_share")):
            k = assumptions["prospects_per_customer"]
            extra = (f"; with prospects_per_customer = {k:g} (an assumption, default "
                     f"{ASSUMPTIONS['prospects_per_customer'][1].default:g}): customers are "
                     f"the log's {est.value:,} buyers plus {k:g} prospects each, and "
                     "launch_share the buyers' share" if name == "customers" else
                     f"; the log's buyers among all people (prospects_per_customer = {k:g})")
        return _comment(f"fitted{se}: {est.source}{extra}")
    if name in ASSUMPTIONS and ASSUMPTIONS[name][0] == section:
        prm = ASSUMPTIONS[name][1]
        return _comment(f"assumption, set by you (default {prm.default!r}, {prm.unit}): "
                        f"{prm.doc}")
    if section == "lifecycle":
        return _comment(f"the simulator's default of {SPEC[section][name].default:g} days, "
                        "in weeks")
    if section == "market" and name in ("years", "start_date"):
        return _comment(f"the log's period: {fits.weeks} weeks from {fits.start.date()}")
    return _comment("fixed by the recipe (as in the cdnow scenario): "
                    + SPEC[section][name].doc[:200])


def _line(key: str, value) -> str:
    """``key = value`` with lists on one line (a 78-week profile stays one line)."""
    if isinstance(value, list):
        items = [tomli_w.dumps({"x": x}).rstrip()[4:] for x in value]
        return f"{key} = [{', '.join(items)}]"
    return tomli_w.dumps({key: value}).rstrip()


def scenario_text(name: str, description: str, fits, assumptions: dict,
                  header: list[str]) -> str:
    """The scenario as commented TOML: each value with its provenance above it."""
    data = values_of(fits, assumptions)
    scenarios.build(name, description, data)  # refuse now what load() would refuse
    out = [f"# {h}" if h else "#" for h in header]
    out += [tomli_w.dumps({"name": name, "description": description}).rstrip(), ""]
    for section in SPEC:
        if section not in data:
            continue
        out.append(f"[{section}]")
        for k, v in data[section].items():
            out += _provenance(fits, section, k, assumptions)
            out.append(_line(k, v))
        out.append("")
    return "\n".join(out)

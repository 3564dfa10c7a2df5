"""The decision form: what a team's page sends, read into decisions, and decisions written
back into the form (so a resubmission changes only what the team changed)."""

from __future__ import annotations

import math

from crmsim.errors import invalid
from crmsim.sim.acquisition import BUDGET_CHANNELS

#: longest text a form field may carry (longer is refused, not cut)
MAX_FIELD = 2000


def _field(name: str, raw) -> str:
    raw = raw or ""
    if len(raw) > MAX_FIELD:
        raise invalid(name, raw[:40] + "...", f"at most {MAX_FIELD} characters")
    return raw


def _number(name: str, raw: str, *, whole: bool = False):
    raw = _field(name, raw).strip()
    if raw == "":
        return None
    try:
        value = float(raw)
        if not math.isfinite(value):
            raise invalid(name, raw, "a finite number")
        if whole:
            if not value.is_integer():
                raise ValueError
            return int(value)
        return value
    except ValueError:
        raise invalid(name, raw, "a whole number" if whole else "a number") from None


def _params(name: str, raw: str) -> dict:
    """``key=value, key=value`` -> dict (numbers where they parse)."""
    out = {}
    for part in _field(f"{name} parameters", raw).split(","):
        if not part.strip():
            continue
        key, eq, value = part.partition("=")
        if not eq or not key.strip():
            raise invalid(f"{name} parameters", part.strip(), "key=value pairs separated by "
                          "commas, e.g. cost_per_contact=5")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            out[key.strip()] = value.strip()
    return out


def form_decisions(form, settings: dict) -> dict:
    """A submitted decision form -> the decisions dict of :func:`crmsim.game.api.submit`."""
    allowed = settings["decisions"]
    out: dict = {}
    if "acquisition" in allowed:
        acq = {}
        for ch in BUDGET_CHANNELS:
            v = _number(f"acquisition.{ch}", form.get(f"acq_{ch}"))
            if v:
                acq[ch] = v
        out["acquisition"] = acq
    if "strategies" in allowed:
        chosen = []
        for name in settings["strategies"]:
            if form.get(f"use_{name}"):
                params = _params(name, form.get(f"params_{name}"))
                target = _field(f"{name} target", form.get(f"target_{name}")).strip()
                if target:
                    params["target"] = target
                chosen.append({name: params})
        out["strategies"] = chosen
    if "seats" in allowed and form.get("seats", "").strip() != "":
        out["seats"] = _number("seats", form.get("seats"), whole=True)
    if "discount" in allowed and form.get("discount", "").strip() != "":
        out["discount"] = _number("discount", form.get("discount"))
    if "reports" in allowed:
        out["reports"] = [r for r in settings["reports"] if form.get(f"report_{r}")]
    return out


def params_text(params: dict) -> str:
    """A strategy's parameters (without its target) as the form's ``key=value, ...`` text,
    which :func:`_params` reads back to the same values."""
    return ", ".join(f"{k}={v:g}" if isinstance(v, float | int) and not isinstance(v, bool)
                     else f"{k}={v}" for k, v in params.items() if k != "target")


def form_state(status: dict) -> dict:
    """What the decision form shows: the team's submission this round, else its standing
    decisions from last round; a decision the submission leaves out shows as standing.

    Every standing value is in the form (a strategy's parameters too), so a resubmission
    changes only what the team changed: a field left alone sends back what is in force.
    """
    sub = status["submission"] or {}
    standing = status["standing"]
    strategies = {}
    for item in sub.get("strategies", standing["strategies"]) or []:
        for name, params in (item.items() if isinstance(item, dict) else [(item, {})]):
            strategies[name] = params
    return {"acquisition": sub.get("acquisition") or {}, "strategies": strategies,
            "seats": sub.get("seats", standing["seats"]),
            "discount": sub.get("discount", standing["discount"]),
            "reports": sub.get("reports") or []}

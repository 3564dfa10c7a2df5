"""Target rules: which customers a strategy addresses, decided on what the firm can observe.

A rule is a conjunction of clauses, written ``attr=v1|v2&attr>=x`` on the command
line (``decision_right:target=temperament=choleric``) or as a dict in Python
(``{"tier": ["A", "B"], "rfm": ">=12"}``). Attributes:

=================  =============================================================
``tier``           value tier by revenue so far among all acquired customers: A
                   (top 1%), B (next 4%), C (next 15%), D (the other 80%) (客户金字塔)
``stage``          lifecycle stage (potential ... win_back)
``rfm``            R + F + M quintile scores (3-15) among current customers
``orders``         number of orders so far
``customer_type``  consumer, business, distributor
``region``         the scenario's region names
``credit_rating``  A, B, C, D
``temperament``    sanguine, phlegmatic, choleric, melancholic: known only for
                   surveyed customers (``population.temperament_surveyed``)
=================  =============================================================

The empty rule (the default) targets everybody the strategy would address. A
strategy pays only for the customers it targets.
"""

from __future__ import annotations

import re

import numpy as np

from crmsim.errors import invalid
from crmsim.params import Param
from crmsim.sim.latent import TEMPERAMENTS
from crmsim.sim.lifecycle import CODE, STAGES
from crmsim.sim.population import CREDIT, CUSTOMER_TYPES

#: the value pyramid (客户金字塔): tiers from the top down and each one's share of customers
#: (also the default tiers of crmsim.analysis.value_pyramid)
TIERS = ("A", "B", "C", "D")
TIER_SHARES = (0.01, 0.04, 0.15, 0.80)
CHOICES = {"tier": TIERS, "stage": STAGES, "customer_type": CUSTOMER_TYPES,
           "credit_rating": CREDIT, "temperament": TEMPERAMENTS, "region": None}
NUMERIC = ("rfm", "orders")
_CLAUSE = re.compile(r"^\s*([a-z_]+)\s*(>=|<=|=)\s*(.+?)\s*$")


def parse(rule, param: str = "target") -> tuple:
    """Validate a rule (string, dict or None) and return it as a tuple of clauses
    ``(attr, op, values)``; raise a one-line error naming what is wrong."""
    if rule is None or rule == "" or rule == {}:
        return ()
    if isinstance(rule, str):
        items = []
        for part in rule.split("&"):
            m = _CLAUSE.match(part)
            if not m:
                raise invalid(param, rule, "clauses like tier=A|B or rfm>=12 joined by &")
            items.append(m.groups())
    elif isinstance(rule, dict):
        items = []
        for attr, val in rule.items():
            if isinstance(val, str) and val[:2] in (">=", "<="):
                items.append((attr, val[:2], val[2:]))
            else:
                vals = val if isinstance(val, list | tuple) else [val]
                items.append((attr, "=", "|".join(map(str, vals))))
    else:
        raise invalid(param, rule, "a rule such as 'tier=A|B' or {'tier': ['A', 'B']}")
    out = []
    for attr, op, raw in items:
        if attr in NUMERIC:
            try:
                x = float(raw)
            except ValueError:
                raise invalid(f"{param}.{attr}", raw, "a number") from None
            if op == "=":
                op = "=="
            out.append((attr, op, x))
        elif attr in CHOICES:
            if op != "=":
                raise invalid(f"{param}.{attr}", f"{op}{raw}", "=value1|value2")
            vals = tuple(v.strip() for v in raw.split("|"))
            allowed = CHOICES[attr]
            bad = [v for v in vals if allowed is not None and v not in allowed]
            if bad or not all(vals):
                raise invalid(f"{param}.{attr}", raw, "values among "
                              + "|".join(allowed or ("region names",)))
            out.append((attr, "in", vals))
        else:
            raise invalid(param, attr, "an attribute among "
                          + ", ".join([*CHOICES, *NUMERIC]))
    return tuple(out)


def describe(rule: tuple) -> str:
    """The rule back as a compact string ('' for everybody)."""
    parts = []
    for attr, op, val in rule:
        parts.append(f"{attr}=" + "|".join(val) if op == "in" else f"{attr}{op}{val:g}")
    return "&".join(parts)


def value_tiers(revenue: np.ndarray, current: np.ndarray) -> np.ndarray:
    """Tier codes 0-3 (A-D) by revenue rank among the ``current`` mask; -1 for the rest."""
    tier = np.full(len(revenue), -1, np.int8)
    idx = np.flatnonzero(current)
    if not len(idx):
        return tier
    order = idx[np.argsort(-revenue[idx], kind="stable")]
    bounds = np.round(np.cumsum(TIER_SHARES) * len(idx)).astype(int)
    tier[order] = np.searchsorted(bounds, np.arange(len(idx)), side="right").clip(0, 3)
    return tier


def rfm_score(m, current: np.ndarray) -> np.ndarray:
    """R + F + M quintile scores (3-15) among current customers; 0 for the rest."""
    score = np.zeros(m.n, np.int64)
    idx = np.flatnonzero(current)
    if not len(idx):
        return score
    rec = m.records
    for values in (-(m.now - rec.last_order[idx]), rec.orders[idx], rec.revenue[idx]):
        ranks = np.argsort(np.argsort(values, kind="stable"), kind="stable")
        score[idx] += 1 + (5 * ranks) // len(idx)
    return score


def current_customers(m) -> np.ndarray:
    return m.records.acquired & (m.records.stage != CODE["terminated"])


def select(m, rule: tuple, ids: np.ndarray) -> np.ndarray:
    """The members of ``ids`` (customer indices) that satisfy ``rule``."""
    if not rule or not len(ids):
        return ids
    keep = np.ones(len(ids), bool)
    pp = m.people
    for attr, op, val in rule:
        if attr == "tier":
            codes = value_tiers(m.records.revenue, m.records.acquired)[ids]
            keep &= np.isin(codes, [TIERS.index(v) for v in val])
        elif attr == "stage":
            keep &= np.isin(m.records.stage[ids], [CODE[v] for v in val])
        elif attr == "region":
            names = m.sc["population"]["regions"]
            bad = [v for v in val if v not in names]
            if bad:
                raise invalid("target.region", "|".join(val), "values among " + "|".join(names))
            keep &= np.isin(pp["region"][ids], [names.index(v) for v in val])
        elif attr == "temperament":
            keep &= pp["surveyed"][ids] & np.isin(pp["temperament"][ids],
                                                  [TEMPERAMENTS.index(v) for v in val])
        elif attr in ("customer_type", "credit_rating"):
            names = CUSTOMER_TYPES if attr == "customer_type" else CREDIT
            keep &= np.isin(pp[attr][ids], [names.index(v) for v in val])
        else:
            x = (rfm_score(m, current_customers(m)) if attr == "rfm" else m.records.orders)[ids]
            keep &= {">=": x >= val, "<=": x <= val, "==": x == val}[op]
    return ids[keep]


def target_param(doc: str) -> Param:
    """A strategy parameter holding a target rule (default: everybody), checked by
    :func:`parse` and kept as its canonical text (:func:`describe`)."""
    return Param("", "rule", doc, kind="target",
                 convert=lambda name, value: describe(parse(value, name)))

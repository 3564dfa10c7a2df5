"""Named, documented parameters: a default, a unit, an allowed range and a rationale.

Every behavioural assumption of the simulator is one of these, so an instructor
can change it and a student can question it (``crmsim scenarios --explain``). Each set
of them is a table ``name -> Param`` checked by :meth:`Param.check`: a scenario's sections
(:data:`crmsim.sim.scenarios.SPEC`, with :data:`crmsim.sim.latent.BEHAVIOUR`), each
strategy's ``params``, the rollout plan (:data:`crmsim.rollout.plan.PARAMS`) and the game
settings (:data:`crmsim.game.rules.SETTINGS`); ``simulator/PARAMETERS.md`` lists them all.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

from crmsim.errors import MAX_NUMBER, MIN_NUMBER, CrmsimError, check_range, check_whole, invalid

#: longest text value and longest list of names a parameter may hold
MAX_TEXT = 200
MAX_NAMES = 100


@dataclass(frozen=True)
class Param:
    """One model parameter or setting; ``kind`` is float, int, whole (an integer as such,
    not 5.0: counts and seeds typed as JSON), str, bool, dict (shares over ``choices``),
    list (names), names (a subset of ``choices``; None = all of them), mapping (``choices``
    -> a number in the range) or floats (numbers; ``choices`` then lists the allowed
    lengths). ``convert(name, value)``, if given, does the whole check instead: a kind of
    its own (target: a rule of :mod:`crmsim.sim.targeting`; the game's events and
    overrides) or a special rule (a game's name); ``allowed`` replaces the generated
    "expected ..." text of the error message."""

    default: object
    unit: str
    doc: str
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    kind: str = "float"
    choices: tuple = ()
    convert: Callable | None = field(default=None, compare=False, repr=False)
    allowed: str = ""

    def check(self, name: str, value):
        """Return ``value`` converted to the parameter's kind, or raise a one-line error."""
        if self.convert is not None:
            return self.convert(name, value)
        if self.kind in ("float", "int"):
            return self._number(name, value)
        if self.kind == "whole":
            return check_whole(name, value, self.lo, self.hi, self.allowed or None)
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise invalid(name, value, "true or false")
            return value
        if self.kind == "str":
            if not isinstance(value, str) or (self.choices and value not in self.choices):
                allowed = " | ".join(self.choices) if self.choices else "a string"
                raise invalid(name, value, self.allowed or allowed)
            return check_text(name, value)
        if self.kind == "dict":
            return _check_shares(name, value, self.choices)
        if self.kind == "names":
            return self._names(name, value)
        if self.kind == "mapping":
            return self._mapping(name, value)
        if self.kind == "floats":
            if not isinstance(value, list | tuple) or any(
                isinstance(v, bool) or not isinstance(v, int | float) for v in value
            ):
                raise invalid(name, value, f"a list of numbers ({self.unit})")
            for i, v in enumerate(value):
                check_range(f"{name}[{i}]", v, self.lo, self.hi)
            if self.choices and len(value) not in self.choices:
                raise invalid(name, value, "a list of " + " or ".join(map(str, self.choices))
                              + " numbers")
            return [float(v) for v in value]
        if self.kind == "list":
            if not isinstance(value, list | tuple) or not value or not all(
                isinstance(v, str) and v.strip() for v in value
            ) or len(value) > MAX_NAMES:
                raise invalid(name, value, f"a list of 1 to {MAX_NAMES} non-empty names")
            for v in value:
                check_text(name, v)
            if len(set(value)) != len(value):
                dup = sorted({v for v in value if list(value).count(v) > 1})
                raise invalid(name, value, f"distinct names ({', '.join(dup)} repeated)")
            return list(value)
        raise CrmsimError(f"internal: unknown parameter kind {self.kind!r} for {name}")

    def _names(self, name: str, value) -> list:
        """Names among ``choices`` in the order given, each once; None = every choice."""
        if value is None:
            return list(self.choices)
        if not isinstance(value, list | tuple) or any(v not in self.choices for v in value):
            raise invalid(name, value, "a list of names from " + ", ".join(self.choices))
        return list(dict.fromkeys(value))

    def _mapping(self, name: str, value) -> dict:
        """``{choice: number}`` with every number in the range."""
        if not isinstance(value, dict):
            raise invalid(name, value, self.allowed or f"a dict {{name: number}} ({self.unit})")
        for k in value:
            if k not in self.choices:
                raise invalid(name, k, "names from " + ", ".join(self.choices))
        return {k: float(check_range(f"{name}.{k}", v, self.lo, self.hi))
                for k, v in value.items()}

    def _number(self, name: str, value):
        """Finite numbers within the range and within +-MAX_NUMBER; whole for ints."""
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise invalid(name, value, f"a number ({self.unit})")
        check_range(name, value, self.lo, self.hi, lo_open=self.lo_open, hi_open=self.hi_open)
        size = abs(float(value))
        if size > MAX_NUMBER or 0 < size < MIN_NUMBER:
            raise invalid(name, value, f"0 or a number of magnitude {MIN_NUMBER:g} to "
                          f"{MAX_NUMBER:g} ({self.unit})")
        if self.kind == "int":
            if not float(value).is_integer():
                raise invalid(name, value, "a whole number")
            return int(value)
        return float(value)


def check_text(name: str, value: str) -> str:
    """A printable one-line text of at most MAX_TEXT characters (labels, names, dates)."""
    if len(value) > MAX_TEXT or not value.isprintable():
        raise invalid(name, value if len(value) <= 60 else value[:60] + "...",
                      f"one line of at most {MAX_TEXT} printable characters")
    return value


def _check_shares(name: str, value, keys: tuple) -> dict:
    """Validate a dict of non-negative shares over ``keys`` that sums to 1."""
    if not isinstance(value, dict) or not value:
        raise invalid(name, value, "a table of shares, e.g. {consumer = 1.0}")
    out = {}
    for k, v in value.items():
        if not isinstance(k, str) or (keys and k not in keys):
            raise invalid(f"{name}.{k}", v, "one of " + ", ".join(keys))
        check_range(f"{name}.{k}", v, 0.0, 1.0)
        out[k] = float(v)
    total = math.fsum(out.values())
    if abs(total - 1.0) > 1e-6:
        raise invalid(name, value, f"shares that sum to 1 (they sum to {total:g})")
    return out


def table(params: dict[str, Param], values: dict | None = None) -> list[dict]:
    """Rows ``name, value, default, unit, doc`` for printing or a DataFrame."""
    values = values or {}
    return [
        {
            "name": k,
            "value": values.get(k, p.default),
            "default": p.default,
            "unit": p.unit,
            "doc": p.doc,
        }
        for k, p in params.items()
    ]

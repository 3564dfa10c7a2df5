"""Named, documented parameters: a default, a unit, an allowed range and a rationale.

Every behavioural assumption of the simulator is one of these, so an instructor
can change it and a student can question it (``crmsim scenarios --explain``).
"""

from __future__ import annotations

from dataclasses import dataclass

from crmsim.errors import CrmsimError, check_range, invalid


@dataclass(frozen=True)
class Param:
    """One model parameter; ``kind`` is float, int, str, bool, dict (shares), list (names)
    or floats (numbers; ``choices`` then lists the allowed lengths) or target (a rule of
    :mod:`crmsim.targeting`, kept as its canonical string)."""

    default: object
    unit: str
    doc: str
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    kind: str = "float"
    choices: tuple = ()

    def check(self, name: str, value):
        """Return ``value`` converted to the parameter's kind, or raise a one-line error."""
        if self.kind in ("float", "int"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise invalid(name, value, f"a number ({self.unit})")
            check_range(name, value, self.lo, self.hi, lo_open=self.lo_open, hi_open=self.hi_open)
            if self.kind == "int":
                if float(value) != int(value):
                    raise invalid(name, value, "a whole number")
                return int(value)
            return float(value)
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise invalid(name, value, "true or false")
            return value
        if self.kind == "str":
            if not isinstance(value, str) or (self.choices and value not in self.choices):
                allowed = " | ".join(self.choices) if self.choices else "a string"
                raise invalid(name, value, allowed)
            return value
        if self.kind == "dict":
            return _check_shares(name, value, self.choices)
        if self.kind == "target":
            from crmsim.targeting import describe, parse

            return describe(parse(value, name))
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
                isinstance(v, str) for v in value
            ):
                raise invalid(name, value, "a non-empty list of names")
            return list(value)
        raise CrmsimError(f"internal: unknown parameter kind {self.kind!r} for {name}")


def _check_shares(name: str, value, keys: tuple) -> dict:
    """Validate a dict of non-negative shares over ``keys`` that sums to 1."""
    if not isinstance(value, dict) or not value:
        raise invalid(name, value, "a table of shares, e.g. {consumer = 1.0}")
    out = {}
    for k, v in value.items():
        if keys and k not in keys:
            raise invalid(f"{name}.{k}", v, "one of " + ", ".join(keys))
        check_range(f"{name}.{k}", v, 0.0, 1.0)
        out[k] = float(v)
    total = sum(out.values())
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

"""One exception type for bad input, so the CLI can print it as a single line."""

from __future__ import annotations

import math
import os
from pathlib import Path

#: largest magnitude a model parameter may take: far beyond any real market, and small
#: enough that sums and products of parameters over millions of orders stay finite
MAX_NUMBER = 1e12
#: smallest non-zero magnitude: tinier values underflow prices and rates to zero
MIN_NUMBER = 1e-9


class CrmsimError(ValueError):
    """Bad input: the message names the parameter, the value and what is allowed."""


def invalid(param: str, value, allowed: str) -> CrmsimError:
    """Build the standard one-line error: ``param=value is invalid: allowed ...``."""
    return CrmsimError(f"{param}={value!r} is invalid: expected {allowed}")


def check_range(param: str, value, lo=None, hi=None, *, lo_open=False, hi_open=False):
    """Raise a :class:`CrmsimError` unless ``lo <= value <= hi`` (bounds optional)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise invalid(param, value, "a number") from None
    if not math.isfinite(v):  # NaN or infinite
        raise invalid(param, value, "a finite number")
    bad_lo = lo is not None and (v <= lo if lo_open else v < lo)
    bad_hi = hi is not None and (v >= hi if hi_open else v > hi)
    if bad_lo or bad_hi:
        left = "(" if lo_open else "["
        right = ")" if hi_open else "]"
        lo_s = "-inf" if lo is None else f"{lo:g}"
        hi_s = "inf" if hi is None else f"{hi:g}"
        raise invalid(param, value, f"a number in {left}{lo_s}, {hi_s}{right}")
    return value


def check_whole(param: str, value, lo: int, hi: int, allowed: str | None = None) -> int:
    """Return ``value`` as an int, or raise unless it is a whole number in ``[lo, hi]``."""
    import numbers

    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not ok or not lo <= int(value) <= hi:
        raise invalid(param, value, allowed or f"a whole number in [{lo:,}, {hi:,}]")
    return int(value)


def check_out_folder(param: str, path, *, parents: bool = False) -> Path:
    """Raise unless ``path`` is (or can be created as) a writable folder; return it.

    With ``parents=True`` missing parent folders may be created too, so the nearest
    existing ancestor must be writable; otherwise the parent itself must exist.
    """
    out = Path(path)
    if out.exists():
        if not out.is_dir():
            raise invalid(param, str(path), "a folder path (a file of that name exists)")
        if not os.access(out, os.W_OK | os.X_OK):
            raise invalid(param, str(path), "a writable folder")
        return out
    parent = out.absolute().parent
    if parents:
        while not parent.exists():
            parent = parent.parent
    if not parent.is_dir():
        raise invalid(param, str(path), "a folder whose parent folder exists")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise invalid(param, str(path), f"a folder that can be created ({parent} is not "
                      "writable)")
    return out


def extras_of(module: str) -> list[str]:
    """The extras of ``pip install crmsim[...]`` that bring the top-level ``module``, read
    from the installed package's metadata (pyproject.toml is the one list)."""
    import re
    from importlib import metadata

    try:
        requires = metadata.requires("crmsim") or []
    except metadata.PackageNotFoundError:
        return []
    out = []
    for spec in requires:
        name = re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0].lower().replace("-", "_")
        extra = re.search(r"""extra\s*==\s*['"]([\w-]+)['"]""", spec)
        if name == module.lower() and extra and extra.group(1) not in ("dev", *out):
            out.append(extra.group(1))
    return out


def missing_extra(exc: ModuleNotFoundError, what: str,
                  prefer: str | None = None) -> CrmsimError | None:
    """The one-line error for ``what`` failing on a dependency of an optional extra that is
    not installed (``crmsim[grade]``, ``crmsim[game]``, ...), or None if it is no such one.
    ``prefer``: the extra to name when several bring the module (the command's own)."""
    module = (exc.name or "").partition(".")[0]
    extras = extras_of(module) if module else []
    if not extras:
        return None
    extra = prefer if prefer in extras else extras[0]
    return CrmsimError(f"{what} needs the optional package {module!r}, which is not "
                       f"installed: pip install 'crmsim[{extra}]'")

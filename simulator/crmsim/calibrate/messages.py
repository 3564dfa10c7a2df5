"""The calibration's reports by key, in English and Chinese (``data/i18n/calibrate.toml``).

One catalogue file of its own, as the grader has one: ``[key]`` with ``en`` and ``zh``
text and ``{named}`` fields. :func:`cleaning_report` is the cleaning report written
beside the scenario, in both languages.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from crmsim.errors import invalid
from crmsim.output import md_table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CATALOGUE = Path(__file__).resolve().parents[1] / "data" / "i18n" / "calibrate.toml"
LANGS = ("en", "zh")


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every key of the calibration catalogue -> {"en": text, "zh": text}."""
    with CATALOGUE.open("rb") as f:
        return tomllib.load(f)


def text(key: str, lang: str = "en", **fields) -> str:
    """The catalogue text of ``key`` in ``lang`` with its fields filled in."""
    entry = catalogue().get(key)
    if entry is None:
        raise invalid("key", key, f"a key of {CATALOGUE.name}")
    return entry[lang].format(**fields) if fields else entry[lang]


def _reason_key(reason: str) -> str:
    return "reason." + reason.replace(" ", "_").replace("-", "_")


def cleaning_report(cleaned, fits) -> dict[str, str]:
    """The cleaning report as Markdown, ``{"en": ..., "zh": ...}``."""
    o = cleaned.orders
    out = {}
    for lang in LANGS:
        rows = [{"reason": text(_reason_key(r.reason), lang), "rows": f"{r.rows:,}",
                 "orders": f"{r.orders:,}" if r.orders else ""}
                for r in cleaned.report.itertuples()]
        cols = {"reason": text("col.reason", lang), "rows": text("col.rows", lang),
                "orders": text("col.orders", lang)}
        lines = [f"# {text('cleaning.title', lang)}", "",
                 text("cleaning.read", lang, rows=f"{cleaned.rows_read:,}",
                      layout=text(f"layout.{cleaned.layout}", lang)), "",
                 *md_table([{cols[k]: v for k, v in r.items()} for r in rows], list(cols.values())),
                 "",
                 text("cleaning.kept", lang, lines=f"{len(cleaned.lines):,}", orders=f"{len(o):,}",
                      customers=f"{o['customer_id'].nunique():,}"),
                 "",
                 text("cleaning.period", lang, start=str(fits.start.date()),
                      end=str(fits.end.date()), weeks=fits.weeks,
                      cal_end=str(fits.calibration_end.date()),
                      cal_weeks=fits.calibration_weeks), ""]
        existing, se = fits.profiles.get("existing_customers", (0.0, 0.0))
        lines += [text("cleaning.existing", lang, n=f"{existing:,.0f}", se=f"{se:,.0f}"), ""]
        out[lang] = "\n".join(lines)
    return out

"""The gradebook's words in English and Chinese, by key (``data/i18n/gradebook.toml``)."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from crmsim.errors import invalid

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CATALOGUE = Path(__file__).resolve().parents[1] / "data" / "i18n" / "gradebook.toml"


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    with CATALOGUE.open("rb") as f:
        return tomllib.load(f)


def word(key: str, lang: str = "en", **fields) -> str:
    """The text of ``key`` in ``lang`` with its fields filled in."""
    entry = catalogue().get(key)
    if entry is None:
        raise invalid("key", key, f"a key of {CATALOGUE.name}")
    if lang not in entry:
        raise invalid("lang", lang, "en | zh")
    return entry[lang].format(**fields)

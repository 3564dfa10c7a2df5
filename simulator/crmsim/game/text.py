"""The game's page texts and messages by key, in English and Chinese, from one catalogue.

``crmsim/data/i18n/game.toml`` holds ``[key]`` tables with ``en`` and ``zh`` text and
``{named}`` fields. A :class:`GameError` is a :class:`~crmsim.errors.CrmsimError` whose
text is the English message (the CLI and logs print it as before) and that keeps its key
and fields, so a page renders it in the reader's language (:func:`render`).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from crmsim.errors import CrmsimError, invalid

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CATALOGUE = Path(__file__).resolve().parents[1] / "data" / "i18n" / "game.toml"
LANGS = ("en", "zh")


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every key of the game catalogue -> {"en": text, "zh": text}."""
    with CATALOGUE.open("rb") as f:
        return tomllib.load(f)


def t(key: str, lang: str = "en", **fields) -> str:
    """The text of ``key`` in ``lang`` with its fields filled in."""
    entry = catalogue().get(key)
    if entry is None:
        raise invalid("key", key, f"a key of {CATALOGUE.name}")
    return entry[lang if lang in LANGS else "en"].format(**fields)


class GameError(CrmsimError):
    """A refusal of the game with a catalogue message (English as its text)."""

    def __init__(self, key: str, **fields):
        self.key, self.fields = key, fields
        super().__init__(t(key, "en", **fields))

    def render(self, lang: str = "en") -> str:
        return t(self.key, lang, **self.fields)


class AccessDenied(GameError):
    """A token or key that does not grant what was asked."""


def render(exc: Exception, lang: str = "en") -> str:
    """An error's one-line message in ``lang`` (messages without a key stay English)."""
    return exc.render(lang) if isinstance(exc, GameError) else str(exc)

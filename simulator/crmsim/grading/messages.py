"""The grader's messages by key, in English and Chinese, from one catalogue file.

``crmsim/data/i18n/grading.toml`` holds every sentence of the feedback: ``[key]`` with its
``en`` and ``zh`` text and ``{named}`` fields. A :class:`Msg` is a message with its key and
fields that *is* its English text (a ``str``), so gradebooks, logs and tests read it as
before, while :meth:`Msg.render` gives it in the student's language. A field may be a
message itself (rendered in the same language), a list of messages (joined by ``", "``)
or plain text kept as it is (a cell name, a label, an exception's text).
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from crmsim.errors import invalid

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CATALOGUE = Path(__file__).resolve().parents[1] / "data" / "i18n" / "grading.toml"
LANGS = ("en", "zh")


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every key of the grading catalogue -> {"en": text, "zh": text}."""
    with CATALOGUE.open("rb") as f:
        return tomllib.load(f)


def render(value, lang: str = "en") -> str:
    """A message, a list of messages or plain text, in ``lang``."""
    if isinstance(value, (Msg, Bilingual)):
        return value.render(lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(render(v, lang) for v in value)
    return str(value)


def text(key: str, lang: str = "en", **fields) -> str:
    """The catalogue text of ``key`` in ``lang`` with its fields filled in."""
    entry = catalogue().get(key)
    if entry is None:
        raise invalid("key", key, f"a key of {CATALOGUE.name}")
    return entry[lang].format(**{k: render(v, lang) for k, v in fields.items()})


class Msg(str):
    """A message of the catalogue: its English text, with its key and fields kept."""

    key: str
    fields: dict

    def __new__(cls, key: str, **fields):
        self = super().__new__(cls, text(key, "en", **fields))
        self.key, self.fields = key, fields
        return self

    def render(self, lang: str = "en") -> str:
        return text(self.key, lang, **self.fields)

    def __reduce__(self):
        return (_rebuild, (self.key, self.fields))


class Bilingual(str):
    """A text from outside the catalogue in both languages (e.g. a mistake's name from an
    exercise's ``wrong/`` file): its English text, with the Chinese kept."""

    zh: str

    def __new__(cls, en: str, zh: str):
        self = super().__new__(cls, en)
        self.zh = zh
        return self

    def render(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else str(self)

    def __reduce__(self):
        return (Bilingual, (str(self), self.zh))


def _rebuild(key: str, fields: dict) -> Msg:
    return Msg(key, **fields)


def msg(key: str, **fields) -> Msg:
    """The message ``key`` with ``fields``, e.g. ``msg("note.stopped", seconds="600")``."""
    return Msg(key, **fields)

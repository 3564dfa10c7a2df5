"""The game's catalogue of page texts and messages: every key in English and Chinese with
the same fields, and every key the templates and the code use is in it."""

import re
import string
from pathlib import Path

from crmsim.game import text

GAME = Path(text.__file__).parent


def _fields(s: str) -> set:
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def test_every_text_in_both_languages_with_the_same_fields():
    for key, entry in text.catalogue().items():
        assert set(entry) == {"en", "zh"}, key
        assert entry["en"].strip() and entry["zh"].strip(), key
        assert _fields(entry["en"]) == _fields(entry["zh"]), key
        values = dict.fromkeys(_fields(entry["en"]), "x")
        for lang in text.LANGS:
            text.t(key, lang, **values)  # formats without error (braces escaped)


def test_every_key_used_is_in_the_catalogue():
    used = set()
    for path in [*GAME.glob("*.py"), *(GAME / "templates").glob("*.html")]:
        src = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""_\(['"]([a-z_.-]+[a-z])['"]""", src))
        used |= set(re.findall(r"""text\.t\(\s*['"]([a-z_.-]+[a-z])['"]""", src))
        used |= set(re.findall(r"""(?:GameError|AccessDenied)\(['"]([a-z_.-]+[a-z])['"]""", src))
    assert len(used) > 30
    assert used <= set(text.catalogue()), sorted(used - set(text.catalogue()))


def test_every_role_has_its_name_in_both_languages():
    from crmsim.game import roles

    for role in roles.RIGHTS:
        assert text.t(f"role.{role}", "en") == role and text.t(f"role.{role}", "zh")

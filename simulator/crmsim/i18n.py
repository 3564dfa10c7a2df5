"""The student's language for plots and display labels: English (``en``) or Chinese (``zh``).

``set_language("zh")`` (or the environment variable ``CRMSIM_LANG=zh`` when crmsim is
imported) makes every plotting function of crmsim label its axes, titles and legends in
Chinese, from one catalogue (``crmsim/data/i18n/catalogue.toml``: each key with its ``en``
and ``zh`` text, Chinese terms as in the textbooks). Simulator tables keep their stable
English column names; :func:`label` gives a column's display label in the current language.

Chinese text needs a font with CJK glyphs: the Noto Sans CJK SC font shipped by the
``mplfonts`` package (SIL Open Font License 1.1) is registered with matplotlib's font manager
under a private family name (:data:`CJK_FONT`) and selected while the language is ``zh``, so
plots look the same whether or not the operating system has a font of the same name.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from functools import cache
from pathlib import Path

from crmsim.errors import invalid

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LANGUAGES = ("en", "zh")
DEFAULT = "en"
ENV_VAR = "CRMSIM_LANG"
CATALOGUE = Path(__file__).parent / "data" / "i18n" / "catalogue.toml"
# A private family name for the packaged font: a system font called "Noto Sans CJK SC" (Debian's
# fonts-noto-cjk, which Chromium pulls in) would otherwise tie with it and win the lookup.
CJK_FONT = "crmsim Noto Sans CJK SC"
CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"

_state = {"language": None, "rc_before": None}


def check_language(language: str) -> str:
    """``language`` normalised (``"zh-CN"`` -> ``"zh"``), or a clear error."""
    code = str(language).strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGUAGES:
        raise invalid("language", language, "'en' (English) or 'zh' (简体中文)")
    return code


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every key of the catalogue -> {"en": text, "zh": text}."""
    with CATALOGUE.open("rb") as f:
        return tomllib.load(f)


def get_language() -> str:
    """The current language: the last :func:`set_language`, else ``CRMSIM_LANG``, else en."""
    if _state["language"] is None:
        set_language(os.environ.get(ENV_VAR) or DEFAULT)
    return _state["language"]


def set_language(language: str) -> str:
    """Use ``language`` (``"en"`` or ``"zh"``) for plots and labels from now on.

    Also selects the CJK font for matplotlib while the language is ``zh`` (and restores the
    previous font settings on switching back). Returns the normalised code.
    """
    code = check_language(language)
    _use_font(code)
    _state["language"] = code
    return code


def t(key: str, language: str | None = None, **values) -> str:
    """The catalogue text of ``key`` in ``language`` (default: the current one), with any
    ``{name}`` placeholders filled from ``values``."""
    entry = catalogue().get(key)
    if entry is None:
        raise invalid("key", key, "a key of crmsim/data/i18n/catalogue.toml")
    text = entry[check_language(language) if language else get_language()]
    return text.format(**values) if values else text


def label(column: str, language: str | None = None) -> str:
    """Display label of a simulator table column (the column name itself stays English).

    ``label("revenue")`` -> ``"revenue"`` or ``"收入"``; ``n_<stage>`` columns name the
    lifecycle stage. Columns the catalogue does not know are shown as they are.
    """
    if column.startswith("n_") and f"stage.{column[2:]}" in catalogue():
        return t("column.n_stage", language, stage=t(f"stage.{column[2:]}", language))
    key = f"column.{column}"
    return t(key, language) if key in catalogue() else column


def labels(columns, language: str | None = None) -> dict[str, str]:
    """``{column: display label}`` for ``df.rename(columns=labels(df.columns))``."""
    return {c: label(c, language) for c in columns}


def stage(name: str, language: str | None = None) -> str:
    """Display name of a lifecycle stage (``"growth"`` -> ``"客户成长期"`` in Chinese)."""
    key = f"stage.{name}"
    return t(key, language) if key in catalogue() else name


@cache
def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK SC font file shipped by the ``mplfonts`` package."""
    import mplfonts

    return Path(mplfonts.__file__).parent / "fonts" / CJK_FONT_FILE


@cache
def register_cjk_font() -> str:
    """Add the CJK font to matplotlib's font manager (once per process) and to the end of the
    sans-serif list, so CJK text falls back to it in any language; returns its name.

    Runs when :mod:`crmsim.plots` is imported, before any plot of :mod:`crmsim.analysis`, and
    at the first :func:`set_language` / :func:`t` (plain ``import crmsim`` stays free of
    matplotlib's start-up time).
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if not any(entry.name == CJK_FONT for entry in manager.ttflist):
        path = str(cjk_font_path())
        manager.addfont(path)  # clears the lookup cache; the new entries are renamed at once
        manager.ttflist = [dataclasses.replace(entry, name=CJK_FONT) if entry.fname == path
                           else entry for entry in manager.ttflist]
    if CJK_FONT not in mpl.rcParams["font.sans-serif"]:
        mpl.rcParams["font.sans-serif"] = [*mpl.rcParams["font.sans-serif"], CJK_FONT]
    return CJK_FONT


def _use_font(code: str) -> None:
    import matplotlib as mpl

    register_cjk_font()
    if code == "zh":
        if _state["rc_before"] is None:
            _state["rc_before"] = {k: mpl.rcParams[k] for k in
                                   ("font.family", "font.sans-serif", "axes.unicode_minus")}
        sans = [CJK_FONT, *[f for f in _state["rc_before"]["font.sans-serif"] if f != CJK_FONT]]
        mpl.rcParams["font.family"] = "sans-serif"
        mpl.rcParams["font.sans-serif"] = sans
    elif _state["rc_before"] is not None:
        mpl.rcParams.update(_state["rc_before"])
        _state["rc_before"] = None


if os.environ.get(ENV_VAR):  # the student chose a language before starting Python
    set_language(os.environ[ENV_VAR])

__all__ = ["LANGUAGES", "catalogue", "get_language", "label", "labels", "register_cjk_font",
           "set_language", "stage", "t"]

"""The student's language for plots and display labels: English (``en``) or Chinese (``zh``).

``set_language("zh")`` (or the environment variable ``CRMSIM_LANG=zh`` when crmsim is
imported) makes every plotting function of crmsim label its axes, titles and legends in
Chinese, from one catalogue (``crmsim/data/i18n/catalogue.toml``: each key with its ``en``
and ``zh`` text, Chinese terms as in the textbooks). Simulator tables keep their stable
English column names; :func:`label` gives a column's display label in the current language,
:func:`localize` a display copy of a whole table (column and row labels, category values). In
Jupyter, ``set_language("zh")`` also shows every pandas table through :func:`localize`, so the
Chinese twin of a notebook runs the English code and displays Chinese tables.

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
    _display_tables(code == "zh")
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


#: Column or index names whose string values are category codes, and the catalogue section that
#: names them (``tier`` holds the pyramid's A-D, shown as VIP客户 ... 小客户).
VALUE_SECTIONS = {
    "stage": "stage", "from_stage": "stage", "to_stage": "stage", "final_stage": "stage",
    "strategy": "strategy", "channel": "channel", "tier": "tier", "segment": "segment",
    "customer_type": "customer_type", "temperament": "temperament",
    "true_temperament": "temperament", "side": "side", "weakest side": "side",
    "kind": "kind", "account": "account", "metric": "metric", "phase": "phase", "level": "level",
    "credit_rating": "credit",
}
#: Sections tried, in order, for a row or column label whose axis has no such name (``tier``
#: is left out: a bare "A" is a tier only under a ``tier`` name).
LABEL_SECTIONS = ("stage", "strategy", "segment", "customer_type", "temperament", "channel",
                  "four", "side", "kind", "account", "metric", "phase", "level", "model")


def value(section: str, code, language: str | None = None):
    """Display name of category ``code`` of ``section`` (``value("tier", "A")`` -> "VIP客户").

    A strategy with a target (``"win_back:target=tier=A"``) keeps its target as typed; codes
    the catalogue does not know, and anything that is not a string, come back unchanged.
    """
    if not isinstance(code, str):
        return code
    if f"{section}.{code}" in catalogue():
        return t(f"{section}.{code}", language)
    name, sep, rest = code.partition(":")
    key = f"{section}.{name}"
    if sep and key in catalogue():
        return t(key, language) + sep + rest
    for pattern, key in _templates(section):
        match = pattern.fullmatch(code)
        if match:
            return t(key, language, **match.groupdict())
    return code


@cache
def _templates(section: str) -> list:
    """(regex, key) for the keys of ``section`` with placeholders, e.g. the tracking metric
    ``metric.repeat conversion by week {week}`` matching "repeat conversion by week 39"."""
    import re

    out = []
    for key in catalogue():
        if key.startswith(f"{section}.") and "{" in key:
            text = re.escape(key[len(section) + 1:])
            out.append((re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", text)), key))
    return out


def display_label(text, name=None, language: str | None = None):
    """Display text of one row or column label (``name``: the name of its axis, if any)."""
    if isinstance(text, bool):
        return t(f"value.{str(text).lower()}", language)
    if not isinstance(text, str):
        return text
    if name in VALUE_SECTIONS:
        shown = value(VALUE_SECTIONS[name], text, language)
        if shown != text:
            return shown
    if f"column.{text}" in catalogue() or text.startswith("n_"):
        shown = label(text, language)
        if shown != text:
            return shown
    for section in LABEL_SECTIONS:
        shown = value(section, text, language)
        if shown != text:
            return shown
    return text


def _localize_index(index, language):
    import pandas as pd

    if isinstance(index, pd.MultiIndex):
        levels = [index.get_level_values(i).map(lambda x, n=n: display_label(x, n, language))
                  for i, n in enumerate(index.names)]
        return pd.MultiIndex.from_arrays(levels, names=[display_label(n, None, language)
                                                        for n in index.names])
    shown = index.map(lambda x: display_label(x, index.name, language))
    shown.name = display_label(index.name, None, language)
    return shown


def _localize_values(series, language):
    section = VALUE_SECTIONS.get(series.name)
    if section is None or not (series.dtype == object or str(series.dtype) in ("category",
                                                                               "string")):
        return series
    shown = {x: value(section, x, language) for x in series.dropna().unique()}  # once a code
    return series.astype(object).map(lambda x: shown.get(x, x))


def localize(obj, language: str | None = None):
    """A display copy of a DataFrame or Series in ``language`` (default: the current one).

    Column names, index names and row/column labels become their catalogue labels
    (``revenue`` -> 收入, ``growth`` -> 客户成长期); string values of category columns
    (:data:`VALUE_SECTIONS`: stage, strategy, channel, tier, RFM segment, ...) their display
    names; numbers stay as they are. The data keep their English names: use this only to show
    a table (``i18n.localize(df)``); anything else comes back unchanged.
    """
    import pandas as pd

    language = check_language(language) if language else get_language()
    if isinstance(obj, pd.DataFrame):
        out = obj.copy(deep=False)
        for i, col in enumerate(obj.columns):
            out.isetitem(i, _localize_values(obj.iloc[:, i].rename(col), language))
        out.index = _localize_index(obj.index, language)
        out.columns = _localize_index(obj.columns, language)
        return out
    if isinstance(obj, pd.Series):
        out = _localize_values(obj, language).copy(deep=False)
        out.index = _localize_index(obj.index, language)
        out.name = display_label(obj.name, None, language)
        return out
    return obj


_TABLE_TYPES = ("pandas.core.frame.DataFrame", "pandas.core.series.Series")


def _html(obj):
    shown = localize(obj)
    return shown._repr_html_() if hasattr(shown, "_repr_html_") else None


def _plain(obj, p, cycle):
    p.text(repr(localize(obj)))


def _display_tables(on: bool) -> None:
    """Show pandas tables through :func:`localize` in IPython (Jupyter) while ``on``, so the
    Chinese twin of a notebook displays Chinese tables from the English code; removes the
    formatters again when ``on`` is false. Outside IPython nothing happens (nor is anything
    imported)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return
    formatters = shell.display_formatter.formatters
    for mime, func in (("text/html", _html), ("text/plain", _plain)):
        for name in _TABLE_TYPES:
            module, _, cls = name.rpartition(".")
            if on:
                formatters[mime].for_type_by_name(module, cls, func)
            elif formatters[mime].deferred_printers.get((module, cls)) is func:
                formatters[mime].pop(name)
            else:
                _pop_loaded(formatters[mime], name, func)


def _pop_loaded(formatter, name, func):
    """Remove ``func`` from a formatter that has already resolved ``name`` to its type."""
    for typ, printer in list(formatter.type_printers.items()):
        if printer is func and f"{typ.__module__}.{typ.__qualname__}" == name:
            del formatter.type_printers[typ]


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

__all__ = ["LANGUAGES", "catalogue", "display_label", "get_language", "label", "labels",
           "localize", "register_cjk_font", "set_language", "stage", "t", "value"]

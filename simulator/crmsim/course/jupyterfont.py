"""Chinese in JupyterLab without a Chinese system font: ``crmsim jupyter-font``.

A student's computer without a Chinese font (many Linux installs, lab machines set up in
English) shows the Chinese notebooks as empty boxes. crmsim already installs the Noto Sans
CJK SC font for its plots (from PyPI, the ``mplfonts`` package, SIL Open Font Licence); this
offers the same file to JupyterLab, as the course site offers it to the browser: it goes
in JupyterLab's ``custom`` folder with a ``custom.css`` that names it first for Chinese
characters only (``unicode-range``), and ``LabApp.custom_css`` is turned on in
``jupyter_lab_config.json`` (other settings kept). Latin text keeps JupyterLab's own fonts.
Run once per computer (or per environment with ``--config-dir``); JupyterLab picks it up at
its next start.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from crmsim.errors import CrmsimError
from crmsim.i18n import cjk_font_path

FONT_FILE = "crmsim-cjk.otf"
FAMILY = "crmsim CJK"
BEGIN, END = "/* crmsim: Chinese font (crmsim jupyter-font) */", "/* crmsim: end */"
#: the characters the font is used for: CJK radicals to ideographs, compatibility
#: ideographs, CJK punctuation forms and full-width forms (as on the course site)
UNICODE_RANGE = "U+2E80-9FFF, U+F900-FAFF, U+FE30-FE4F, U+FF00-FFEF"
#: JupyterLab's default font stacks (its theme variables), with the Chinese font first
STACKS = {
    "--jp-ui-font-family": "system-ui, -apple-system, blinkmacsystemfont, 'Segoe UI', "
                           "helvetica, arial, sans-serif, 'Apple Color Emoji', "
                           "'Segoe UI Emoji', 'Segoe UI Symbol'",
    "--jp-content-font-family": "system-ui, -apple-system, blinkmacsystemfont, 'Segoe UI', "
                                "helvetica, arial, sans-serif, 'Apple Color Emoji', "
                                "'Segoe UI Emoji', 'Segoe UI Symbol'",
    "--jp-code-font-family-default": "menlo, consolas, 'DejaVu Sans Mono', monospace",
    "--jp-code-font-family": "menlo, consolas, 'DejaVu Sans Mono', monospace",
}


def css() -> str:
    """The block of ``custom.css`` that offers the font."""
    rules = "\n".join(f"  {var}: '{FAMILY}', {stack} !important;"
                      for var, stack in STACKS.items())
    return (f"{BEGIN}\n@font-face {{\n  font-family: '{FAMILY}';\n  src: url('{FONT_FILE}') "
            f"format('opentype');\n  unicode-range: {UNICODE_RANGE};\n  font-display: swap;\n"
            f"}}\n:root, body, .jp-ThemedContainer {{\n{rules}\n}}\n{END}\n")


def _with_block(existing: str) -> str:
    """``custom.css`` with the crmsim block replaced (or added), anything else kept."""
    if BEGIN in existing and END in existing:
        head, rest = existing.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        return head + css() + tail
    return (existing.rstrip("\n") + "\n\n" if existing.strip() else "") + css()


def install(config_dir=None) -> list[Path]:
    """Put the font, its CSS and the setting that loads it in JupyterLab's configuration
    folder (``jupyter --config-dir`` by default); returns the files written."""
    if config_dir is None:
        try:
            from jupyter_core.paths import jupyter_config_dir
        except ModuleNotFoundError:
            raise CrmsimError("crmsim jupyter-font is for JupyterLab, which is not installed: "
                              'pip install "crmsim[course]"') from None
        config_dir = jupyter_config_dir()
    root = Path(config_dir).expanduser()
    custom = root / "custom"
    try:
        custom.mkdir(parents=True, exist_ok=True)
        font = custom / FONT_FILE
        if not font.exists() or font.stat().st_size != cjk_font_path().stat().st_size:
            shutil.copyfile(cjk_font_path(), font)
        sheet = custom / "custom.css"
        sheet.write_text(_with_block(sheet.read_text(encoding="utf-8")
                                     if sheet.exists() else ""), encoding="utf-8")
        setting = root / "jupyter_lab_config.json"  # JupyterLab reads no .d folder of its own
        config = json.loads(setting.read_text(encoding="utf-8")) if setting.exists() else {}
        config.setdefault("LabApp", {})["custom_css"] = True
        setting.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    except json.JSONDecodeError as exc:
        raise CrmsimError(f"{setting} is not JSON ({exc}); add \"LabApp\": "
                          "{\"custom_css\": true} to it by hand") from None
    except OSError as exc:
        raise CrmsimError(f"config_dir={str(root)!r} could not be written: "
                          f"{exc.strerror or exc}") from None
    return [font, sheet, setting]

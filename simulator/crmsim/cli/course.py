"""argparse wiring for what students run around the notebooks: ``crmsim jupyter-font``."""

from __future__ import annotations


def cmd_jupyter_font(args) -> int:
    from crmsim.course.jupyterfont import install

    font, sheet, setting = install(args.config_dir)
    print(f"JupyterLab will show Chinese with crmsim's font from its next start: {font}, "
          f"{sheet.name}, {setting}")
    return 0


def add_commands(subparsers) -> None:
    """Register ``jupyter-font``."""
    p = subparsers.add_parser(
        "jupyter-font", help="let JupyterLab show Chinese without a Chinese system font",
        description="Copy the Chinese font crmsim plots with (Noto Sans CJK SC) into "
        "JupyterLab's custom folder, with the CSS and setting that use it for Chinese text.")
    p.add_argument("--config-dir", default=None,
                   help="JupyterLab's configuration folder (default: `jupyter --config-dir`)")
    p.set_defaults(func=cmd_jupyter_font)

"""Sphinx configuration of the course website, shared by both languages (see build.py).

build.py stages one language's pages and runs Sphinx with ``CRMSIM_LANG`` (en or zh) and
``CRMSIM_SITE_SRC`` (the staged folder, which holds the language switch's page map).
"""

import json
import os
import sys
from pathlib import Path

import jupyter_server_mathjax

LANG = os.environ.get("CRMSIM_LANG", "en")
OTHER = "zh" if LANG == "en" else "en"
SRC = Path(os.environ.get("CRMSIM_SITE_SRC", "."))
ASSETS = os.environ.get("CRMSIM_SITE_ASSETS")  # Mermaid from npm, fetched by build.py
TITLES = {"en": "CRM with a simulator", "zh": "客户关系管理模拟课程"}
MATHJAX = Path(jupyter_server_mathjax.__file__).parent / "static"

project = TITLES[LANG]
author = "crmsim contributors"
copyright = "crmsim contributors, MIT licence"
language = "zh_CN" if LANG == "zh" else "en"
root_doc = "index"  # the course home page, from site/home/<lang>.md
# downloads/ holds the exercises' student releases that pages link to: files, not pages
exclude_patterns = ["**/.ipynb_checkpoints", "crmsim-switch.json", "downloads"]

sys.path.insert(0, str(Path(__file__).parent / "_ext"))
extensions = ["crmsim_search", "myst_nb", "sphinx_design", "sphinx_exercise",
              "sphinxcontrib.mermaid"]
myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "misc.highlighting_failure"]

# Lectures run at build; inline mode also evaluates {eval}`name` in the text.
nb_execution_mode = "inline"
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_excludepatterns = ["notebooks/*", "notebooks/zh/*"]  # stored outputs (nbval)
nb_merge_streams = True
# inline {eval} takes expressions (f-strings, subscripts), not only bare names, on every page
nb_eval_name_regex = r"^.+$"
nb_ipywidgets_js = {}  # no widget JavaScript from a CDN: pages must work offline

html_theme = "sphinx_book_theme"
html_title = TITLES[LANG]
html_static_path = ["_static", str(MATHJAX), *([ASSETS] if ASSETS else [])]
html_css_files = ["crmsim.css"]
templates_path = ["_templates"]
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": False,
    "article_header_end": ["crmsim-lang-switch.html", "article-header-buttons.html"],
}
html_context = {
    "crmsim_switch": json.loads((SRC / "crmsim-switch.json").read_text(encoding="utf-8"))
    if (SRC / "crmsim-switch.json").exists() else {},
    "crmsim_other": OTHER,
    "crmsim_other_home": "index",
    "crmsim_switch_label": "English" if LANG == "zh" else "中文",
    "default_mode": "light",
}
html_favicon = "_static/crmsim-favicon.svg"
# MathJax from the site itself (the jupyter-server-mathjax package), not from a CDN
mathjax_path = "MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax2_config = {"HTML-CSS": {"availableFonts": [], "webFont": "STIX-Web",  # what it ships
                                "imageFont": None, "preferredFont": None},
                   "SVG": {"font": "STIX-Web"}, "menuSettings": {"zoom": "None"}}
# Mermaid diagrams drawn in the browser by the copy build.py put in the site
mermaid_use_local = "mermaid/mermaid.esm.min.mjs"
mermaid_fullscreen = False
# Diagram text in the site's font stack, Chinese font first (see _static/crmsim.css)
DIAGRAM_FONT = '"crmsim CJK", "trebuchet ms", verdana, arial, sans-serif'
mermaid_init_config = {"startOnLoad": False, "fontFamily": DIAGRAM_FONT,
                       "themeVariables": {"fontFamily": DIAGRAM_FONT}}

"""Build the course website in both languages: ``make site`` -> _build/site/en, _build/site/zh.

Jupyter Book's toolchain (Sphinx + MyST-NB + the book theme, all from PyPI) builds one static
HTML site per language. The sources are not edited: each language is staged in
``_build/site-src/<lang>/`` with the repository's layout (so relative links keep working):

* the home page: ``site/home/<lang>.md`` (a course home page for students) with the lists of
  lectures, notebooks and exercises generated after it;
* the course pages: ``course/*.md`` (en) or their twins ``course/zh/*.md`` (zh, same file
  names, see :mod:`crmsim.course.translations`). Pages with ``{code-cell}`` blocks are executable
  MyST: their code runs at build and inline ``{eval}`` expressions put the computed numbers
  into the text (the staged copy gets ``file_format: mystnb``, which MyST-NB needs);
* the notebooks (``notebooks/*.ipynb``, ``notebooks/zh/*.ipynb``) with the outputs stored in
  them (nbval already re-runs them in CI, so they are not run a second time here);
* one page per graded exercise, generated from its notebook and ``exercise.toml``: each
  question in an ``exercise`` directive with its hint and the code a student starts from (the
  released stub); the grader's hidden cells are left out. Solutions appear (in dropdowns closed
  by default) only in the instructor's build, ``--solutions``, written to
  ``_build/site-instructor``: the public site holds nothing a student is not given;
* a download link on every notebook and exercise page: the notebook itself, or the exercise's
  student release (what ``crmsim release`` writes);
* a language switch in every page's header leading to the same page in the other language
  (its twin; the other language's home page when there is no twin yet).

Chinese pages join the zh site automatically: every ``course/zh/X.md`` / ``notebooks/zh/X``
whose English twin exists takes that twin's place in the table of contents.

Usage: ``python site/build.py [--lang en zh] [--solutions]``; prints the build time of each
language.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from crmsim.grading.release import stub_source

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "site"
OUT = ROOT / "_build" / "site"
STAGE = ROOT / "_build" / "site-src"
LANGS = ("en", "zh")
#: both sites open on their own home page, written from site/home/<lang>.md
HOME = {"en": "index", "zh": "index"}
#: staged folder of the files pages offer for download (not pages themselves)
DOWNLOADS = "downloads"
#: course pages in reading order: these first, then the numbered lectures, then these
COURSE_FIRST = ("README.md", "syllabus.md")
COURSE_LAST = ("glossary.md", "instructor-guide.md")
#: the words generated pages need, in both languages
WORDS = {
    "en": {"course": "Course", "notebooks": "Notebooks", "exercises": "Graded exercises",
           "solution": "Solution", "hint": "Hint", "minutes": "minutes", "unit": "Unit",
           "objectives": "Objectives", "lectures": "Lectures",
           "get_notebook": "Download this notebook (.ipynb)",
           "get_exercise": "Download the exercise notebook (.ipynb) to work on in JupyterLab"},
    "zh": {"course": "课程", "notebooks": "笔记本", "exercises": "评分练习",
           "solution": "参考答案", "hint": "提示", "minutes": "分钟", "unit": "单元",
           "objectives": "学习目标", "lectures": "讲义",
           "get_notebook": "下载本笔记本（.ipynb）",
           "get_exercise": "下载练习笔记本（.ipynb），在 JupyterLab 中完成"},
}


# ------------------------------------------------------------------ what each site holds
def _twins(folder: Path, pattern: str, lang: str) -> list[Path]:
    """Files of ``folder`` (en) or of ``folder/zh`` that have an English twin (zh)."""
    english = sorted(folder.glob(pattern))
    if lang == "en":
        return english
    return [folder / "zh" / p.name for p in english if (folder / "zh" / p.name).exists()]


def course_pages(lang: str) -> list[Path]:
    pages = _twins(ROOT / "course", "*.md", lang)
    rank = {n: i for i, n in enumerate(COURSE_FIRST)}
    last = {n: i for i, n in enumerate(COURSE_LAST)}
    return sorted(pages, key=lambda p: (0, rank[p.name]) if p.name in rank else
                  (2, last[p.name]) if p.name in last else (1, p.name))


def notebook_pages(lang: str) -> list[Path]:
    return _twins(ROOT / "notebooks", "*.ipynb", lang)


def exercise_dirs() -> list[Path]:
    return sorted(p.parent for p in (ROOT / "exercises").glob("*/exercise.toml"))


def docname(path: Path) -> str:
    """Sphinx's name of a staged page: its path from the repository root, no suffix."""
    return Path(path).relative_to(ROOT).with_suffix("").as_posix() if Path(path).is_absolute() \
        else Path(path).with_suffix("").as_posix()


def twin_doc(doc: str) -> str:
    """The other language's name of a page (course/zh/x <-> course/x)."""
    parts = doc.split("/")
    if len(parts) >= 2 and parts[-2] == "zh":
        return "/".join(parts[:-2] + parts[-1:])
    return "/".join(parts[:-1] + ["zh", parts[-1]])


# ------------------------------------------------------------------ generated pages
def _src(cell) -> str:
    src = cell.get("source", "")
    return ("".join(src) if isinstance(src, list) else src).rstrip()


def _fence(code: str, lang: str = "python") -> str:
    ticks = "`" * max(3, 1 + max((len(m) for m in re.findall(r"`+", code)), default=0))
    return f"{ticks}{lang}\n{code}\n{ticks}"


def exercise_page(ex: Path, lang: str, solutions: bool = False) -> str:
    """A page for one graded exercise from its notebook (the zh one when it exists): questions
    in ``exercise`` directives with the released stubs; with ``solutions`` (the instructor's
    build) each solution in a dropdown closed by default instead."""
    meta = tomllib.loads((ex / "exercise.toml").read_text(encoding="utf-8"))
    nb_path = ex / meta.get("notebook", f"{ex.name}.ipynb")
    if lang == "zh" and (ex / "zh" / nb_path.name).exists():
        nb_path = ex / "zh" / nb_path.name
    cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
    hints = {q.get("id"): q.get(f"hint_{lang}") or q.get("hint")
             for q in meta.get("questions", [])}
    w = WORDS[lang]
    label = re.sub(r"[^a-z0-9-]", "-", ex.name.lower())
    out, facts, current = [], [], None
    if "unit" in meta:
        facts.append(f"{w['unit']} {meta['unit']}")
    if "minutes" in meta:
        facts.append(f"{meta['minutes']} {w['minutes']}")
    for cell in cells:
        info = cell.get("metadata", {}).get("crmsim", {})
        kind, q, text = info.get("kind", "locked"), info.get("question"), _src(cell)
        if kind == "hidden" or not text:
            continue
        if cell["cell_type"] == "markdown":
            if not out:  # the notebook's title and introduction
                title, _, rest = text.partition("\n")
                out.append(f"# {title.lstrip('#').strip()}\n")
                if facts:
                    out.append("*" + " · ".join(facts) + "*")
                if meta.get("objectives"):
                    out.append(f"**{w['objectives']}**\n\n" +
                               "\n".join(f"- {o}" for o in (meta.get(f"objectives_{lang}")
                                                             or meta["objectives"])))
                out.append(f"{{download}}`{w['get_exercise']} <{release_path(ex, lang)}>`")
                text = rest.strip()
                if not text:
                    continue
            if q and q != current:
                current = q
                heading, _, body = text.partition("\n")
                block = [f"::::{{exercise}} {heading.lstrip('#').strip()}",
                         f":label: {label}-{q}", "", body.strip()]
                if hints.get(q):
                    block += ["", f"**{w['hint']}:** {hints[q]}"]
                out.append("\n".join(block) + "\n::::")
            else:
                out.append(re.sub(r"^# ", "## ", text, flags=re.M))
        elif kind == "solution" and solutions:
            code = re.sub(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", "", text, flags=re.M)
            out.append(f":::{{dropdown}} {w['solution']}\n:class-container: crmsim-solution\n\n"
                       f"{_fence(code.rstrip())}\n:::")
        elif kind == "solution":
            out.append(_fence(stub_source(text)))
        elif kind == "student":
            out.append(_fence(info.get("release", text)))
        else:
            out.append(_fence(text))
    return "\n\n".join(out) + "\n"


def release_path(ex: Path, lang: str) -> str:
    """Where the staged site keeps an exercise's student release (from the source root)."""
    return f"/{DOWNLOADS}/{lang}/{ex.name}.ipynb"


def released_notebook(ex: Path, lang: str) -> str:
    """The exercise's student release, as ``crmsim release`` writes it."""
    import nbformat

    from crmsim.grading import load_exercise
    from crmsim.grading.release import student_version

    exercise = load_exercise(ex)
    lang = lang if lang == "en" or exercise.zh_notebook.is_file() else "en"
    return nbformat.writes(student_version(exercise, lang)) + "\n"


def with_download(notebook: str, label: str, name: str) -> str:
    """A notebook's staged copy with a first cell linking to the notebook itself."""
    nb = json.loads(notebook)
    cell = {"cell_type": "markdown", "id": "crmsim-download", "metadata": {},
            "source": f"{{download}}`{label} <{name}>`"}
    nb["cells"] = [cell, *nb["cells"]]
    return json.dumps(nb, ensure_ascii=False, indent=1) + "\n"


def as_mystnb(text: str) -> str:
    """Mark an executable MyST page (one with code cells) for MyST-NB, which runs a Markdown
    page only when its front matter says ``file_format: mystnb``."""
    if "{code-cell}" not in text:
        return text
    kernel = "kernelspec:\n  name: python3\n  display_name: Python 3\n"
    m = re.match(r"^---\n(.*?\n)---\n", text, flags=re.S)
    front = m.group(1) if m else ""
    add = ("file_format: mystnb\n" if "file_format:" not in front else "") + \
        (kernel if "kernelspec:" not in front else "")
    return f"---\n{add}{front}---\n" + (text[m.end():] if m else text)


def with_toctree(text: str, w: dict, toc: dict[str, list[str]]) -> str:
    """The home page with a list of the site's pages by kind, and its table of contents
    (hidden: the sidebar shows it)."""
    blocks = []
    for key in ("course", "notebooks", "exercises"):
        if toc[key]:
            items = "\n".join(f"- {{doc}}`/{d}`" for d in toc[key])
            blocks.append(f"## {w['lectures' if key == 'course' else key]}\n\n{items}")
    for key in ("course", "notebooks", "exercises"):
        if toc[key]:
            entries = "\n".join(f"/{d}" for d in toc[key])
            blocks.append(f"```{{toctree}}\n:hidden:\n:caption: {w[key]}\n\n{entries}\n```")
    return text.rstrip() + "\n\n" + "\n\n".join(blocks) + "\n"


# ------------------------------------------------------------------ staging and building
def _write(path: Path, data: str) -> None:
    """Write only when the content changed (keeps Sphinx's incremental build useful)."""
    raw = data.encode("utf-8")
    if path.exists() and path.read_bytes() == raw:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)


def plan(lang: str, solutions: bool = False) -> dict[str, str]:
    """Staged file (relative path) -> its content, for one language."""
    w = WORDS[lang]
    files: dict[str, str] = {}
    toc = {"course": [], "notebooks": [], "exercises": []}
    for p in course_pages(lang):
        files[p.relative_to(ROOT).as_posix()] = as_mystnb(p.read_text(encoding="utf-8"))
        toc["course"].append(docname(p))
    for p in notebook_pages(lang):
        files[p.relative_to(ROOT).as_posix()] = with_download(
            p.read_text(encoding="utf-8"), w["get_notebook"], p.name)
        toc["notebooks"].append(docname(p))
    for ex in exercise_dirs():
        rel = f"exercises/{'zh/' if lang == 'zh' else ''}{ex.name}.md"
        files[rel] = exercise_page(ex, lang, solutions)
        files[release_path(ex, lang)[1:]] = released_notebook(ex, lang)
        toc["exercises"].append(rel[:-3])
    home = (CONF / "home" / f"{lang}.md").read_text(encoding="utf-8")
    files[HOME[lang] + ".md"] = with_toctree(home, w, toc)
    return files


def stage(lang: str, files: dict[str, str], switch: dict[str, str], root: Path) -> Path:
    for rel, text in files.items():
        _write(root / rel, text)
    for old in root.rglob("*"):
        rel = old.relative_to(root).as_posix()
        if old.is_file() and old.suffix in (".md", ".ipynb") and rel not in files:
            old.unlink()
    _write(root / "crmsim-switch.json", json.dumps(switch, indent=0, sort_keys=True))
    return root


MERMAID = "mermaid@11"  # npm package: diagrams in the browser, served by the site itself
ASSETS = ROOT / "_build" / "site-assets"


def site_assets() -> Path:
    """Static files both sites serve themselves (no CDN: pages must work offline):
    Mermaid's ES module build, fetched once from the npm registry with ``npm pack``."""
    target = ASSETS / "mermaid"
    if (target / "mermaid.esm.min.mjs").exists():
        return ASSETS
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("make site needs npm (Node.js) to fetch the Mermaid diagram library")
    work = ROOT / "_build" / "npm-cache"
    work.mkdir(parents=True, exist_ok=True)
    name = subprocess.run([npm, "pack", MERMAID, "--silent"], cwd=work, check=True,
                          capture_output=True, text=True).stdout.strip().splitlines()[-1]
    import tarfile

    with tarfile.open(work / name) as tar:
        for member in tar.getmembers():
            rel = member.name.removeprefix("package/dist/")
            if member.isfile() and (rel == "mermaid.esm.min.mjs"
                                    or rel.startswith("chunks/mermaid.esm.min/")):
                dest = target / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(tar.extractfile(member).read())
    return ASSETS


def cjk_web_font(out: Path) -> None:
    """Serve the Noto Sans CJK SC font (the one crmsim plots with, from the mplfonts package)
    cut down to the characters the site uses, for readers without a Chinese system font."""
    from fontTools import subset

    from crmsim.i18n import cjk_font_path

    chars = set()
    for page in out.rglob("*"):
        if page.suffix in (".html", ".js") and page.is_file():
            chars |= {c for c in page.read_text(encoding="utf-8", errors="ignore")
                      if ord(c) >= 0x2E80}
    chars |= set("中文")
    options = subset.Options()
    options.flavor = None
    options.layout_features = ["*"]
    font = subset.load_font(str(cjk_font_path()), options)
    sub = subset.Subsetter(options)
    sub.populate(text="".join(sorted(chars)))
    sub.subset(font)
    (out / "_static").mkdir(exist_ok=True)
    subset.save_font(font, str(out / "_static" / "crmsim-cjk.otf"), options)


def build(langs=LANGS, solutions: bool = False) -> dict[str, float]:
    """Stage and build each language (the instructor's site with ``solutions``); returns
    seconds per language."""
    plans = {lang: plan(lang, solutions) for lang in LANGS}
    docs = {lang: {rel.rsplit(".", 1)[0] for rel in files if not rel.startswith(DOWNLOADS)}
            for lang, files in plans.items()}
    out, stage_dir = destination(solutions)
    times = {}
    for lang in langs:
        other = "zh" if lang == "en" else "en"
        # this site's page -> the other site's page, relative to the other site's root
        switch = {d: (twin_doc(d) if twin_doc(d) in docs[other] else HOME[other])
                  for d in docs[lang]}
        src = stage(lang, plans[lang], switch, stage_dir / lang)
        t0 = time.perf_counter()
        sphinx(src, out / lang, lang, stage_dir / f"doctrees-{lang}")
        times[lang] = time.perf_counter() - t0
    return times


def destination(solutions: bool) -> tuple[Path, Path]:
    """(site folder, staging folder): the instructor's build is kept apart from the public one."""
    if solutions:
        return OUT.with_name(OUT.name + "-instructor"), STAGE.with_name(STAGE.name + "-instructor")
    return OUT, STAGE


def sphinx(src: Path, out: Path, lang: str, doctrees: Path) -> None:
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(CONF),
           "-d", str(doctrees), str(src), str(out)]
    env = {**os.environ, "CRMSIM_LANG": lang, "CRMSIM_SITE_SRC": str(src),
           "CRMSIM_SITE_ASSETS": str(site_assets()),
           "MPLBACKEND": "module://matplotlib_inline.backend_inline",  # figures in pages
           "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    subprocess.run(cmd, check=True, env=env)
    cjk_web_font(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Build the bilingual course website.")
    ap.add_argument("--lang", nargs="+", choices=LANGS, default=list(LANGS))
    ap.add_argument("--clean", action="store_true", help="rebuild every page from scratch")
    ap.add_argument("--solutions", action="store_true",
                    help="the instructor's site, with the exercises' solutions, written to "
                         "_build/site-instructor (never publish it to students)")
    args = ap.parse_args(argv)
    out, stage_dir = destination(args.solutions)
    if args.clean:
        shutil.rmtree(stage_dir, ignore_errors=True)
        shutil.rmtree(out, ignore_errors=True)
    times = build(args.lang, args.solutions)
    for lang, secs in times.items():
        n = sum(1 for p in (out / lang).rglob("*.html") if "_" not in p.parts[-2][:1])
        print(f"site {lang}: {n} HTML files, built in {secs:.0f} s -> {out / lang}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

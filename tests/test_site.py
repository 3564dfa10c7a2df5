"""The course website in both languages (``make site``), opened in headless Chromium: every
page loads without console errors, every figure loads, no internal link is broken, and the
language switch leads to the same page in the other language and back.

The site is built once per test session (``python site/build.py``) unless ``_build/site``
already holds a build newer than every source it is made from.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from crmsim.grading import load_exercise
from tests.browser import NO_CHINESE_FONTS, chinese_not_in_web_font, chromium_page

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "site"
SOURCES = ["course", "notebooks", "exercises", "site", "simulator/crmsim"]
LANGS = ("en", "zh")


def _newest_source() -> float:
    newest = 0.0
    for folder in SOURCES:
        for p in (ROOT / folder).rglob("*"):
            if p.is_file() and "node_modules" not in p.parts and "__pycache__" not in p.parts:
                newest = max(newest, p.stat().st_mtime)
    return newest


def _built_at() -> float:
    stamps = [SITE / lang / "index.html" for lang in LANGS]
    return min((p.stat().st_mtime for p in stamps if p.exists()), default=0.0) \
        if all(p.exists() for p in stamps) else 0.0


@pytest.fixture(scope="session")
def site():
    """Build the site if it is missing or older than its sources; returns its folder."""
    if _built_at() < _newest_source():
        subprocess.run([sys.executable, str(ROOT / "site" / "build.py")], check=True,
                       cwd=ROOT)
    return SITE


@pytest.fixture(scope="session")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):  # the browser moved on
            pass


def pages(site: Path, lang: str) -> list[str]:
    """URL paths of every content page of one language's site (not search, index, sources)."""
    root = site / lang
    out = []
    for p in sorted(root.rglob("*.html")):
        rel = p.relative_to(root)
        if rel.parts[0].startswith("_") or rel.name in ("genindex.html", "search.html"):
            continue
        out.append(f"/{lang}/{rel.as_posix()}")
    return out


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_both_languages_have_pages(site):
    en, zh = pages(site, "en"), pages(site, "zh")
    assert len(en) >= 10, en
    assert len(zh) >= 2, zh  # at least the home page and the exercises


CHECK_PAGE = """async () => {
  for (const img of document.images) { img.loading = 'eager'; }
  window.scrollTo(0, document.body.scrollHeight);
  await Promise.all([...document.images].map(i => i.complete ? null :
      new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r); })));
  return {
    images: [...document.images].map(i => ({src: i.currentSrc || i.src, w: i.naturalWidth})),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    switch: [...document.querySelectorAll('a.crmsim-lang-switch')].map(a => a.href),
    title: document.title,
  };
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_loads_with_its_figures_and_links(site, server, lang):
    urls = [server + p for p in pages(site, lang)]
    seen_links: dict[str, int] = {}
    problems = []
    with chromium_page() as page:
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url}")
                if r.status >= 400 else None)
        page.on("requestfailed", lambda r: errors.append(f"failed {r.url}"))
        for url in urls:
            errors.clear()
            resp = page.goto(url, wait_until="load")
            if resp is None or resp.status != 200:
                problems.append(f"{url}: HTTP {resp and resp.status}")
                continue
            # diagrams load their script chunks after `load`: let them finish on this page,
            # or the next navigation cancels them and they look like failed requests
            page.wait_for_load_state("networkidle")
            info = page.evaluate(CHECK_PAGE)
            if errors:
                problems.append(f"{url}: console errors {errors[:3]}")
            broken = [i["src"] for i in info["images"] if i["w"] == 0]
            if broken:
                problems.append(f"{url}: figures not loaded {broken[:3]}")
            want = server + expected_switch(site, urlparse(url).path)
            if info["switch"] != [want]:
                problems.append(f"{url}: language switch {info['switch']}, expected {want}")
            for link in info["links"]:
                target = link.split("#")[0]
                if urlparse(target).netloc != urlparse(server).netloc:
                    continue
                if target not in seen_links:
                    seen_links[target] = _status(target)
                if seen_links[target] != 200:
                    problems.append(f"{url}: broken link {link} ({seen_links[target]})")
    assert problems == [], "\n".join(problems)
    assert len(seen_links) > len(urls)


HOMES = {"en": "/en/index.html", "zh": "/zh/index.html"}


def twin(path: str) -> str:
    """The other language's URL of a page: /en/course/x.html <-> /zh/course/zh/x.html."""
    lang, *folders, name = path.strip("/").split("/")
    other = "zh" if lang == "en" else "en"
    folders = folders[:-1] if folders and folders[-1] == "zh" else [*folders, "zh"]
    return "/" + "/".join([other, *folders, name])


def expected_switch(site, path: str) -> str:
    lang = path.split("/")[1]
    other = "zh" if lang == "en" else "en"
    if path == HOMES[lang]:
        return HOMES[other]
    target = twin(path)
    return target if target in pages(site, other) else HOMES[other]


def test_twin_urls():
    assert twin("/en/course/02-lifecycle.html") == "/zh/course/zh/02-lifecycle.html"
    assert twin("/zh/notebooks/zh/01-lifecycle.html") == "/en/notebooks/01-lifecycle.html"


@pytest.mark.parametrize("lang", LANGS)
def test_language_switch_leads_to_the_same_page_and_back(site, server, lang):
    """Click the switch on the home page, on a page with a twin and on one without."""
    other = "zh" if lang == "en" else "en"
    mine = pages(site, lang)
    with_twin = [p for p in mine if twin(p) in pages(site, other) and p != HOMES[lang]]
    without = [p for p in mine if p not in with_twin and p != HOMES[lang]]
    chosen = [HOMES[lang], *with_twin[:1], *without[:1]]
    assert with_twin, "no page of this language has a twin in the other one"
    with chromium_page() as page:
        for path in chosen:
            page.goto(server + path, wait_until="load")
            page.click("a.crmsim-lang-switch")
            page.wait_for_load_state("load")
            landed = urlparse(page.url).path
            assert landed == expected_switch(site, path), path
            if landed == twin(path) or path == HOMES[lang]:  # and back to where we were
                page.click("a.crmsim-lang-switch")
                page.wait_for_load_state("load")
                assert urlparse(page.url).path == path


def test_chinese_pages_need_no_chinese_system_font(site, server, tmp_path):
    """Every Chinese character on a page (sidebar, header, search box, body) is drawn with the
    site's own font when the reader's computer has no Chinese font: no boxes."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(NO_CHINESE_FONTS, encoding="utf-8")
    chosen = [HOMES["zh"], "/zh/course/zh/02-lifecycle.html",
              "/zh/notebooks/zh/03-customer-value.html"]
    missing = []
    with chromium_page(env={"FONTCONFIG_FILE": str(conf)}) as page:
        for path in chosen:
            page.goto(server + path, wait_until="load")
            page.wait_for_load_state("networkidle")
            checked, boxes = chinese_not_in_web_font(page)
            missing += [f"{path}: {b}" for b in boxes]
            assert checked > 20, (path, checked)
    assert missing == [], "\n".join(missing[:20])


# ------------------------------------------------------------------ building a small site
TWIN_EN = """---
kernelspec:
  name: python3
  display_name: Python 3
---
# Lecture 9: a test lecture

```{code-cell} python
answer = 6 * 7
```

The answer is {eval}`answer`.
"""
TWIN_ZH = """---
kernelspec:
  name: python3
  display_name: Python 3
---
# 第九讲：测试讲义

```{code-cell} python
from crmsim import i18n, plots
import crmsim
i18n.set_language("zh")
answer = 6 * 7
res = crmsim.simulate("retail", customers=200, years=1, seed=1)
ax = plots.plot_profit(res.kpis)
```

答案是 {eval}`answer`。
"""


@pytest.fixture
def small_repo(tmp_path, monkeypatch):
    """A repository with one lecture in both languages, one notebook and one exercise."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("site_build", ROOT / "site" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    repo = tmp_path / "repo"
    (repo / "course" / "zh").mkdir(parents=True)
    (repo / "course" / "README.md").write_text("# Course\n\n[Lecture 9](09-test.md)\n")
    (repo / "course" / "09-test.md").write_text(TWIN_EN)
    (repo / "course" / "zh" / "09-test.md").write_text(TWIN_ZH)
    (repo / "notebooks").mkdir()
    shutil.copy(ROOT / "notebooks" / "00-getting-started.ipynb", repo / "notebooks")
    shutil.copytree(ROOT / "exercises" / "ex02-segmentation", repo / "exercises" / "ex02")
    for name, value in {"ROOT": repo, "OUT": repo / "_build" / "site",
                        "STAGE": repo / "_build" / "site-src"}.items():
        monkeypatch.setattr(build, name, value)
    monkeypatch.setattr(build, "ASSETS", ROOT / "_build" / "site-assets")
    return build, repo


def test_zh_twin_joins_the_zh_site_and_runs(small_repo):
    build, repo = small_repo
    zh = build.plan("zh")
    assert "course/zh/09-test.md" in zh and "file_format: mystnb" in zh["course/zh/09-test.md"]
    assert "/course/zh/09-test" in zh["index.md"]  # the home page lists and indexes it
    assert "exercises/zh/ex02.md" in zh
    page = zh["exercises/zh/ex02.md"]
    exercise = load_exercise("ex02", repo / "exercises")
    assert page.count("{exercise}") == len(exercise.questions)
    assert "hidden_input" not in page  # the grader's hidden cells stay out
    # the public page holds the released stubs, never a solution; the instructor's has them
    solutions = solution_lines(exercise)
    assert solutions and not [s for s in solutions if s in page]
    assert "{dropdown}" not in page and "YOUR CODE HERE" in page.upper()
    instructor = build.plan("zh", solutions=True)["exercises/zh/ex02.md"]
    assert instructor.count("{dropdown}") >= len(exercise.questions)
    assert all(s in instructor for s in solutions)
    # the page offers the student release, which is what `crmsim release` writes
    released = json.loads(zh["downloads/zh/ex02.ipynb"])
    assert "downloads/zh/ex02.ipynb" in page
    kinds = [c["metadata"].get("crmsim", {}).get("kind") for c in released["cells"]]
    assert "hidden" not in kinds and not [s for s in solutions if s in json.dumps(released)]

    build.build(["zh"])
    html = (repo / "_build" / "site" / "zh" / "course" / "zh" / "09-test.html").read_text()
    assert "答案是" in html and ">42<" in html  # code ran, {eval} put the number in the text
    assert "<img" in html and "missing from" not in html  # a Chinese plot, every glyph
    assert 'href="../../../en/course/09-test.html"' in html  # the switch to the twin
    ex = (repo / "_build" / "site" / "zh" / "exercises" / "zh" / "ex02.html").read_text()
    assert "<details" not in ex  # no solution dropdown on the public site
    link = re.search(r'href="([^"]*_downloads/[^"]*ex02\.ipynb)"', ex)
    assert link, "the exercise page links its notebook"
    got = (repo / "_build" / "site" / "zh" / "exercises" / "zh" / link.group(1)).resolve()
    assert json.loads(got.read_text()) == json.loads(zh["downloads/zh/ex02.ipynb"])
    nb = (repo / "_build" / "site" / "zh" / "notebooks" / "00-getting-started.html")
    if nb.exists():  # the notebook has no Chinese twin in this repository: en site only
        assert "_downloads" in nb.read_text()


def solution_lines(exercise) -> list[str]:
    """The substantial lines of an exercise's solutions (what must never reach a student)."""
    lines = []
    for cell in exercise.source.cells:
        if cell.get("metadata", {}).get("crmsim", {}).get("kind") != "solution":
            continue
        inside = False
        for line in cell.source.splitlines():
            if line.strip() == "### BEGIN SOLUTION":
                inside = True
            elif line.strip() == "### END SOLUTION":
                inside = False
            elif inside and len(line.strip()) > 12 and not line.strip().startswith("#"):
                lines.append(line.strip())
    return lines


@pytest.mark.parametrize("lang", LANGS)
def test_notebook_and_exercise_pages_offer_their_notebook(site, lang):
    """Every notebook page links its .ipynb and every exercise page the student release; the
    linked file is a notebook and an exercise's holds no solution line."""
    root = site / lang
    checked = 0
    for page in sorted(root.rglob("*.html")):
        rel = page.relative_to(root).as_posix()
        if not (rel.startswith("notebooks/") or rel.startswith("exercises/")):
            continue
        links = re.findall(r'href="([^"]*_downloads/[^"]*\.ipynb)"', page.read_text())
        assert links, f"{rel} offers no notebook"
        nb = json.loads((page.parent / links[0]).resolve().read_text(encoding="utf-8"))
        assert nb["nbformat"] == 4 and nb["cells"], rel
        if rel.startswith("exercises/"):
            exercise = load_exercise(Path(links[0]).stem)
            leaked = [s for s in solution_lines(exercise) if s in json.dumps(nb)]
            assert leaked == [], (rel, leaked[:3])
        checked += 1
    assert checked >= 10


def test_no_solution_on_the_public_site(site):
    """No line of any exercise's solution appears on any page of either language."""
    from crmsim.grading.exercise import default_exercises_dir

    solutions = {s for ex in sorted(default_exercises_dir().glob("*/exercise.toml"))
                 for s in solution_lines(load_exercise(ex.parent))}
    assert len(solutions) > 20
    html_texts = [p.read_text(encoding="utf-8") for p in site.rglob("*.html")]
    import html as html_lib

    leaked = {s for s in solutions for t in html_texts if html_lib.escape(s, quote=False) in t
              or s in t}
    assert leaked == set(), sorted(leaked)[:5]


# Chinese words and the number of Chinese pages whose text holds each (counted in the test)
ZH_QUERIES = ("客户流失", "客户终身价值", "呼叫中心", "忠诚")


def test_chinese_search_finds_chinese_words_inside_the_text(site, server):
    """The zh site's search finds every page whose text holds a Chinese word (its index cuts
    Chinese into bigrams, and so does the query in the browser)."""
    root = site / "zh"
    body = re.compile(r'<article class="bd-article">(.*?)</article>', re.S)
    texts = {}
    for p in pages(site, "zh"):
        m = body.search((site / p.lstrip("/")).read_text(encoding="utf-8"))
        if m:
            texts[p] = re.sub(r"<[^>]+>", "", m.group(1))
    with chromium_page() as page:
        for word in ZH_QUERIES:
            holding = {p for p, t in texts.items() if word in t}
            assert holding, word
            page.goto(f"{server}/zh/search.html?q={word}", wait_until="load")
            page.wait_for_function(  # the summary is written when the last result is listed
                "(document.querySelector('#search-results p.search-summary') || {})"
                ".innerText > ''", timeout=30_000)
            found = set(page.evaluate(
                "[...document.querySelectorAll('#search-results ul.search li a')]"
                ".map(a => new URL(a.href).pathname)"))
            missed = holding - found
            assert not missed, f"{word}: {len(missed)} of {len(holding)} pages not found " \
                               f"{sorted(missed)[:3]}"
    assert root.is_dir()

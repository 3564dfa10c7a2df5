"""The textbooks' words, one term per concept (course/zh/terms.toml), and no project words on
student pages.

The term sheet names one Chinese term per concept, the textbook it comes from and the variants
that must not appear. Every Chinese text a student or instructor reads is checked: the Chinese
course pages (course/zh, its adoption pack and question bank), the Markdown cells of the Chinese
notebooks and exercise notebooks, the Chinese instructor materials, the exercises' Chinese
specs and the zh strings of the i18n catalogues. Violations in files other maintainers own are
listed in the sheet's ``[[pending]]`` table and must still be there (a fixed one is removed).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]
SHEET = tomllib.loads((ROOT / "course" / "zh" / "terms.toml").read_text(encoding="utf-8"))
TERMS = SHEET["term"]


def _markdown_cells(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


def _zh_strings(obj) -> list[str]:
    """Every value under a key ``zh`` or ending in ``_zh`` of a parsed TOML document."""
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if (k == "zh" or k.endswith("_zh")) and not isinstance(v, dict):
                out += v if isinstance(v, list) else [str(v)]
            else:
                out += _zh_strings(v)
    elif isinstance(obj, list):
        for v in obj:
            out += _zh_strings(v)
    return out


def chinese_texts() -> dict[str, str]:
    """Relative path -> the Chinese text of every checked file."""
    texts = {}
    for p in sorted((ROOT / "course" / "zh").rglob("*.md")):
        texts[p] = p.read_text(encoding="utf-8")
    for p in sorted((ROOT / "course" / "zh").rglob("*.toml")):
        if p.name != "terms.toml":
            texts[p] = p.read_text(encoding="utf-8")
    for p in [*sorted((ROOT / "notebooks" / "zh").glob("*.ipynb")),
              *sorted((ROOT / "exercises").glob("*/zh/*.ipynb"))]:
        texts[p] = _markdown_cells(p)
    for p in [*sorted((ROOT / "notebooks" / "zh").glob("*.md")),
              *sorted((ROOT / "exercises").glob("*/INSTRUCTOR.zh.md")),
              *sorted((ROOT / "exercises" / "zh").glob("*.md"))]:
        texts[p] = p.read_text(encoding="utf-8")
    for p in [*sorted((ROOT / "exercises").glob("*/exercise.toml")),
              *sorted((ROOT / "simulator" / "crmsim" / "data" / "i18n").glob("*.toml"))]:
        texts[p] = "\n".join(_zh_strings(tomllib.loads(p.read_text(encoding="utf-8"))))
    return {p.relative_to(ROOT).as_posix(): t for p, t in texts.items()}


TEXTS = chinese_texts()
PENDING = {(p["file"], p["pattern"]) for p in SHEET.get("pending", [])}


def test_the_sheet_is_well_formed():
    assert len(TERMS) >= 50
    sources = SHEET["sources"]
    for t in TERMS:
        assert {"concept", "en", "zh", "topic", "source", "forbidden"} <= set(t), t
        assert t["source"] in sources, t["concept"]
        assert 0 <= t["topic"] <= 39, t["concept"]
        for pattern in t["forbidden"]:
            re.compile(pattern)
            assert not re.search(pattern, t["zh"]), f"{t['zh']} forbids itself ({pattern})"
    zh = [t["zh"] for t in TERMS]
    assert len(set(zh)) == len(zh), "one term, one concept"
    for t in TERMS:  # no concept's term is another concept's forbidden variant
        for other in TERMS:
            for pattern in other["forbidden"]:
                assert not re.fullmatch(pattern, t["zh"]), (t["zh"], other["concept"])


def test_every_chinese_file_is_checked():
    assert "course/zh/00-crm-concept-and-strategy.md" in TEXTS
    assert "notebooks/zh/08-crm-strategy.ipynb" in TEXTS
    assert "simulator/crmsim/data/i18n/catalogue.toml" in TEXTS
    assert any(k.endswith("INSTRUCTOR.zh.md") for k in TEXTS)
    assert all(re.search(r"[\u4e00-\u9fff]", t) for k, t in TEXTS.items() if "/zh/" in k)


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t["zh"])
def test_no_forbidden_variant_in_any_chinese_file(term):
    found = []
    for path, text in TEXTS.items():
        for pattern in term["forbidden"]:
            for m in re.finditer(pattern, text):
                if (path, pattern) not in PENDING:
                    found.append(f"{path}: {text[max(0, m.start() - 20):m.end() + 20]!r}")
    assert not found, f"use {term['zh']} ({term['concept']}):\n" + "\n".join(found[:10])


def test_pending_violations_still_exist():
    for file, pattern in PENDING:
        assert file in TEXTS, file
        assert re.search(pattern, TEXTS[file]), f"{file} no longer has {pattern}: remove it"


def test_a_forbidden_variant_is_found(tmp_path):
    fake = {"course/zh/x.md": "这个情景里，坐席很忙。情景模拟是教学方法。"}
    by_zh = {t["zh"]: t for t in TERMS}
    hits = [t["zh"] for t in (by_zh["场景"], by_zh["座席"])
            if any(re.search(p, fake["course/zh/x.md"]) for p in t["forbidden"])]
    assert hits == ["场景", "座席"]
    assert not re.search(by_zh["场景"]["forbidden"][0], "情景模拟")


def test_the_win_back_stage_has_one_name_in_code_and_text():
    catalogue = tomllib.loads((ROOT / "simulator/crmsim/data/i18n/catalogue.toml")
                              .read_text(encoding="utf-8"))
    by_zh = {t["zh"]: t for t in TERMS}
    assert catalogue["stage.win_back"]["zh"] == "客户赢回期" and "客户赢回期" in by_zh
    source = (ROOT / "simulator/crmsim/sim/lifecycle.py").read_text(encoding="utf-8")
    assert "winback = (now - won_back_at)" in source  # the stage needs a win-back comeback
    for page in ("course/02-lifecycle.md", "course/zh/02-lifecycle.md"):
        text = (ROOT / page).read_text(encoding="utf-8")
        assert "win-back contact" in text or "赢回联系" in text, page
        assert "whether or not a win-back contact caused it" not in text


def test_one_definition_of_gold_customers_matches_the_graded_exercise():
    """The sheet's thresholds give the count the ex03 grader expects, on a real dataset."""
    import crmsim
    from crmsim.grading.exercise import load_exercise

    gold = next(t for t in TERMS if t["zh"] == "黄金客户")
    ex = load_exercise("ex03-customer-value", ROOT / "exercises")
    res = crmsim.simulate("retail", customers=400, years=1, seed=3)
    data = type("Data", (), {"transactions": res.transactions, "customers": res.customers})
    want = ex.solution_module().expected(data, {"clv": []})["n_gold"]
    tx = res.transactions
    spend = tx.groupby("customer_id")["amount"].sum()
    months = tx.assign(m=tx["date"].dt.to_period("M")).groupby("customer_id")["m"].nunique()
    mine = int(((spend >= spend.quantile(gold["spend_quantile"]))
                & (months >= gold["min_months"])).sum())
    assert want == mine > 0
    for page in ("course/zh/glossary.md", "course/zh/05-crm-systems-and-analytics.md"):
        text = (ROOT / page).read_text(encoding="utf-8")
        assert "前五分之一" in text and "6个不同月份" in text, page


STUDENT_PAGES_EN = [*sorted((ROOT / "course").glob("[0-9]*.md")),
                    *(ROOT / "course" / n for n in ("glossary.md", "syllabus.md", "README.md",
                                                    "game-guide.md"))]
STUDENT_PAGES_ZH = [ROOT / "course" / "zh" / p.name for p in STUDENT_PAGES_EN]


def _student_text(path: Path) -> str:
    if path.suffix == ".ipynb":
        return _markdown_cells(path)
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_project_words_on_student_pages(lang):
    pages = STUDENT_PAGES_EN if lang == "en" else STUDENT_PAGES_ZH
    notebooks = sorted((ROOT / "notebooks" / ("zh" if lang == "zh" else "")).glob("*.ipynb"))
    found = []
    for path in [*pages, *notebooks]:
        text = _student_text(path)
        for pattern in SHEET["project_words"][lang]:
            for m in re.finditer(pattern, text, flags=re.IGNORECASE):
                where = text[max(0, m.start() - 30):m.end() + 30]
                found.append(f"{path.relative_to(ROOT)}: {where!r}")
    assert not found, "\n".join(found[:15])


def test_project_words_are_caught():
    en = SHEET["project_words"]["en"]
    assert any(re.search(p, "(standard practice, not in the seeds)") for p in en)
    assert any(re.search(p, "see item 27 of the brief") for p in en)
    assert not any(re.search(p, "crmsim.simulate(seed=3) with three seeds") for p in en)
    zh = SHEET["project_words"]["zh"]
    assert any(re.search(p, "见条目 27") for p in zh)
    assert not any(re.search(p, "同一个随机种子") for p in zh)

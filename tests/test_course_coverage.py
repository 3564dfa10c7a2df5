"""Every topic of the CRM domain brief must be taught in ``course/``.

The domain brief lives outside the repository, at ``shared/DOMAIN.md`` in the
repository's parent folder or one above it (``../shared`` for the main checkout,
``../../shared`` for a worktree under ``wt/``), or where ``CRMSIM_DOMAIN_MD``
points. When it is present the topics and their Chinese terms are parsed from
it; a hard-coded copy of the 39 topics below keeps the coverage checks running
(and failing when they should) when it is absent, so the suite never passes
silently.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
COURSE = REPO_ROOT / "course"


def _find_domain() -> Path:
    env = os.environ.get("CRMSIM_DOMAIN_MD")
    if env:
        return Path(env)
    for parent in (REPO_ROOT.parent, REPO_ROOT.parent.parent):
        if (parent / "shared" / "DOMAIN.md").exists():
            return parent / "shared" / "DOMAIN.md"
    return REPO_ROOT.parent / "shared" / "DOMAIN.md"


DOMAIN_MD = _find_domain()
N_TOPICS = 39
README = COURSE / "README.md"
GLOSSARY = COURSE / "glossary.md"

# Section number of the brief -> course file that teaches it. Section 8 (teaching
# forms) is for teachers, so the instructor guide teaches it, not a lecture.
LECTURES = {
    1: "01-customers-and-value.md",
    2: "02-lifecycle.md",
    3: "03-satisfaction-loyalty-retention.md",
    4: "04-empowerment.md",
    5: "05-crm-systems-and-analytics.md",
    6: "06-implementing-crm.md",
    7: "00-crm-concept-and-strategy.md",
    8: "instructor-guide.md",
}
# Topics taught outside their section's file: who the customer is and what a
# customer relationship is open the course, with what CRM is (section 7);
# customer development sits with the development stage of the lifecycle.
TOPIC_LECTURES = {
    27: "00-crm-concept-and-strategy.md",
    28: "00-crm-concept-and-strategy.md",
    30: "02-lifecycle.md",
}
# Lecture notes (the structure test applies to these, not to the instructor guide).
LECTURE_FILES = sorted(f for f in LECTURES.values() if re.match(r"\d\d-", f))


def lecture_of(number: int, section: int) -> str:
    return TOPIC_LECTURES.get(number, LECTURES[section])


NOTEBOOKS = {
    "00-getting-started",
    "01-lifecycle",
    "02-segmentation",
    "03-customer-value",
    "04-retention",
    "05-empowerment",
    "06-analytical-crm",
    "07-implementing-crm",
    "08-crm-strategy",
}
EXERCISES = {
    "ex02-segmentation",
    "ex03-customer-value",
    "ex04-retention",
    "ex05-empowerment",
    "ex06-analytical-crm",
    "ex07-implementation",
    "ex08-crm-strategy",
}

# (topic, section, title, first Chinese term or None). Kept in sync with the
# brief by test_hardcoded_topics_match_domain.
TOPICS: list[tuple[int, int, str, str | None]] = [
    (1, 1, "Customer types by relationship to the firm", "一般客户"),
    (2, 1, "Customer types by distance to the firm", "非客户"),
    (3, 1, "Customer value tiers", "根据客户价值分类"),
    (4, 1, "Combined classifications", "客户忠诚度"),
    (5, 1, "Segmentation", "客户细分"),
    (6, 1, "Customer value", "认识客户价值"),
    (7, 1, "Well-matched customers", "门当户对"),
    (8, 1, "Customer temperament and service tactics", "攻击型服务"),
    (9, 1, "Customer information management", "实施客户信息管理"),
    (10, 2, "Six stages", "客户生命周期"),
    (11, 2, "Four-stage variant", "考察期"),
    (12, 2, "Process of cultivating customer loyalty", "培养客户忠诚度的流程"),
    (13, 3, "Satisfaction, loyalty and retention", "客户保持的意义"),
    (14, 3, "Retention strategies", "客户保持的策略"),
    (15, 3, "Relationship marketing", "关系营销"),
    (16, 4, "What the firm grants", "企业授权行为"),
    (17, 4, "Psychological empowerment, as the customer feels it", "消费意义"),
    (18, 4, "Effects", "顾客心理受权模型"),
    (19, 5, "System types", "运营型"),
    (20, 5, "Analytical CRM in four stages", "客户分析"),
    (21, 5, "Data warehouse", "数据仓库"),
    (22, 5, "Data mining", "数据挖掘"),
    (23, 5, "Call centre", "呼叫中心"),
    (24, 6, "Nine implementation phases", "项目准备"),
    (25, 6, "Success factors", None),
    (26, 6, "CRM's \"iron triangle\"", "铁三角"),
    (27, 1, "Who the customer is", "谁是我们的客户"),
    (28, 1, "Customer relationship", "客户关系"),
    (29, 1, "Customer-selection principles", "选择客户的指导思想"),
    (30, 1, "Customer development", "客户开发"),
    (31, 5, "CRM system content and objectives", "客户管理信息系统"),
    (32, 5, "IT for relationships, front and back end", "好關係"),
    (33, 5, "Strategy, process, technology, integration", None),
    (34, 5, "Architectures", "顧客關係維繫平台"),
    (35, 5, "AI, blockchain, privacy", "去信任化"),
    (36, 7, "What CRM is", None),
    (37, 7, "History, trends, China", "接触管理"),
    (38, 7, "CRM strategy", "客户关系管理战略"),
    (39, 8, "Lesson format", "教案"),
]

CJK = "\u4e00-\u9fff"
# A Chinese term: a run of CJK characters, possibly with embedded Latin
# letters ("选择合适的CRM系统"); list separators such as 、 split terms.
TERM_RE = re.compile(rf"[{CJK}]+(?:[A-Za-z0-9]+[{CJK}]+)*")
PAREN_RE = re.compile(r"[(（]([^()（）]*)[)）]")


# --------------------------------------------------------------------------
# Parsing helpers
# --------------------------------------------------------------------------


def chinese_terms(text: str) -> list[str]:
    """Chinese terms in the parenthesised groups of ``text``, in order."""
    terms: list[str] = []
    for group in PAREN_RE.findall(text):
        for term in TERM_RE.findall(group):
            if term not in terms:
                terms.append(term)
    return terms


def parse_domain(text: str) -> tuple[dict[int, dict], list[str]]:
    """Return ``{topic: {section, title, terms}}`` and the section-level terms."""
    topics: dict[int, dict] = {}
    section_terms: list[str] = []
    section = 0
    current: int | None = None
    for line in text.splitlines():
        heading = re.match(r"^##\s+(\d+)\.\s+(.*)$", line)
        if heading:
            section = int(heading.group(1))
            section_terms += chinese_terms(heading.group(2))
            current = None
            continue
        if line.startswith("## "):  # an unnumbered section ends the topic list
            section = 0
            current = None
            continue
        if not section:
            continue
        item = re.match(r"^(\d+)\.\s+(.*)$", line)
        if item:
            current = int(item.group(1))
            body = item.group(2)
            bold = re.match(r"\*\*(.+?)\*\*", body)
            title = bold.group(1) if bold else re.split(r"[;.]", body)[0]
            topics[current] = {"section": section, "title": title.strip(), "text": body}
        elif current is not None and line.strip():
            topics[current]["text"] += " " + line.strip()
    for info in topics.values():
        info["terms"] = chinese_terms(info["text"])
    return topics, section_terms


def slugify(heading: str) -> str:
    """GitHub / MyST-style heading anchor."""
    text = re.sub(r"[`*_]|\{[^}]*\}", "", heading).strip().lower()
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Explicit MyST targets ``(name)=`` plus the slugs of all headings."""
    found: set[str] = set()
    in_fence = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        target = re.match(r"^\(([\w\-.:]+)\)=\s*$", line)
        if target:
            found.add(target.group(1))
        heading = re.match(r"^#{1,6}\s+(.*)$", line)
        if heading:
            found.add(slugify(heading.group(1)))
    return found


def coverage_rows() -> dict[int, list[str]]:
    """Rows of the README coverage table, keyed by topic number."""
    rows: dict[int, list[str]] = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0].isdigit():
            rows[int(cells[0])] = cells
    return rows


# --------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def domain():
    if not DOMAIN_MD.exists():
        pytest.skip(f"domain brief not found at {DOMAIN_MD}; checked the hard-coded copy only")
    return parse_domain(DOMAIN_MD.read_text(encoding="utf-8"))


def topic_list() -> list[tuple[int, int, str, list[str]]]:
    """Topics from the brief if present, else the hard-coded copy."""
    if DOMAIN_MD.exists():
        topics, _ = parse_domain(DOMAIN_MD.read_text(encoding="utf-8"))
        return [(n, t["section"], t["title"], t["terms"]) for n, t in sorted(topics.items())]
    return [(n, s, title, [term] if term else []) for n, s, title, term in TOPICS]


# --------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------


def test_hardcoded_topics_match_domain(domain):
    topics, _ = domain
    assert sorted(topics) == list(range(1, N_TOPICS + 1)), (
        f"the brief should number its topics 1..{N_TOPICS}"
    )
    assert len(TOPICS) == N_TOPICS
    for number, section, title, first_term in TOPICS:
        parsed = topics[number]
        assert parsed["section"] == section, f"topic {number} moved to section {parsed['section']}"
        assert parsed["title"].startswith(title), f"topic {number} title is now {parsed['title']!r}"
        got = parsed["terms"][0] if parsed["terms"] else None
        assert got == first_term, f"topic {number}: first Chinese term is now {got!r}"


def test_topic_list_is_complete():
    numbers = [n for n, *_ in topic_list()]
    assert numbers == list(range(1, N_TOPICS + 1))


@pytest.mark.parametrize("number", range(1, N_TOPICS + 1))
def test_topic_has_coverage_row(number):
    rows = coverage_rows()
    assert number in rows, f"topic {number} has no row in the coverage table of course/README.md"
    assert len(rows[number]) >= 5, f"row {number} needs topic|title|lecture|notebook|exercise"


@pytest.mark.parametrize("topic", topic_list(), ids=lambda t: f"topic{t[0]}")
def test_coverage_row_points_to_existing_lecture_anchor(topic):
    number, section, _title, _terms = topic
    row = coverage_rows().get(number)
    assert row is not None, f"topic {number} missing from coverage table"
    links = re.findall(r"([\w\-]+\.md)#([\w\-.:]+)", row[2])
    assert links, f"topic {number}: lecture cell {row[2]!r} has no file.md#anchor"
    for fname, anchor in links:
        path = COURSE / fname
        assert path.exists(), f"topic {number}: lecture file {fname} does not exist"
        assert anchor in anchors(path), f"topic {number}: anchor #{anchor} not found in {fname}"
    expected = lecture_of(number, section)
    assert any(f == expected for f, _ in links), (
        f"topic {number} (section {section}) is taught in {expected}; link it"
    )


@pytest.mark.parametrize("topic", topic_list(), ids=lambda t: f"topic{t[0]}")
def test_coverage_row_names_known_notebook_and_exercise(topic):
    number = topic[0]
    row = coverage_rows()[number]
    notebooks = set(re.findall(r"(\d\d-[\w\-]+?)\.ipynb", row[3]))
    assert notebooks, f"topic {number}: no notebook named in {row[3]!r}"
    assert notebooks <= NOTEBOOKS, f"topic {number}: unknown notebook(s) {notebooks - NOTEBOOKS}"
    assert "§" in row[3], f"topic {number}: give the notebook section (§n)"
    exercises = set(re.findall(r"ex\d\d-[\w\-]+?(?=\s|$|\)|\]|,|;)", row[4]))
    assert exercises, f"topic {number}: no exercise named in {row[4]!r}"
    assert exercises <= EXERCISES, f"topic {number}: unknown exercise(s) {exercises - EXERCISES}"


@pytest.mark.parametrize("topic", topic_list(), ids=lambda t: f"topic{t[0]}")
def test_lecture_contains_chinese_terms_of_topic(topic):
    number, section, _title, terms = topic
    fname = lecture_of(number, section)
    text = (COURSE / fname).read_text(encoding="utf-8")
    missing = [t for t in terms if t not in text]
    assert not missing, f"topic {number}: {fname} lacks Chinese term(s) {missing}"


def test_glossary_contains_every_chinese_term(domain):
    topics, section_terms = domain
    glossary = GLOSSARY.read_text(encoding="utf-8")
    terms = list(section_terms)
    for info in topics.values():
        terms += info["terms"]
    missing = sorted({t for t in terms if t not in glossary})
    assert not missing, f"glossary.md lacks Chinese term(s): {missing}"


def test_glossary_is_alphabetical_table():
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 4 and not set(cells[0]) <= set("-: "):
            rows.append(cells)
    assert rows and rows[0][0].lower() == "english", "glossary needs an 'English | Chinese' header"
    english = [r[0] for r in rows[1:]]
    assert len(english) >= 60, "glossary looks too short to cover the brief"
    key = [re.sub(r"[^a-z0-9 ]", "", e.lower()) for e in english]
    assert key == sorted(key), "glossary rows must be alphabetical by English term"


@pytest.mark.parametrize("fname", LECTURE_FILES)
def test_lecture_structure(fname):
    text = (COURSE / fname).read_text(encoding="utf-8")
    for part in ("Learning objectives", "Discussion questions", "Try it in the simulator"):
        assert part in text, f"{fname} lacks a '{part}' section"
    assert "```{mermaid}" in text or re.search(r"^\|.*\|$", text, re.M), f"{fname} has no diagram"
    words = len(re.findall(r"\w+", text))
    assert 1200 <= words <= 4000, f"{fname} has {words} words; aim for 1,500-3,000"


def test_syllabus_has_thirteen_weeks():
    text = (COURSE / "syllabus.md").read_text(encoding="utf-8")
    weeks = {int(n) for n in re.findall(r"^\|\s*(\d{1,2})\s*\|", text, re.M)}
    assert weeks >= set(range(1, 14)), f"syllabus weeks found: {sorted(weeks)}"
    for fname in LECTURES.values():
        assert fname in text, f"syllabus never assigns {fname}"


def test_glossary_links_resolve():
    text = GLOSSARY.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([\w\-]+\.md)#([\w\-.:]+)\)", text)
    assert links, "glossary has no 'where used' links"
    for fname, anchor in set(links):
        path = COURSE / fname
        assert path.exists(), f"glossary links to missing {fname}"
        assert anchor in anchors(path), f"glossary links to missing anchor {fname}#{anchor}"


def test_listed_notebooks_and_exercises_exist():
    notebooks = {p.stem for p in (REPO_ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")}
    exercises = {p.parent.name for p in (REPO_ROOT / "exercises").glob("ex*/exercise.toml")}
    assert NOTEBOOKS == notebooks, f"NOTEBOOKS is out of step with notebooks/: {notebooks}"
    assert EXERCISES == exercises, f"EXERCISES is out of step with exercises/: {exercises}"


def test_hardcoded_copy_has_every_topic():
    assert [n for n, *_ in TOPICS] == list(range(1, N_TOPICS + 1))
    assert {s for _, s, *_ in TOPICS} == set(LECTURES)
    assert set(TOPIC_LECTURES) <= {n for n, *_ in TOPICS}

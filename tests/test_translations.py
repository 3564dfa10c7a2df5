"""Both languages stay in step: a change to one page of a pair shows as a stale translation."""

import json
import shutil
from pathlib import Path

from crmsim.course import translations

ROOT = Path(__file__).resolve().parents[1]


def test_every_translated_page_is_in_step_with_its_twin():
    assert translations.stale(ROOT) == []


def _pair(tmp_path):
    (tmp_path / "zh").mkdir()
    en, zh = tmp_path / "page.md", tmp_path / "zh" / "page.md"
    en.write_text("# Customer value\n\nText.\n", encoding="utf-8")
    zh.write_text("# 客户价值\n\n正文。\n", encoding="utf-8")
    return en, zh


def test_editing_either_language_makes_the_pair_stale_until_stamped(tmp_path):
    en, zh = _pair(tmp_path)
    assert len(translations.stale(tmp_path)) == 1  # never stamped
    translations.stamp([zh])
    assert translations.stale(tmp_path) == []
    for edited in (en, zh):
        before = edited.read_text(encoding="utf-8")
        edited.write_text(before.replace("\n\n", "\n\nMore. 更多。\n\n", 1), encoding="utf-8")
        assert any(str(edited) in line for line in translations.stale(tmp_path))
        translations.stamp([edited])
        assert translations.stale(tmp_path) == []


def test_notebook_outputs_do_not_count_but_sources_do(tmp_path):
    (tmp_path / "zh").mkdir()
    nb = {"cells": [{"cell_type": "code", "source": ["1 + 1"], "outputs": [], "metadata": {},
                     "execution_count": None}], "metadata": {}, "nbformat": 4,
          "nbformat_minor": 5}
    en, zh = tmp_path / "n.ipynb", tmp_path / "zh" / "n.ipynb"
    for p in (en, zh):
        p.write_text(json.dumps(nb), encoding="utf-8")
    translations.stamp([en])
    data = json.loads(en.read_text(encoding="utf-8"))
    data["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "2"}]
    en.write_text(json.dumps(data), encoding="utf-8")
    assert translations.stale(tmp_path) == []
    data["cells"][0]["source"] = ["1 + 2"]
    en.write_text(json.dumps(data), encoding="utf-8")
    assert translations.stale(tmp_path)


def test_a_chinese_page_without_english_twin_is_reported(tmp_path):
    en, zh = _pair(tmp_path)
    translations.stamp([zh])
    shutil.move(en, tmp_path / "renamed.md")
    assert "no English twin" in translations.stale(tmp_path)[0]

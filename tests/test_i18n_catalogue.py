"""The language API and its catalogue: both languages for every key, a display label in both
languages for every simulator column, clear errors for unknown languages and keys."""

import os
import re
import string
import subprocess
import sys

import pytest

from crmsim import i18n, schema
from crmsim.errors import CrmsimError
from crmsim.sim.lifecycle import STAGES

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


def _fields(text):
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_key_has_both_languages_with_the_same_placeholders():
    cat = i18n.catalogue()
    assert len(cat) > 100
    for key, entry in cat.items():
        assert set(entry) == {"en", "zh"}, key
        assert entry["en"].strip() and entry["zh"].strip(), key
        assert _fields(entry["en"]) == _fields(entry["zh"]), key


def test_chinese_entries_are_chinese():
    cat = i18n.catalogue()
    not_cjk = [k for k, e in cat.items() if not CJK.search(e["zh"]) and k != "lang.en"]
    assert not_cjk == []


def test_every_column_of_every_table_has_labels_in_both_languages():
    for table, cols in schema.TABLES.items():
        en = schema.display_labels(table, "en")
        zh = schema.display_labels(table, "zh")
        assert list(en) == list(cols) == list(zh), table
        for col in cols:
            assert CJK.search(zh[col]), (table, col, zh[col])
            assert not CJK.search(en[col]), (table, col, en[col])


def test_labels_follow_the_language():
    assert i18n.label("revenue") == "revenue"
    i18n.set_language("zh")
    assert i18n.get_language() == "zh"
    assert i18n.label("revenue") == "收入"
    assert i18n.label("n_growth") == "客户成长期客户数"
    assert i18n.label("not_a_column") == "not_a_column"
    assert i18n.t("plot.money_per_period", currency="CNY") == "每期金额 CNY"
    assert i18n.t("plot.profit_title", "en") == "Revenue, costs and profit per period"
    assert [i18n.stage(s) for s in STAGES][:2] == ["潜在客户期", "客户开发期"]
    assert i18n.set_language("zh-CN") == "zh" and i18n.set_language("EN") == "en"


def test_chinese_terms_are_the_textbooks():
    """A few DOMAIN.md terms, so a re-wording cannot drift from the textbooks silently."""
    zh = {k: e["zh"] for k, e in i18n.catalogue().items()}
    assert zh["stage.maturity"] == "客户成熟期" and zh["stage.terminated"] == "客户终止期"
    assert zh["column.true_belonging"] == "真实归属感"
    assert zh["plot.pyramid_title"] == "客户金字塔"
    assert zh["side.philosophy"] == "理念"


def test_bad_language_and_key_are_clear_errors():
    with pytest.raises(CrmsimError, match=r"language='fr' is invalid: expected 'en'"):
        i18n.set_language("fr")
    with pytest.raises(CrmsimError, match=r"key='plot.nope' is invalid"):
        i18n.t("plot.nope")


def test_crmsim_lang_environment_variable_sets_the_language_and_font():
    code = ("import matplotlib as mpl; from crmsim import i18n; "
            "print(i18n.get_language(), mpl.rcParams['font.sans-serif'][0], sep='|')")
    env = {**os.environ, "CRMSIM_LANG": "zh"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.strip().split("|")
    assert out == ["zh", i18n.CJK_FONT]
    env["CRMSIM_LANG"] = "xx"
    bad = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert bad.returncode != 0 and "language='xx' is invalid" in bad.stderr


def test_cjk_font_comes_from_the_python_package_not_the_system():
    from matplotlib import font_manager

    path = i18n.cjk_font_path()
    assert path.is_file() and path.parent.parent.name == "mplfonts"
    i18n.set_language("zh")
    found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert os.path.samefile(found, path)
    i18n.set_language("en")
    found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert not os.path.samefile(found, path)

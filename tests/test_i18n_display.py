"""Tables shown in the reader's language: ``i18n.localize`` gives a display copy (labels and
category values from the catalogue, numbers and the data untouched), ``set_language("zh")``
shows every pandas table through it in IPython and ``set_language("en")`` stops it, and the
comparison plot names strategies in the current language."""

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

from crmsim import i18n, plots  # noqa: E402


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.set_language("en")


def test_localize_translates_labels_and_category_values_not_numbers():
    df = pd.DataFrame({"stage": ["growth", "decline"], "tier": ["A", "D"],
                       "strategy": ["win_back:target=tier=A|B", "none"],
                       "revenue": [1.5, 2.0], "not_a_column": ["x", "y"]})
    shown = i18n.localize(df, "zh")
    assert list(shown.columns) == ["阶段", "客户层级", "策略", "收入", "not_a_column"]
    assert list(shown["阶段"]) == ["客户成长期", "客户衰退期"]
    assert list(shown["客户层级"]) == ["VIP客户", "小客户"]
    assert list(shown["策略"]) == ["客户赢回:target=tier=A|B", "不采取策略"]
    assert list(shown["收入"]) == [1.5, 2.0] and list(shown["not_a_column"]) == ["x", "y"]
    assert list(df.columns)[0] == "stage" and df["tier"].iloc[0] == "A"   # data unchanged


def test_localize_index_names_labels_and_series():
    table = pd.crosstab(pd.Series(["growth", "maturity"], name="from_stage"),
                        pd.Series(["maturity", "decline"], name="to_stage"))
    shown = i18n.localize(table, "zh")
    assert shown.index.name == "原阶段" and list(shown.index) == ["客户成长期", "客户成熟期"]
    assert shown.columns.name == "新阶段" and list(shown.columns) == ["客户衰退期", "客户成熟期"]
    s = pd.Series({True: 3, False: 4}, name="revenue")
    assert list(i18n.localize(s, "zh").index) == ["是", "否"]
    assert i18n.localize(s, "zh").name == "收入"
    by_seg = pd.Series([1, 2], index=pd.Index(["champions", "at_risk"], name="segment"))
    assert list(i18n.localize(by_seg, "zh").index) == ["冠军客户", "流失风险客户"]
    multi = pd.Series([1], index=pd.MultiIndex.from_tuples([("A", 2025)],
                                                           names=["tier", "year"]))
    assert list(i18n.localize(multi, "zh").index) == [("VIP客户", 2025)]
    assert list(i18n.localize(multi, "zh").index.names) == ["客户层级", "年份"]


def test_localize_in_english_uses_english_names_and_leaves_other_objects():
    df = pd.DataFrame({"tier": ["B"]}, index=pd.Index([0], name="customer_id"))
    shown = i18n.localize(df, "en")
    assert shown.index.name == "customer ID"
    assert shown["tier"].iloc[0] == "major"
    assert i18n.localize([1, 2]) == [1, 2]
    assert i18n.value("tier", "Z") == "Z" and i18n.value("stage", 3) == 3


def test_zh_shows_pandas_tables_through_localize_in_ipython_and_en_stops_it():
    shell = InteractiveShell.instance()
    df = pd.DataFrame({"stage": ["growth"], "revenue": [1.0]})
    i18n.set_language("zh")
    data, _ = shell.display_formatter.format(df)
    assert "客户成长期" in data["text/html"] and "收入" in data["text/plain"]
    series, _ = shell.display_formatter.format(df["revenue"])
    assert "收入" in series["text/plain"]
    i18n.set_language("en")
    data, _ = shell.display_formatter.format(df)
    assert "growth" in data["text/html"] and "收入" not in data["text/plain"]
    assert "stage" in data["text/plain"]


def test_comparison_plot_names_strategies_in_the_current_language():
    table = pd.DataFrame({"strategy": ["none", "win_back:target=tier=A"], "profit": [1.0, 2.0],
                          "profit_ci95": [0.1, 0.2]})
    i18n.set_language("zh")
    ax = plots.plot_comparison(table)
    assert [x.get_text() for x in ax.get_yticklabels()] == ["不采取策略",
                                                             "客户赢回:target=tier=A"]
    i18n.set_language("en")
    ax = plots.plot_comparison(table)
    assert [x.get_text() for x in ax.get_yticklabels()] == ["no strategy",
                                                             "win-back:target=tier=A"]


def test_templated_keys_match_rows_with_numbers():
    assert i18n.value("metric", "repeat conversion by week 39", "zh") == "到第 39 周的复购转化率"
    assert i18n.value("metric", "share without repeat weeks 1-39", "en") == (
        "share without repeat weeks 1-39")
    assert i18n.value("metric", "repeat conversion by week", "zh") == "repeat conversion by week"


def test_a_margin_under_a_category_axis_is_still_translated():
    table = pd.crosstab(pd.Series(["A", "B"], name="credit_rating"), pd.Series([1, 2]),
                        margins=True)
    assert list(i18n.localize(table, "zh").index) == ["A 级", "B 级", "合计"]

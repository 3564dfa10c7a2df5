"""The Chinese notebooks speak Chinese in their outputs, not only in their prose.

Over the stored outputs of ``notebooks/zh/*.ipynb`` (what a student sees before running
anything, and what nbval checks the fresh run against): at least 90% of the printed lines and
at least 90% of the table headers (``<th>`` cells of HTML tables: column and row labels) contain
a Chinese character. The English notebooks' tables keep their English headers (the display
formatter of :func:`crmsim.i18n.set_language` is only installed for Chinese).

Narrow exemptions, because a student types them as they are:

* a printed line that is nothing but a Python literal (``ast.literal_eval`` reads it: a list
  of column names, a dict of parameters);
* a header that is a number, a percentage or a calendar period (``2025Q1``, ``2026-03``), or
  a model parameter's symbol as the code names it (``r``, ``alpha``, ``a``, ``b``: one lower-case
  letter or a Greek letter's name; capitals such as tiers A-D are translated).
"""

import ast
import json
import re
from pathlib import Path

import pytest

from crmsim import i18n

ROOT = Path(__file__).resolve().parents[1] / "notebooks"
ZH = sorted((ROOT / "zh").glob("[0-9][0-9]-*.ipynb"))
EN = sorted(ROOT.glob("[0-9][0-9]-*.ipynb"))
CJK = re.compile(r"[\u3400-\u9fff]")
NUMBER_OR_PERIOD = re.compile(r"[-+]?[\d.,]+%?|\d{4}(-\d{2}(-\d{2})?|Q[1-4])|[\d.\-–]+")
SYMBOL = re.compile(r"[a-z]|alpha|beta|gamma")
MIN_SHARE = 0.9


def outputs(path):
    """(printed lines, table headers) of the stored outputs of the notebook at ``path``."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    lines, heads = [], []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []) if cell["cell_type"] == "code" else []:
            if o.get("output_type") == "stream" and o.get("name") == "stdout":
                lines += [x for x in "".join(o["text"]).splitlines() if x.strip()]
            html = "".join(o.get("data", {}).get("text/html", ""))
            for th in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S):
                text = re.sub(r"<[^>]+>", "", th).strip()
                if text:
                    heads.append(text)
    return lines, heads


def is_literal(line):
    try:
        ast.literal_eval(line.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return True


def counted(lines, heads):
    return ([x for x in lines if not is_literal(x)],
            [h for h in heads if not (NUMBER_OR_PERIOD.fullmatch(h) or SYMBOL.fullmatch(h))])


def shares():
    lines, heads = [], []
    for path in ZH:
        ln, hd = counted(*outputs(path))
        lines += [(path.name, x) for x in ln]
        heads += [(path.name, x) for x in hd]
    return lines, heads


def test_exemptions_are_narrow():
    assert is_literal("['customer_id', 'region']") and is_literal("{'seats': 2}")
    assert not is_literal("profit: none CNY 61,406") and not is_literal("0 gold customers")
    assert NUMBER_OR_PERIOD.fullmatch("2025Q1") and NUMBER_OR_PERIOD.fullmatch("50%")
    assert not NUMBER_OR_PERIOD.fullmatch("A") and not NUMBER_OR_PERIOD.fullmatch("BG/NBD")
    assert SYMBOL.fullmatch("alpha") and not SYMBOL.fullmatch("A") and not SYMBOL.fullmatch("all")


@pytest.mark.parametrize("kind", ["printed lines", "table headers"])
def test_chinese_notebooks_print_and_label_tables_in_chinese(kind):
    assert len(ZH) == len(EN) > 0
    items = shares()[0 if kind == "printed lines" else 1]
    english = [f"{name}: {text}" for name, text in items if not CJK.search(text)]
    share = 1 - len(english) / len(items)
    assert share >= MIN_SHARE, (f"{kind}: {share:.1%} in Chinese; not Chinese:\n"
                                + "\n".join(english[:60]))


def test_english_notebooks_keep_english_table_headers():
    # column labels, not category values: English notebook 02 shows RFM segments' Chinese names
    # on purpose (the segment_zh column)
    chinese_labels = {e["zh"] for k, e in i18n.catalogue().items()
                      if k.startswith(("column.", "metric."))}
    for path in EN:
        _, heads = outputs(path)
        assert heads, path.name
        assert not chinese_labels & set(heads), path.name

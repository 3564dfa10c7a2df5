"""Structure of the published-evidence table and its two helpers."""

import math
import re

import pytest

from crmsim.errors import CrmsimError
from crmsim.sim.evidence import _ENTRIES, EVIDENCE, Evidence, check_within, cite, table

YEAR = re.compile(r"\((\d{4})\)")


def test_between_25_and_40_entries_with_unique_keys():
    assert 25 <= len(EVIDENCE) <= 40
    keys = [e.key for e in _ENTRIES]
    assert len(keys) == len(set(keys)), "duplicate evidence key"
    assert all(k == e.key for k, e in EVIDENCE.items())
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", k) for k in keys)


@pytest.mark.parametrize("e", _ENTRIES, ids=lambda e: e.key)
def test_entry_is_complete(e: Evidence):
    assert isinstance(e.low, int | float) and isinstance(e.high, int | float)
    assert math.isfinite(e.low) and math.isfinite(e.high)
    assert e.low <= e.high
    for text in (e.claim, e.unit, e.source, e.note, e.short):
        assert isinstance(text, str) and text.strip()
    years = [int(y) for y in YEAR.findall(e.source)]
    assert years, f"{e.key}: source has no (year)"
    assert all(1950 <= y <= 2030 for y in years)
    # the short tag names a year that the full source cites
    short_years = [int(y) for y in re.findall(r"\b(\d{4})\b", e.short)]
    assert short_years and set(short_years) <= set(years)
    # sources name a title after the year, not just an author list
    assert len(e.source.split(")", 1)[1].strip()) > 20


def test_cite_formats_single_figure_and_range():
    assert cite("lp_share_of_wallet_selfselection") == (
        "Leenheer et al. 2007: 0.143 (ratio (causal effect / naive gap))")
    assert cite("lp_lift_fades") == "Meyer-Waarden & Benavent 2009: 6..9 (months)"
    pattern = re.compile(r".+ \d{4}: -?[\d.e+-]+(\.\.-?[\d.e+-]+)? \(.+\)")
    for key in EVIDENCE:
        assert pattern.fullmatch(cite(key)), cite(key)


def test_check_within_includes_ends_and_rejects_outside():
    e = EVIDENCE["price_elasticity_meta"]
    assert check_within(e.key, e.low) and check_within(e.key, e.high)
    assert check_within(e.key, (e.low + e.high) / 2)
    assert not check_within(e.key, e.low - 0.01)
    assert not check_within(e.key, e.high + 0.01)
    assert check_within("promotion_elasticity_mean", -3.63)
    assert not check_within("promotion_elasticity_mean", -3.0)


def test_bad_key_or_value_gives_one_line_error():
    with pytest.raises(CrmsimError, match=r"evidence key='nope' is invalid"):
        cite("nope")
    with pytest.raises(CrmsimError, match="evidence key"):
        check_within("nope", 1.0)
    with pytest.raises(CrmsimError, match="a number"):
        check_within("lp_lift_fades", "six")
    with pytest.raises(CrmsimError, match="NaN"):
        check_within("lp_lift_fades", float("nan"))


def test_table_rows_match_entries():
    rows = table()
    assert [r["key"] for r in rows] == list(EVIDENCE)
    assert set(rows[0]) == {"key", "claim", "low", "high", "unit", "source", "note"}


def test_cdnow_repeat_share_matches_bundled_sample():
    """The CDNOW figures are re-measured on the data shipped with crmsim."""
    from importlib.resources import files

    import pandas as pd

    path = files("crmsim") / "data" / "cdnow" / "CDNOW_sample.txt"
    d = pd.read_csv(path, sep=r"\s+", header=None, names=["id0", "id", "date", "n", "amt"])
    d["date"] = pd.to_datetime(d["date"].astype(str))
    first = d.groupby("id")["date"].transform("min")
    n = d["id"].nunique()
    by_39w = d[(d["date"] > first) & (d["date"] <= "1997-09-30")]["id"].nunique() / n
    by_78w = d[d["date"] > first]["id"].nunique() / n
    assert n == 2357
    assert round(by_39w, 3) == EVIDENCE["cdnow_repeat_39w"].low
    assert round(by_78w, 3) == EVIDENCE["cdnow_repeat_78w"].high

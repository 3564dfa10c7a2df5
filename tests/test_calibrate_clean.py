"""Messy logs are cleaned as reported: every dropped row counted under its reason."""

import numpy as np
import pandas as pd
import pytest

import crmsim
from crmsim.analysis.synthetic import bgnbd_log
from crmsim.calibrate.clean import clean
from crmsim.calibrate.read import read_log

EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def invoice_lines(n=1500, seed=5):
    """A clean UCI-style log: each order of a BG/NBD cohort as 1-3 invoice lines."""
    _, tx = bgnbd_log(n, days=546, acquisition_days=84, seed=seed)
    rng = np.random.default_rng(seed)
    k = rng.integers(1, 4, len(tx))
    rows = tx.loc[tx.index.repeat(k)].reset_index(drop=True)
    order = np.repeat(np.arange(len(tx)), k)
    line = np.concatenate([np.arange(j) for j in k])
    price = np.round(1 + 4 * rng.random(len(rows)), 2)
    return pd.DataFrame({
        "InvoiceNo": (500000 + order).astype(str),
        "StockCode": (10000 + 7 * line + rng.integers(0, 50, len(rows))).astype(str),
        "Description": "ITEM",
        "Quantity": np.maximum(1, np.round(rows["amount"] / k[order] / price)).astype(int),
        "InvoiceDate": rows["date"] + pd.to_timedelta(rng.integers(8 * 60, 18 * 60,
                                                                   len(rows)), unit="min"),
        "UnitPrice": price,
        "CustomerID": (12000 + rows["customer_id"]).astype(float),
        "Country": "United Kingdom",
    })


def messy(lines):
    """Add known faults; return the log and the number of rows each reason must drop."""
    rng = np.random.default_rng(0)
    # a month with no data at all (the shop's system was down)
    gap = (lines["InvoiceDate"] >= "2020-07-01") & (lines["InvoiceDate"] < "2020-08-01")
    lines = lines[~gap].reset_index(drop=True)
    pick = lambda k: lines.sample(k, random_state=int(rng.integers(1 << 30))).copy()  # noqa: E731
    missing = pick(7).assign(CustomerID=np.nan, InvoiceNo=lambda d: "9" + d["InvoiceNo"])
    cancel = pick(5).assign(InvoiceNo=lambda d: "C" + d["InvoiceNo"],
                            Quantity=lambda d: -d["Quantity"])
    negative = pick(3).assign(InvoiceNo=lambda d: "8" + d["InvoiceNo"],
                              Quantity=lambda d: -d["Quantity"])
    free = pick(4).assign(InvoiceNo=lambda d: "7" + d["InvoiceNo"], UnitPrice=0.0)
    dup = pick(6)
    outlier = pick(1).assign(InvoiceNo="600000", Quantity=80995, UnitPrice=2.08)
    log = pd.concat([lines, missing, cancel, negative, free, dup, outlier], ignore_index=True)
    return lines, log, {"missing customer id": 7, "cancellation or return": 8,
                 "non-positive price": 4, "exact duplicate": 6, "obvious outlier": 1}


@pytest.fixture(scope="module")
def dirty():
    return messy(invoice_lines())


def test_each_fault_is_counted_under_its_reason(dirty):
    _, log, expected = dirty
    table, layout, _ = read_log(log)
    assert layout == "lines"
    report = clean(table, layout).report.set_index("reason")["rows"]
    assert report[report > 0].to_dict() == expected


def test_lines_are_grouped_into_the_invoices_and_nothing_else_is_lost(dirty):
    lines, log, _ = dirty
    table, layout, _ = read_log(log)
    got = clean(table, layout)
    kept = lines
    assert len(got.lines) == len(kept)
    assert len(got.orders) == kept["InvoiceNo"].nunique()
    assert got.orders["amount"].sum() == pytest.approx((kept["Quantity"] * kept["UnitPrice"]).sum())
    assert got.rows_read == len(log)


def test_excel_export_with_serial_dates_calibrates_with_the_same_report(dirty, tmp_path):
    _, log, _ = dirty
    serial = (log["InvoiceDate"] - EXCEL_EPOCH) / pd.Timedelta(days=1)
    path = tmp_path / "shop.xlsx"
    log.assign(InvoiceDate=serial).to_excel(path, index=False)
    res = crmsim.calibrate(path, tmp_path / "shop.toml")
    direct = clean(*read_log(log)[:2]).report
    pd.testing.assert_frame_equal(res.cleaned.report, direct)
    assert (tmp_path / "shop.cleaning.md").read_text().count("exact duplicate") == 1
    assert "完全重复" in (tmp_path / "shop.cleaning.zh.md").read_text()
    # the empty month is a gap of zero arrivals in the weekly profile, not an error
    prof = np.array(res.scenario["acquisition"]["launch_profile"])
    assert len(prof) == res.fits.weeks
    gap = (res.fits.start + pd.to_timedelta(7 * np.arange(len(prof)) + 3, unit="D")).month == 7
    assert gap.sum() >= 3 and prof[gap].sum() == 0 and prof[:12].sum() > 0.9
    sim = crmsim.simulate(tmp_path / "shop.toml", seed=1)
    buyers = res.scenario["market"]["customers"] * res.scenario["acquisition"]["launch_share"]
    assert sim.transactions["customer_id"].nunique() == pytest.approx(buyers, abs=0.5)


def test_ids_typed_as_floats_or_text_are_one_customer():
    log = pd.DataFrame({"CustomerID": [17850.0, 17850.0], "InvoiceDate": ["2010-12-01",
                        "2011-01-05"], "Quantity": [1, 2], "UnitPrice": [2.5, 3.0]})
    text_ids = log.assign(CustomerID=[" 17850 ", "17850.0"])
    for frame in (log, text_ids):
        got = clean(*read_log(frame)[:2], settings={"min_days": 1})
        assert got.orders["customer_id"].nunique() == 1

"""Real exports as they come: time zones, repeated or oddly typed columns, huge amounts."""

import numpy as np
import pandas as pd
import pytest

from crmsim.calibrate.clean import clean, parse_dates, parse_numbers
from crmsim.calibrate.read import find_columns, read_log
from crmsim.errors import CrmsimError


def test_usual_names_are_recognised_in_both_layouts():
    uci = pd.DataFrame(columns=["InvoiceNo", "StockCode", "Description", "Quantity",
                                "InvoiceDate", "UnitPrice", "CustomerID", "Country"])
    found = find_columns(uci)
    assert found == {"customer": "CustomerID", "date": "InvoiceDate", "invoice": "InvoiceNo",
                     "product": "StockCode", "description": "Description",
                     "quantity": "Quantity", "unit_price": "UnitPrice", "country": "Country"}
    ii = pd.DataFrame({"Invoice": ["1"], "Price": [1.0], "Customer ID": ["5"],
                       "InvoiceDate": ["2010-01-01"], "Quantity": [1]})
    assert read_log(ii)[1] == "lines"
    cdnow = pd.DataFrame({"cust": ["1"], "date": ["1997-01-01"], "amount": [3.0]})
    assert read_log(cdnow, {"customer": "cust"})[1] == "orders"


def test_time_zone_aware_timestamps_become_utc():
    s = pd.Series(["2011-03-27 00:30:00+00:00", "2011-03-27 03:30:00+02:00",
                   "2011-03-27T01:30:00Z"])
    got = parse_dates(s)
    assert got.dt.tz is None
    assert list(got.dt.hour) == [0, 1, 1]
    aware = pd.Series(pd.date_range("2011-01-01", periods=3, freq="D", tz="Asia/Shanghai"))
    assert parse_dates(aware).iloc[0] == pd.Timestamp("2010-12-31 16:00")


def test_excel_serial_days_become_dates():
    assert parse_dates(pd.Series([40513.5]))[0] == pd.Timestamp("2010-12-01 12:00")
    assert parse_dates(pd.Series(["40513"]))[0] == pd.Timestamp("2010-12-01")


def test_numbers_typed_as_text_parse_and_garbage_does_not():
    got = parse_numbers(pd.Series(["1,234.50", "£2.50", " 3 ", "2,5", "abc", None]))
    np.testing.assert_allclose(got[:4], [1234.5, 2.5, 3.0, 2.5])
    assert got[4:].isna().all()


def test_a_repeated_column_is_refused_in_one_line_unless_mapped():
    df = pd.DataFrame([[1, "2010-01-01", 5.0, 6.0]],
                      columns=["CustomerID", "Date", "Amount", "Amount"])
    with pytest.raises(CrmsimError, match="one column for the amount") as e:
        read_log(df)
    assert "\n" not in str(e.value)
    csv_like = df.set_axis(["CustomerID", "Date", "Amount", "Amount.1"], axis=1)
    with pytest.raises(CrmsimError, match="--column amount="):
        read_log(csv_like)
    assert read_log(csv_like, {"amount": "Amount.1"})[0]["amount"].iloc[0] == 6.0


def test_amounts_that_would_overflow_are_dropped_as_outliers_not_summed_to_inf():
    n = 60
    df = pd.DataFrame({"CustomerID": np.arange(n) % 20, "InvoiceDate": pd.date_range(
        "2020-01-01", periods=n, freq="D"), "Quantity": 2, "UnitPrice": 3.0})
    df.loc[5, "UnitPrice"] = 1e308  # 2 x 1e308 overflows to inf
    df.loc[6, "Quantity"] = 2**62  # int64 products would wrap round
    got = clean(*read_log(df)[:2])
    assert np.isfinite(got.orders["amount"]).all()
    assert got.report.set_index("reason").loc["obvious outlier", "rows"] == 2
    assert got.orders["amount"].sum() == pytest.approx(6.0 * (n - 2))


def test_a_date_column_that_mostly_does_not_parse_is_refused():
    df = pd.DataFrame({"CustomerID": [1, 2, 3], "Date": ["soon", "later", "2020-01-01"],
                       "Amount": [1.0, 2.0, 3.0]})
    with pytest.raises(CrmsimError, match="log column date.*'soon'.*1 more of 3"):
        clean(*read_log(df)[:2])


def test_a_log_without_a_customer_column_is_refused():
    with pytest.raises(CrmsimError, match="a customer column"):
        read_log(pd.DataFrame({"Date": ["2020-01-01"], "Amount": [1.0]}))


def test_parquet_with_aware_timestamps_reads_as_utc(tmp_path):
    df = pd.DataFrame({"customer": ["a", "b"], "order_date": pd.to_datetime(
        ["2021-03-01 01:00", "2021-03-02 23:30"]).tz_localize("America/New_York"),
        "total": [10.0, 20.0]})
    df.to_parquet(tmp_path / "x.parquet")
    table, layout, found = read_log(tmp_path / "x.parquet")
    assert layout == "orders" and found["date"] == "order_date"
    got = clean(table, layout, settings={"min_days": 1}).orders
    assert list(got["date"]) == [pd.Timestamp("2021-03-01 06:00"), pd.Timestamp("2021-03-03 04:30")]

"""The shipped CDNOW data: loading, and rebuilding the published calibration summary."""

import filecmp
from pathlib import Path

import numpy as np
import pandas as pd

from crmsim.datasets import (
    cdnow_calibration_summary,
    data_path,
    load_cdnow,
    load_cdnow_summary,
)

ROOT = Path(__file__).resolve().parent.parent


def test_load_cdnow_log():
    log = load_cdnow()
    assert list(log.columns) == ["customer_id", "master_id", "date", "quantity", "amount"]
    assert len(log) == 6919 and log["customer_id"].nunique() == 2357
    assert log["date"].min() == pd.Timestamp("1997-01-01")
    assert log["date"].max() <= pd.Timestamp("1998-06-30")
    first = log.groupby("customer_id")["date"].min()
    assert first.max() < pd.Timestamp("1997-04-01")  # all acquired in the first quarter
    assert (log["amount"] >= 0).all() and (log["quantity"] >= 1).all()


def test_summary_rebuilt_from_log_equals_shipped_file():
    shipped = load_cdnow_summary(monetary=True)
    plain = load_cdnow_summary()
    assert plain.equals(shipped[["frequency", "recency", "T"]].astype(plain.dtypes))
    rebuilt = cdnow_calibration_summary()
    assert rebuilt.index.equals(shipped.index)
    assert (rebuilt["frequency"] == shipped["frequency"]).all()
    for col in ["recency", "T", "monetary_value"]:  # shipped values have 2 decimals
        assert np.abs(rebuilt[col] - shipped[col]).max() <= 0.005 + 1e-9, col


def test_repo_and_package_copies_are_identical():
    for name in ["CDNOW_sample.txt", "cdnow_customers_summary.csv",
                 "cdnow_customers_summary_with_transactions.csv"]:
        repo = ROOT / "datasets" / "cdnow" / name
        pkg = ROOT / "simulator" / "crmsim" / "data" / "cdnow" / name
        assert filecmp.cmp(repo, pkg, shallow=False), name
        assert data_path(name) == repo
    assert (ROOT / "datasets" / "cdnow" / "README.md").is_file()

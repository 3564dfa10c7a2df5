"""``crmsim calibrate``: a shop's CSV to a scenario that ``crmsim simulate`` runs; bad input
gets one line, exit 2, and nothing written."""

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from crmsim.cli import main
from crmsim.datasets import load_cdnow


def snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            if p.is_file() else "dir" for p in sorted(folder.rglob("*"))}


@pytest.fixture
def shop(tmp_path, monkeypatch):
    """The CDNOW log exported the way a shop might: other column names, a CSV file."""
    monkeypatch.chdir(tmp_path)
    load_cdnow().rename(columns={"customer_id": "CustID", "date": "OrderDate",
                                 "amount": "Sales"}).to_csv("cdnow.csv", index=False)
    return tmp_path


def test_calibrate_writes_a_scenario_that_simulate_runs(shop, capsys):
    rc = main(["calibrate", "cdnow.csv", "--out", "shop.toml", "--calibration-end",
               "1997-09-30", "--column", "customer=CustID", "--report", "rep", "--runs", "2"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "exact duplicate" in out and "pareto_nbd" in out
    text = (shop / "shop.toml").read_text()
    assert "# fitted (standard error" in text and "CustID, OrderDate, Sales" in text
    assert "assumption, set by you (default 0.3" in text
    assert {"report.md", "report.zh.md", "validation.csv", "weekly_en.png",
            "lorenz_zh.png"} <= {p.name for p in (shop / "rep").iterdir()}
    assert "重复购买" in (shop / "rep" / "report.zh.md").read_text()
    assert (shop / "shop.cleaning.md").is_file()
    rc = main(["simulate", "--scenario", "shop.toml", "--quiet", "--out", "run"])
    assert rc == 0
    tx = pd.read_parquet(shop / "run" / "transactions.parquet")
    assert tx["date"].min() >= pd.Timestamp("1997-01-01")
    assert tx["date"].max() <= pd.Timestamp("1998-07-01")


def _bad_logs(folder: Path) -> dict:
    (folder / "binary.csv").write_bytes(b"\x00\x01\x02\xff" * 10)
    pd.DataFrame({"Buyer": [1, 2], "Date": ["2020-01-01", "2020-03-01"],
                  "Amount": [1, 2]}).to_csv(folder / "nocustomer.csv", index=False)
    pd.DataFrame({"CustomerID": [1, 2, 1], "Date": ["2020-01-01"] * 3,
                  "Amount": [1, 2, 3]}).to_csv(folder / "oneday.csv", index=False)
    pd.DataFrame({"CustomerID": [1, 2, 1], "Date": ["x", "y", "z"],
                  "Amount": [1, 2, 3]}).to_csv(folder / "baddates.csv", index=False)
    return {
        "missing.csv": "an existing, readable file",
        "binary.csv": "a text (CSV) file (this one is binary",
        "nocustomer.csv": "a customer column",
        "oneday.csv": "a log spanning at least 28 days",
        "baddates.csv": "expected dates such as",
        "notes.docx": "a .csv, .txt, .tsv, .parquet or .xlsx file",
    }


@pytest.mark.parametrize("name", ["missing.csv", "binary.csv", "nocustomer.csv", "oneday.csv",
                                  "baddates.csv", "notes.docx"])
def test_bad_input_gets_one_line_and_writes_nothing(shop, capsys, name):
    expected = _bad_logs(shop)[name]
    before = snapshot(shop)
    rc = main(["calibrate", name, "--out", "shop.toml", "--report", "rep"])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.startswith("crmsim: error: ") and err.count("\n") == 1, err
    assert expected in err
    assert snapshot(shop) == before


@pytest.mark.parametrize("args, expected", [
    (["--column", "buyer=CustID"], "ROLE=COLUMN with ROLE one of customer"),
    (["--column", "customer=Nope"], "a column of the log"),
    (["--calibration-end", "1990-01-01"], "calibration_end='1990-01-01'"),
    (["--calibration-end", "soon"], "a date such as"),
    (["--assume", "gross_margin=2"], "gross_margin=2.0 is invalid"),
    (["--assume", "margin=0.4"], "one of gross_margin"),
])
def test_bad_options_get_one_line_and_write_nothing(shop, capsys, args, expected):
    before = snapshot(shop)
    mapping = [] if args[0] == "--column" else ["--column", "customer=CustID"]
    rc = main(["calibrate", "cdnow.csv", "--out", "shop.toml", *mapping, *args])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and expected in err, err
    assert snapshot(shop) == before


def test_existing_output_is_kept_without_force(shop, capsys):
    (shop / "shop.toml").write_text("# mine\n")
    rc = main(["calibrate", "cdnow.csv", "--out", "shop.toml", "--column", "customer=CustID"])
    assert rc == 2 and "add --force" in capsys.readouterr().err
    assert (shop / "shop.toml").read_text() == "# mine\n"

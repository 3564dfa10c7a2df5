"""Benchmark of ``crmsim calibrate``: a million invoice lines to a scenario.

Builds a UCI-like export (one row per invoice line: InvoiceNo, StockCode, Description,
Quantity, InvoiceDate, UnitPrice, CustomerID, Country; about 20 lines per invoice, a
BG/NBD cohort arriving over a year, 2 years of sales, 1% cancellations and 1% lines
without a customer) as a CSV file, then times reading it with pandas alone (the
baseline, measured in the same run) and the whole calibration (read, clean, three model
fits, spend, arrivals, calendar, catalogue, the scenario file). Target: about a minute
on 2 cores. ``--report`` also times the validation report (5 simulated runs and plots).

    .venv/bin/python benchmarks/bench_calibrate.py [--lines 1000000] [--report]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import crmsim
from crmsim.analysis import bgnbd_log

TARGET_SECONDS = 60.0
LINES_PER_ORDER = 20


def export(lines: int, seed: int) -> pd.DataFrame:
    """A synthetic shop export of about ``lines`` invoice lines."""
    customers = max(lines // (LINES_PER_ORDER * 5), 10)
    _, tx = bgnbd_log(customers, r=0.5, alpha=5.0, days=730, acquisition_days=365, seed=seed)
    rng = np.random.default_rng(seed)
    k = np.maximum(1, rng.poisson(LINES_PER_ORDER - 1, len(tx)) + 1)
    scale = lines / k.sum()
    k = np.maximum(1, np.round(k * scale)).astype(int)
    order = np.repeat(np.arange(len(tx)), k)
    n = len(order)
    price = np.round(rng.lognormal(0.8, 0.8, n), 2)
    cust = (12000 + tx["customer_id"].to_numpy()[order]).astype(float)
    cust[rng.random(n) < 0.01] = np.nan
    invoice = (500000 + order).astype(str).astype(object)
    cancel = rng.random(n) < 0.01
    invoice[cancel] = "C" + invoice[cancel]
    qty = rng.integers(1, 13, n)
    qty[cancel] *= -1
    when = tx["date"].to_numpy()[order] + pd.to_timedelta(rng.integers(480, 1080, n), unit="m")
    return pd.DataFrame({"InvoiceNo": invoice, "StockCode": rng.integers(10000, 14000, n),
                         "Description": "ITEM", "Quantity": qty, "InvoiceDate": when,
                         "UnitPrice": price, "CustomerID": cust, "Country": "United Kingdom"})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--report", action="store_true", help="also time the validation report")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.csv"
        export(args.lines, args.seed).to_csv(path, index=False)
        t0 = time.perf_counter()
        raw = pd.read_csv(path)
        baseline = time.perf_counter() - t0
        t0 = time.perf_counter()
        res = crmsim.calibrate(path, Path(tmp) / "shop.toml")
        took = time.perf_counter() - t0
        print(f"log: {len(raw):,} invoice lines, {path.stat().st_size / 1e6:.0f} MB of CSV; "
              f"{len(res.cleaned.orders):,} orders of "
              f"{res.cleaned.orders['customer_id'].nunique():,} customers after cleaning")
        print(f"pandas read_csv alone (baseline): {baseline:6.1f} s")
        print(f"crmsim calibrate:                 {took:6.1f} s  ({took / baseline:.1f} x the "
              f"baseline; target about {TARGET_SECONDS:.0f} s)")
        print(f"chosen model: {res.fits.chosen}")
        if args.report:
            t0 = time.perf_counter()
            crmsim.calibrate(path, Path(tmp) / "shop2.toml", report=Path(tmp) / "rep")
            print(f"calibrate with --report:          {time.perf_counter() - t0:6.1f} s")
    return 0 if took <= 2 * TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())

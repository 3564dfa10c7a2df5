"""Writing a run's tables one at a time, in chunks of rows (``crmsim simulate``).

:func:`crmsim.simulate` returns every table of a run in memory at once; for a million
customers over three years that is some 15 million basket lines and 14 million bookings,
and Parquet needs a second copy of a table while it converts it. :func:`write_run`
builds the tables from the market one at a time, writes each a chunk of rows at a time
(a Parquet row group) and lets it go before building the next, keeping only what the
KPIs and the summary need; the per-customer state goes once the customers table is
written. The files and the summary are those of ``simulate(...).write_tables()`` and
``.summary()`` (``tests/test_simulator_streaming.py``).
"""

from __future__ import annotations

import ctypes
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from crmsim.result import (
    check_finite_kpis,
    churn_kpis,
    customer_table,
    event_kpis,
    event_table,
    headline_of,
    kpi_table,
    ledger_table,
    money_kpis,
    per_period,
    product_table,
    summary_table,
    transaction_frame,
    true_event_table,
    write_meta,
)

#: rows of a table converted and written at once (one Parquet row group, one CSV piece)
ROWS = 250_000
#: per-customer state no table needs once the customers table is written
PER_CUSTOMER = ("people", "latent", "hidden", "stocks", "levers", "sens", "wait_sens",
                "rivals")


@dataclass
class WrittenRun:
    """What is left of a run whose tables were written: the KPIs and the summary (what
    ``crmsim simulate --report`` needs), the scenario, strategies and seed."""

    kpis: pd.DataFrame
    scenario: object
    strategies: list
    seed: int
    table: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        return self.table


class _Sink:
    """Writes a table's chunks to ``<name>.parquet`` (and ``<name>.csv``) in ``folder``;
    with no folder, only builds them (what the KPIs need is gathered while they are)."""

    def __init__(self, folder, csv: bool):
        self.folder, self.csv = (Path(folder) if folder is not None else None), csv

    def write(self, name: str, frames, rows: int) -> None:
        """Write the pieces of table ``name`` (``rows`` rows in all): a table of one piece
        as ``DataFrame.to_parquet`` writes it, a larger one a row group per piece."""
        if self.folder is None:
            for _ in frames:
                pass
            return
        path, writer = self.folder / f"{name}.parquet", None
        csv = open(self.folder / f"{name}.csv", "w", encoding="utf-8", newline="") \
            if self.csv else None
        try:
            for i, df in enumerate(frames):
                if rows <= ROWS:
                    df.to_parquet(path, index=False)
                else:
                    table = pa.Table.from_pandas(df, preserve_index=False)
                    writer = writer or pq.ParquetWriter(path, table.schema)
                    writer.write_table(table)
                    del table
                if csv is not None:
                    df.to_csv(csv, index=False, header=i == 0, lineterminator="\n")
                del df
        finally:
            if writer is not None:
                writer.close()
            if csv is not None:
                csv.close()


def chunks(df: pd.DataFrame):
    """A table in pieces of :data:`ROWS` rows (an empty table is one empty piece)."""
    for start in range(0, max(len(df), 1), ROWS):
        yield df.iloc[start:start + ROWS]


def return_freed_memory() -> None:
    """On Linux (glibc), give every allocation of 128 KiB or more pages of its own, handed
    back to the system when freed (glibc otherwise raises that threshold as a run frees
    large arrays, and a run's freed temporaries stay in its heap between the rows it
    keeps: a million-customer run then peaked some 300 MB higher)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD
        except (OSError, AttributeError):  # not glibc
            pass


def write_run(m, strategies, seed: int, folder=None, *, csv: bool = False) -> WrittenRun:
    """Write the tables of the finished market ``m`` into the existing ``folder`` (None:
    only compute the KPIs and the summary) and return what is left; ``m`` is consumed."""
    sink, sc = _Sink(folder, csv), m.sc
    counts = {"acquired": 0, "true_alive": 0}

    def customers():
        for start in range(0, max(m.n, 1), ROWS):
            df = customer_table(m, slice(start, start + ROWS))
            for k in counts:
                counts[k] += int(df[k].sum())
            yield df

    sink.write("customers", customers(), m.n)
    people, acquired, alive = m.n, counts["acquired"], counts["true_alive"]
    for name in PER_CUSTOMER:
        setattr(m, name, None)
    m.baskets.cum = None
    sink.write("products", [product_table(m.products)], len(m.products))
    orders = np.zeros(m.n_periods, np.int64)
    per_buyer = np.zeros(m.n, np.int64)

    def transactions():
        last = -1
        for cols in m.baskets.chunks(ROWS):
            df = transaction_frame(sc, m.products, cols)
            ids = df["order_id"].to_numpy()
            first = np.ones(len(ids), bool)
            first[1:] = ids[1:] != ids[:-1]
            if len(ids):
                first[0] = ids[0] != last
                last = ids[-1]
            orders[:] += per_period(df["timestamp"].to_numpy()[first], None,
                                    sc["market"]["kpi_period"], m.n_periods).astype(np.int64)
            per_buyer[:] += np.bincount(df["customer_id"].to_numpy()[first], minlength=m.n)
            yield df

    sink.write("transactions", transactions(), sum(len(p["time"]) for p in m.baskets.parts))
    events = event_table(m)
    by_event = event_kpis(m, events)
    calls = events["kind"] == "service_request"
    mean_wait = float(events.loc[calls, "wait"].mean()) if calls.any() else np.nan
    sink.write("events", chunks(events), len(events))
    del events, calls
    ledger = ledger_table(m)
    money, profit = money_kpis(m, ledger), float(ledger["amount"].sum())
    sink.write("ledger", chunks(ledger), len(ledger))
    del ledger
    true_events = true_event_table(m)
    churned = churn_kpis(m, true_events)
    sink.write("true_events", chunks(true_events), len(true_events))
    del true_events
    kpis = kpi_table(m, orders, by_event, churned, money)
    check_finite_kpis(kpis)
    sink.write("kpis", chunks(kpis), len(kpis))
    chosen = [(s.name, p) for s, p in strategies]
    if folder is not None:
        write_meta(folder, sc, seed, chosen)
    h = headline_of(kpis, acquired, alive, profit, per_buyer[per_buyer > 0], mean_wait)
    return WrittenRun(kpis, sc, chosen, seed, summary_table(people, alive, h))

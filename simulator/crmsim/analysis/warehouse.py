"""A small customer data warehouse (数据仓库) in an embedded DuckDB file.

A warehouse is subject-oriented, integrated, non-volatile and time-variant: here one
fact table of transactions surrounded by dimension tables (a star schema) that students
query with SQL for customer behaviour analysis and key-customer discovery.

Star schema::

    fact_transactions(order_id, customer_id, product_key, date_key, channel_key,
                      quantity, amount, timestamp)
    dim_customer(customer_id, <observable master data>)   -- no ``true_`` columns
    dim_product(product_key, product, category)
    dim_date(date_key, date, year, quarter, month, week, day_of_week, is_weekend)
    dim_channel(channel_key, channel)
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from crmsim.analysis._common import check_bool, check_choice, check_columns, check_log, shown
from crmsim.errors import invalid

__all__ = ["build_warehouse", "query", "star_schema_tables"]

#: The tables of the star schema, in the order they are written.
TABLES = ("fact_transactions", "dim_customer", "dim_product", "dim_date", "dim_channel")


def _table(result, name):
    if isinstance(result, dict):
        return result.get(name)
    return getattr(result, name, None)


def star_schema_tables(result, *, include_truth: bool = False) -> dict[str, pd.DataFrame]:
    """Build the star-schema tables as DataFrames from an object with ``.customers`` and
    ``.transactions`` (a SimulationResult, or a dict with those keys).

    Ground-truth ``true_`` columns are left out of ``dim_customer`` unless
    ``include_truth=True``: a real warehouse only holds what the firm observes.
    """
    check_bool("include_truth", include_truth)
    customers = _table(result, "customers")
    tx = _table(result, "transactions")
    if customers is None or tx is None:
        raise invalid("result", shown(result), "a SimulationResult or a dict with "
                      "'customers' and 'transactions' tables")
    dates = check_log(tx, what="transactions")
    check_columns(customers, ["customer_id"], what="customers")
    dup = customers["customer_id"].duplicated().to_numpy()
    if dup.any():
        raise invalid("customers['customer_id']", shown(customers["customer_id"][dup].iloc[0]),
                      "one row per customer (this id appears twice)")
    tx = tx.copy()
    tx["date"] = dates
    if "product" not in tx.columns:
        tx["product"] = "unknown"
    if "category" not in tx.columns:
        tx["category"] = "unknown"
    if "order_id" not in tx.columns:
        tx["order_id"] = tx.groupby(["customer_id", "date"], sort=False).ngroup()
    if "quantity" not in tx.columns:
        tx["quantity"] = 1

    dim_customer = customers.copy()
    if not include_truth:
        dim_customer = dim_customer[[c for c in dim_customer.columns
                                     if not str(c).startswith("true_")]]
    for c in dim_customer.columns:  # categoricals -> plain strings for SQL
        if isinstance(dim_customer[c].dtype, pd.CategoricalDtype):
            dim_customer[c] = dim_customer[c].astype(str)

    prod = tx[["product", "category"]].astype(str).drop_duplicates("product")
    prod = prod.sort_values("product").reset_index(drop=True)
    prod.insert(0, "product_key", np.arange(1, len(prod) + 1, dtype="int64"))

    days = pd.DatetimeIndex(tx["date"].dt.normalize().unique()).sort_values()
    if len(days):
        days = pd.date_range(days[0], days[-1], freq="D")
    dim_date = pd.DataFrame({
        "date_key": (days.year * 10000 + days.month * 100 + days.day).astype("int64"),
        "date": days,
        "year": days.year.astype("int64"),
        "quarter": days.quarter.astype("int64"),
        "month": days.month.astype("int64"),
        "week": days.isocalendar().week.to_numpy().astype("int64"),
        "day_of_week": days.dayofweek.astype("int64"),
        "is_weekend": days.dayofweek >= 5,
    })

    if "channel" in customers.columns:
        channels = sorted(customers["channel"].dropna().astype(str).unique())
    else:
        channels = []
    channels = channels + (["unknown"] if "unknown" not in channels else [])
    dim_channel = pd.DataFrame({"channel_key": np.arange(1, len(channels) + 1,
                                                         dtype="int64"),
                                "channel": channels})

    fact = pd.DataFrame({
        "order_id": tx["order_id"].to_numpy(),
        "customer_id": tx["customer_id"].to_numpy(),
        "product_key": tx["product"].astype(str).map(
            dict(zip(prod["product"], prod["product_key"], strict=True))).to_numpy(),
        "date_key": (tx["date"].dt.year * 10000 + tx["date"].dt.month * 100
                     + tx["date"].dt.day).to_numpy().astype("int64"),
        "quantity": tx["quantity"].to_numpy(),
        "amount": tx["amount"].to_numpy(dtype=float),
    })
    if "timestamp" in tx.columns:
        fact["timestamp"] = tx["timestamp"].to_numpy(dtype=float)
    ch_map = dict(zip(dim_channel["channel"], dim_channel["channel_key"], strict=True))
    if "channel" in customers.columns:
        cust_ch = customers.set_index("customer_id")["channel"].astype(str)
        fact.insert(4, "channel_key", fact["customer_id"].map(cust_ch).map(ch_map)
                    .fillna(ch_map["unknown"]).astype("int64").to_numpy())
    else:
        fact.insert(4, "channel_key", ch_map["unknown"])
    return {"fact_transactions": fact, "dim_customer": dim_customer,
            "dim_product": prod, "dim_date": dim_date, "dim_channel": dim_channel}


def _is_warehouse(path: Path) -> bool:
    """True if ``path`` is a DuckDB file holding exactly this star schema (one we built)."""
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:  # not a DuckDB file, or one we cannot open
        return False
    try:
        names = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    except duckdb.Error:
        return False
    finally:
        con.close()
    return {n for (n,) in names} == set(TABLES)


def _check_target(path, overwrite) -> Path:
    """Validate the output path before anything is written (one-line errors)."""
    check_choice("overwrite", overwrite, (None, True, False))
    if not isinstance(path, (str, os.PathLike)) or str(path).strip() == "":
        raise invalid("path", shown(path), "a file path such as 'crm_warehouse.duckdb'")
    path = Path(path)
    if path.is_dir():
        raise invalid("path", str(path), "a file path (a folder of that name exists)")
    parent = path.absolute().parent
    if not parent.is_dir():
        raise invalid("path", str(path), "a file in an existing folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise invalid("path", str(path), f"a file in a writable folder ({parent} is not)")
    if path.exists():
        if overwrite is False:
            raise invalid("path", str(path), "a new file (it exists; pass overwrite=True to "
                          "replace it)")
        if overwrite is None and not _is_warehouse(path):
            raise invalid("path", str(path), "a new file or a warehouse built by "
                          "build_warehouse (this file is something else; pass "
                          "overwrite=True to replace it anyway)")
    return path


def build_warehouse(result, path="crm_warehouse.duckdb", *, include_truth: bool = False,
                    overwrite: bool | None = None) -> Path:
    """Write the star schema of ``result`` into a DuckDB database file and return its path.

    See :func:`star_schema_tables` for the tables. All input is checked before anything
    is written; the database is built in a temporary file beside ``path`` and renamed
    over it only when complete, so a failure never leaves a half-written warehouse or
    loses the old one. An existing file at ``path`` is replaced only if it is a warehouse
    built by this function (``overwrite=None``, the default) or if ``overwrite=True``;
    ``overwrite=False`` refuses any existing file.
    """
    import duckdb

    tables = star_schema_tables(result, include_truth=include_truth)
    path = _check_target(path, overwrite)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        con = duckdb.connect(str(tmp))
        try:
            for name in TABLES:
                con.register("_tmp", tables[name])
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _tmp')
                con.unregister("_tmp")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        wal = path.with_name(path.name + ".wal")  # belongs to the file being replaced
        if wal.exists():
            wal.unlink()
        os.replace(tmp, path)
    finally:
        for f in (tmp, tmp.with_name(tmp.name + ".wal")):
            if f.exists():
                f.unlink()
    return path


def query(path, sql: str, params=None) -> pd.DataFrame:
    """Run one SQL statement against a warehouse file (read-only) and return a DataFrame."""
    import duckdb

    if not isinstance(path, (str, os.PathLike)) or not Path(path).is_file():
        raise invalid("path", shown(path), "an existing warehouse file")
    if not isinstance(sql, str) or not sql.strip():
        raise invalid("sql", shown(sql), "one SQL statement as text")
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    except duckdb.Error as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise invalid("sql", shown(sql), f"valid SQL for this warehouse ({first})") from None
    finally:
        con.close()

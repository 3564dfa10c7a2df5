"""Reading a shop's transaction log: CSV, Parquet or Excel, in one of the two common layouts.

*lines*: one row per invoice line (invoice number, product code, description, quantity,
unit price, customer id, date, country), the layout of the UCI Online Retail data sets;
*orders*: one row per order (customer, date, amount), the CDNOW layout. Columns are
recognised by their usual names (:data:`ROLES`) or mapped explicitly
(``columns={"customer": "CustID"}``). The result has the canonical column names
(``customer``, ``date``, ``invoice``, ``product``, ...) and the raw values; typing and
cleaning are :mod:`crmsim.calibrate.clean`'s job. Every refusal is one line naming the
parameter, the value and what is allowed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from crmsim.errors import CrmsimError, invalid

#: each role a column can play, with the names it usually has (compared lower-case, without
#: spaces, dots, dashes or underscores)
ROLES: dict[str, tuple[str, ...]] = {
    "customer": ("customerid", "customer", "custid", "clientid", "client", "userid",
                 "memberid", "buyerid", "customerno", "customernumber"),
    "date": ("invoicedate", "date", "orderdate", "purchasedate", "transactiondate",
             "timestamp", "datetime", "time", "created", "createdat"),
    "invoice": ("invoice", "invoiceno", "invoicenumber", "invoiceid", "orderid", "orderno",
                "ordernumber", "transactionid", "receipt", "receiptno"),
    "product": ("stockcode", "productcode", "sku", "productid", "itemid", "itemcode",
                "product", "item"),
    "description": ("description", "productname", "itemname", "productdescription"),
    "quantity": ("quantity", "qty", "units", "unitssold"),
    "unit_price": ("unitprice", "price", "priceperunit", "itemprice"),
    "amount": ("amount", "sales", "total", "revenue", "ordervalue", "value", "spend",
               "lineamount", "linetotal", "totalamount"),
    "country": ("country", "countryname"),
}
LAYOUTS = {"lines": ("customer", "date", "quantity", "unit_price"),
           "orders": ("customer", "date", "amount")}
#: largest log read (bytes on disk): far above a million invoice lines (about 90 MB of CSV)
MAX_FILE_BYTES = 4_000_000_000
SUFFIXES = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet",
            ".pq": "parquet", ".xlsx": "excel", ".xls": "excel", ".xlsm": "excel"}


def _norm(name) -> str:
    return re.sub(r"[\s._\-]+", "", str(name)).lower()


def read_table(path) -> pd.DataFrame:
    """The file's table as read, every column kept as the reader gives it."""
    p = Path(path)
    kind = SUFFIXES.get(p.suffix.lower())
    if kind is None:
        raise invalid("log", str(path), "a .csv, .txt, .tsv, .parquet or .xlsx file")
    if not p.is_file():
        raise invalid("log", str(path), "an existing, readable file")
    if p.stat().st_size > MAX_FILE_BYTES:
        raise invalid("log", str(path), f"a file of at most {MAX_FILE_BYTES:,} bytes")
    try:
        if kind == "csv":
            with p.open("rb") as fh:
                if b"\x00" in fh.read(4096):
                    raise invalid("log", str(path), "a text (CSV) file (this one is binary; "
                                  "an Excel file must end in .xlsx)")
            sep = "\t" if p.suffix.lower() == ".tsv" else _sniff(p)
            return pd.read_csv(p, sep=sep, dtype=str, keep_default_na=False, na_values=[""],
                               encoding_errors="replace")
        if kind == "parquet":
            return pd.read_parquet(p)
        return pd.read_excel(p)
    except CrmsimError:
        raise
    except ImportError as exc:
        raise invalid("log", str(path), f"a file whose reader is installed ({exc.name or exc})") \
            from None
    except Exception as exc:  # any reader failure is the file's fault: one line, no traceback
        first = (str(exc).splitlines() or [exc.__class__.__name__])[0][:160]
        raise invalid("log", str(path), f"a readable {kind} file ({first})") from None


def _sniff(p: Path) -> str:
    """The separator of a large delimited file, from its first line."""
    with p.open("r", encoding="utf-8", errors="replace") as fh:
        head = fh.readline()
    return max((",", ";", "\t", "|"), key=head.count) if head.strip() else ","


def find_columns(table: pd.DataFrame, columns: dict | None = None) -> dict[str, str]:
    """``{role: column}`` for every role found, explicit mappings first.

    Two columns that could play one role (``CustomerID`` and ``Customer ID``, or a column
    repeated in the header) are refused unless the role is mapped explicitly.
    """
    columns = dict(columns or {})
    names = [str(c) for c in table.columns]
    for role, col in columns.items():
        if role not in ROLES:
            raise invalid("--column", f"{role}={col}", "ROLE=COLUMN with ROLE one of "
                          + ", ".join(ROLES))
        if names.count(str(col)) != 1:
            why = "it appears twice in the header" if names.count(str(col)) > 1 else "no such"
            raise invalid("--column", f"{role}={col}", f"a column of the log ({why}; columns: "
                          + ", ".join(names[:20]) + ")")
    found = {role: str(col) for role, col in columns.items()}
    base = {c: _norm(re.sub(r"\.\d+$", "", c)) for c in names}  # pandas renames repeats X.1
    for role, usual in ROLES.items():
        if role in found:
            continue
        ranked = [(usual.index(base[c]), c) for c in names
                  if base[c] in usual and c not in found.values()]
        if not ranked:
            continue
        best = min(r for r, _ in ranked)
        chosen = [c for r, c in ranked if r == best]
        if len(chosen) > 1 or names.count(chosen[0]) > 1:
            raise invalid("log", f"columns {chosen}", f"one column for the {role} (the header "
                          f"repeats it; name the one to use: --column {role}=COLUMN)")
        found[role] = chosen[0]
    return found


def layout_of(found: dict[str, str], table: pd.DataFrame) -> str:
    """``"lines"`` (quantity and unit price per row) or ``"orders"`` (an amount per row)."""
    if "customer" not in found:
        raise invalid("log", f"columns {[str(c) for c in table.columns][:12]}", "a customer "
                      "column (e.g. CustomerID; or map one: --column customer=COLUMN)")
    if "date" not in found:
        raise invalid("log", f"columns {[str(c) for c in table.columns][:12]}", "a date column "
                      "(e.g. InvoiceDate; or map one: --column date=COLUMN)")
    if all(r in found for r in LAYOUTS["lines"]) and "amount" not in found:
        return "lines"
    if "amount" in found:
        return "orders"
    if "unit_price" in found:  # a price per row without quantities: one unit each
        return "lines"
    raise invalid("log", f"columns {[str(c) for c in table.columns][:12]}", "an amount column "
                  "(orders) or quantity and unit price columns (invoice lines)")


def read_log(log, columns: dict | None = None) -> tuple[pd.DataFrame, str, dict]:
    """``(table with canonical column names, layout, {role: original column})``.

    ``log`` is a path or a DataFrame already in memory.
    """
    if isinstance(log, pd.DataFrame):
        table = log
    elif isinstance(log, str | Path):
        table = read_table(log)
    else:
        raise invalid("log", type(log).__name__, "a file path or a pandas DataFrame")
    if len(table) == 0:
        raise invalid("log", str(log) if not isinstance(log, pd.DataFrame) else "<DataFrame>",
                      "a log with at least one row")
    found = find_columns(table, columns)
    layout = layout_of(found, table)
    out = pd.DataFrame({role: table[col].to_numpy() for role, col in found.items()})
    return out, layout, found

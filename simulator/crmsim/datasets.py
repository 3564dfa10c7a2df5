"""Real data sets shipped with crmsim, so students can check methods on published results.

CDNOW (Fader & Hardie): a 1/10th sample of 2,357 customers who made their first purchase
at the online CD retailer CDNOW in the first quarter of 1997, followed for 78 weeks
(1997-01-01 to 1998-06-30). The 39-week calibration summary is the data set on which the
BG/NBD model was first published (Fader, Hardie & Lee 2005). See ``datasets/cdnow/README.md``.

The files are looked up in ``$CRMSIM_DATASETS/cdnow``, then in the repository's
``datasets/cdnow`` folder, then in the copy packaged inside ``crmsim/data/cdnow``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

__all__ = [
    "CDNOW_CALIBRATION_END",
    "CDNOW_END",
    "CDNOW_START",
    "cdnow_calibration_summary",
    "data_path",
    "load_cdnow",
    "load_cdnow_summary",
]

CDNOW_START = pd.Timestamp("1997-01-01")
#: last day of the 39-week calibration period used in Fader, Hardie & Lee (2005)
CDNOW_CALIBRATION_END = pd.Timestamp("1997-09-30")
#: last day of the 78-week observation period
CDNOW_END = pd.Timestamp("1998-06-30")

_FILES = {
    "transactions": "CDNOW_sample.txt",
    "summary": "cdnow_customers_summary.csv",
    "summary_monetary": "cdnow_customers_summary_with_transactions.csv",
}


def data_path(name: str, dataset: str = "cdnow") -> Path:
    """Return the path of a shipped data file, trying the env var, the repo, then the package."""
    candidates = []
    env = os.environ.get("CRMSIM_DATASETS")
    if env:
        candidates.append(Path(env) / dataset / name)
    here = Path(__file__).resolve().parent
    candidates.append(here.parent.parent / "datasets" / dataset / name)  # repo checkout
    candidates.append(here / "data" / dataset / name)  # installed package copy
    for path in candidates:
        if path.is_file():
            return path
    tried = ", ".join(str(p) for p in candidates)
    raise FileNotFoundError(f"data file {name!r} not found; tried {tried}")


def load_cdnow() -> pd.DataFrame:
    """Load the CDNOW 2,357-customer sample as a transaction log.

    Columns: ``customer_id`` (1..2357, the id used in the published summaries),
    ``master_id`` (id in the full CDNOW master file), ``date`` (day of purchase),
    ``quantity`` (number of CDs) and ``amount`` (US dollars). One row per recorded
    transaction; a customer can have several rows on the same day.
    """
    df = pd.read_csv(
        data_path(_FILES["transactions"]),
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "quantity", "amount"],
        dtype={"master_id": "int64", "customer_id": "int64", "date": "str",
               "quantity": "int64", "amount": "float64"},
    )
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df[["customer_id", "master_id", "date", "quantity", "amount"]]


def load_cdnow_summary(monetary: bool = False) -> pd.DataFrame:
    """Load the published 39-week CDNOW calibration summary (time in weeks).

    Columns ``frequency`` (repeat purchases x), ``recency`` (t_x, weeks from first to
    last purchase), ``T`` (weeks from first purchase to 1997-09-30), indexed by
    ``customer_id``. With ``monetary=True`` also ``monetary_value``: mean amount of the
    repeat purchases in the calibration period (0 for customers without repeats), the
    input of the Gamma-Gamma spend model.
    """
    if monetary:
        df = pd.read_csv(data_path(_FILES["summary_monetary"]))
        df.columns = ["customer_id", "frequency", "recency", "T", "monetary_value"]
    else:
        df = pd.read_csv(data_path(_FILES["summary"]))
        df.columns = ["customer_id", "frequency", "recency", "T"]
    return df.set_index("customer_id")


def cdnow_calibration_summary(log: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rebuild the 39-week calibration summary from the CDNOW transaction log.

    Same-day transactions count as one purchase occasion and time is in weeks
    (days / 7), which reproduces the published file (within its 2-decimal rounding).
    """
    from crmsim.analysis.clv import summary_data_from_log

    if log is None:
        log = load_cdnow()
    return summary_data_from_log(
        log, observation_end=CDNOW_CALIBRATION_END, freq="D", freq_multiplier=7
    )

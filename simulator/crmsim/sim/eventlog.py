"""The event log: what happened, as named record kinds (no money: that is in the ledger).

Each kind is declared by the module that writes it (``kind(...)``), so the list of
kinds and what each means lives beside its writer; ``KINDS`` collects them in the
order they sort within one instant.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmsim.sim.tables import sorted_frame

#: kind -> description, filled by the writers' ``kind()`` calls at import
KINDS: dict[str, str] = {}

COLUMNS = ("timestamp", "customer_id", "kind", "detail", "from_stage", "to_stage", "wait",
           "service_time", "related_customer")


def kind(name: str, doc: str) -> str:
    """Declare an event kind (once, by its writer) and return its name."""
    KINDS[name] = doc
    return name


class EventLog:
    """Append-only event records, kept as arrays per column until the run ends."""

    _DTYPES = {"timestamp": float, "customer_id": np.int64, "kind": np.int16, "detail": object,
               "from_stage": object, "to_stage": object, "wait": float, "service_time": float,
               "related_customer": np.int64}

    def __init__(self):
        self._cols: dict[str, list] = {c: [] for c in COLUMNS}
        self._rows: list[tuple] = []  # single events
        self._code = {k: i for i, k in enumerate(KINDS)}

    def add(self, t, customers, kind_name: str, detail="", *, from_stage=None, to_stage=None,
            related=None) -> None:
        """Record one event (scalar customer) or a batch (array of customers)."""
        if isinstance(customers, int | np.integer) and np.ndim(t) == 0:
            self._rows.append((float(t), int(customers), self._code[kind_name], detail,
                               from_stage, to_stage, np.nan, np.nan,
                               -1 if related is None else int(related)))
            return
        customers = np.atleast_1d(np.asarray(customers, np.int64))
        self._append(customers.size, (t, customers, self._code[kind_name], detail, from_stage,
                                      to_stage, np.nan, np.nan,
                                      -1 if related is None else related))

    def calls(self, t, customers, outcomes, wait_h, talk_h) -> None:
        """Record finished service calls (one entry per call in each array)."""
        self._append(len(customers), (t, customers, self._code["service_request"], outcomes,
                                      None, None, wait_h, talk_h, -1))

    def _append(self, n: int, values: tuple) -> None:
        if n == 0:
            return
        for name, v in zip(COLUMNS, values, strict=True):
            self._cols[name].append(np.broadcast_to(np.asarray(v, self._DTYPES[name]), (n,)))

    def frame(self) -> pd.DataFrame:
        """The log as a table sorted by time, kind and customer; the log is emptied (large
        runs would otherwise hold every event twice)."""
        if self._rows:
            for name, values in zip(COLUMNS, zip(*self._rows, strict=True), strict=True):
                self._cols[name].append(np.array(values, self._DTYPES[name]))
            self._rows = []
        cols, self._cols = self._cols, {c: [] for c in COLUMNS}
        kinds = list(KINDS)
        return sorted_frame(cols, ("timestamp", "kind", "customer_id"),
                            {"kind": lambda codes: pd.Categorical.from_codes(codes, kinds)},
                            self._DTYPES)

"""The event log: what happened, as named record kinds (no money: that is in the ledger).

Each kind is declared by the module that writes it (``kind(...)``), so the list of
kinds and what each means lives beside its writer; ``KINDS`` collects them in the
order they sort within one instant.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: kind -> description, filled by the writers' ``kind()`` calls at import
KINDS: dict[str, str] = {}

COLUMNS = ("timestamp", "customer_id", "kind", "detail", "from_stage", "to_stage", "wait",
           "service_time", "related_customer")


def kind(name: str, doc: str) -> str:
    """Declare an event kind (once, by its writer) and return its name."""
    KINDS[name] = doc
    return name


class EventLog:
    """Append-only event records, vectorised batches plus single rows (calls)."""

    def __init__(self):
        self._batches: list[dict] = []
        self._rows: list[tuple] = []

    def add(self, t, customers, kind_name: str, detail="", *, from_stage=None, to_stage=None,
            related=None) -> None:
        """Record one event (scalar customer) or a batch (array of customers)."""
        if isinstance(customers, int | np.integer) and np.ndim(t) == 0:
            self._rows.append((float(t), int(customers), kind_name, detail, from_stage, to_stage,
                               np.nan, np.nan, -1 if related is None else int(related)))
            return
        customers = np.atleast_1d(np.asarray(customers, np.int64))
        n = customers.size
        if n == 0:
            return

        def col(x, dtype=object):
            return np.broadcast_to(np.asarray(x, dtype=dtype), (n,))

        self._batches.append((col(t, float), customers, col(kind_name), col(detail),
                              col(from_stage), col(to_stage), col(np.nan, float),
                              col(np.nan, float), col(-1 if related is None else related,
                                                      np.int64)))

    def call(self, t, customer: int, outcome: str, wait_h: float, talk_h: float) -> None:
        self._rows.append((t, customer, "service_request", outcome, None, None, wait_h, talk_h,
                           -1))

    def frame(self) -> pd.DataFrame:
        parts = list(self._batches)
        if self._rows:
            parts.append(tuple(np.array(col, dtype=object) for col in zip(*self._rows,
                                                                          strict=True)))
        if parts:
            cols = [np.concatenate(c) for c in zip(*parts, strict=True)]
        else:
            cols = [np.array([])] * len(COLUMNS)
        ev = pd.DataFrame(dict(zip(COLUMNS, cols, strict=True)))
        ev = ev.astype({"timestamp": float, "customer_id": np.int64, "wait": float,
                        "service_time": float, "related_customer": np.int64,
                        "detail": object, "from_stage": object, "to_stage": object})
        rank = {k: i for i, k in enumerate(KINDS)}
        ev["_k"] = ev["kind"].map(rank)
        ev = ev.sort_values(["timestamp", "_k", "customer_id"], kind="stable").drop(columns="_k")
        ev = ev.reset_index(drop=True)
        ev["kind"] = pd.Categorical(ev["kind"], categories=list(KINDS))
        return ev

"""Building large tables from logs kept as array parts, without holding them twice."""

from __future__ import annotations

import numpy as np
import pandas as pd


def sorted_frame(cols: dict[str, list], sort_by: tuple, convert: dict, dtypes: dict):
    """A table from columns kept as lists of array parts, sorted by ``sort_by`` (first key
    first), built one column at a time so that each column's parts are released as soon
    as it is in place (keeps the peak memory of large runs low)."""
    keys = {k: np.concatenate(cols[k]) if cols[k] else np.array([], dtypes[k]) for k in sort_by}
    order = np.lexsort(tuple(keys[k] for k in reversed(sort_by)))
    out = pd.DataFrame(index=pd.RangeIndex(len(order)))
    for name, parts in cols.items():
        values = keys.pop(name) if name in keys else (
            np.concatenate(parts) if parts else np.array([], dtypes[name]))
        parts.clear()
        values = values[order].astype(dtypes[name], copy=False)
        out[name] = convert[name](values) if name in convert else values
        del values
    return out

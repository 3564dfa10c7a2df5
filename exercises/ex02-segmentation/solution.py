"""Expected answers of ex02-segmentation, computed by the grader from a student's data."""

import numpy as np
import pandas as pd


def rfm_table(transactions, cutoff):
    t = transactions[transactions["date"] <= cutoff]
    g = t.groupby("customer_id")
    return pd.DataFrame({
        "recency": (cutoff - g["date"].max()) / pd.Timedelta(days=1),
        "frequency": g["order_id"].nunique(),
        "monetary": g["amount"].sum(),
    })


def hidden_inputs(data, rng):
    """A random 60% of the customers and a cut-off in the middle of the year that is the
    time of one of their purchases: ``<`` instead of ``<=`` then loses that purchase."""
    tx = data.transactions
    ids = tx["customer_id"].unique()
    keep = rng.choice(ids, size=max(1, int(0.6 * len(ids))), replace=False)
    lo, hi = tx["date"].quantile(0.3), tx["date"].quantile(0.8)
    mid = tx.loc[tx["customer_id"].isin(keep) & tx["date"].between(lo, hi), "date"]
    cutoff = mid.iloc[int(rng.integers(len(mid)))]
    return {"rfm": {"transactions": tx[tx["customer_id"].isin(keep)].reset_index(drop=True),
                    "cutoff": pd.Timestamp(cutoff)}}


def expected(data, hidden):
    tx, customers = data.transactions, data.customers
    spend = tx.groupby("customer_id")["amount"].sum()
    m = spend.reset_index().sort_values(["amount", "customer_id"], ascending=[False, True])
    n = len(m)
    cuts = [int(np.ceil(f * n)) for f in (0.01, 0.05, 0.20)]
    rank = np.arange(1, n + 1)
    m["tier"] = np.select([rank <= cuts[0], rank <= cuts[1], rank <= cuts[2]],
                          ["A", "B", "C"], "D")
    share = (m.groupby("tier")["amount"].sum() / m["amount"].sum()).to_dict()
    per = spend.rename("spend").reset_index().merge(customers[["customer_id", "region"]],
                                                     on="customer_id")
    h = hidden["rfm"]
    return {
        "n_buyers": int(tx["customer_id"].nunique()),
        "mean_monetary": float(spend.mean()),
        "rfm_hidden": rfm_table(h["transactions"], h["cutoff"]),
        "pyramid_share": share,
        "top_region": str(per.groupby("region", observed=True)["spend"].mean().idxmax()),
    }

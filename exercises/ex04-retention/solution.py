"""Expected answers of ex04-retention."""

import pandas as pd

START = pd.Timestamp("2025-01-01")


def lapsed_customers(transactions, cutoff, days):
    t = transactions[transactions["date"] <= cutoff]
    last = t.groupby("customer_id")["date"].max()
    return set(last.index[(cutoff - last) > pd.Timedelta(days=days)])


def hidden_inputs(data, rng):
    tx = data.transactions[["customer_id", "date", "order_id", "amount"]]
    lo, hi = tx["date"].quantile(0.4), tx["date"].quantile(0.9)
    return {"lapsed": {"transactions": tx.reset_index(drop=True),
                       "cutoff": pd.Timestamp(lo + (hi - lo) * float(rng.random())),
                       "days": int(rng.integers(30, 120))}}


def expected(data, hidden):
    tx, kpis = data.transactions, data.kpis
    d365 = pd.Timedelta(days=365)
    y1 = set(tx.loc[(tx["date"] >= START) & (tx["date"] < START + d365), "customer_id"])
    y2 = set(tx.loc[(tx["date"] >= START + d365) & (tx["date"] < START + 2 * d365),
                    "customer_id"])
    cutoff = tx["date"].max()
    last = tx.groupby("customer_id")["date"].max()
    h = hidden["lapsed"]
    return {
        "retention_rate": len(y1 & y2) / len(y1),
        "n_lapsed": int(((cutoff - last) > pd.Timedelta(days=90)).sum()),
        "lapsed_hidden": lapsed_customers(h["transactions"], h["cutoff"], h["days"]),
        "strategy_cost_share": float(kpis["strategy_cost"].sum() / kpis["gross_margin"].sum()),
    }

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


#: Service tactics by customer temperament (Quanjude case, DOMAIN item 8; the melancholic
#: tactic is standard practice: the textbook breaks off before it).
TACTICS = {
    "sanguine": "talk with them without repeating yourself, offer new dishes but let them "
                "choose, accept a returned dish",
    "phlegmatic": "a quiet seat and familiar dishes; no early advice and no hurrying",
    "choleric": "recommend new dishes, never argue, serve and bill fast, remind them of "
                "their belongings",
    "melancholic": "be patient and reassuring, explain clearly and keep every promise exactly",
}


def surveyed_top_spender(data):
    """The surveyed customer (known temperament) who spent the most."""
    c = data.customers
    known = c.loc[c["temperament"].astype(str) != "", "customer_id"]
    spend = data.transactions.groupby("customer_id")["amount"].sum()
    spend = spend[spend.index.isin(known)]
    return int(spend.sort_values(ascending=False, kind="stable").index[0])


TACTICS_ZH = {  # the same tactics in Chinese (shown next to the labels in a Chinese notebook)
    "sanguine": "与他交谈但不要重复自己的话；推荐新菜但让他自己选；接受退菜",
    "phlegmatic": "安排安静的座位和熟悉的菜品；不过早提建议，也不催促",
    "choleric": "推荐新菜，绝不争辩；上菜、结账要快；提醒他带好随身物品",
    "melancholic": "耐心、让他安心；解释清楚，每一个承诺都严格兑现",
}


def options_q1(data, hidden):
    cid = surveyed_top_spender(data)
    temper = str(data.customers.set_index("customer_id").loc[cid, "temperament"])
    return {"options": list(TACTICS.values()), "correct": TACTICS[temper],
            "zh": {TACTICS[k]: TACTICS_ZH[k] for k in TACTICS}}

"""Expected answers of ex06-analytical-crm."""

import itertools


def pair_support(transactions, a, b):
    baskets = transactions.groupby("order_id")["product"].agg(lambda s: set(s.astype(str)))
    return float(baskets.map(lambda s: a in s and b in s).mean())


def hidden_inputs(data, rng):
    tx = data.transactions[["order_id", "customer_id", "date", "product", "category",
                            "amount"]]
    products = sorted(tx["product"].astype(str).unique())
    orders = tx["order_id"].unique()
    keep = rng.choice(orders, size=max(1, int(0.7 * len(orders))), replace=False)
    pairs = [tuple(str(p) for p in rng.choice(products, 2, replace=False)) for _ in range(4)]
    return {"pairs": {"transactions": tx[tx["order_id"].isin(keep)].reset_index(drop=True),
                      "pairs": pairs}}


def top_pair_lift(tx):
    baskets = tx.groupby("order_id")["product"].agg(lambda s: sorted(set(s.astype(str))))
    n = len(baskets)
    pairs = {}
    for b in baskets:
        for p in itertools.combinations(b, 2):
            pairs[p] = pairs.get(p, 0) + 1
    best = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    sup = {p: sum(p in b for b in baskets) / n for p in best}
    return (pairs[best] / n) / (sup[best[0]] * sup[best[1]])


def expected(data, hidden):
    tx = data.transactions
    month = tx["date"].dt.to_period("M").astype(str)
    h = hidden["pairs"]
    return {
        "top_category": str(tx.groupby("category", observed=True)["amount"].sum().idxmax()),
        "revenue_by_month": tx.groupby(month)["amount"].sum().to_dict(),
        "support_hidden": {f"{a}|{b}": pair_support(h["transactions"], a, b)
                           for a, b in h["pairs"]},
        "top_pair_lift": top_pair_lift(tx),
    }

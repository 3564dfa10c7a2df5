"""Expected answers of ex06-analytical-crm."""

import itertools

# Q1: a need of the firm -> the CRM system type that serves it (DOMAIN items 19, 31, 34).
NEEDS = [
    ("find the products customers buy together, to plan cross-selling", "analytical"),
    ("score every customer's risk of leaving from the purchase history", "analytical"),
    ("give sales reps one screen with every quote, order and visit of a customer",
     "operational"),
    ("automate the marketing campaign workflow: mailing lists, sends, responses",
     "operational"),
    ("let customers reach the firm by phone, web chat and e-mail with one shared history",
     "collaborative"),
    ("route hotline calls to the right agent together with the caller's record",
     "collaborative"),
]
SYSTEM_TYPES = ["operational", "analytical", "collaborative"]
# Q2: a plan of the firm -> the technology concept it rests on (DOMAIN item 35).
PLANS = [
    ("departments keep one customer ledger that none of them can alter alone",
     "blockchain trustlessness"),
    ("a voice assistant recognises what callers say on the hotline",
     "perceptual intelligence"),
    ("a model reasons about which offer suits a customer and explains why",
     "cognitive intelligence"),
    ("customers decide which of their purchase data partners may see",
     "privacy protection"),
    ("millions of transactions are summed overnight into the warehouse",
     "computational intelligence"),
]
CONCEPTS = ["computational intelligence", "perceptual intelligence", "cognitive intelligence",
            "blockchain trustlessness", "privacy protection"]


def options_q1(data, hidden):
    return {"options": SYSTEM_TYPES, "correct": NEEDS[data.seed % len(NEEDS)][1]}


def options_q2(data, hidden):
    return {"options": CONCEPTS, "correct": PLANS[data.seed % len(PLANS)][1]}


def pair_support(transactions, a, b):
    baskets = transactions.groupby("order_id")["product"].agg(lambda s: set(s.astype(str)))
    return float(baskets.map(lambda s: a in s and b in s).mean())


def hidden_inputs(data, rng):
    tx = data.transactions[["order_id", "customer_id", "date", "product", "category",
                            "amount"]]
    products = sorted(tx["product"].astype(str).unique())
    orders = tx["order_id"].unique()
    keep = rng.choice(orders, size=max(1, int(0.7 * len(orders))), replace=False)
    # half of the pairs are bought together often (support > 0), so a wrong denominator or
    # counting lines instead of orders cannot pass on zeros
    frequent = top_pairs(tx[tx["order_id"].isin(keep)], 20)
    pairs = [frequent[i] for i in rng.choice(len(frequent), 2, replace=False)]
    pairs += [tuple(str(p) for p in rng.choice(products, 2, replace=False)) for _ in range(2)]
    return {"pairs": {"transactions": tx[tx["order_id"].isin(keep)].reset_index(drop=True),
                      "pairs": pairs}}


def top_pairs(tx, k):
    """The ``k`` product pairs contained in the most orders (ties: alphabetical)."""
    baskets = tx.groupby("order_id")["product"].agg(lambda s: sorted(set(s.astype(str))))
    pairs = {}
    for b in baskets:
        for p in itertools.combinations(b, 2):
            pairs[p] = pairs.get(p, 0) + 1
    return [p for p, _ in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


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
    h = hidden["pairs"]
    return {
        "support_hidden": {f"{a}|{b}": pair_support(h["transactions"], a, b)
                           for a, b in h["pairs"]},
        "top_pair_lift": top_pair_lift(tx),
    }

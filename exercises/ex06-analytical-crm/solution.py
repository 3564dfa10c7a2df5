"""Expected answers of ex06-analytical-crm.

Q6 (decision) re-simulates the student's market (``data.seed``: common random numbers) on
the decision market of ``exercises/decisions.py`` (2,000 people, two years) with the
programmes the student targets from its analysis.
"""

import functools
import itertools
import json

from crmsim.comparison import run_metrics
from crmsim.grading import decisions

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


SYSTEM_TYPES_ZH = {"operational": "运营型CRM", "analytical": "分析型CRM",
                   "collaborative": "协同型CRM"}
CONCEPTS_ZH = {"computational intelligence": "计算智能", "perceptual intelligence": "感知智能",
               "cognitive intelligence": "认知智能", "blockchain trustlessness": "区块链的去信任化",
               "privacy protection": "隐私保护"}


def options_q1(data, hidden):
    return {"options": SYSTEM_TYPES, "correct": NEEDS[data.seed % len(NEEDS)][1],
            "zh": SYSTEM_TYPES_ZH}


def options_q2(data, hidden):
    return {"options": CONCEPTS, "correct": PLANS[data.seed % len(PLANS)][1], "zh": CONCEPTS_ZH}


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


# ---------------------------------------------------------------- Q6 (decision)
MENU = ("vip_tiering", "win_back", "loyalty_program", "personalised_offers")
TARGETS = ("tier", "stage", "rfm", "orders")
BUDGET = 5000.0  # strategy cost allowed over the two years
PROGRAMMES = [[], ["vip_tiering"], ["win_back:target=orders>=3"], ["win_back:target=tier=A|B|C"],
         ["vip_tiering", "win_back:target=orders>=3"], ["vip_tiering", "win_back:target=orders>=2"],
         ["vip_tiering", "win_back:target=tier=A|B|C"]]


@functools.lru_cache(maxsize=64)
def _run(seed: int, strategies_json: str) -> tuple[float, float]:
    m = decisions.MARKET
    r = run_metrics(m["scenario"], json.loads(strategies_json), seed,
                    customers=m["customers"], years=m["years"])
    return r["profit"], r["strategy_cost"]


def programme_run(data, decision) -> tuple[float, float]:
    """(profit, strategy cost) of ``decision`` on the student's decision market."""
    return _run(int(data.seed), json.dumps(list(decision["strategies"])))


def candidates_q6(data):
    """Doing nothing, then the plans of the solution that keep to the budget."""
    plans = [{"strategies": p} for p in PROGRAMMES]
    return plans[:1] + [d for d in plans[1:] if programme_run(data, d)[1] <= BUDGET]


def budget_q6(data, decision):
    why = decisions.problem(decision, menu=MENU, max_strategies=2, target_attrs=TARGETS)
    if why:
        return why
    cost = programme_run(data, decision)[1]
    if cost > BUDGET:
        return f"it spends {cost:.0f} on strategies, over the budget of {BUDGET:.0f}"
    return None


def evaluate_q6(data, decision):
    return programme_run(data, decision)[0]


def expected(data, hidden):
    tx = data.transactions
    h = hidden["pairs"]
    return {
        "support_hidden": {f"{a}|{b}": pair_support(h["transactions"], a, b)
                           for a, b in h["pairs"]},
        "top_pair_lift": top_pair_lift(tx),
    }

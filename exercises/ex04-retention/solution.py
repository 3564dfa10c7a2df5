"""Expected answers of ex04-retention."""


import pandas as pd

from crmsim import i18n
from crmsim.grading import decisions

START = pd.Timestamp("2025-01-01")
YEAR = pd.Timedelta(days=365)
CHANNELS = ("campaign", "launch", "referral")
MENU = ("win_back", "proactive_care", "vip_tiering", "loyalty_program", "personalised_offers",
        "discount")



def lapsed_customers(transactions, cutoff, days):
    t = transactions[transactions["date"] <= cutoff]
    last = t.groupby("customer_id")["date"].max()
    return set(last.index[(cutoff - last) > pd.Timedelta(days=days)])


def retained(tx, ids=None):
    """Share of year-1 buyers (among ``ids``) who bought again in year 2."""
    d = tx["date"]
    y1 = set(tx.loc[(d >= START) & (d < START + YEAR), "customer_id"])
    y2 = set(tx.loc[(d >= START + YEAR) & (d < START + 2 * YEAR), "customer_id"])
    if ids is not None:
        y1 &= set(ids)
    return len(y1 & y2) / len(y1) if y1 else 0.0


def hidden_inputs(data, rng):
    """The student's purchases at a random cut-off, plus four customers at the boundaries:
    a purchase exactly at the cut-off, a last purchase exactly ``days`` before it, and
    purchases after it (which must be ignored)."""
    tx = data.transactions[["customer_id", "date", "order_id", "amount"]]
    lo, hi = tx["date"].quantile(0.4), tx["date"].quantile(0.9)
    inside = tx[(tx["date"] >= lo) & (tx["date"] <= hi)]
    cutoff = pd.Timestamp(inside["date"].iloc[int(rng.integers(len(inside)))])
    days = int(rng.integers(30, 120))
    new = int(tx["customer_id"].max()) + 1
    order = int(tx["order_id"].max()) + 1
    d = pd.Timedelta(days=1)
    rows = [(new, cutoff - (days + 30) * d), (new, cutoff),           # bought at the cut-off
            (new + 1, cutoff - days * d),                             # exactly `days` before
            (new + 2, cutoff - (days + 5) * d), (new + 2, cutoff + d),  # came back later
            (new + 3, cutoff + 2 * d)]                                # first bought later
    extra = pd.DataFrame({"customer_id": [r[0] for r in rows], "date": [r[1] for r in rows],
                          "order_id": range(order, order + len(rows)),
                          "amount": 10.0})
    both = pd.concat([tx, extra], ignore_index=True)
    both = both.sample(frac=1.0, random_state=int(rng.integers(2**31))).reset_index(drop=True)
    return {"lapsed": {"transactions": both, "cutoff": cutoff, "days": days}}


def options_q2(data, hidden):
    """Acquisition channels ranked by year-on-year retention (ties: alphabetical)."""
    c = data.customers
    rate = {ch: retained(data.transactions, c.loc[c["channel"] == ch, "customer_id"])
            for ch in CHANNELS}
    order = sorted(CHANNELS, key=lambda ch: (-round(rate[ch], 12), ch))
    return {"options": list(CHANNELS), "correct": order,
            "zh": {ch: i18n.t(f"channel.{ch}", "zh") for ch in CHANNELS}}


def candidates_q5(data):
    return [{"strategies": []}] + [{"strategies": s} for s in (
        ["win_back"], ["vip_tiering"], ["loyalty_program"], ["proactive_care"],
        ["personalised_offers:target=tier=A|B"], ["loyalty_program:target=tier=A|B|C"],
        ["vip_tiering", "win_back"], ["vip_tiering", "loyalty_program"],
        ["loyalty_program", "win_back"])]


def evaluate_q5(data, decision):
    return decisions.profit(data, decision)


def budget_q5(data, decision):
    return decisions.problem(decision, menu=MENU, max_strategies=2,
                             target_attrs=("tier", "stage", "rfm", "orders"))


def expected(data, hidden):
    tx, kpis = data.transactions, data.kpis
    h = hidden["lapsed"]
    return {
        "retention_rate": retained(tx),
        "lapsed_hidden": lapsed_customers(h["transactions"], h["cutoff"], h["days"]),
        "strategy_cost_share": float(kpis["strategy_cost"].sum() / kpis["gross_margin"].sum()),
    }

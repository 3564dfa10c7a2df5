"""Expected answers of ex03-customer-value."""


def simple_clv(margin, retention, discount, years):
    return float(sum(margin * retention**t / (1 + discount) ** t for t in range(years)))


def hidden_inputs(data, rng):
    params = [{"margin": float(round(rng.uniform(50, 500), 2)),
               "retention": float(round(rng.uniform(0.3, 0.95), 3)),
               "discount": float(round(rng.uniform(0.0, 0.15), 3)),
               "years": int(rng.integers(1, 10))} for _ in range(5)]
    return {"clv": params}


def expected(data, hidden):
    tx, customers = data.transactions, data.customers
    orders = tx.groupby("customer_id")["order_id"].nunique()
    spend = tx.groupby("customer_id")["amount"].sum().rename("spend").reset_index()
    spend = spend.merge(customers[["customer_id", "channel"]], on="customer_id")
    spend["channel"] = spend["channel"].astype(str)
    s = tx.groupby("customer_id")["amount"].sum()
    months = tx.assign(m=tx["date"].dt.to_period("M")).groupby("customer_id")["m"].nunique()
    return {
        "repeat_rate": float((orders >= 2).mean()),
        "value_by_channel": spend.groupby("channel")["spend"].mean().to_dict(),
        "clv_hidden": {str(i): simple_clv(**p) for i, p in enumerate(hidden["clv"])},
        "n_gold": int(((s >= s.quantile(0.8)) & (months >= 6)).sum()),
    }


# ---------------------------------------------------------------- judgement questions

import pandas as pd  # noqa: E402

from crmsim.grading import decisions  # noqa: E402

START = pd.Timestamp("2025-01-01")
YEAR = pd.Timedelta(days=365)
TARGETS = ("tier", "credit_rating", "rfm", "orders", "stage")
MENU = ("personalised_offers", "loyalty_program", "vip_tiering")



def yearly_spend(tx):
    """Spend per buyer in year 1 and year 2 (0 when nothing was bought that year)."""
    year = ((tx["date"] - START) >= YEAR).map({False: "y1", True: "y2"})
    s = tx.groupby([tx["customer_id"], year])["amount"].sum().unstack(fill_value=0.0)
    return s.reindex(columns=["y1", "y2"], fill_value=0.0)


def options_q1(data, hidden):
    """Four customers: the promising small one (outside the top 20% of year-1 spend, the
    largest year-2 spend), the year-1 top spender, a small one who stopped, another small
    one."""
    s = yearly_spend(data.transactions)
    small = s[s["y1"] < s["y1"].quantile(0.8)].sort_index()
    promising = int(small["y2"].sort_values(ascending=False, kind="stable").index[0])
    top = int(s["y1"].sort_values(ascending=False, kind="stable").index[0])
    stopped = small[(small["y2"] == 0) & (small.index != promising)]
    rest = small[(small["y2"] > 0) & (small.index != promising)]
    picks = [promising, top]
    for pool in (stopped, rest, small):
        cand = [int(i) for i in pool.index if int(i) not in picks]
        if cand:
            picks.append(cand[len(cand) // 2])
        if len(picks) == 4:
            break
    return {"options": [f"customer {i}" for i in picks], "correct": f"customer {promising}",
            "zh": {f"customer {i}": f"客户 {i}" for i in picks}}


def candidates_q5(data):
    return [{"strategies": [], "contact_share": 0.08}] + [
        {"strategies": s, "contact_share": c} for c in (0.04, 0.12) for s in (
            [], ["vip_tiering"], ["loyalty_program:target=credit_rating=A|B"],
            ["vip_tiering", "personalised_offers:target=stage=development"])]


def evaluate_q5(data, decision):
    return decisions.profit(data, decision)


def budget_q5(data, decision):
    return decisions.problem(decision, menu=MENU, max_strategies=2, target_attrs=TARGETS,
                             max_contact_share=0.12)

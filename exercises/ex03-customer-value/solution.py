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

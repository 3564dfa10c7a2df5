"""Expected answers of ex05-empowerment."""


def referrals_per_customer(events, customers):
    n_ref = int((events["kind"].astype(str) == "referral").sum())
    return n_ref / int(customers["acquired"].sum())


def hidden_inputs(data, rng):
    cust = data.customers[data.customers["acquired"]]
    keep = rng.choice(cust["customer_id"].to_numpy(), size=max(1, len(cust) // 2),
                      replace=False)
    ev = data.events[data.events["customer_id"].isin(keep)]
    return {"referrals": {"events": ev.reset_index(drop=True),
                          "customers": data.customers[data.customers["customer_id"].isin(
                              set(keep) | set(rng.choice(data.customers["customer_id"], 50)))]
                          .reset_index(drop=True)}}


def expected(data, hidden):
    kpis, events = data.kpis, data.events
    cost = kpis[["acquisition_cost", "service_cost", "strategy_cost"]].sum().sum()
    k = events["kind"].astype(str)
    loyalty = kpis.sort_values("period")["mean_loyalty"]
    h = hidden["referrals"]
    return {
        "empowerment_cost": float(kpis["strategy_cost"].sum()),
        "margin_to_cost": float(kpis["gross_margin"].sum() / cost),
        "complaint_rate": float((k == "complaint").sum() / (k == "service_request").sum()),
        "loyalty_change": float(loyalty.iloc[-1] - loyalty.iloc[0]),
        "referral_hidden": referrals_per_customer(h["events"], h["customers"]),
    }

"""Solution of the question-types demo (tests/test_grading_types.py)."""


def revenue_per_buyer(data):
    per = data.transactions.groupby("customer_id")["amount"].sum().rename("spend").reset_index()
    per = per.merge(data.customers[["customer_id", "region"]], on="customer_id")
    return per.groupby("region", observed=True)["spend"].mean().sort_values(ascending=False)


def options_q1(data, hidden):
    r = revenue_per_buyer(data)
    return {"options": sorted(str(x) for x in r.index), "correct": str(r.index[0])}


def options_q2(data, hidden):
    r = revenue_per_buyer(data)
    return {"options": sorted(str(x) for x in r.index), "correct": [str(x) for x in r.index]}


def budget_q3(data, decision):
    if not isinstance(decision, dict) or set(decision) != {"discount"}:
        return "expected {'discount': share}"
    d = decision["discount"]
    if isinstance(d, bool) or not isinstance(d, (int, float)) or not 0 <= d <= 0.5:
        return f"discount={d!r}: expected a share of the list price, 0-0.5"
    return None


def evaluate_q3(data, decision):
    """Profit of a year at this discount: deeper discounts sell more (a toy response)."""
    d = float(decision["discount"])
    return float(data.transactions["amount"].sum()) * (1 - d) * (1 + 2 * d)


def candidates_q3(data):
    return [{"discount": 0.0}, {"discount": 0.1}, {"discount": 0.25}, {"discount": 0.4}]


def expected(data, hidden):
    return {}

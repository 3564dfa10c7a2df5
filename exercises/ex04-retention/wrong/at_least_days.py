"""Flags customers whose last purchase is exactly `days` before the cut-off (`>=`).

"More than 90 days" is strictly greater: a customer last seen exactly 90 days ago is
not lapsed yet. The boundary case decides who gets a (costly) win-back contact."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("flagged customers last seen exactly `days` before the cut-off (`>=` instead of "
             "`>`)"),
    "zh": ("把最后一次购买恰好在截止前 `days` 天的客户也标记了（用了 `>=` "
             "而不是 `>`）"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": '''def lapsed_customers(transactions, cutoff, days):
    t = transactions[transactions["date"] <= cutoff]
    last = t.groupby("customer_id")["date"].max()
    return set(last.index[(cutoff - last) >= pd.Timedelta(days=days)])
'''}

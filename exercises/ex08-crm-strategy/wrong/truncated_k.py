"""Truncates the number of fat cows (`int(top_share * n)`) instead of rounding it.

With 37 customers and a top share of 0.2, 7.4 fat cows round to 7, but 7.8 (39 customers)
must round to 8: truncating drops a customer the firm should cherish."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("truncated the number of fat cows (`int`) instead of rounding it"),
    "zh": ("把肥牛的数量截断取整（`int`），而不是四舍五入"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": '''def fat_cows_and_skinny_dogs(profit, top_share):
    profit = pd.Series(profit, dtype=float).sort_values(ascending=False)
    k = int(top_share * len(profit))
    return {"fat_cows": k, "skinny_dogs": int((profit < 0).sum()),
            "fat_cow_share": float(profit.iloc[:k].sum() / profit.sum())}
'''}

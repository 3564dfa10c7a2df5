"""Counts customers with a profit of exactly 0 as skinny dogs (`<= 0` instead of `< 0`).

A skinny dog is a customer the firm loses money on; one that breaks even costs nothing to
keep. The boundary decides who is dropped."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("counted customers with a profit of exactly 0 as skinny dogs (`<=` instead of "
             "`<`)"),
    "zh": ("把利润恰好为 0 的客户也算作瘦皮狗（用了 `<=` 而不是 `<`）"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": '''def fat_cows_and_skinny_dogs(profit, top_share):
    profit = pd.Series(profit, dtype=float).sort_values(ascending=False)
    k = int(round(top_share * len(profit)))
    return {"fat_cows": k, "skinny_dogs": int((profit <= 0).sum()),
            "fat_cow_share": float(profit.iloc[:k].sum() / profit.sum())}
'''}

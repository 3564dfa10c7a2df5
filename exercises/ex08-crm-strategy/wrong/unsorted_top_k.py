"""Takes the first k rows as the fat cows without sorting by profit.

The profits come in the ledger's order, not best first: the "top" k rows are any k
customers, and the fat cows' share of profit is wrong."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("took the first k rows as the fat cows without sorting by profit"),
    "zh": ("没有按利润排序就把前 k 行当作肥牛"),
}

LOSES = ["q3"]
CELLS = {"q3-answer": '''def fat_cows_and_skinny_dogs(profit, top_share):
    profit = pd.Series(profit, dtype=float)
    k = int(round(top_share * len(profit)))
    return {"fat_cows": k, "skinny_dogs": int((profit < 0).sum()),
            "fat_cow_share": float(profit.iloc[:k].sum() / profit.sum())}
'''}

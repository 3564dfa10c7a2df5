"""Divides by every buyer of the two years instead of the year-1 buyers (wrong denominator).

Retention is "of those we had, how many did we keep": customers first acquired in year 2
were never at risk of leaving in year 1 and must not be in the denominator."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("divided by every buyer of the two years, not the year-1 buyers (wrong "
             "denominator)"),
    "zh": ("除以了两年里的全部购买者，而不是第一年的购买者（分母错误）"),
}

LOSES = ["q1"]
CELLS = {"q1-answer": '''
_y1 = set(tx.loc[(tx["date"] >= START) & (tx["date"] < START + pd.Timedelta(days=365)),
                 "customer_id"])
_y2 = set(tx.loc[(tx["date"] >= START + pd.Timedelta(days=365))
                 & (tx["date"] < START + pd.Timedelta(days=730)), "customer_id"])
retention_rate = len(_y1 & _y2) / tx["customer_id"].nunique()
'''}

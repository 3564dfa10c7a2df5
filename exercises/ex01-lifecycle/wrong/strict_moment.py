"""Ignores a stage change made exactly at the moment asked about (`<` instead of `<=`).

The weekly review at that moment has already happened: the customer is in its new stage."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("left out a stage change made exactly at that moment (`<` instead of `<=`)"),
    "zh": ("漏掉了恰好在那个时刻发生的阶段变更（用了 `<` 而不是 `<=`）"),
}

LOSES = ["q1"]
CELLS = {"q1-answer": '''def stage_at(events, when):
    ch = events[(events["kind"] == "stage_change") & (events["date"] < when)]
    ch = ch.sort_values("date", kind="stable")
    return ch.groupby("customer_id")["to_stage"].last().astype(str)
'''}

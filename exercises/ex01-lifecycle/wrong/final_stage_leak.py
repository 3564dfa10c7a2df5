"""Answers with the stage at the end of the data (leakage of future data).

The stage at a moment in the past is not the stage today: using the last change overall
(or customers.final_stage) looks into the future."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("used the stage at the end of the data, not at the moment asked about (future "
             "data)"),
    "zh": ("用了数据末尾的阶段，而不是所问时刻的阶段（使用了未来数据）"),
}

LOSES = ["q1"]
CELLS = {"q1-answer": '''def stage_at(events, when):
    ch = events[(events["kind"] == "stage_change")].sort_values("date", kind="stable")
    ch = ch[ch["customer_id"].isin(events.loc[events["date"] <= when, "customer_id"])]
    return ch.groupby("customer_id")["to_stage"].last().astype(str)
'''}

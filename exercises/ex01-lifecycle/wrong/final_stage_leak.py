"""Answers with the stage at the end of the data (leakage of future data).

The stage at a moment in the past is not the stage today: using the last change overall
(or customers.final_stage) looks into the future."""

LOSES = ["q1"]
CELLS = {"q1-answer": '''def stage_at(events, when):
    ch = events[(events["kind"] == "stage_change")].sort_values("date", kind="stable")
    ch = ch[ch["customer_id"].isin(events.loc[events["date"] <= when, "customer_id"])]
    return ch.groupby("customer_id")["to_stage"].last().astype(str)
'''}

"""Takes the last row per customer without sorting by time.

An event log exported from a system (or merged from several) is not guaranteed to be in
time order; "the latest change" must be found by its time stamp."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("took each customer's last row without sorting the log by time"),
    "zh": ("没有按时间排序就取了每位客户的最后一行"),
}

LOSES = ["q1"]
CELLS = {"q1-answer": '''def stage_at(events, when):
    ch = events[(events["kind"] == "stage_change") & (events["date"] <= when)]
    return ch.groupby("customer_id")["to_stage"].last().astype(str)
'''}

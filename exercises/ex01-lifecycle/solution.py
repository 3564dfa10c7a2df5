"""Expected answers of ex01-lifecycle."""


import pandas as pd

from crmsim import i18n
from crmsim.grading import decisions

#: The six-stage lifecycle (and the firm's win-back stage) in the four-stage variant.
FOUR_STAGES = {"potential": "exploration", "development": "exploration",
               "growth": "formation", "maturity": "stability", "decline": "dissolution",
               "terminated": "dissolution", "win_back": "formation"}
FOUR_ORDER = ("exploration", "formation", "stability", "dissolution")
MENU = ("personalised_offers", "loyalty_program", "proactive_care", "win_back", "vip_tiering")



def stage_at(events, when):
    """customer_id -> the stage the firm had the customer in at ``when``."""
    ch = events[(events["kind"] == "stage_change") & (events["date"] <= when)]
    ch = ch.sort_values("date", kind="stable")
    return ch.groupby("customer_id")["to_stage"].last().astype(str)


def ladder(customers, transactions, events):
    """How many customers reached each rung of the loyalty ladder (item 12)."""
    orders = transactions.groupby("customer_id")["order_id"].nunique()
    ev = events
    devoted = ev.loc[(ev["kind"] == "stage_change") & (ev["to_stage"] == "maturity"),
                     "customer_id"].nunique()
    advocates = ev.loc[(ev["kind"] == "referral") & (ev["detail"] == "converted"),
                       "customer_id"].nunique()
    return {"first_time": int((orders >= 1).sum()), "repeat": int((orders >= 2).sum()),
            "devoted": int(devoted), "advocate": int(advocates)}


def hidden_inputs(data, rng):
    """The student's events in shuffled order and a moment exactly at a stage review in
    which somebody changed stage (so ``<`` and ``<=`` differ)."""
    ev = data.events
    ch = ev[ev["kind"] == "stage_change"]
    mid = ch[(ch["date"] > ch["date"].quantile(0.3)) & (ch["date"] < ch["date"].quantile(0.8))]
    when = pd.Timestamp(mid["date"].iloc[int(rng.integers(len(mid)))])
    shuffled = ev.sample(frac=1.0, random_state=int(rng.integers(2**31))).reset_index(drop=True)
    return {"stage_at": {"events": shuffled, "when": when}}


def top_spender(data):
    """The customer who spent most in the first year (the firm's best customer then)."""
    tx = data.transactions
    first_year = tx[tx["date"] < pd.Timestamp("2025-01-01") + pd.Timedelta(days=365)]
    spend = first_year.groupby("customer_id")["amount"].sum()
    return int(spend.sort_values(ascending=False, kind="stable").index[0])


def _label(stage, four):
    return f"{stage}, in the four-stage variant: {four}"


def _label_zh(label):
    stage, four = label.split(", in the four-stage variant: ")
    return f"{i18n.t('stage.' + stage, 'zh')}，四阶段模型中为{i18n.t('four.' + four, 'zh')}"


def options_q2(data, hidden):
    """The top spender's stage now, with its four-stage name; distractors pair the same
    stage with other four-stage names, or other stages with their own."""
    stage = str(data.customers.set_index("customer_id").loc[top_spender(data), "final_stage"])
    right = _label(stage, FOUR_STAGES[stage])
    wrong_four = [_label(stage, f) for f in FOUR_ORDER if f != FOUR_STAGES[stage]][:2]
    others = [_label(s, FOUR_STAGES[s]) for s in ("development", "growth", "maturity",
                                                   "decline", "terminated") if s != stage][:2]
    labels = [right, *wrong_four, *others]
    return {"options": labels, "correct": right, "zh": {x: _label_zh(x) for x in labels}}


def candidates_q4(data):
    return [{"strategies": []}] + [{"strategies": s} for s in (
        ["personalised_offers:target=stage=development|growth"],
        ["loyalty_program:target=stage=growth|maturity"],
        ["proactive_care:target=stage=decline"], ["win_back:target=stage=terminated"],
        ["vip_tiering:target=stage=maturity"],
        ["vip_tiering:target=stage=maturity", "win_back:target=stage=terminated"],
        ["loyalty_program:target=stage=growth|maturity", "win_back:target=stage=terminated"])]


def evaluate_q4(data, decision):
    return decisions.profit(data, decision)


def budget_q4(data, decision):
    return decisions.problem(decision, menu=MENU, max_strategies=2, target_attrs=("stage",))


def expected(data, hidden):
    h = hidden["stage_at"]
    return {"stage_hidden": stage_at(h["events"], h["when"]),
            "ladder_counts": ladder(data.customers, data.transactions, data.events)}

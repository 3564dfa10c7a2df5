"""Counts downgrades as upgrades: tier codes compared the wrong way round.

Tier A is code 0 and D code 3, so a better tier has a *smaller* code; `cur > prev` counts the
customers who slipped down the pyramid, the opposite of the upgrade KPI (升级客户量)."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("counted downgrades as upgrades (tier codes compared the wrong way round)"),
    "zh": ("把降级算成了升级（等级代码比较方向反了）"),
}

LOSES = ["q2"]
CELLS = {"q2-answer": '''_quarter = tx["date"].dt.to_period("Q")
_spend = tx.groupby([_quarter.rename("quarter"), "customer_id"])["amount"].sum()
_quarters = _spend.index.get_level_values("quarter").unique().sort_values()
_tier = {q: value_pyramid(_spend.loc[q])["tier"].cat.codes for q in _quarters}
_first_q = tx.groupby("customer_id")["date"].min().dt.to_period("Q")
_lost = events[(events["kind"] == "stage_change") & (events["to_stage"] == "terminated")]
_lost_q = _lost["date"].dt.to_period("Q").value_counts()
_rows = {}
for _i, _q in enumerate(_quarters):
    _up = 0
    if _i:
        _prev, _cur = _tier[_quarters[_i - 1]], _tier[_q]
        _both = _prev.index.intersection(_cur.index)
        _up = int((_cur[_both] > _prev[_both]).sum())
    _rows[str(_q)] = {"new": int((_first_q == _q).sum()), "lost": int(_lost_q.get(_q, 0)),
                      "upgraded": _up}
kpis = pd.DataFrame(_rows).T[["new", "lost", "upgraded"]]
'''}

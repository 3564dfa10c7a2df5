"""Tier sizes rounded down (`int(0.01 * n)`) instead of up (`ceil`).

With a few hundred buyers the top 1% is then one customer too small (and so on down the
pyramid), which moves revenue between tiers."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("rounded the tier sizes down (`int`) instead of up (`ceil`)"),
    "zh": ("把各层人数向下取整（`int`），而不是向上取整（`ceil`）"),
}

LOSES = ["q4"]
CELLS = {"q4-answer": '''_m = tx.groupby("customer_id")["amount"].sum().reset_index()
_m = _m.sort_values(["amount", "customer_id"], ascending=[False, True]).reset_index(drop=True)
_n = len(_m)
_cuts = [int(f * _n) for f in (0.01, 0.05, 0.20)]
_rank = np.arange(1, _n + 1)
_m["tier"] = np.select([_rank <= _cuts[0], _rank <= _cuts[1], _rank <= _cuts[2]],
                       ["A", "B", "C"], "D")
pyramid_share = (_m.groupby("tier")["amount"].sum() / _m["amount"].sum()).to_dict()
'''}

"""Picks the option who spent most in year 1: the biggest customer is not a promising
small one (the principle is to nurture small customers who grow)."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("picked the biggest spender of year 1, not a promising small customer"),
    "zh": ("选了第一年花钱最多的客户，而不是有潜力的小客户"),
}

LOSES = ["q1"]
CELLS = {"q1-answer": '''_year = np.where(tx["date"] - START >= pd.Timedelta(days=365), "y2", "y1")
_ys = tx.groupby(["customer_id", _year])["amount"].sum().unstack(fill_value=0.0)
_ys = _ys.reindex(columns=["y1", "y2"], fill_value=0.0)
_ids = [int(label.split()[-1]) for label in data.options("q1")]
promising_customer = f"customer {int(_ys.loc[_ids, 'y1'].idxmax())}"
'''}

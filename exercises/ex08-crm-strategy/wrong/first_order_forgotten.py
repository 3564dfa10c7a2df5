"""A new customer's first order is not counted among its existing products.

For a customer first seen in year two nothing was bought before the cut-off, so every line
looks like a new product and the acquisition cell (new customers, existing products) is
booked as diversification: the matrix overstates how much the firm diversified."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("did not count a new customer's first order among its existing products"),
    "zh": ("没有把新客户的第一笔订单算入其已有产品"),
}

LOSES = ["q1"]
CELLS = {"q1-answer": '''CUTOFF = 365.0
_first = tx.groupby("customer_id")["timestamp"].transform("min")
_base = tx["timestamp"] < CUTOFF
_known = pd.MultiIndex.from_frame(tx.loc[_base, ["customer_id", "category"]]).unique()
_old_product = pd.MultiIndex.from_frame(tx[["customer_id", "category"]]).isin(_known)
_old_customer = (_first < CUTOFF).to_numpy()
_later = (tx["timestamp"] >= CUTOFF).to_numpy()
_amount = tx["amount"].to_numpy()
growth = {"loyalty": _amount[_later & _old_customer & _old_product].sum(),
          "expansion": _amount[_later & _old_customer & ~_old_product].sum(),
          "acquisition": _amount[_later & ~_old_customer & _old_product].sum(),
          "diversification": _amount[_later & ~_old_customer & ~_old_product].sum()}
'''}

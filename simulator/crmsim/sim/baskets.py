"""Baskets: each order becomes lines of products, drawn in the market when the order is made.

Categories follow the customer's preferences; deeper relationships buy across more
categories (``relationship.cross_buy_growth``); a line pulls in its product's
companion with ``companion_prob`` (association rules to discover). The order's
list value is split over its lines by list price; each line's cost of goods is
its list value times the product's unit cost / price.
"""

from __future__ import annotations

import numpy as np

#: how the lines are kept until the run ends: the narrowest type that holds every value
#: (customers <= 5,000,000 fit int32, a catalogue's products int16, quantities int32
#: unless a step's do not); the tables are int64
STORED = {"customer": np.int32, "time": np.float64, "product": np.int16,
          "quantity": np.int32, "amount": np.float64, "discount": np.float64,
          "cost": np.float64}


def compact(lines: dict, n_products: int) -> dict[str, np.ndarray]:
    """A step's lines as kept for the tables: typed columns, no per-order index (less than
    half the memory of a million-customer run's lines as int64)."""
    types = dict(STORED, product=np.int16 if n_products <= np.iinfo(np.int16).max else np.int32)
    if len(lines["quantity"]) and lines["quantity"].max() > np.iinfo(np.int32).max:
        types["quantity"] = np.int64
    return {k: np.asarray(lines[k]).astype(dtype, copy=False) for k, dtype in types.items()}


class Baskets:
    def __init__(self, sc, products, prefs: np.ndarray, rng: np.random.Generator):
        self.pop, self.rel = sc["population"], sc["relationship"]
        self.companion = products["companion"].to_numpy()
        self.price = products["price"].to_numpy()
        self.cost_ratio = products["unit_cost"].to_numpy() / self.price
        self.cum = np.cumsum(prefs, axis=1)
        self.rng = rng
        self.parts: list[dict] = []

    def draw(self, cust, time, value, cut, dep) -> dict[str, np.ndarray]:
        """Lines of the orders ``(cust, time)`` with list ``value`` and price ``cut`` share."""
        pop, rng, n_prod = self.pop, self.rng, len(self.price)
        n_orders = len(cust)
        extra = pop["basket_extra_items"] + self.rel["cross_buy_growth"] * dep
        n_lines = 1 + np.minimum(rng.poisson(extra), 5)
        line_order = np.repeat(np.arange(n_orders), n_lines)
        u = rng.random(len(line_order))
        cat = np.minimum((self.cum[cust[line_order]] < u[:, None]).sum(axis=1),
                         self.cum.shape[1] - 1)
        k = pop["products_per_category"]
        prod = cat * k + rng.integers(0, k, len(line_order))
        comp = rng.random(len(line_order)) < pop["companion_prob"]
        line_order = np.concatenate([line_order, line_order[comp]])
        prod = np.concatenate([prod, self.companion[prod[comp]]])
        key, units = np.unique(line_order * n_prod + prod, return_counts=True)
        line_order, prod = key // n_prod, key % n_prod
        weight = self.price[prod] * units
        share = weight / np.bincount(line_order, weights=weight, minlength=n_orders)[line_order]
        # the step's lines in the order of the final table: time, customer, product
        o = np.lexsort((prod, cust[line_order], time[line_order]))
        line_order, prod, share = line_order[o], prod[o], share[o]
        list_amount = value[line_order] * share
        amount = np.round(list_amount * (1.0 - cut[line_order]), 2)
        discount = np.round(list_amount, 2) - amount
        lines = {
            "order": line_order,
            "customer": cust[line_order],
            "time": time[line_order],
            "product": prod,
            "quantity": np.maximum(1, np.round(list_amount / self.price[prod])).astype(np.int64),
            "amount": amount,
            "discount": discount,
            "cost": np.round(list_amount * self.cost_ratio[prod], 2),
        }
        self.parts.append(compact(lines, n_prod))
        return lines

    def table(self) -> dict[str, np.ndarray]:
        """All lines of the run, in order of time then customer, with global ``order_id``;
        the baskets are emptied (the lines now live in the returned columns only)."""
        return next(self.chunks(np.inf))

    def chunks(self, rows: float):
        """The lines of :meth:`table` in pieces of whole steps, about ``rows`` lines each
        (at least one piece); each step's lines are released as its piece is built.

        Steps do not overlap in time and each step's lines are drawn sorted, so the
        concatenation is already in order; a new order starts where time or customer
        changes."""
        last, next_id = None, 0
        while True:
            take, size = [], 0
            while self.parts and (not take or size + len(self.parts[0]["time"]) <= rows):
                take.append(self.parts.pop(0))
                size += len(take[-1]["time"])
            if not take and last is not None:
                return
            cols = {k: np.concatenate([p.pop(k) for p in take]) if take
                    else np.array([], STORED[k]) for k in STORED}
            t, c = cols["time"], cols["customer"]
            new = np.ones(len(t), bool)
            new[1:] = (t[1:] != t[:-1]) | (c[1:] != c[:-1])
            if len(t) and last is not None:
                new[0] = (t[0], c[0]) != last
            cols["order_id"] = next_id - 1 + np.cumsum(new)
            if len(t):
                last, next_id = (t[-1], c[-1]), int(cols["order_id"][-1]) + 1
            elif last is None:
                last = ()
            yield cols

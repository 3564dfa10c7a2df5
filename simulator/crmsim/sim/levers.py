"""Levers: the named knobs through which strategies change what customers experience.

A strategy never reaches into the market's state; it moves levers, and the market
reads them where they act. Per-customer multipliers are kept per strategy (so
strategies combine by multiplying, and each one's share stays visible). A new
mechanism is a new field here, with what it means and where the market
(:mod:`crmsim.sim.market`) reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Levers:
    """Current lever settings of one run; arrays are per customer."""

    n: int
    #: strategy -> purchase-rate multiplier per customer (purchase step)
    rate: dict = field(default_factory=dict)
    #: strategy -> share of list price taken off each order, per customer (pricing):
    #: lowers the price paid, never the cost of goods; booked as ``discount:<strategy>``
    discount: dict = field(default_factory=dict)
    #: strategy -> multiplier on the chance that an order leads to a service call
    calls: dict = field(default_factory=dict)
    #: per customer: until when a personal offer (a coupon for one order) is valid; while
    #: held it lifts the purchase rate, and the next order redeems its price cut
    offer_until: np.ndarray = None
    offer_rate: float = 1.0
    offer_discount: float = 0.0
    offer_by: str = ""
    #: strategy -> seats it adds to the call centre (booked to that strategy)
    extra_seats: dict = field(default_factory=dict)
    #: callers who jump the call-centre queue (vip_tiering), and the strategy that set them
    priority: np.ndarray = None
    priority_by: str = ""
    #: a follow-up call after a service request: who gets it, satisfaction repaired, cost
    followup: np.ndarray = None
    followup_boost: float = 0.0
    followup_cost: float = 0.0
    followup_by: str = ""

    def __post_init__(self):
        self.offer_until = np.full(self.n, -np.inf)
        self.priority = np.zeros(self.n, bool)
        self.followup = np.zeros(self.n, bool)

    def multiplier(self, which: str, ids) -> np.ndarray | float:
        """Product over strategies of the ``rate`` or ``calls`` multipliers of ``ids``."""
        out = 1.0
        for arr in getattr(self, which).values():
            out = out * arr[ids]
        return out

    def price_cuts(self, ids: np.ndarray, t) -> dict[str, np.ndarray]:
        """Share of list price taken off orders of ``ids`` at times ``t`` (sorted by customer,
        then time), per strategy; the first order of a customer holding a valid offer
        redeems it."""
        cuts = {name: arr[ids] for name, arr in self.discount.items()}
        if self.offer_discount > 0:
            redeem = _first_per_customer(ids, self.offer_until[ids] > t)
            self.offer_until[ids[redeem]] = -np.inf
            cuts[self.offer_by] = cuts.get(self.offer_by, 0.0) + redeem * self.offer_discount
        return cuts

    def seat_count(self) -> int:
        return int(sum(self.extra_seats.values()))

    def remove(self, name: str) -> None:
        """Take away every lever strategy ``name`` set (it was stopped between two rounds):
        its multipliers, discounts and seats, and the offer, queue priority or follow-up
        it owns. What it already added to customers' stocks stays and fades."""
        for table in (self.rate, self.discount, self.calls, self.extra_seats):
            table.pop(name, None)
        if self.offer_by == name:
            self.offer_until[:] = -np.inf
            self.offer_rate, self.offer_discount, self.offer_by = 1.0, 0.0, ""
        if self.priority_by == name:
            self.priority[:] = False
            self.priority_by = ""
        if self.followup_by == name:
            self.followup[:] = False
            self.followup_boost, self.followup_cost, self.followup_by = 0.0, 0.0, ""


def _first_per_customer(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mark, for each customer in ``ids`` (sorted), the first position where ``mask`` holds."""
    out = np.zeros(len(ids), bool)
    pos = np.flatnonzero(mask)
    if len(pos):
        _, first = np.unique(ids[pos], return_index=True)
        out[pos[first]] = True
    return out

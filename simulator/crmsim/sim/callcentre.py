"""The call centre (呼叫中心): seats are a limited resource, callers queue and may hang up.

A caller arrives, waits for a seat at most ``patience`` hours (or hangs up), talks for
an exponential service time, and leaves with a changed satisfaction. VIP callers
(vip_tiering) jump the queue; everybody else is served first come, first served. Calls
that would fall outside opening hours are spread over the next day's opening hours.

**Served a step at a time.** The market clock hands the call centre each step's calls
(:func:`place_calls`) and asks it to run up to the step's end (:meth:`CallCentre.advance`):
one loop over the step's arrivals and seat releases, with a heap of busy seats and a heap
of waiting callers (priority, then arrival), runs the multi-server queue with reneging
(like SimPy's bank-renege example, without a SimPy process and resource request per
call). Callers still waiting, and calls still being served, at the step's end carry
over to the next step. For the same calls it gives the waits and abandonments of an
event-by-event SimPy ``PriorityResource`` queue (``tests/test_simulator_callcentre.py``).
What a call changes (satisfaction, the log, the ledger, a follow-up) is applied, in the
order the calls end, once the step has run past its end; so a call ending inside a step
counts in the next step's purchases, as it did when each call was a SimPy process.
"""

from __future__ import annotations

import heapq
from operator import itemgetter

import numpy as np

from crmsim.sim import crn
from crmsim.sim.acquisition import CONTACT_EVENT
from crmsim.sim.eventlog import kind

SERVICE_REQUEST = kind("service_request", "a call to the call centre (detail: served or "
                       "abandoned; wait and service_time in hours)")
COMPLAINT = kind("complaint", "a complaint (detail: after waiting or service problem)")

#: the log's details of a call and of a complaint, one string each (not one per row)
OUTCOMES = np.array(["abandoned", "served"], dtype=object)
REASONS = np.array(["service problem", "after waiting"], dtype=object)
#: a placed call: customer, arrival (time units), talk and complaint draw (hours, uniform),
#: queue priority (0 jumps the queue)
CALL = ("customer", "arrival", "talk", "upset", "priority")
_ARRIVAL = itemgetter(1)


class CallCentre:
    """A multi-server queue with priorities and reneging, run a stretch of time at a time.

    ``capacity`` seats; ``patience``: how long a caller waits before hanging up, in time
    units. Times are in the scenario's time unit, talk times in hours (``hours``: hours
    per time unit)."""

    def __init__(self, seats: int, patience: float, hours: float):
        self.capacity, self.patience, self.hours = seats, patience, hours
        self.coming: list[tuple] = []  # placed calls, not yet arrived: one tuple of CALL
        self.busy: list[float] = []  # heap: when each busy seat is released
        self.waiting: list[tuple] = []  # heap: (priority, arrival, seq, call)
        self.ended: list[tuple] = []  # heap: (end, seq, call, start or None if abandoned)
        self._seq = 0

    def place(self, customer, arrival, talk, upset, priority) -> None:
        """Calls that will arrive (arrays, one entry per call, any order)."""
        self.coming.extend(zip(*(np.asarray(a).tolist() for a in (customer, arrival, talk,
                                                                   upset, priority)),
                               strict=True))
        self.coming.sort(key=_ARRIVAL)  # stable: calls placed earlier first at equal times

    def set_capacity(self, seats: int, now: float) -> None:
        """Seats from ``now`` on: callers being served keep their seat; with more seats,
        waiting callers are served at once."""
        self.capacity = seats
        self._serve_waiting(now)

    def advance(self, until: float) -> list[tuple]:
        """Run the queue up to ``until``; return the calls that ended before it, in order of
        their end: ``(end, call, start)`` with ``start`` None for a caller who hung up."""
        coming, busy = self.coming, self.busy
        i, n = 0, len(coming)
        while True:
            arrival = coming[i][1] if i < n else np.inf
            release = busy[0] if busy else np.inf
            if min(arrival, release) >= until:
                break
            if release <= arrival:
                heapq.heappop(busy)
                self._serve_waiting(release)
            else:
                call = coming[i]
                i += 1
                if len(busy) < self.capacity and not self.waiting:
                    self._start(call, arrival)
                else:
                    heapq.heappush(self.waiting, (call[4], arrival, self._next(), call))
        del coming[:i]
        self._hang_up(until)
        out = []
        while self.ended and self.ended[0][0] < until:
            end, _, call, start = heapq.heappop(self.ended)
            out.append((end, call, start))
        return out

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def _start(self, call: tuple, now: float) -> None:
        end = now + call[2] / self.hours
        heapq.heappush(self.busy, end)
        heapq.heappush(self.ended, (end, self._next(), call, now))

    def _serve_waiting(self, now: float) -> None:
        """Free seats go to waiting callers by priority, then arrival; a caller whose
        patience ran out before ``now`` has hung up."""
        while self.waiting and len(self.busy) < self.capacity:
            _, arrival, _, call = heapq.heappop(self.waiting)
            if arrival + self.patience < now:
                self._abandon(call)
            else:
                self._start(call, now)

    def _hang_up(self, until: float) -> None:
        """Callers whose patience runs out before ``until`` hang up."""
        gone = [w for w in self.waiting if w[1] + self.patience < until]
        if gone:
            self.waiting = [w for w in self.waiting if w[1] + self.patience >= until]
            heapq.heapify(self.waiting)
            for w in sorted(gone, key=lambda w: w[1]):
                self._abandon(w[3])

    def _abandon(self, call: tuple) -> None:
        heapq.heappush(self.ended, (call[1] + self.patience, self._next(), call, None))


def open_call_centre(m) -> CallCentre:
    svc = m.sc["service"]
    return CallCentre(max(m.seats, 1), svc["patience"] / m.hours, m.hours)


def arrival_times(t, u, hours_per_unit: float, open_hours: float):
    """Call times: inside opening hours as they are; outside, at a uniform time ``u``
    within the next day's opening hours (vectorised)."""
    if open_hours >= 24:
        return t
    day_len = 24.0 / hours_per_unit  # one day in time units
    day = np.floor(t / day_len)
    hour = (t - day * day_len) * hours_per_unit
    later = (day + 1) * day_len + u * open_hours / hours_per_unit
    return np.where(hour < open_hours, t, later)


def place_calls(m, o_cust, o_time, nth, depth):
    """Some orders lead to a call (fewer for experienced customers), placed with the call
    centre: when it arrives, how long it would talk, its complaint draw, its priority."""
    svc, rel = m.sc["service"], m.sc["relationship"]
    if svc["request_prob"] <= 0 or len(o_cust) == 0:
        return
    prob = (svc["request_prob"] * m.levers.multiplier("calls", o_cust)
            * (1.0 - rel["call_learning"] * depth))
    asks = crn.uniform(m.seed, crn.CALL, o_cust, nth) < prob
    c, tt, k = o_cust[asks], o_time[asks], nth[asks]
    tt = tt + svc["request_delay"] * crn.exponential(m.seed, crn.CALL_DELAY, c, k)
    tt = arrival_times(tt, crn.uniform(m.seed, crn.CALL_HOUR, c, k), m.hours, svc["open_hours"])
    inside = tt < m.horizon
    c, tt, k = c[inside], tt[inside], k[inside]
    talk = svc["service_time"] * crn.exponential(m.seed, crn.TALK, c, k)
    upset = crn.uniform(m.seed, crn.COMPLAINT, c, k)
    m.call_centre.place(c, tt, talk, upset, np.where(m.levers.priority[c], 0, 1))


def serve_calls(m, until: float) -> None:
    """Run the call centre to ``until`` and apply what the calls that ended did.

    Handling time and the complaint draw belong to the call (common random numbers), so a
    strategy elsewhere does not reshuffle them."""
    ended = m.call_centre.advance(until)
    if not ended:
        return
    svc, beh, hours = m.sc["service"], m.sc["behaviour"], m.hours
    end = np.array([e[0] for e in ended])
    cid = np.array([e[1][0] for e in ended], np.int64)
    t0 = np.array([e[1][1] for e in ended])
    served = np.array([e[2] is not None for e in ended])
    start = np.array([e[0] if e[2] is None else e[2] for e in ended])
    wait_h = (start - t0) * hours
    talk = np.where(served, [e[1][2] for e in ended], 0.0)
    upset = np.array([e[1][3] for e in ended])
    complaint = ~served | (upset < beh["complaint_prob"] + beh["complaint_prob_per_hour"] * wait_h)
    damage = beh["wait_penalty"] * m.wait_sens[cid] * wait_h
    damage += beh["abandon_penalty"] * ~served
    damage += beh["complaint_penalty"] * complaint
    lv = m.levers
    follow = lv.followup[cid] if lv.followup_boost > 0 else np.zeros(len(cid), bool)
    # satisfaction: each call's damage, then its follow-up's repair, in order of the ends
    amounts = np.stack([-damage, np.where(follow, lv.followup_boost, 0.0)], axis=1).ravel()
    np.add.at(m.stocks.service, np.repeat(cid, 2), amounts)
    m.stocks.touched[cid] = True
    m.log.calls(t0, cid, OUTCOMES[served.astype(np.int64)], wait_h, talk)
    m.ledger.book(end, cid, "calls", -svc["call_cost"])
    m.log.add(t0[complaint] + (wait_h + talk)[complaint] / hours, cid[complaint], COMPLAINT,
              REASONS[(wait_h[complaint] > 0.25).astype(np.int64)])
    if follow.any():
        m.log.add(end[follow], cid[follow], CONTACT_EVENT, f"{lv.followup_by} follow-up")
        m.ledger.book(end[follow], cid[follow], f"strategy:{lv.followup_by}",
                      -lv.followup_cost)

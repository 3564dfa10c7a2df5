"""The call centre (呼叫中心): seats are a limited resource, callers queue and may hang up.

A ``simpy.PriorityResource`` whose capacity is the number of seats. Each service
request is one small SimPy process, like SimPy's bank-renege example: the caller
arrives, waits for a seat at most ``patience`` hours, talks for an exponential
service time, and leaves with a changed satisfaction. VIP callers (vip_tiering)
jump the queue; everybody else is served first come, first served. Calls that
would fall outside opening hours are spread over the next day's opening hours.
"""

from __future__ import annotations

import numpy as np
import simpy

from crmsim.sim import crn
from crmsim.sim.acquisition import CONTACT_EVENT
from crmsim.sim.eventlog import kind

SERVICE_REQUEST = kind("service_request", "a call to the call centre (detail: served or "
                       "abandoned; wait and service_time in hours)")
COMPLAINT = kind("complaint", "a complaint (detail: after waiting or service problem)")


def open_call_centre(env: simpy.Environment, seats: int) -> simpy.PriorityResource:
    return simpy.PriorityResource(env, capacity=seats)


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
    """Some orders lead to a call (fewer for experienced customers); each is a SimPy process."""
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
    for call in zip(c.tolist(), tt.tolist(), talk.tolist(), upset.tolist(), strict=True):
        m.env.process(service_call(m.env, m, *call))


def service_call(env, m, cid: int, arrival: float, talk: float, upset: float):
    """One customer's call: queue for a seat (or give up), be served, update satisfaction.

    Handling time ``talk`` (hours) and the complaint draw ``upset`` belong to the call
    (common random numbers), so a strategy elsewhere does not reshuffle them."""
    yield env.timeout(arrival - env.now)
    svc, beh, hours = m.sc["service"], m.sc["behaviour"], m.hours
    priority = 0 if m.levers.priority[cid] else 1
    with m.call_centre.request(priority=priority) as seat:
        t0 = env.now
        if seat.triggered:  # a seat is free: no need to arm the patience timer
            served = True
        else:
            got = yield seat | env.timeout(svc["patience"] / hours)
            served = seat in got
        wait_h = (env.now - t0) * hours
        if served:
            yield env.timeout(talk / hours)
            complaint = upset < beh["complaint_prob"] + beh["complaint_prob_per_hour"] * wait_h
            outcome = "served"
        else:
            talk, complaint, outcome = 0.0, True, "abandoned"
    damage = beh["wait_penalty"] * m.wait_sens[cid] * wait_h
    damage += beh["abandon_penalty"] * (outcome == "abandoned")
    damage += beh["complaint_penalty"] * complaint
    m.stocks.add("service", cid, -damage)
    m.log.call(t0, cid, outcome, wait_h, talk)
    m.ledger.book(env.now, cid, "calls", -svc["call_cost"])
    if complaint:
        m.log.add(t0 + (wait_h + talk) / hours, cid, COMPLAINT,
                  "after waiting" if wait_h > 0.25 else "service problem")
    lv = m.levers
    if lv.followup_boost > 0 and lv.followup[cid]:
        m.stocks.add("service", cid, lv.followup_boost)
        m.log.add(env.now, cid, CONTACT_EVENT, f"{lv.followup_by} follow-up")
        m.ledger.book(env.now, cid, f"strategy:{lv.followup_by}", -lv.followup_cost)

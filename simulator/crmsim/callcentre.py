"""The call centre (呼叫中心): seats are a limited resource, callers queue and may hang up.

A ``simpy.PriorityResource`` whose capacity is the number of seats. Each service
request is one small SimPy process, like SimPy's bank-renege example: the caller
arrives, waits for a seat at most ``patience`` hours, talks for an exponential
service time, and leaves with a changed satisfaction. VIP callers (vip_tiering)
jump the queue; everybody else is served first come, first served.
"""

from __future__ import annotations

import numpy as np
import simpy


def open_call_centre(env: simpy.Environment, seats: int) -> simpy.PriorityResource:
    return simpy.PriorityResource(env, capacity=seats)


def next_open_time(t, hours_per_unit: float, open_hours: float):
    """Move call times that fall outside opening hours to the next opening (vectorised)."""
    if open_hours >= 24:
        return t
    day_len = 24.0 / hours_per_unit  # one day in time units
    day = np.floor(t / day_len)
    hour = (t - day * day_len) * hours_per_unit
    return np.where(hour < open_hours, t, (day + 1) * day_len)


def service_call(env, m, cid: int, arrival: float):
    """One customer's call: queue for a seat (or give up), be served, update satisfaction."""
    yield env.timeout(arrival - env.now)
    svc, beh, hours = m.sc["service"], m.sc["behaviour"], m.hours
    priority = 0 if (m.vip_priority and m.is_vip[cid]) else 1
    with m.call_centre.request(priority=priority) as seat:
        t0 = env.now
        if seat.triggered:  # a seat is free: no need to arm the patience timer
            served = True
        else:
            got = yield seat | env.timeout(svc["patience"] / hours)
            served = seat in got
        wait_h = (env.now - t0) * hours
        if served:
            talk = m.rng_service.exponential(svc["service_time"])
            yield env.timeout(talk / hours)
            complaint = m.rng_service.random() < (beh["complaint_prob"]
                                                  + beh["complaint_prob_per_hour"] * wait_h)
            outcome = "served"
        else:
            talk, complaint, outcome = 0.0, True, "abandoned"
    damage = beh["wait_penalty"] * m.wait_sens[cid] * wait_h
    damage += beh["abandon_penalty"] * (outcome == "abandoned")
    damage += beh["complaint_penalty"] * complaint
    m.service[cid] -= damage
    m.log_call(t0, cid, outcome, wait_h, talk, complaint)
    if m.followup_boost > 0:
        m.service[cid] += m.followup_boost
        m.log_event(env.now, cid, "contact", "proactive_care follow-up", m.followup_cost)

"""The call centre served a step's calls at a time (crmsim.sim.callcentre.CallCentre) gives
the waits and abandonments of an event-by-event SimPy queue: one process per call and a
PriorityResource request each, as the market ran it before (SimPy's bank-renege example)."""

import numpy as np
import pytest
import simpy
from scipy import stats

from crmsim.sim.callcentre import CallCentre

HOURS = 24.0  # hours per time unit (days)
PATIENCE = 0.5 / HOURS  # half an hour, in days


def calls(seed, n=600, days=10.0, vip=0.2, talk_h=0.4):
    """Random calls: arrivals in bursts (a busy and a quiet half of each day)."""
    rng = np.random.default_rng(seed)
    arrival = np.sort(np.floor(rng.random(n) * days) + rng.beta(2, 5, n))
    return {"customer": np.arange(n), "arrival": arrival,
            "talk": rng.exponential(talk_h, n), "upset": rng.random(n),
            "priority": (rng.random(n) >= vip).astype(int)}


def by_simpy(c, seats, changes=()):
    """Wait (hours) and served flag of each call, event by event; ``changes``: (time,
    seats) at which the number of seats changes."""
    env = simpy.Environment()
    centre = simpy.PriorityResource(env, capacity=seats)
    wait, served = np.full(len(c["arrival"]), np.nan), np.zeros(len(c["arrival"]), bool)

    def call(i):
        yield env.timeout(c["arrival"][i])
        with centre.request(priority=int(c["priority"][i])) as seat:
            t0 = env.now
            got = yield seat | env.timeout(PATIENCE)
            served[i] = seat in got
            wait[i] = (env.now - t0) * HOURS
            if served[i]:
                yield env.timeout(c["talk"][i] / HOURS)

    def resize(t, n):
        yield env.timeout(t)
        grow = n > centre._capacity
        centre._capacity = n
        if grow:
            centre._trigger_put(None)

    for i in range(len(c["arrival"])):
        env.process(call(i))
    for t, n in changes:
        env.process(resize(t, n))
    env.run()
    return wait, served


def by_batch(c, seats, step=1.0, changes=()):
    """The same calls through CallCentre, placed and run a step at a time."""
    centre = CallCentre(seats, PATIENCE, HOURS)
    changes = dict(changes)
    wait, served = np.full(len(c["arrival"]), np.nan), np.zeros(len(c["arrival"]), bool)
    t = 0.0
    while t < c["arrival"].max() + 2:
        if t in changes:
            centre.set_capacity(changes[t], t)
        now = (c["arrival"] >= t) & (c["arrival"] < t + step)
        centre.place(*(c[k][now] for k in ("customer", "arrival", "talk", "upset",
                                           "priority")))
        for end, call, start in centre.advance(t + step):
            i = call[0]
            served[i] = start is not None
            wait[i] = ((end if start is None else start) - call[1]) * HOURS
        t += step
    return wait, served


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("seats", [1, 3])
def test_each_call_waits_and_hangs_up_as_in_the_event_by_event_queue(seed, seats):
    c = calls(seed, n=500 * seats)
    w_ref, s_ref = by_simpy(c, seats)
    w, s = by_batch(c, seats, step=[1.0, 0.37][seed % 2])
    assert 0.05 < (~s_ref).mean() < 0.95 and (w_ref > 0).mean() > 0.2  # a real queue
    np.testing.assert_array_equal(s, s_ref)
    np.testing.assert_allclose(w, w_ref, rtol=0, atol=1e-9)


def test_more_and_fewer_seats_during_the_run_are_the_same_too():
    c = calls(11, n=900)
    changes = [(3.0, 5), (6.0, 1)]
    w_ref, s_ref = by_simpy(c, 2, changes)
    w, s = by_batch(c, 2, changes=changes)
    np.testing.assert_array_equal(s, s_ref)
    np.testing.assert_allclose(w, w_ref, rtol=0, atol=1e-9)


def test_vip_callers_wait_less():
    c = calls(3, n=1500)
    w, s = by_batch(c, 2)
    vip = c["priority"] == 0
    assert w[vip].mean() < 0.7 * w[~vip].mean()
    assert (~s[vip]).mean() < (~s[~vip]).mean()


def test_waits_and_abandonment_agree_in_distribution_over_many_seeds():
    """Pooled over 40 seeds: waits by a two-sample KS test, the share of callers who hang
    up within its 99% confidence interval."""
    ref_w, ref_s, got_w, got_s = [], [], [], []
    for seed in range(100, 140):
        c = calls(seed, n=300, days=5.0)
        w, s = by_simpy(c, 2)
        ref_w.append(w), ref_s.append(s)
        w, s = by_batch(c, 2, step=0.5)
        got_w.append(w), got_s.append(s)
    ref_w, got_w = np.concatenate(ref_w), np.concatenate(got_w)
    ref_s, got_s = np.concatenate(ref_s), np.concatenate(got_s)
    assert stats.ks_2samp(ref_w, got_w).pvalue > 0.01
    p = (~ref_s).mean()
    assert abs((~got_s).mean() - p) < 2.58 * np.sqrt(2 * p * (1 - p) / len(ref_s))

"""The simulation engine: SimPy processes around a vectorised BG/NBD purchase step.

SimPy drives everything that interacts in time: the market clock (one purchase
step, stage review and KPI snapshot per ``step``), acquisition campaigns, the
call-centre queue (one process per call), and each strategy on its own schedule.
Purchases and silent dropout of the whole population advance in vectorised
numpy steps that are exact in distribution: within a step of length ``e`` a
live customer makes ``N ~ Poisson(λe)`` purchase attempts at uniform times and
silently drops out after the ``G``-th purchase, ``G ~ Geometric(p)``; it makes
``min(N, G)`` purchases. Geometric and exponential waiting are memoryless, so
chaining steps gives exactly the BG/NBD process when no strategy acts (the
latent state only changes λ and p between steps).
"""

from __future__ import annotations

import numpy as np
import simpy
from scipy.special import gammaincinv

from crmsim import crn
from crmsim.callcentre import next_open_time, open_call_centre, service_call
from crmsim.latent import (
    TEMPERAMENTS,
    behaviour_multipliers,
    decay_factor,
    evaluate,
    sensitivity_matrix,
)
from crmsim.lifecycle import STAGES, assign_stages
from crmsim.population import draw_people

# sequential streams for what is drawn once or does not decide the money; the rest
# (gaps, dropout coins, spend, calls, campaigns, referrals) comes from crmsim.crn
STREAMS = ("population", "launch", "baskets", "service")


class Market:
    """Mutable state of one run (internal): arrays over people plus the event logs."""

    def __init__(self, sc, seed: int, env: simpy.Environment):
        self.sc, self.env = sc, env
        seqs = np.random.SeedSequence(seed).spawn(len(STREAMS))
        rng = {name: np.random.default_rng(s) for name, s in zip(STREAMS, seqs, strict=True)}
        self.rng_service, self.rng_baskets = rng["service"], rng["baskets"]
        self.people = draw_people(sc, rng["population"])
        n = self.n = sc["market"]["customers"]
        self.days_per_unit = 1.0 if sc["market"]["time_unit"] == "day" else 7.0
        self.hours = sc.hours_per_unit
        beh = sc["behaviour"]
        self.wait_sens = np.array([beh[f"wait_sensitivity_{t}"] for t in TEMPERAMENTS])[
            self.people["temperament"]]
        # observable state
        self.acquired = np.zeros(n, bool)
        self.acq_time = np.full(n, np.nan)
        self.channel = np.zeros(n, np.int8)  # 0 none, 1 launch, 2 campaign, 3 referral
        self.contacted = np.zeros(n, bool)
        self.orders = np.zeros(n, np.int64)
        self.first_order = np.full(n, np.nan)
        self.last_order = np.full(n, np.nan)
        self.revenue = np.zeros(n)
        self.stage = np.zeros(n, np.int8)
        self.won_back_at = np.full(n, np.nan)
        # pending starts: launch times are preset; campaign/referral/win-back are queued
        self.start_at = np.full(n, np.nan)
        self.queued = np.zeros(n, bool)
        acq = sc["acquisition"]
        k = int(round(acq["launch_share"] * n))
        launch = rng["launch"].choice(n, size=k, replace=False)
        self.start_at[launch] = rng["launch"].uniform(0, acq["launch_window"], k)
        self.channel[launch] = 1
        # latent state
        self.alive = np.zeros(n, bool)
        self.dropout_time = np.full(n, np.nan)
        self.gap_left = np.zeros(n)  # operational time to the next purchase (Poisson clock)
        self.gaps = np.zeros(n, np.int64)  # gaps drawn so far (common-random-number index)
        self.repeats = np.zeros(n, np.int64)  # dropout coins tossed so far
        self.seed, self.step_no = seed, 0
        self.dose = np.zeros((n, 4))
        self.service = np.zeros(n)
        self.bond = np.zeros(n)
        self.sens = sensitivity_matrix(beh)[self.people["temperament"]]
        self.latent = evaluate(self.people["base"], self.dose, self.service, self.bond,
                               self.sens, beh)
        # strategy levers (set by Strategy.setup)
        self.rate_mult, self.spend_mult, self.request_mult = 1.0, 1.0, 1.0
        self.extra_seats, self.followup_boost, self.followup_cost = 0, 0.0, 0.0
        self.vip_priority = False
        self.is_vip = np.zeros(n, bool)
        self.offer_until = np.full(n, -np.inf)
        self.offer_rate, self.offer_spend = 1.0, 1.0
        # logs: orders and vectorised events as lists of arrays, calls as rows
        self.order_cols = {"customer": [], "time": [], "value": []}
        self.batches: list[dict] = []
        self.rows: list[tuple] = []
        self.true_rows: list[dict] = []
        self.snapshots: list[dict] = []

    @property
    def now(self) -> float:
        return self.env.now

    def units(self, days: float) -> float:
        """Convert days to the scenario's time unit."""
        return days / self.days_per_unit

    # ------------------------------------------------------------- logging
    def log_event(self, t, cid, kind, detail="", cost=0.0, related=-1):
        self.rows.append((t, cid, kind, detail, None, None, np.nan, np.nan, cost, related))

    def log_call(self, t, cid, outcome, wait_h, talk_h, complaint):
        self.rows.append((t, cid, "service_request", outcome, None, None, wait_h, talk_h, 0.0,
                          -1))
        if complaint:
            self.log_event(t + (wait_h + talk_h) / self.hours, cid, "complaint",
                           "after waiting" if wait_h > 0.25 else "service problem")

    def log_batch(self, t, ids, kind, detail="", cost=0.0, related=None, from_stage=None,
                  to_stage=None):
        if len(ids) == 0:
            return
        self.batches.append({"timestamp": np.broadcast_to(np.asarray(t, float), ids.shape),
                             "customer_id": ids, "kind": kind, "detail": detail,
                             "from_stage": from_stage, "to_stage": to_stage, "cost": cost,
                             "related_customer": related})

    def log_contacts(self, ids, detail, cost_each):
        self.log_batch(self.now, ids, "contact", detail, cost_each)

    # ------------------------------------------------------------- levers
    def win_back(self, ids):
        """Lapsed customers who accept a win-back offer come back in the next step."""
        ids = ids[~self.queued[ids] & np.isnan(self.start_at[ids])]
        self.queued[ids] = True


# ------------------------------------------------------------------ processes
def market_clock(env, m: Market, horizon: float):
    """Each step: review stages, snapshot KPIs, then draw the next step's purchases."""
    step = m.sc["market"]["step"]
    t = 0.0
    while t < horizon:
        t_end = min(t + step, horizon)
        purchase_step(m, t, t_end)
        yield env.timeout(t_end - t)
        review(m, t_end)
        t = t_end


def campaigns(env, m: Market):
    """Acquisition campaigns: each prospect is reached with probability ``contact_share``;
    converts buy in the next step. Reach and conversion are common random numbers."""
    acq = m.sc["acquisition"]
    round_no = 0
    while True:
        prospects = np.flatnonzero(~m.acquired & ~m.queued & np.isnan(m.start_at))
        reached = prospects[crn.uniform(m.seed, crn.CONTACT, prospects, round_no)
                            < acq["contact_share"]]
        if len(reached):
            m.contacted[reached] = True
            m.log_event(env.now, -1, "campaign", f"acquisition campaign ({len(reached)} "
                        "contacts)", len(reached) * acq["contact_cost"])
            m.log_contacts(reached, "acquisition", acq["contact_cost"])
            won = reached[crn.uniform(m.seed, crn.CONVERT, reached, round_no)
                          < acq["conversion_prob"]]
            m.queued[won] = True
            m.channel[won] = 2
        round_no += 1
        yield env.timeout(acq["campaign_interval"])


def strategy_rounds(env, m: Market, strategy, params):
    """Apply one strategy every ``interval`` days and book its cost."""
    memory: dict = {}
    while True:
        cost = strategy.act(m, params, memory)
        m.log_event(env.now, -1, "strategy_action", strategy.name, float(cost))
        yield env.timeout(m.units(params["interval"]))


# ------------------------------------------------------------------ the step
def purchase_step(m: Market, t: float, t_end: float):
    """Purchases and silent dropouts of the whole population in ``[t, t_end)``.

    Each customer carries a unit-rate Poisson clock: ``gap_left`` is the operational
    time until its next purchase (Exp(1) draws). In real time the clock runs at the
    customer's current rate λ, so a step with rate λ and exposure e spends λe of it
    (a time change; exact for any piecewise-constant rate). After each repeat
    purchase a dropout coin with probability p decides whether it was the last.
    Gaps, coins and spend are common random numbers per (customer, purchase).
    """
    sc = m.sc
    beh, pur = sc["behaviour"], sc["purchase"]
    weeks = (t_end - t) * m.days_per_unit / 7.0
    m.dose *= decay_factor(weeks, beh["empowerment_half_life"])
    m.service *= decay_factor(weeks, beh["service_half_life"])
    m.bond *= decay_factor(weeks, beh["bond_half_life"])
    base = m.people["base"]
    m.latent = evaluate(base, m.dose, m.service, m.bond, m.sens, beh)
    mult = behaviour_multipliers(m.latent["loyalty"], base["loyalty"], beh)

    # starts: queued people start at a uniform time in this step
    q = np.flatnonzero(m.queued)
    m.start_at[q] = t + crn.uniform(m.seed, crn.CONVERT, q, -1 - m.step_no) * (t_end - t)
    m.queued[q] = False
    starting = np.flatnonzero(m.start_at < t_end)
    st = m.start_at[starting]
    m.start_at[starting] = np.nan
    is_new = ~m.acquired[starting]
    m.acquired[starting[is_new]] = True
    m.acq_time[starting[is_new]] = st[is_new]
    back, back_t = starting[~is_new], st[~is_new]
    dead = ~m.alive[back]
    m.true_rows.append({"timestamp": back_t[dead], "customer_id": back[dead],
                        "kind": "reactivation"})
    m.won_back_at[back] = back_t
    # the clock (re)starts at the first purchase of new customers and at a comeback
    opens = is_new.copy()
    opens[~is_new] = dead
    fresh = starting[opens]
    m.gap_left[fresh] = crn.exponential(m.seed, crn.GAP, fresh, m.gaps[fresh])
    m.gaps[fresh] += 1
    pos = np.full(m.n, t)
    pos[fresh] = st[opens]
    m.alive[starting] = True

    live = np.flatnonzero(m.alive)
    offer = m.offer_until[live] > t
    lam = (m.people["lam"][live] * m.rate_mult * mult["rate"][live]
           * np.where(offer, m.offer_rate, 1.0))
    p = np.minimum(1.0, m.people["p"][live] * mult["dropout"][live])
    budget = lam * (t_end - pos[live])
    cur = pos[live]
    b_cust, b_time, d_cust, d_time = [], [], [], []
    act = np.arange(len(live))
    while len(act):
        cid = live[act]
        need = m.gap_left[cid]
        hit = need <= budget[act]
        m.gap_left[cid[~hit]] -= budget[act[~hit]]
        act, cid, need = act[hit], cid[hit], need[hit]
        if not len(act):
            break
        cur[act] += need / lam[act]
        budget[act] -= need
        b_cust.append(cid)
        b_time.append(cur[act])
        coin = crn.uniform(m.seed, crn.DROPOUT, cid, m.repeats[cid])
        m.repeats[cid] += 1
        gone = coin < p[act]
        d_cust.append(cid[gone])
        d_time.append(cur[act[gone]])
        act, cid = act[~gone], cid[~gone]
        m.gap_left[cid] = crn.exponential(m.seed, crn.GAP, cid, m.gaps[cid])
        m.gaps[cid] += 1

    # all orders of the step: starts (first purchase or comeback) plus repeat purchases
    o_cust = np.concatenate([starting, *b_cust])
    o_time = np.concatenate([st, *b_time])
    order = np.lexsort((o_time, o_cust))
    o_cust, o_time = o_cust[order], o_time[order]
    counts = np.bincount(o_cust, minlength=m.n)
    ends = np.cumsum(counts)
    rank = np.arange(len(o_cust)) - (ends - counts)[o_cust]
    nth = m.orders[o_cust] + rank
    spend = (m.spend_mult * mult["spend"][o_cust]
             * np.where(m.offer_until[o_cust] > t, m.offer_spend, 1.0))
    u = crn.uniform(m.seed, crn.SPEND, o_cust, nth)
    value = gammaincinv(pur["p"], u) / m.people["nu"][o_cust] * spend
    m.order_cols["customer"].append(o_cust)
    m.order_cols["time"].append(o_time)
    m.order_cols["value"].append(value)
    m.orders += counts
    m.revenue += np.bincount(o_cust, weights=value, minlength=m.n)
    got = counts > 0
    first_t = np.full(m.n, np.nan)
    last_t = np.full(m.n, np.nan)
    first_t[got] = o_time[(ends - counts)[got]]
    last_t[got] = o_time[ends[got] - 1]
    unset = got & np.isnan(m.first_order)
    m.first_order[unset] = first_t[unset]
    m.last_order[got] = last_t[got]

    # silent dropouts (ground truth only)
    gone = np.concatenate(d_cust) if d_cust else np.array([], np.int64)
    m.alive[gone] = False
    m.dropout_time[gone] = np.concatenate(d_time) if d_time else np.array([])
    m.true_rows.append({"timestamp": m.dropout_time[gone], "customer_id": gone,
                        "kind": "dropout"})

    calls(m, o_cust, o_time, nth)
    referrals(m, live, pos[live], t_end)
    m.step_no += 1


def calls(m: Market, o_cust, o_time, nth):
    """Some orders lead to a call to the call centre, each a SimPy process."""
    svc = m.sc["service"]
    prob = svc["request_prob"] * m.request_mult
    if prob <= 0 or len(o_cust) == 0:
        return
    asks = crn.uniform(m.seed, crn.CALL, o_cust, nth) < prob
    c, tt = o_cust[asks], o_time[asks]
    tt = tt + svc["request_delay"] * crn.exponential(m.seed, crn.CALL_DELAY, c, nth[asks])
    tt = next_open_time(tt, m.hours, svc["open_hours"])
    inside = tt < m.horizon
    for cid, arrival in zip(c[inside], tt[inside], strict=True):
        m.env.process(service_call(m.env, m, int(cid), float(arrival)))


def referrals(m: Market, live, start, t_end):
    """Satisfied customers refer prospects (at most one referral per customer and step);
    a referred prospect who converts buys in the next step."""
    ref = m.sc["referral"]
    if ref["rate"] <= 0 or len(live) == 0:
        return
    s = m.latent["satisfaction"][live]
    keen = np.clip((s - ref["threshold"]) / (1 - ref["threshold"]), 0, None)
    e = t_end - start
    chance = 1.0 - np.exp(-ref["rate"] * keen * e)
    u = crn.uniform(m.seed, crn.REFERRAL, live, m.step_no)
    refers = u < chance
    referrer = live[refers]
    if not len(referrer):
        return
    when = start[refers] + (u[refers] / chance[refers]) * e[refers]
    prospects = np.flatnonzero(~m.acquired & ~m.queued & np.isnan(m.start_at))
    if not len(prospects):
        return
    pick = crn.uniform(m.seed, crn.REFERRAL_TARGET, referrer, m.step_no)
    target = prospects[(pick * len(prospects)).astype(np.int64)]
    target, first = np.unique(target, return_index=True)
    referrer, when = referrer[first], when[first]
    won = crn.uniform(m.seed, crn.REFERRAL_CONVERT, target, m.step_no) < ref["conversion_prob"]
    m.queued[target[won]] = True
    m.channel[target[won]] = 3
    m.log_batch(when, referrer, "referral", np.where(won, "converted", "not converted"),
                related=target)


def review(m: Market, t: float):
    """Stage review at the end of a step, and a KPI snapshot when a period ends."""
    rules = m.sc["lifecycle"]
    new = assign_stages(t, m.acquired, m.orders, m.first_order, m.last_order, m.won_back_at,
                        rules)
    changed = np.flatnonzero(new != m.stage)
    if len(changed):
        m.log_batch(t, changed, "stage_change", "", 0.0, None,
                    np.asarray(STAGES, dtype=object)[m.stage[changed]],
                    np.asarray(STAGES, dtype=object)[new[changed]])
    m.stage = new
    period = m.sc["market"]["kpi_period"]
    while t >= (len(m.snapshots) + 1) * period - 1e-9 or (t >= m.horizon - 1e-9
                                                          and len(m.snapshots) < m.n_periods):
        snapshot(m)


def snapshot(m: Market):
    aa = m.acquired & m.alive
    row = {"active": int(aa.sum()),
           "mean_satisfaction": float(m.latent["satisfaction"][aa].mean()) if aa.any() else np.nan,
           "mean_loyalty": float(m.latent["loyalty"][aa].mean()) if aa.any() else np.nan}
    counts = np.bincount(m.stage, minlength=len(STAGES))
    row.update({f"n_{s}": int(counts[i]) for i, s in enumerate(STAGES)})
    m.snapshots.append(row)


def run(sc, strategies, seed: int, progress: bool = False) -> Market:
    """Run one simulation and return its final state and logs."""
    env = simpy.Environment()
    m = Market(sc, seed, env)
    m.horizon = sc.horizon
    m.n_periods = int(np.ceil(m.horizon / sc["market"]["kpi_period"] - 1e-9))
    for strategy, params in strategies:
        if strategy.setup:
            strategy.setup(m, params)
    m.seats = sc["service"]["seats"] + m.extra_seats
    m.call_centre = open_call_centre(env, m.seats)
    env.process(market_clock(env, m, m.horizon))
    if sc["acquisition"]["contact_share"] > 0:
        env.process(campaigns(env, m))
    for strategy, params in strategies:
        if strategy.act:
            env.process(strategy_rounds(env, m, strategy, params))
    if progress:
        from tqdm.auto import tqdm

        step = sc["market"]["kpi_period"]
        with tqdm(total=int(np.ceil(m.horizon / step)), unit="period", leave=False) as bar:
            t = 0.0
            while t < m.horizon:
                t = min(t + step, m.horizon)
                env.run(until=t)
                bar.update(1)
    else:
        env.run(until=m.horizon)
    review(m, m.horizon)
    return m


__all__ = ["run", "Market"]

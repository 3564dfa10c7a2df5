"""The market: one run's state and the SimPy processes around a vectorised purchase step.

SimPy drives everything that interacts in time: the market clock (one purchase
step, stage review, seat costs and a KPI snapshot per ``step``), acquisition
campaigns and each strategy on its own schedule; the market clock also runs the
call-centre queue to each step's end (:mod:`crmsim.sim.callcentre`, served a step's
calls at a time). The purchase step (:mod:`crmsim.sim.purchases`) advances the whole
population at once and is exact in distribution.

One run's state is split by what it is: ``people`` (drawn once, never changes),
the firm's observable ``records``, ``hidden`` (ground
truth: clocks, alive, declining), ``stocks`` (what strategies and service add to
the latent chain), ``levers`` (what strategies set, :mod:`crmsim.sim.levers`), the
``ledger`` (money, :mod:`crmsim.sim.ledger`) and the ``log`` (events,
:mod:`crmsim.sim.eventlog`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import simpy
from simpy.core import URGENT

from crmsim.sim import crn, purchases
from crmsim.sim.acquisition import LAUNCH, campaigns, launch_times, referrals
from crmsim.sim.baskets import Baskets
from crmsim.sim.callcentre import open_call_centre, place_calls, serve_calls
from crmsim.sim.eventlog import EventLog, kind
from crmsim.sim.latent import TEMPERAMENTS, sensitivity_matrix
from crmsim.sim.ledger import Ledger
from crmsim.sim.levers import Levers
from crmsim.sim.lifecycle import STAGES, assign_stages
from crmsim.sim.population import draw_people, products

# sequential streams for what is drawn once or does not decide the money; the rest
# (gaps, lifetimes, dropout coins, spend, calls, campaigns, referrals) is crmsim.sim.crn
STREAMS = ("population", "launch", "baskets")
STAGE_CHANGE = kind("stage_change", "the firm moved a customer to another lifecycle stage")
STRATEGY_ACTION = kind("strategy_action", "a strategy acted (detail: strategy and number of "
                       "customers targeted)")
TRUE_KINDS = ("decline", "dropout", "reactivation", "rescue")


@dataclass
class Records:
    """What the firm's CRM system knows about each person (observable)."""

    acquired: np.ndarray
    acq_time: np.ndarray
    channel: np.ndarray  # code into acquisition.CHANNELS
    contacted: np.ndarray  # reached by an acquisition campaign
    orders: np.ndarray
    first_order: np.ndarray
    last_order: np.ndarray
    revenue: np.ndarray  # money paid so far
    stage: np.ndarray  # code into lifecycle.STAGES
    won_back_at: np.ndarray  # time of the last win-back comeback
    orders_at_start: np.ndarray  # orders before the current relationship began
    start_at: np.ndarray  # when a launch, campaign, referral or win-back start happens
    queued: np.ndarray  # to start during the next step

    @classmethod
    def empty(cls, n: int) -> Records:
        nan = np.full(n, np.nan)
        return cls(np.zeros(n, bool), nan.copy(), np.zeros(n, np.int8), np.zeros(n, bool),
                   np.zeros(n, np.int64), nan.copy(), nan.copy(), np.zeros(n),
                   np.zeros(n, np.int8), nan.copy(), np.zeros(n, np.int64), nan.copy(),
                   np.zeros(n, bool))


@dataclass
class Hidden:
    """Ground truth the firm never sees: relationship state and each customer's clocks."""

    alive: np.ndarray
    declining: np.ndarray
    decline_end: np.ndarray
    dropout_time: np.ndarray
    gap_left: np.ndarray  # operational time to the next purchase (unit-rate clock)
    life_left: np.ndarray  # operational time until the relationship starts to end (Pareto)
    gaps: np.ndarray  # common-random-number counters: gap, lifetime, coin, decline draws
    lives: np.ndarray
    coins: np.ndarray
    declines: np.ndarray

    @classmethod
    def empty(cls, n: int) -> Hidden:
        z = np.zeros
        return cls(z(n, bool), z(n, bool), np.full(n, np.inf), np.full(n, np.nan), z(n), z(n),
                   z(n, np.int64), z(n, np.int64), z(n, np.int64), z(n, np.int64))


@dataclass
class Stocks:
    """What strategies and service experiences add to the latent chain (each fades).

    ``touched`` marks customers with a non-zero stock: only they differ from their
    baseline, so only they are faded and re-evaluated each step."""

    dose: np.ndarray  # empowerment dose per dimension (n x 4)
    service: np.ndarray  # satisfaction shocks: waits, complaints, care
    bond: np.ndarray  # switching costs and rewards, added to loyalty
    touched: np.ndarray

    @classmethod
    def empty(cls, n: int) -> Stocks:
        return cls(np.zeros((n, 4)), np.zeros(n), np.zeros(n), np.zeros(n, bool))

    def add(self, stock: str, ids, amount) -> None:
        """Add ``amount`` (per customer, or per dimension for ``dose``) to a stock of ``ids``."""
        getattr(self, stock)[ids] += amount
        self.touched[ids] = True


class Market:
    """One run: the population, the firm's records, ground truth, levers, ledger and log."""

    def __init__(self, sc, seed: int, env: simpy.Environment):
        self.sc, self.env, self.seed = sc, env, seed
        seqs = np.random.SeedSequence(seed).spawn(len(STREAMS))
        rng = {name: np.random.default_rng(s) for name, s in zip(STREAMS, seqs, strict=True)}
        self.people = draw_people(sc, rng["population"])
        self.products = products(sc["population"], sc["market"]["gross_margin"])
        # category preferences live on as the baskets' cumulative shares only
        self.baskets = Baskets(sc, self.products, self.people.pop("prefs"), rng["baskets"])
        n = self.n = sc["market"]["customers"]
        self.days_per_unit = sc.days_per_unit
        self.hours = sc.hours_per_unit
        self.horizon = sc.horizon
        self.n_periods = int(np.ceil(self.horizon / sc["market"]["kpi_period"] - 1e-9))
        self.step_no = 0
        beh = sc["behaviour"]
        temper = self.people["temperament"]
        self.wait_sens = np.array([beh[f"wait_sensitivity_{t}"] for t in TEMPERAMENTS])[temper]
        self.sens = sensitivity_matrix(beh)  # per temperament: rows of sens_of
        self.records = Records.empty(n)
        who, when = launch_times(sc["acquisition"], n, rng["launch"])
        self.records.start_at[who] = when
        self.records.channel[who] = LAUNCH
        self.hidden = Hidden.empty(n)
        self.stocks = Stocks.empty(n)
        base = self.people["base"]
        self.latent = {k: v.copy() for k, v in base.items()}  # no stock yet: the baseline
        self.levers = Levers(n)
        self.ledger = Ledger()
        self.log = EventLog()
        self.true_rows: list[tuple] = []
        self.snapshots: list[dict] = []
        # what a round-by-round run (crmsim.rounds) changes between rounds
        self.base_seats = sc["service"]["seats"]
        self.seats = self.base_seats  # in the call centre now: base plus strategies' seats
        self.running: dict = {}  # strategy name -> (Strategy, params, token of its process)
        self.memory: dict = {}  # strategy name -> what it remembers between its actions
        self.round_end: float | None = None  # where the market clock pauses (None: never)
        self.round_over = None  # event: the clock reached round_end
        self.paused = None  # event the paused clock waits for: the next round's start
        # people who are a rival firm's customers (a shared market: crmsim.rounds ``rivals``)
        self.rivals = np.zeros(n, bool)

    def sens_of(self, ids) -> np.ndarray:
        """How strongly customers ``ids`` feel each empowerment dimension (n x 4)."""
        return self.sens[self.people["temperament"][ids]]

    @property
    def now(self) -> float:
        return self.env.now

    def units(self, days: float) -> float:
        """Convert days to the scenario's time unit."""
        return days / self.days_per_unit

    def true_log(self, t, ids, what: str) -> None:
        ids = np.atleast_1d(np.asarray(ids, np.int64))
        if len(ids):
            self.true_rows.append((np.broadcast_to(np.asarray(t, float), ids.shape).copy(),
                                   ids.copy(), what))

    def rescue(self, ids, prob: float, occasion: int) -> np.ndarray:
        """Customers of ``ids`` who are truly declining are won over again with probability
        ``prob`` (their relationship restarts); return who was rescued (ground truth)."""
        h = self.hidden
        ids = ids[h.alive[ids] & h.declining[ids]]
        ids = ids[crn.uniform(self.seed, crn.RESCUE, ids, occasion) < prob]
        h.declining[ids] = False
        purchases.new_life(self, ids)
        self.true_log(self.now, ids, "rescue")
        return ids

    def win_back(self, ids):
        """Lapsed customers who accept a win-back offer come back in the next step."""
        rec = self.records
        ids = ids[~rec.queued[ids] & np.isnan(rec.start_at[ids])]
        rec.queued[ids] = True


# ------------------------------------------------------------------ processes
def market_clock(env, m: Market):
    """Each step: pay the seats, draw the step's purchases, then review stages.

    In a round-by-round run the step that would cross ``m.round_end`` is cut there; at
    the round's end the clock wakes first, reviews and pauses the run before anything
    else of that instant happens, and resumes first when the next round starts."""
    step = m.sc["market"]["step"]
    t = 0.0
    while t < m.horizon:
        t_end = min(t + step, m.horizon)
        pause = m.round_end is not None and t_end > m.round_end - 1e-9 and \
            m.round_end < m.horizon
        if pause:
            t_end = m.round_end
        pay_seats(m, t, t_end)
        purchase_step(m, t, t_end)
        yield first(env, t_end - t) if pause else env.timeout(t_end - t)
        review(m, t_end)
        t = t_end
        if pause:
            m.paused = env.event()
            first(env, 0, m.round_over)
            yield m.paused


def first(env, delay: float, event=None):
    """Trigger ``event`` (a new one if None) after ``delay``, ahead of every ordinary event
    of that instant (simpy's URGENT priority, as a Timeout is built but not NORMAL)."""
    event = env.event() if event is None else event
    event._ok, event._value = True, None
    env.schedule(event, URGENT, delay)
    return event


def purchase_step(m: Market, t: float, t_end: float):
    """One step of the whole population (see :mod:`crmsim.sim.purchases`)."""
    mult = purchases.refresh_latent(m, t, t_end)
    starting, st = purchases.start_customers(m, t, t_end)
    orders = purchases.advance_customers(m, t, t_end, starting, st, mult)
    priced = purchases.price_orders(m, orders, mult, t)
    place_calls(m, priced["customer"], priced["time"], priced["orders_before"], priced["depth"])
    serve_calls(m, t_end)
    referrals(m, orders["live"], orders["live_from"], t_end)
    m.step_no += 1


def pay_seats(m: Market, t: float, t_end: float):
    """Seat wages for the step, paid at its start: base seats, and each strategy's extra seats."""
    share = (t_end - t) / m.sc["market"]["kpi_period"]
    cost = m.sc["service"]["seat_cost"] * share
    m.ledger.book(t, -1, "seats", -m.base_seats * cost)
    for name, seats in m.levers.extra_seats.items():
        m.ledger.book(t, -1, f"strategy:{name}", -seats * cost)


def strategy_actions(env, m: Market, strategy, params, token=None, wait: bool = False):
    """Apply one strategy every ``interval`` days; it books its own costs in the ledger.

    It stops when it is no longer the running instance of its strategy (``token``: a later
    round dropped or restarted it); ``wait`` makes a strategy started in a later round act
    after the market clock's step at that round's start, as strategies do at time 0."""
    memory = m.memory.setdefault(strategy.name, {})
    if wait:
        yield env.timeout(0)
    while m.running.get(strategy.name, (None, None, None))[2] is token:
        targeted = strategy.act(m, params, memory)
        m.log.add(env.now, -1, STRATEGY_ACTION, f"{strategy.name} ({targeted} targeted)")
        yield env.timeout(m.units(params["interval"]))


def begin(m: Market, strategies) -> None:
    """Start the run at time 0: strategies' set-up, the call centre and every process."""
    env, sc = m.env, m.sc
    for strategy, params in strategies:
        if strategy.setup:
            strategy.setup(m, params)
    m.seats = m.base_seats + m.levers.seat_count()
    m.call_centre = open_call_centre(m)
    set_seats(m)
    env.process(market_clock(env, m))
    if sc["acquisition"]["contact_share"] > 0:
        env.process(campaigns(env, m))
    for strategy, params in strategies:
        token = object()
        m.running[strategy.name] = (strategy, params, token)
        if strategy.act:
            env.process(strategy_actions(env, m, strategy, params, token))


def start_strategy(m: Market, strategy, params) -> None:
    """Start a strategy in a later round: its set-up now, its first action at once."""
    token = object()
    m.running[strategy.name] = (strategy, params, token)
    if strategy.setup:
        strategy.setup(m, params)
    if strategy.resume:
        strategy.resume(m, params, m.memory.setdefault(strategy.name, {}))
    if strategy.act:
        m.env.process(strategy_actions(m.env, m, strategy, params, token, wait=True))


def stop_strategy(m: Market, name: str) -> None:
    """Stop a strategy: its process ends at its next wake-up, its levers go now."""
    m.running.pop(name, None)
    m.levers.remove(name)


def set_seats(m: Market) -> None:
    """Give the call centre ``base_seats`` plus strategies' extra seats from now on
    (callers being served keep their seat; with more seats, waiting callers are served)."""
    m.seats = m.base_seats + m.levers.seat_count()
    m.call_centre.set_capacity(m.seats, m.now)


def review(m: Market, t: float):
    """Stage review at the end of a step, and a KPI snapshot when a period ends."""
    who = np.flatnonzero(m.records.acquired)  # prospects stay in 'potential'
    new = m.records.stage.copy()
    rec = m.records
    new[who] = assign_stages(t, rec.acquired[who], rec.orders[who], rec.first_order[who],
                             rec.last_order[who], rec.won_back_at[who], m.sc["lifecycle"])
    changed = np.flatnonzero(new != m.records.stage)
    names = np.asarray(STAGES, dtype=object)
    m.log.add(t, changed, STAGE_CHANGE, "", from_stage=names[m.records.stage[changed]],
              to_stage=names[new[changed]])
    m.records.stage = new
    period = m.sc["market"]["kpi_period"]
    while t >= (len(m.snapshots) + 1) * period - 1e-9 or (t >= m.horizon - 1e-9
                                                          and len(m.snapshots) < m.n_periods):
        snapshot(m)


def snapshot(m: Market):
    aa = m.records.acquired & m.hidden.alive
    row = {"active": int(aa.sum()),
           "mean_satisfaction": float(m.latent["satisfaction"][aa].mean()) if aa.any() else np.nan,
           "mean_loyalty": float(m.latent["loyalty"][aa].mean()) if aa.any() else np.nan}
    counts = np.bincount(m.records.stage, minlength=len(STAGES))
    row.update({f"n_{s}": int(counts[i]) for i, s in enumerate(STAGES)})
    m.snapshots.append(row)


def run(sc, strategies, seed: int, progress: bool = False) -> Market:
    """Run one simulation and return its final state and logs."""
    env = simpy.Environment()
    m = Market(sc, seed, env)
    begin(m, strategies)
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


__all__ = ["run", "begin", "Market"]

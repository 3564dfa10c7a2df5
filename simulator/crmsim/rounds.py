"""Round by round: decide, let the market answer for a period, look, decide again.

A classroom game plays a market in rounds (quarters): before each round the firm
sets its decisions, the simulator runs the period, and the team studies the
results before deciding again::

    m = rounds.open_market("retail", seed=7, customers=2000)
    rep = rounds.advance(m, {"strategies": ["win_back:target=tier=A|B"], "seats": 3,
                             "acquisition": {"online_ads": 2000}, "discount": 0.05}, days=91)
    res = rounds.result(m)          # every table so far, as simulate() returns them
    blob = rounds.dumps(m); m = rounds.loads(blob)   # save between rounds, continue later

``decisions`` is a plain dict; every key is optional (missing = keep last round's):

``strategies``
    what ``simulate(strategies=...)`` accepts, targets and parameters included; it
    replaces the running set: a dropped strategy stops (its levers and extra seats go;
    what it already did to customers fades), a new one acts at the round's start and
    then every ``interval``; one whose parameters change is restarted.
``seats``
    call-centre seats (whole number >= 0) from this round on (strategies' extra seats
    come on top).
``acquisition``
    ``{channel: budget}`` spent at the start of this round and of each later round until
    changed (``{}`` stops spending), on contacts among prospects; each
    channel has a cost per contact and a conversion probability in the scenario
    (``channels.<channel>_cost`` / ``_conversion``; channels: ``online_ads``,
    ``direct_mail``, ``telesales``). The scenario's own campaigns go on as before.
``discount``
    share of list price off every order (0 to ``MAX_DISCOUNT``, 0.5), booked as
    ``discount:price_cut``; it lifts purchase rates by ``1 + market.price_elasticity x
    discount``.

A shared market (a classroom game where firms compete for the same people) passes
``advance(m, decisions, rivals=ids)``: the ``customer_id`` of every person who is a rival
firm's customer at the round's start. None of them can be won this round, by campaigns,
budgets or referrals (a referral reaching one logs ``a rival's customer``); ``rivals``
replaces the last round's set, and leaving it out keeps it. Without ``rivals`` nothing
changes.

``simulate(..., schedule=[(0, d0), (91, d1), ...])`` plays the same decisions in one
call and gives byte-identical tables. A run without a schedule is unchanged (and a
schedule of one round is the plain run): only rounds make the market clock pause. A
clock step that would cross a round's end is cut there; at the round's end the clock
wakes first, reviews the stages and the run pauses before anything else of that
instant, so what happens at the boundary belongs to the next round. When the next
round starts, its decisions take effect, the clock takes its step first, and then
strategies act (a newly started one at once, as strategies do at day 0).

Saving is event-sourced: :func:`dumps` writes the scenario, seed and the history of
decisions (with each round's length) plus a digest of the state reached; :func:`loads`
replays that history and refuses a blob whose replay does not reach the same digest.
A real snapshot is not possible without rewriting the market model: the state includes
SimPy generator processes (calls waiting in the queue or being served at the pause,
each strategy's and campaign's next wake-up), and Python generators cannot be
pickled. Replay costs the time of the rounds played so far (see
``benchmarks/bench_rounds.py``); a server that keeps markets in memory pays it only
after a restart.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import simpy

from crmsim import schema
from crmsim.errors import MAX_NUMBER, CrmsimError, check_range, check_whole, invalid
from crmsim.result import SimulationResult, build_result, check_finite, dates, headline
from crmsim.sim import scenarios
from crmsim.sim.acquisition import BUDGET_CHANNELS, buy_contacts
from crmsim.sim.crn import check_seed
from crmsim.sim.ledger import money_columns, totals_by
from crmsim.sim.market import (
    Market,
    begin,
    first,
    review,
    set_seats,
    snapshot,
    start_strategy,
    stop_strategy,
)
from crmsim.sim.strategies import check_strategies, resolve

#: keys a round's decisions may hold
ROUND_DECISIONS = ("acquisition", "strategies", "seats", "discount")
#: largest price discount a round may give (share of list price)
MAX_DISCOUNT = 0.5
MAX_SEATS = 10_000
#: lever (and ``discount:<name>`` ledger account) of a round's discount decision
PRICE_CUT = "price_cut"
#: headline numbers that are sums over the ledger
HEADLINE_MONEY = ("profit", "revenue", "gross_margin", "acquisition_cost", "service_cost",
                  "strategy_cost", "discounts")
HEADLINE_KEYS = (*HEADLINE_MONEY, "customers_acquired", "orders", "first_to_repeat",
                 "retention", "customer_value", "mean_satisfaction", "mean_wait")
FORMAT = "crmsim-rounds"
VERSION = 1


@dataclass
class OpenMarket:
    """A market being played round by round (see the module doc); change it only through
    :func:`advance`."""

    scenario: scenarios.Scenario
    seed: int
    market: Market
    #: rounds played: ``{"days": length, "decisions": normalised decisions}``
    history: list = field(default_factory=list)
    #: the decisions in force (every key, after the last round's changes)
    settings: dict = field(default_factory=dict)

    @property
    def now(self) -> float:
        """Days since the start."""
        return float(self.market.now * self.market.days_per_unit)

    @property
    def horizon(self) -> float:
        """Days the market lasts (``market.years``)."""
        return float(self.market.horizon * self.market.days_per_unit)

    @property
    def finished(self) -> bool:
        return self.now >= self.horizon - 1e-9

    def __repr__(self) -> str:
        return (f"OpenMarket({self.scenario.name!r}, seed={self.seed}, day {self.now:g} of "
                f"{self.horizon:g}, {len(self.history)} rounds)")


@dataclass
class RoundReport:
    """What one round produced: its span (days), its headline numbers and its ledger rows.

    ``kpis`` has the keys of :func:`crmsim.result.headline`: money, orders, customers
    acquired and mean wait are the round's own; retention, first-to-repeat, customer
    value and mean satisfaction are as of the round's end."""

    start: float
    end: float
    kpis: dict
    ledger: pd.DataFrame
    decisions: dict


def open_market(scenario="retail", *, seed: int = 0, customers: int | None = None,
                years: float | None = None, overrides: dict | None = None) -> OpenMarket:
    """A market at day 0 with nothing run yet (arguments as in ``simulate``)."""
    seed = check_seed(seed)
    sc = scenarios.load(scenario).with_overrides(overrides, customers=customers, years=years)
    env = simpy.Environment()
    settings = {"strategies": [], "seats": sc["service"]["seats"], "acquisition": {},
                "discount": 0.0}
    return OpenMarket(sc, seed, Market(sc, seed, env), [], settings)


def _scenario_of(scenario) -> scenarios.Scenario:
    if isinstance(scenario, OpenMarket):
        return scenario.scenario
    return scenarios.load(scenario)


def _number(name: str, value, lo, hi, allowed: str):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise invalid(name, value, allowed)
    check_range(name, value, lo, hi)
    return float(value)


def _plain(value):
    """A numpy number as the Python number it is (decisions are saved as JSON)."""
    return value.item() if isinstance(value, np.generic) else value


def check_decisions(decisions, scenario="retail") -> dict:
    """Validate one round's decisions; return them normalised (only the keys given, every
    strategy as ``{name: full params}``) or raise a :class:`CrmsimError` naming the field,
    the value and what is allowed. ``scenario``: a name, Scenario or OpenMarket."""
    if decisions is None:
        return {}
    if not isinstance(decisions, dict):
        raise invalid("decisions", decisions, "a dict with keys " + ", ".join(ROUND_DECISIONS))
    sc = _scenario_of(scenario)
    out = {}
    for key, value in decisions.items():
        if key not in ROUND_DECISIONS:
            raise invalid("decisions", key, "keys " + ", ".join(ROUND_DECISIONS))
        if key == "strategies":
            chosen = check_strategies([] if value is None else value, sc)
            out[key] = [{s.name: {k: _plain(v) for k, v in p.items()}} for s, p in chosen]
        elif key == "seats":
            out[key] = check_whole("seats", value, 0, MAX_SEATS,
                                   f"a whole number of call-centre seats in [0, {MAX_SEATS:,}]")
        elif key == "discount":
            out[key] = _number("discount", value, 0, MAX_DISCOUNT,
                               f"a share of list price in [0, {MAX_DISCOUNT}]")
        else:
            if not isinstance(value, dict):
                raise invalid("acquisition", value, "a dict {channel: budget}, channels: "
                              + ", ".join(BUDGET_CHANNELS))
            budgets = {}
            for channel, budget in value.items():
                if channel not in BUDGET_CHANNELS:
                    raise invalid("acquisition", channel, "a channel: "
                                  + ", ".join(BUDGET_CHANNELS))
                budgets[channel] = _number(f"acquisition.{channel}", budget, 0, MAX_NUMBER,
                                           "a budget in currency (a number >= 0)")
            out[key] = {c: budgets[c] for c in BUDGET_CHANNELS if c in budgets}
    return out


def _check_days(m: OpenMarket, days) -> float:
    left = m.horizon - m.now
    if isinstance(days, bool) or not isinstance(days, numbers.Real) or not math.isfinite(
            days) or days <= 0 or days > left + 1e-9:
        if left <= 1e-9:
            raise invalid("days", days, f"nothing: the market ended at day {m.horizon:g} "
                          "(market.years)")
        raise invalid("days", days, f"a number of days in (0, {left:g}] (the market is at day "
                      f"{m.now:g} and ends at day {m.horizon:g}; market.years)")
    return float(days)


def _resolved(strategies: list) -> list:
    return resolve(list(strategies))


def _apply(m: OpenMarket, d: dict) -> None:
    """Put validated decisions into force at the market's current time."""
    market = m.market
    new = {**m.settings, **d}
    market.base_seats = new["seats"]
    market.levers.remove(PRICE_CUT)
    if new["discount"] > 0:
        cut = new["discount"]
        market.levers.discount[PRICE_CUT] = np.full(market.n, cut)
        market.levers.rate[PRICE_CUT] = np.full(
            market.n, 1.0 + m.scenario["market"]["price_elasticity"] * cut)
    round_no = len(m.history)
    for channel, budget in new["acquisition"].items():
        buy_contacts(market, channel, budget, round_no)
    if not m.history:
        begin(market, _resolved(new["strategies"]))
    elif "strategies" in d:
        wanted = {name: params for item in new["strategies"] for name, params in item.items()}
        for name in list(market.running):
            if name not in wanted or market.running[name][1] != wanted[name]:
                stop_strategy(market, name)
        for strategy, params in _resolved(new["strategies"]):
            if strategy.name not in market.running:
                start_strategy(market, strategy, params)
        set_seats(market)
    else:
        set_seats(market)
    m.settings = new


def advance(m: OpenMarket, decisions=None, days: float = 91.0, *,
            rivals=None) -> RoundReport:
    """Put ``decisions`` into force now and run the market ``days`` further.

    ``rivals``: customer ids held by rival firms in a shared market (see the module's
    help). Bad decisions, days or rivals raise a :class:`CrmsimError` and change nothing."""
    start, mark = m.now, _marks(m.market)
    d = _play_round(m, decisions, days, rivals)
    return _report(m, start, mark, d)


def _marks(market) -> tuple:
    """Where the ledger, the log and the baskets stand (to read one round's rows later)."""
    return (len(market.ledger._cols["amount"]), len(market.ledger._rows),
            len(market.log._cols["timestamp"]), len(market.log._rows), len(market.baskets.parts))


def _since(book, parts: int, rows: int):
    """A copy of ``book`` (ledger or log) holding only what was added after the marks."""
    new = copy.copy(book)
    new._cols = {k: v[parts:] for k, v in book._cols.items()}
    new._rows = book._rows[rows:]
    return new


def _report(m: OpenMarket, start: float, mark: tuple, d: dict) -> RoundReport:
    """The round's report from the rows it added (no need to build every table again);
    :func:`period_headline` on :func:`result` gives the same numbers."""
    market, sc = m.market, m.scenario
    ledger = _since(market.ledger, mark[0], mark[1]).frame()
    ledger.insert(1, "date", dates(sc, ledger["timestamp"].to_numpy()))
    ledger = ledger[list(schema.LEDGER)]
    money = money_columns(totals_by(ledger, np.zeros(len(ledger), np.int64), 1))
    out = {key: float(money[key][0]) + 0.0 for key in HEADLINE_MONEY}
    rec, h = market.records, market.hidden
    acquired = int(rec.acquired.sum())
    t0, t1 = market.units(start), market.now
    acq = rec.acq_time
    out["customers_acquired"] = int(((acq >= t0) & ((acq <= t1) if m.finished
                                                      else (acq < t1))).sum())
    out["orders"] = sum(_orders(p) for p in market.baskets.parts[mark[4]:])
    out["first_to_repeat"] = float((rec.orders >= 2).sum() / max((rec.orders >= 1).sum(), 1))
    out["retention"] = float((rec.acquired & h.alive).sum() / max(acquired, 1))
    total = sum(float(np.sum(a)) for a in market.ledger._cols["amount"])
    total += sum(r[3] for r in market.ledger._rows)
    out["customer_value"] = total / max(acquired, 1)
    aa = rec.acquired & h.alive
    out["mean_satisfaction"] = float(market.latent["satisfaction"][aa].mean()) if aa.any() \
        else np.nan
    log = _since(market.log, mark[2], mark[3]).frame()
    waits = log.loc[log["kind"] == "service_request", "wait"]
    out["mean_wait"] = float(waits.mean()) if len(waits) else np.nan
    return RoundReport(start, m.now, {k: out[k] for k in HEADLINE_KEYS}, ledger, d)


def _orders(part: dict) -> int:
    """Orders among one step's basket lines (sorted by time, then customer)."""
    t, c = part["time"], part["customer"]
    if not len(t):
        return 0
    return int(1 + ((t[1:] != t[:-1]) | (c[1:] != c[:-1])).sum())


def check_rivals(rivals, n: int) -> list[int]:
    """``rivals`` as sorted unique customer ids in ``[0, n)``, or a clear error."""
    allowed = f"a list of customer ids (whole numbers in [0, {n - 1}])"
    if isinstance(rivals, str | bytes | dict) or not hasattr(rivals, "__iter__"):
        raise invalid("rivals", rivals, allowed)
    ids = list(rivals)
    for x in ids:
        if isinstance(x, bool) or not isinstance(x, numbers.Integral) or not 0 <= x < n:
            raise invalid("rivals", x, allowed)
    return sorted({int(x) for x in ids})


def _play_round(m: OpenMarket, decisions, days, rivals=None) -> dict:
    """Validate, apply and run one round; return the normalised decisions."""
    d = check_decisions(decisions, m.scenario)
    days = _check_days(m, days)
    market = m.market
    ids = None if rivals is None else check_rivals(rivals, market.n)
    end = market.now + market.units(days)
    if end >= market.horizon - 1e-9 or m.horizon - (m.now + days) <= 1e-9:
        end = market.horizon
    if ids is not None:
        market.rivals[:] = False
        market.rivals[ids] = True
    _apply(m, d)
    m.history.append({"days": days, "decisions": d, **({"rivals": ids} if ids is not None
                                                        else {})})
    market.round_end = end
    if end < market.horizon:
        market.round_over = market.env.event()
    if market.paused is not None:  # the clock's step comes first at the round's start
        paused, market.paused = market.paused, None
        first(market.env, 0, paused)
    if end < market.horizon:
        market.env.run(until=market.round_over)
    else:
        market.env.run(until=market.horizon)
        review(market, market.horizon)
    return d


def _period(df: pd.DataFrame, start: float, end: float, last: bool) -> pd.DataFrame:
    ts = df["timestamp"].to_numpy(float)
    keep = (ts >= start) & ((ts <= end) if last else (ts < end))
    return df.loc[keep].reset_index(drop=True)


def period_headline(res: SimulationResult, start: float, end: float, last: bool) -> dict:
    """Headline numbers of the time span [start, end) in the scenario's time unit (see
    :class:`RoundReport`)."""
    out = headline(res)
    ledger = _period(res.ledger, start, end, last)
    money = money_columns(totals_by(ledger, np.zeros(len(ledger), np.int64), 1))
    for key in HEADLINE_MONEY:
        out[key] = float(money[key][0]) + 0.0  # + 0.0: no negative zero for no cost
    acq = res.customers["acquisition_time"].to_numpy(float)
    out["customers_acquired"] = int(((acq >= start) & ((acq <= end) if last else (acq < end)))
                                    .sum())
    out["orders"] = int(_period(res.transactions, start, end, last)["order_id"].nunique())
    ev = _period(res.events, start, end, last)
    calls = ev["kind"] == "service_request"
    out["mean_wait"] = float(ev.loc[calls, "wait"].mean()) if calls.any() else np.nan
    return out


def _view(m: OpenMarket) -> Market:
    """A copy of the market state that building tables may consume (the ledger, log and
    baskets hand their rows over when turned into tables), cut at the current time."""
    market = m.market
    view = copy.copy(market)
    for name in ("ledger", "log"):
        book = copy.copy(getattr(market, name))
        book._cols = {k: list(v) for k, v in book._cols.items()}
        book._rows = list(book._rows)
        setattr(view, name, book)
    view.baskets = copy.copy(market.baskets)
    view.baskets.parts = [dict(p) for p in market.baskets.parts]
    view.snapshots = list(market.snapshots)
    if not m.finished:
        view.horizon = market.now
        view.n_periods = int(np.ceil(market.now / m.scenario["market"]["kpi_period"] - 1e-9))
        if len(view.snapshots) < view.n_periods:  # the current, unfinished KPI period
            snapshot(view)
    return view


def result(m: OpenMarket) -> SimulationResult:
    """Every table of the market so far, as ``simulate`` returns them (the last KPI period
    may be unfinished: its ``period_length`` says how far it got)."""
    if not m.history:
        raise invalid("market", repr(m), "a market advanced by at least one round")
    chosen = _resolved(m.settings["strategies"])
    return check_finite(build_result(_view(m), chosen, m.seed))


# ------------------------------------------------------------------ save and restore
def digest(m: OpenMarket) -> str:
    """SHA-256 of the market's state: arrays, money and events so far, clock and queue."""
    market = m.market
    h = hashlib.sha256()
    h.update(repr((market.now, market.step_no, len(market.env._queue), len(market.snapshots),
                   market.seats, sorted(market.running))).encode())
    for part in (market.records, market.hidden, market.stocks):
        for value in vars(part).values():
            h.update(np.ascontiguousarray(value).tobytes())
    for key in sorted(market.latent):
        h.update(np.ascontiguousarray(market.latent[key]).tobytes())
    h.update(json.dumps(market.snapshots, sort_keys=True, default=str).encode())
    if market.rivals.any():  # a shared market (saves of other markets keep their digest)
        h.update(np.flatnonzero(market.rivals).tobytes())
    for book in (market.ledger, market.log):
        for col in book._cols.values():
            for arr in col:
                h.update(np.ascontiguousarray(arr).tobytes() if arr.dtype != object
                         else repr(arr.tolist()).encode())
        h.update(repr(book._rows).encode())
    return h.hexdigest()


def dumps(m: OpenMarket) -> bytes:
    """The market as bytes (JSON): scenario, seed, the decisions of every round and a
    digest of the state reached; :func:`loads` continues it."""
    blob = {"format": FORMAT, "version": VERSION, "scenario": m.scenario.to_dict(),
            "seed": m.seed, "history": m.history, "digest": digest(m)}
    return (json.dumps(blob, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def loads(blob) -> OpenMarket:
    """Restore a market saved by :func:`dumps` by replaying its rounds; raise a
    :class:`CrmsimError` if the blob is not one, or its replay does not reach the saved
    state (a different crmsim version or an edited blob)."""
    allowed = "bytes written by crmsim.rounds.dumps"
    try:
        data = json.loads(blob.decode("utf-8") if isinstance(blob, bytes | bytearray) else blob)
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise ValueError("not a crmsim rounds save of version 1")
        sc = dict(data["scenario"])
        scenario = scenarios.build(sc.pop("name"), sc.pop("description", ""), sc)
        seed, history, saved = data["seed"], data["history"], data["digest"]
        rounds = [(r["decisions"], r["days"], r.get("rivals")) for r in history]
    except CrmsimError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        why = str(exc).splitlines()[0][:200] if str(exc) else exc.__class__.__name__
        raise invalid("blob", f"<{len(blob)} bytes>" if hasattr(blob, "__len__") else blob,
                      f"{allowed} ({why})") from None
    m = open_market(scenario, seed=seed)
    for decisions, days, rivals in rounds:
        _play_round(m, decisions, days, rivals)
    if digest(m) != saved:
        raise invalid("blob", "<replayed state>", f"{allowed} with this crmsim version (the "
                      "replay did not reach the saved state)")
    return m


def play(scenario="retail", schedule=(), *, seed: int = 0, customers=None, years=None,
         overrides=None) -> SimulationResult:
    """Play ``schedule`` = ``[(day, decisions), ...]`` (first day 0, increasing) to the end
    of the market and return its tables: what ``simulate(schedule=...)`` does."""
    m = open_market(scenario, seed=seed, customers=customers, years=years,
                    overrides=overrides)
    days = check_schedule(schedule, m)
    checked = [check_decisions(decisions, m.scenario) for _, decisions in schedule]
    for d, length in zip(checked, days, strict=True):
        _play_round(m, d, length)
    return result(m)


def check_schedule(schedule, m: OpenMarket) -> list[float]:
    """Each entry's round length in days, or a CrmsimError naming the bad entry."""
    allowed = (f"a list of (day, decisions) pairs, the first at day 0, days increasing and "
               f"below {m.horizon:g} (market.years)")
    if not isinstance(schedule, list | tuple) or not schedule:
        raise invalid("schedule", schedule, allowed)
    days = []
    for i, item in enumerate(schedule):
        if not isinstance(item, list | tuple) or len(item) != 2:
            raise invalid(f"schedule[{i}]", item, allowed)
        t = item[0]
        if isinstance(t, bool) or not isinstance(t, numbers.Real) or not math.isfinite(t):
            raise invalid(f"schedule[{i}]", t, allowed)
        days.append(float(t))
    if days[0] != 0 or any(b <= a for a, b in zip(days, days[1:], strict=False)) or \
            days[-1] >= m.horizon:
        raise invalid("schedule", [t for t in days], allowed)
    ends = days[1:] + [m.horizon]
    return [e - s for s, e in zip(days, ends, strict=True)]


__all__ = ["open_market", "advance", "result", "dumps", "loads", "check_decisions",
           "OpenMarket", "RoundReport", "play"]

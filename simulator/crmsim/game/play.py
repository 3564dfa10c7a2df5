"""Playing a round: each team's standing decisions, and advancing every team's market.

Teams play separate copies of one market: the same scenario, seed and customers, so every
difference between teams comes from their decisions (common random numbers: a fair
comparison). With ``market = "shared"`` they also compete for the same people: every team
starts with the same launch customers, and a person another team holds at the start of a
round (a live customer of it, or one about to start buying) cannot be won this round by
campaigns, acquisition budgets or referrals (:func:`crmsim.rounds.advance` ``rivals``).
Who holds whom is read off every team's market at the end of each round, so the order in
which teams are advanced does not matter, and customers a rival loses are open to win
again. People won by two teams in the same round stay customers of both (the model does not
split a customer's spending between firms).

A team's market after round ``r`` is stored as a snapshot (:func:`crmsim.rounds.dumps`);
if a snapshot is missing it is rebuilt by replaying the stored decisions from round 1 (the
rounds API is deterministic, so the replay gives the same market).

Carry-over rule: strategies, seats and discount stay as last set until a team changes
them; acquisition budgets and reports are bought per round (a round without a
submission spends nothing on them).
"""

from __future__ import annotations

import base64
import io
import zipfile

import numpy as np

from crmsim import rounds
from crmsim.game import events, reports, rules, scoring
from crmsim.sim import scenarios
from crmsim.sim.acquisition import holds

#: decisions that stay in force until changed (the others are per round)
STANDING = ("strategies", "seats", "discount")


def scenario(settings: dict):
    return rules.scenario_of(settings)


def initial_decisions(settings: dict) -> dict:
    """What a team's market runs with before it decides anything."""
    return {"strategies": [], "seats": int(scenario(settings)["service"]["seats"]),
            "discount": 0.0, "acquisition": {}, "reports": []}


def standing_decisions(previous: dict | None, submitted: dict | None, settings: dict) -> dict:
    """The decisions in force this round: last round's standing ones, updated by the
    team's submission (if any)."""
    base = dict(previous or initial_decisions(settings))
    out = {k: base[k] for k in STANDING}
    out.update({"acquisition": {}, "reports": []})
    out.update(submitted or {})
    return out


def open_market(settings: dict):
    years = settings["rounds"] * settings["round_days"] / scenarios.DAYS_PER_YEAR
    overrides = {**(settings["overrides"] or {})}
    market = dict(overrides.get("market") or {})
    market.setdefault("years", years)
    overrides["market"] = market
    return rounds.open_market(settings["scenario"], seed=settings["seed"],
                              customers=settings["customers"], overrides=overrides)


def pack(mask) -> str:
    """A boolean array per person as text (base64 of its bits) for the game's database."""
    return base64.b64encode(np.packbits(np.asarray(mask, bool)).tobytes()).decode("ascii")


def unpack(text: str, n: int) -> np.ndarray:
    return np.unpackbits(np.frombuffer(base64.b64decode(text), np.uint8), count=n).astype(bool)


def rivals(held: dict, n: int) -> dict:
    """``{team: customer ids held by any other team}`` from ``{team: pack(holds)}``."""
    masks = {k: unpack(v, n) for k, v in held.items()}
    total = np.sum(list(masks.values()), axis=0) if masks else np.zeros(n, int)
    return {k: np.flatnonzero(total - m > 0).tolist() for k, m in masks.items()}


def play_round(market, settings: dict, decisions: dict, round_no: int,
               previous_profit: float, rival_ids=None) -> tuple:
    """Advance one team's market (an open market after round ``round_no - 1``, a saved
    one as bytes, or ``None`` before round 1) through round ``round_no``; ``rival_ids``:
    people other teams hold (a shared market).

    Returns the market, its snapshot (:func:`crmsim.rounds.dumps`), the decisions it ran
    with (after events), the round's results (:func:`crmsim.game.scoring.round_results`),
    the reports bought and, in a shared market, whom the team holds now (:func:`pack`).
    """
    if market is None:
        market = open_market(settings)
    elif isinstance(market, bytes | bytearray):
        market = rounds.loads(bytes(market))
    ran, wasted = events.apply(rules.market_decisions(decisions), settings["events"], round_no)
    t0 = float(market.now)
    rounds.advance(market, ran, days=settings["round_days"], rivals=rival_ids)
    t1 = float(market.now)
    res = rounds.result(market)
    cost = sum(rules.report_price(settings, r) for r in decisions.get("reports") or [])
    results = scoring.round_results(res, t0, t1, settings, report_cost=cost,
                                    event_cost=wasted, previous_profit=previous_profit)
    results.update(round=round_no, start_day=t0, end_day=t1)
    held = pack(holds(market.market)) if settings.get("market") == "shared" else None
    return (market, rounds.dumps(market), ran, results,
            reports.build(decisions.get("reports") or [], res), held)


def replay(settings: dict, ran_decisions: list[dict], rival_ids: list | None = None):
    """Rebuild a market by replaying the decisions it ran with (and the rivals it met),
    round by round (used when a stored snapshot is missing)."""
    m = open_market(settings)
    for i, ran in enumerate(ran_decisions):
        rounds.advance(m, ran, days=settings["round_days"],
                       rivals=rival_ids[i] if rival_ids else None)
    return m


def data_zip(market, fmt: str = "csv") -> bytes:
    """A zip of the market's customers, transactions and events as the firm sees them (no
    hidden ``true_`` columns), CSV or Parquet; same data, same bytes."""
    res = rounds.result(market)
    tables = {"customers": res.customers.drop(columns=[c for c in res.customers.columns
                                                       if c.startswith("true_")]),
              "transactions": res.transactions, "events": res.events}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, df in tables.items():  # fixed entry times: same data, same bytes
            entry = zipfile.ZipInfo(f"{name}.{fmt}", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            if fmt == "csv":
                zf.writestr(entry, df.to_csv(index=False, lineterminator="\n"))
            else:
                b = io.BytesIO()
                df.to_parquet(b, index=False)
                zf.writestr(entry, b.getvalue())
    return buf.getvalue()

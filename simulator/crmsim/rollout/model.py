"""Implementing CRM (CRM 实施): the nine-phase rollout as a SimPy project model.

The plan, its phases and parameters are in :mod:`crmsim.rollout.plan`; plots in
:mod:`crmsim.rollout.plots`.

The model follows the textbook's nine implementation phases (``PHASES``), its
success factors (planning, people, internal processes, technology) and its
"iron triangle" of philosophy, technology and implementation (``IRON_TRIANGLE``).

How one rollout is simulated (time unit: weeks):

* **Project staff** are a ``simpy.Resource`` whose capacity is ``team_size``.
  Each phase is a small process that waits for its predecessors, then splits
  its work into ``packages``; every work package is a process that requests one
  staff member, works for a lognormal time and releases them. A phase with more
  packages than staff runs in waves, so a bigger team shortens it (and costs
  more). Base durations assume a team of ``REFERENCE_TEAM``.
* Weak **top-management support** slows every decision (``decision_delay``).
* After its work, a phase is reviewed and needs **rework** with a probability
  that grows the weaker the iron-triangle side it belongs to is; rework
  repeats ``rework_share`` of its packages, up to ``max_rework`` rounds.
* **Go-live** is the end of cut-over (切换). From then on each front-line user
  is a process: a user whose willingness lies under the adoption ceiling
  starts using the system after an exponential time. The ceiling rises with
  training, process redesign, data quality and willingness; adoption is slow
  without process redesign ("never just automate old processes").
* **Benefit** per week is ``value_per_user_week x active users x data_quality``.
  Costs are the project team until the end of new-system support, each phase's
  fixed cost, the licence (at the end of system selection), process redesign
  (at the start of the blueprint), training (at the start of the conference-room
  pilot) and licence maintenance from go-live.

Every random number is drawn up front from streams derived from the seed with
``numpy.random.SeedSequence`` (one stream per phase, one for the users), so two
plans run with the same seed face the same luck: common random numbers.

Phases are simulated to completion even when they end after the horizon;
money and adoption are counted within ``horizon_weeks`` only.
"""


from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import simpy

from crmsim.comparison import mean_ci
from crmsim.errors import invalid
from crmsim.rollout.plan import (
    GO_LIVE_PHASE,
    IRON_TRIANGLE,
    MAX_REWORK_ROUNDS,
    PHASES,
    REFERENCE_TEAM,
    Phase,
    Plan,
    make_plan,
)
from crmsim.sim.crn import check_seed

PHASE_COLUMNS = {
    "phase": ("str", "phase identifier (see PHASES)"),
    "chinese": ("str", "the textbook's name of the phase"),
    "side": ("str", "iron-triangle side the phase depends on most"),
    "start_week": ("float64", "week the phase started (its predecessors were done)"),
    "end_week": ("float64", "week the phase finished, rework included"),
    "duration": ("float64", "end_week - start_week, in weeks"),
    "rework_count": ("int64", "rework rounds the phase needed"),
    "rework_prob": ("float64", "probability of a rework round under this plan"),
    "cost": ("float64", "team cost during the phase plus costs booked in it"),
}
WEEKLY_COLUMNS = {
    "week": ("int64", "week index w; the row covers [w, w + 1)"),
    "phase": ("str", "phase in progress at mid-week, 'live' after the project team left"),
    "adoption": ("float64", "share of front-line users actively using the system at week end"),
    "cost": ("float64", "money spent in the week"),
    "benefit": ("float64", "benefit earned in the week (active user-weeks x value x data "
                "quality)"),
    "cumulative_net": ("float64", "cumulative benefit - cumulative cost at week end"),
}
LEDGER_COLUMNS = {
    "week": ("float64", "simulated time the one-off cost was booked"),
    "phase": ("str", "phase it belongs to"),
    "item": ("str", "phase_fixed, licence, process_redesign or training"),
    "amount": ("float64", "money"),
}
SUMMARY_KEYS = {
    "go_live_week": "end of cut-over",
    "project_end_week": "end of new-system support: the project team leaves",
    "rework_rounds": "rework rounds over all phases",
    "final_adoption": "share of users active at the end of the horizon",
    "total_cost": "money spent within the horizon",
    "total_benefit": "benefit earned within the horizon",
    "net_benefit": "total_benefit - total_cost",
    "roi": "(total_benefit - total_cost) / total_cost",
    "payback_week": "first week whose cumulative_net is >= 0 (NaN if none in the horizon)",
    "philosophy": "iron-triangle score of philosophy (0-1)",
    "technology": "iron-triangle score of technology (0-1)",
    "implementation": "iron-triangle score of implementation (0-1)",
}
METRICS = ("go_live_week", "rework_rounds", "final_adoption", "total_cost", "total_benefit",
           "net_benefit", "roi")


def training_readiness(plan: Plan) -> float:
    """Share of the achievable skill the training plan gives: ``1 - exp(-hours / saturation)``."""
    return 1.0 - math.exp(-plan.training_hours_per_user / plan.training_saturation_hours)


def iron_triangle(plan: Plan | dict | None = None) -> dict[str, float]:
    """Scores (0-1) of the three sides philosophy, technology, implementation (``IRON_TRIANGLE``).

    A CRM project stands on all three: the model raises each phase's rework
    risk the weaker its side is.
    """
    plan = make_plan(plan)
    inputs = {**asdict(plan), "training": training_readiness(plan)}
    return {side: float(sum(w * inputs[k] for k, w in weights.items()))
            for side, weights in IRON_TRIANGLE.items()}


def rework_probability(phase: Phase, plan: Plan, triangle: dict | None = None) -> float:
    """Probability that a review sends ``phase`` back for rework under ``plan`` (at most 0.95)."""
    score = (triangle or iron_triangle(plan))[phase.side]
    return float(min(0.95, phase.rework_risk * math.exp(plan.rework_sensitivity * (0.5 - score))))


def adoption_ceiling(plan: Plan) -> float:
    """Share of users who will ever use the system: floor + (max - floor) x readiness."""
    w = np.array([plan.weight_training, plan.weight_redesign, plan.weight_data,
                  plan.weight_willingness])
    x = np.array([training_readiness(plan), plan.process_redesign, plan.data_quality,
                  plan.frontline_willingness])
    readiness = float(w @ x / w.sum())
    return plan.adoption_floor + (plan.adoption_max - plan.adoption_floor) * readiness


def adoption_speed(plan: Plan) -> float:
    """Weekly rate at which a willing user starts using the system after go-live."""
    redesign = plan.redesign_speed_floor + (1 - plan.redesign_speed_floor) * plan.process_redesign
    support = 1 + plan.support_speed_effect * (plan.top_management_support - 0.5)
    return plan.adoption_rate * redesign * support


def _one_off_costs(plan: Plan) -> dict[tuple[str, str], tuple[str, float]]:
    """``(phase, 'start' | 'end') -> (item, amount)`` for the costs booked at phase events."""
    return {
        ("business_blueprint", "start"): ("process_redesign",
                                          plan.redesign_cost * plan.process_redesign),
        ("system_selection", "end"): ("licence", plan.licence_cost),
        ("conference_room_pilot", "start"): ("training", plan.training_hours_per_user
                                             * plan.users * plan.training_cost_per_hour),
    }


# ---------------------------------------------------------------- SimPy processes
def work_package(env, project_staff, weeks):
    """One piece of a phase's work: take a staff member, work, hand them back."""
    with project_staff.request() as member:
        yield member
        yield env.timeout(weeks)


def run_phase(env, project_staff, phase, predecessors, plan, draws, record, ledger):
    """A phase: wait for its predecessors, do its packages, get reviewed, rework if needed."""
    yield env.all_of(predecessors)
    record.update(start_week=env.now, rework_count=0)
    one_off = _one_off_costs(plan)
    ledger.append((env.now, phase.name, "phase_fixed", phase.fixed_cost))
    if (phase.name, "start") in one_off:
        ledger.append((env.now, phase.name, *one_off[phase.name, "start"]))
    z, u = draws
    median = (phase.base_weeks * min(phase.packages, REFERENCE_TEAM) / phase.packages
              * (1 + plan.decision_delay * (1 - plan.top_management_support)))
    if phase.name == "business_blueprint":
        median *= 1 + plan.redesign_blueprint_extra * plan.process_redesign
    p = record["rework_prob"]
    n = phase.packages
    for rnd in range(plan.max_rework + 1):
        weeks = median * np.exp(plan.duration_sigma * z[rnd, :n])
        yield env.all_of([env.process(work_package(env, project_staff, w)) for w in weeks])
        if rnd == plan.max_rework or u[rnd] >= p:
            break
        record["rework_count"] += 1
        n = math.ceil(plan.rework_share * phase.packages)
    record["end_week"] = env.now
    if (phase.name, "end") in one_off:
        ledger.append((env.now, phase.name, *one_off[phase.name, "end"]))


def frontline_user(env, go_live, delay, user, adopted_at):
    """A willing front-line user: starts using the system ``delay`` weeks after go-live."""
    yield go_live
    yield env.timeout(delay)
    adopted_at[user] = env.now


# ---------------------------------------------------------------- results
@dataclass
class RolloutResult:
    """Tables of one simulated rollout (columns in PHASE_COLUMNS, WEEKLY_COLUMNS, SUMMARY_KEYS)."""

    phases: pd.DataFrame
    weekly: pd.DataFrame
    ledger: pd.DataFrame
    summary: dict
    plan: Plan
    seed: int


def _check_horizon(horizon_weeks) -> int:
    if isinstance(horizon_weeks, bool) or not isinstance(horizon_weeks, int) \
            or not 1 <= horizon_weeks <= 1040:
        raise invalid("horizon_weeks", horizon_weeks, "a whole number of weeks in [1, 1040]")
    return horizon_weeks


def simulate_rollout(plan: Plan | dict | None = None, *, seed: int = 0,
                     horizon_weeks: int = 156, **overrides) -> RolloutResult:
    """Simulate one CRM rollout under ``plan`` (keyword ``overrides`` change plan values).

    Returns the phases (Gantt data), the weekly adoption and money, the one-off
    cost ledger and a headline summary (``SUMMARY_KEYS``). Deterministic given
    ``seed``; the same seed gives every plan the same luck.
    """
    check_seed(seed)
    _check_horizon(horizon_weeks)
    plan = make_plan(plan, **overrides)
    triangle = iron_triangle(plan)
    streams = np.random.SeedSequence(seed).spawn(len(PHASES) + 1)

    env = simpy.Environment()
    project_staff = simpy.Resource(env, capacity=plan.team_size)
    records, ledger, done = {}, [], {}
    for ph, ss in zip(PHASES, streams[:-1], strict=True):
        rng = np.random.default_rng(ss)
        draws = (rng.standard_normal((MAX_REWORK_ROUNDS + 1, ph.packages)),
                 rng.random(MAX_REWORK_ROUNDS))
        records[ph.name] = {"rework_prob": rework_probability(ph, plan, triangle)}
        done[ph.name] = env.process(run_phase(env, project_staff, ph,
                                              [done[p] for p in ph.predecessors], plan, draws,
                                              records[ph.name], ledger))

    users = np.random.default_rng(streams[-1])
    willingness = users.random(plan.users)
    patience = users.exponential(1.0, plan.users)
    adopted_at = np.full(plan.users, np.inf)
    speed = adoption_speed(plan)
    for i in np.flatnonzero(willingness < adoption_ceiling(plan)):
        env.process(frontline_user(env, done[GO_LIVE_PHASE], patience[i] / speed, i,
                                   adopted_at))
    env.run()
    return _tables(plan, seed, horizon_weeks, records, ledger, adopted_at, triangle)


def _tables(plan, seed, horizon, records, ledger, adopted_at, triangle) -> RolloutResult:
    ledger = pd.DataFrame(ledger, columns=list(LEDGER_COLUMNS))
    ph = pd.DataFrame([{"phase": p.name, "chinese": p.chinese, "side": p.side,
                        "start_week": records[p.name]["start_week"],
                        "end_week": records[p.name]["end_week"],
                        "rework_count": records[p.name]["rework_count"],
                        "rework_prob": records[p.name]["rework_prob"]} for p in PHASES])
    ph["duration"] = ph["end_week"] - ph["start_week"]
    team_week = plan.team_size * plan.staff_cost_per_week
    booked = ledger.groupby("phase")["amount"].sum()
    ph["cost"] = ph["duration"] * team_week + ph["phase"].map(booked).fillna(0.0)
    ph = ph[list(PHASE_COLUMNS)]

    go_live = float(ph.loc[ph["phase"] == GO_LIVE_PHASE, "end_week"].iloc[0])
    project_end = float(ph["end_week"].max())
    weeks = np.arange(horizon)
    team = np.clip(project_end - weeks, 0.0, 1.0) * team_week
    maintenance = (np.clip(weeks + 1 - go_live, 0.0, 1.0)
                   * plan.maintenance_rate * plan.licence_cost / 52.0)
    booked_in = ledger[ledger["week"] < horizon]
    one_off = np.bincount(np.floor(booked_in["week"]).astype(int), weights=booked_in["amount"],
                          minlength=horizon)
    cost = team + maintenance + one_off

    t = adopted_at[adopted_at < horizon]
    started = np.bincount(np.floor(t).astype(int), minlength=horizon)
    partial = np.bincount(np.floor(t).astype(int), weights=np.floor(t) + 1 - t,
                          minlength=horizon)
    active_end = np.cumsum(started)  # adopted by the end of the week
    active_weeks = (active_end - started) + partial  # user-weeks of use within the week
    benefit = active_weeks * plan.value_per_user_week * plan.data_quality
    net = np.cumsum(benefit - cost)

    mid = weeks + 0.5
    phase = np.full(horizon, "live", dtype=object)
    for row in ph.itertuples():
        phase[(mid >= row.start_week) & (mid < row.end_week)] = row.phase
    weekly = pd.DataFrame({"week": weeks, "phase": phase, "adoption": active_end / plan.users,
                           "cost": cost, "benefit": benefit, "cumulative_net": net})

    total_cost, total_benefit = float(cost.sum()), float(benefit.sum())
    paid_back = np.flatnonzero(net >= 0)
    summary = {
        "go_live_week": go_live,
        "project_end_week": project_end,
        "rework_rounds": int(ph["rework_count"].sum()),
        "final_adoption": float(active_end[-1] / plan.users),
        "total_cost": total_cost,
        "total_benefit": total_benefit,
        "net_benefit": total_benefit - total_cost,
        "roi": (total_benefit - total_cost) / total_cost if total_cost > 0 else float("nan"),
        "payback_week": float(paid_back[0]) if len(paid_back) else float("nan"),
        **triangle,
    }
    return RolloutResult(ph.reset_index(drop=True), weekly, ledger, summary, plan, seed)


# ---------------------------------------------------------------- comparison
def compare_plans(plans: dict, *, replications: int = 20, seed: int = 0,
                  horizon_weeks: int = 156, runs: bool = False):
    """Mean and 95% CI of the headline metrics per plan, on common random numbers.

    ``plans`` maps a label to a :class:`Plan`, a dict of plan values or ``None``.
    Replication ``k`` uses the same seed for every plan, so differences come
    from the plans, not from luck; ``net_benefit_vs_first`` is the paired
    difference against the first plan. With ``runs=True`` the per-run table is
    returned as well.
    """
    check_seed(seed)
    _check_horizon(horizon_weeks)
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 2:
        raise invalid("replications", replications, "a whole number >= 2")
    if not isinstance(plans, dict) or not plans:
        raise invalid("plans", plans, "a dict of label -> Plan (or dict of plan values)")
    checked = {str(k): make_plan(v) for k, v in plans.items()}
    seeds = np.random.SeedSequence(seed).generate_state(replications).tolist()
    rows = []
    for r, s in enumerate(seeds):
        for label, plan in checked.items():
            summary = simulate_rollout(plan, seed=s, horizon_weeks=horizon_weeks).summary
            rows.append({"plan": label, "replication": r, "seed": s,
                         **{m: summary[m] for m in METRICS}})
    per_run = pd.DataFrame(rows)
    labels = list(checked)
    base = per_run[per_run["plan"] == labels[0]].set_index("replication")["net_benefit"]
    out = []
    for label in labels:
        g = per_run[per_run["plan"] == label]
        row = {"plan": label, "replications": len(g)}
        for m in METRICS:
            row[m], row[f"{m}_ci95"] = mean_ci(g[m].to_numpy(dtype=float))
        diff = g.set_index("replication")["net_benefit"] - base
        row["net_benefit_vs_first"], row["net_benefit_vs_first_ci95"] = mean_ci(
            diff.to_numpy(dtype=float))
        out.append(row)
    table = pd.DataFrame(out)
    return (table, per_run) if runs else table

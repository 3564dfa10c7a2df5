"""Implementing CRM (CRM 实施): the nine-phase rollout as a SimPy project model.

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
from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np
import pandas as pd
import simpy

from crmsim.comparison import mean_ci
from crmsim.errors import invalid
from crmsim.i18n import get_language, t
from crmsim.params import Param
from crmsim.simulation import check_seed

REFERENCE_TEAM = 4
"""Project staff the base durations in ``PHASES`` assume."""

MAX_REWORK_ROUNDS = 5
"""Upper bound of ``max_rework``; random draws are made for this many rounds."""

SIDES = ("philosophy", "technology", "implementation")


@dataclass(frozen=True)
class Phase:
    """One implementation phase; ``side`` is the iron-triangle side it depends on most."""

    name: str
    chinese: str
    base_weeks: float
    packages: int
    fixed_cost: float
    rework_risk: float
    side: str
    predecessors: tuple[str, ...]
    doc: str


PHASES: tuple[Phase, ...] = (
    Phase("project_preparation", "项目准备", 3, 2, 5_000, 0.10, "philosophy", (),
          "goals, ROI targets, sponsor and team; change-management plan"),
    Phase("project_launch", "项目启动", 1, 1, 3_000, 0.05, "implementation",
          ("project_preparation",), "kick-off: scope, roles and schedule agreed"),
    Phase("business_blueprint", "业务蓝图", 4, 4, 10_000, 0.25, "philosophy",
          ("project_launch",), "customer-centric processes designed (redesign happens here)"),
    Phase("system_selection", "选择合适的CRM系统", 4, 2, 8_000, 0.15, "technology",
          ("business_blueprint",), "vendors compared against the blueprint; licence bought"),
    Phase("process_testing", "流程测试", 3, 3, 6_000, 0.30, "technology",
          ("system_selection",), "blueprint processes run in the standard system"),
    Phase("secondary_development", "二次开发与确认", 8, 8, 30_000, 0.35, "technology",
          ("process_testing",), "customisation, interfaces, data migration scripts; sign-off"),
    Phase("conference_room_pilot", "会议室导航", 3, 4, 6_000, 0.25, "implementation",
          ("secondary_development",), "key users work through real cases; users trained"),
    Phase("cut_over", "切换", 2, 4, 12_000, 0.20, "technology",
          ("conference_room_pilot",), "data migrated, old system switched off: go-live"),
    Phase("new_system_support", "新系统支持", 6, 2, 5_000, 0.10, "implementation",
          ("cut_over",), "hyper-care after go-live; then the project team leaves"),
)
PHASE_NAMES = tuple(p.name for p in PHASES)
GO_LIVE_PHASE = "cut_over"

IRON_TRIANGLE: dict[str, dict[str, float]] = {
    "philosophy": {"top_management_support": 0.5, "process_redesign": 0.5},
    "technology": {"data_quality": 0.6, "system_fit": 0.4},
    "implementation": {"top_management_support": 0.4, "training": 0.3,
                       "frontline_willingness": 0.3},
}
"""Weights of plan inputs on each side of the iron triangle (铁三角); each side sums to 1.

``training`` is the training readiness ``1 - exp(-training_hours_per_user /
training_saturation_hours)``. A side's score feeds the rework risk of the phases
that belong to it (``Phase.side``).
"""


def _p(default, unit, doc, **kw):
    """A dataclass field whose metadata holds its documented :class:`Param`."""
    return field(default=default, metadata={"param": Param(default, unit, doc, **kw)})


@dataclass(frozen=True)
class Plan:
    """A CRM rollout plan: management's decisions and the model's assumptions.

    Build with keywords (``Plan(top_management_support=0.9)``); every value is
    checked against its :class:`~crmsim.params.Param` (see ``PARAMS`` and
    :func:`parameter_table`). Use :meth:`replace` for variants.
    """

    # ---- decisions (the success factors management controls)
    top_management_support: float = _p(
        0.6, "share (0-1)", "sponsorship by top management: decisions taken quickly, "
        "conflicts resolved, use of the system demanded", lo=0, hi=1)
    process_redesign: float = _p(
        0.5, "share (0-1)", "share of affected processes redesigned before automation "
        "(0 = automate the old processes as they are)", lo=0, hi=1)
    data_quality: float = _p(
        0.6, "share (0-1)", "share of customer data that is complete, correct and "
        "de-duplicated at cut-over ('data quality above all')", lo=0, hi=1)
    training_hours_per_user: float = _p(
        12.0, "hours per user", "training plan for front-line users", lo=0, hi=200)
    frontline_willingness: float = _p(
        0.5, "share (0-1)", "front-line staff's willingness to use the system "
        "(change management, incentives)", lo=0, hi=1)
    system_fit: float = _p(
        0.6, "share (0-1)", "how well the chosen CRM package fits the blueprint "
        "out of the box", lo=0, hi=1)
    team_size: int = _p(
        4, "staff", "project staff (own people and consultants) shared by all phases",
        lo=1, hi=50, kind="int")
    users: int = _p(
        200, "users", "front-line users (sales, service, marketing) expected to use the "
        "system", lo=1, hi=20_000, kind="int")
    licence_cost: float = _p(
        60_000.0, "currency", "one-off licence, paid at the end of system selection", lo=0)
    # ---- assumptions (calibration an instructor may question)
    staff_cost_per_week: float = _p(
        2_500.0, "currency per staff-week", "loaded cost of one project member; the whole "
        "team is paid until the end of new-system support", lo=0)
    training_cost_per_hour: float = _p(
        40.0, "currency per user-hour", "trainer plus the user's lost working time", lo=0)
    redesign_cost: float = _p(
        40_000.0, "currency at full redesign", "process consultants and workshops, paid "
        "at the start of the blueprint, times process_redesign", lo=0)
    redesign_blueprint_extra: float = _p(
        1.0, "x blueprint work at full redesign", "redesigning processes makes the "
        "blueprint longer", lo=0, hi=5)
    maintenance_rate: float = _p(
        0.18, "share of licence per year", "vendor maintenance and hosting from go-live",
        lo=0, hi=1)
    duration_sigma: float = _p(
        0.25, "log-sd", "spread of work-package durations around their median (lognormal)",
        lo=0, hi=2)
    decision_delay: float = _p(
        0.5, "share of duration", "extra duration of every work package with no "
        "top-management support (scaled by 1 - support)", lo=0, hi=3)
    rework_sensitivity: float = _p(
        2.0, "per unit of side score", "rework probability = risk x exp(sensitivity x "
        "(0.5 - side score)): a weak iron-triangle side means more rework", lo=0, hi=6)
    rework_share: float = _p(
        0.5, "share of packages", "share of a phase's work packages repeated in a rework "
        "round", lo=0, hi=1, lo_open=True)
    max_rework: int = _p(
        3, "rounds", "rework rounds a phase can need at most", lo=0, hi=MAX_REWORK_ROUNDS,
        kind="int")
    training_saturation_hours: float = _p(
        16.0, "hours", "training readiness = 1 - exp(-hours / this): diminishing returns",
        lo=0, lo_open=True)
    adoption_floor: float = _p(
        0.15, "share of users", "adoption ceiling with zero readiness (the enthusiasts)",
        lo=0, hi=1)
    adoption_max: float = _p(
        0.95, "share of users", "adoption ceiling with full readiness", lo=0, hi=1)
    weight_training: float = _p(
        0.35, "weight", "weight of training readiness in adoption readiness", lo=0)
    weight_redesign: float = _p(
        0.25, "weight", "weight of process redesign in adoption readiness: redesigned "
        "processes make the system worth using", lo=0)
    weight_data: float = _p(
        0.20, "weight", "weight of data quality in adoption readiness: users abandon a "
        "system full of wrong data", lo=0)
    weight_willingness: float = _p(
        0.20, "weight", "weight of front-line willingness in adoption readiness", lo=0)
    adoption_rate: float = _p(
        0.10, "per week", "rate at which a willing user starts using the system after "
        "go-live, with full redesign and support 0.5", lo=0, lo_open=True, hi=5)
    redesign_speed_floor: float = _p(
        0.3, "x adoption rate", "adoption speed with no redesign relative to full "
        "redesign: automated old processes are adopted slowly", lo=0, lo_open=True, hi=1)
    support_speed_effect: float = _p(
        1.0, "x (support - 0.5)", "adoption speed multiplier 1 + effect x (support - 0.5): "
        "management insists on using the system", lo=0, hi=1)
    value_per_user_week: float = _p(
        200.0, "currency per active user-week", "benefit of one active user per week with "
        "perfect data (better targeting, service, less admin); times data_quality", lo=0)

    def __post_init__(self):
        for f in fields(self):
            value = f.metadata["param"].check(f.name, getattr(self, f.name))
            object.__setattr__(self, f.name, value)
        if self.adoption_floor > self.adoption_max:
            raise invalid("adoption_floor", self.adoption_floor,
                          f"a share <= adoption_max ({self.adoption_max:g})")
        if self.weight_training + self.weight_redesign + self.weight_data \
                + self.weight_willingness <= 0:
            raise invalid("weight_training", self.weight_training,
                          "readiness weights with a positive sum")

    def replace(self, **changes) -> Plan:
        """A copy with some values changed (checked like the constructor)."""
        _check_names(changes)
        return replace(self, **changes)


PARAMS: dict[str, Param] = {f.name: f.metadata["param"] for f in fields(Plan)}
DECISIONS = ("top_management_support", "process_redesign", "data_quality",
             "training_hours_per_user", "frontline_willingness", "system_fit", "team_size",
             "users", "licence_cost")

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


def _check_names(values: dict):
    for k, v in values.items():
        if k not in PARAMS:
            raise invalid(k, v, "a plan parameter: " + ", ".join(PARAMS))


def make_plan(plan: Plan | dict | None = None, **overrides) -> Plan:
    """A checked :class:`Plan` from a Plan, a dict of parameter values or ``None`` (defaults)."""
    if plan is None:
        plan = Plan()
    elif isinstance(plan, dict):
        _check_names(plan)
        plan = Plan(**plan)
    elif not isinstance(plan, Plan):
        raise invalid("plan", plan, "a Plan, a dict of plan parameters or None")
    return plan.replace(**overrides) if overrides else plan


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


# ---------------------------------------------------------------- tables for people
def phase_table() -> pd.DataFrame:
    """The nine phases with base duration, packages, fixed cost, rework risk and side."""
    return pd.DataFrame([{**asdict(p), "predecessors": ", ".join(p.predecessors)}
                         for p in PHASES])


def parameter_table(plan: Plan | dict | None = None) -> pd.DataFrame:
    """Every plan parameter: group, name, value, default, unit, allowed range and rationale."""
    plan = make_plan(plan)
    rows = []
    for name, p in PARAMS.items():
        lo = "-inf" if p.lo is None else f"{p.lo:g}"
        hi = "inf" if p.hi is None else f"{p.hi:g}"
        rows.append({"group": "decision" if name in DECISIONS else "assumption", "name": name,
                     "value": getattr(plan, name), "default": p.default, "unit": p.unit,
                     "range": f"{'(' if p.lo_open else '['}{lo}, {hi}{')' if p.hi_open else ']'}",
                     "doc": p.doc})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- plots
_SIDE_COLOURS = {"philosophy": "tab:purple", "technology": "tab:blue",
                 "implementation": "tab:green"}


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
    return ax


def _results(results) -> dict[str, RolloutResult]:
    if isinstance(results, RolloutResult):
        return {"": results}
    if isinstance(results, dict) and results and all(
            isinstance(r, RolloutResult) for r in results.values()):
        return results
    raise invalid("results", results, "a RolloutResult or a dict of label -> RolloutResult")


def plot_gantt(result: RolloutResult, ax=None, chinese: bool = False):
    """Gantt chart of the phases, coloured by iron-triangle side, rework rounds annotated.

    Phases are named in the current language (:mod:`crmsim.i18n`: the textbook's Chinese
    names in zh); ``chinese=True`` adds the Chinese names to the English ones.
    """
    ax = _axes(ax)
    if not isinstance(result, RolloutResult):
        raise invalid("result", result, "a RolloutResult")
    ph = result.phases
    y = np.arange(len(ph))[::-1]
    ax.barh(y, ph["duration"], left=ph["start_week"],
            color=[_SIDE_COLOURS[s] for s in ph["side"]], edgecolor="black", linewidth=0.5)
    for yi, row in zip(y, ph.itertuples(), strict=True):
        if row.rework_count:
            ax.text(row.end_week + 0.3, yi, t("plot.rework", n=row.rework_count), va="center",
                    fontsize=8)
    zh = get_language() == "zh"
    labels = [c if zh else f"{p} {c}" if chinese else p
              for p, c in zip(ph["phase"], ph["chinese"], strict=True)]
    ax.set_yticks(y, labels)
    from matplotlib.patches import Patch

    go_live = ax.axvline(result.summary["go_live_week"], color="red", linestyle="--",
                         label=t("plot.go_live"))
    sides = [Patch(color=colour, label=t(f"side.{side}")) for side, colour in
             _SIDE_COLOURS.items()]
    ax.set(title=t("plot.gantt_title"), xlabel=t("plot.week"), ylabel=t("plot.phase"))
    ax.legend(handles=[*sides, go_live], fontsize=8, loc="upper right")
    return ax


def plot_adoption(results, ax=None):
    """Share of front-line users using the system per week (one line per labelled result)."""
    ax = _axes(ax)
    for label, res in _results(results).items():
        line, = ax.plot(res.weekly["week"], res.weekly["adoption"],
                        label=label or t("plot.adoption"))
        ax.axvline(res.summary["go_live_week"], color=line.get_color(), linestyle=":",
                   linewidth=1)
    ax.set(title=t("plot.adoption_title"), xlabel=t("plot.week"),
           ylabel=t("plot.share_users_active"), ylim=(0, 1))
    ax.legend()
    return ax


def plot_cumulative_net(results, ax=None, currency=""):
    """Cumulative benefit minus cost per week; the zero crossing is the payback week."""
    ax = _axes(ax)
    for label, res in _results(results).items():
        ax.plot(res.weekly["week"], res.weekly["cumulative_net"],
                label=label or t("plot.cumulative_net"))
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.set(title=t("plot.cumulative_net_title"), xlabel=t("plot.week"),
           ylabel=t("plot.cumulative_net_axis", currency=currency).strip())
    ax.legend()
    return ax


__all__ = ["DECISIONS", "IRON_TRIANGLE", "PARAMS", "PHASES", "Phase", "Plan", "RolloutResult",
           "adoption_ceiling", "adoption_speed", "compare_plans", "iron_triangle", "make_plan",
           "parameter_table", "phase_table", "plot_adoption", "plot_cumulative_net",
           "plot_gantt", "rework_probability", "simulate_rollout", "training_readiness"]

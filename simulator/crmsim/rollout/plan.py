"""A CRM rollout plan (CRM 实施): the textbook's nine phases, its iron triangle and every
decision and assumption of the rollout model as a documented :class:`~crmsim.params.Param`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, make_dataclass, replace

import pandas as pd

from crmsim.errors import invalid
from crmsim.params import Param

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


#: the decisions: the success factors management controls
DECISION_PARAMS: dict[str, Param] = {
    "top_management_support": Param(
        0.6, "share (0-1)", "sponsorship by top management: decisions taken quickly, "
        "conflicts resolved, use of the system demanded", lo=0, hi=1),
    "process_redesign": Param(
        0.5, "share (0-1)", "share of affected processes redesigned before automation "
        "(0 = automate the old processes as they are)", lo=0, hi=1),
    "data_quality": Param(
        0.6, "share (0-1)", "share of customer data that is complete, correct and "
        "de-duplicated at cut-over ('data quality above all')", lo=0, hi=1),
    "training_hours_per_user": Param(
        12.0, "hours per user", "training plan for front-line users", lo=0, hi=200),
    "frontline_willingness": Param(
        0.5, "share (0-1)", "front-line staff's willingness to use the system "
        "(change management, incentives)", lo=0, hi=1),
    "system_fit": Param(
        0.6, "share (0-1)", "how well the chosen CRM package fits the blueprint "
        "out of the box", lo=0, hi=1),
    "team_size": Param(
        4, "staff", "project staff (own people and consultants) shared by all phases",
        lo=1, hi=50, kind="int"),
    "users": Param(
        200, "users", "front-line users (sales, service, marketing) expected to use the "
        "system", lo=1, hi=20_000, kind="int"),
    "licence_cost": Param(
        60_000.0, "currency", "one-off licence, paid at the end of system selection", lo=0),
}

#: the assumptions: calibration an instructor may question
ASSUMPTION_PARAMS: dict[str, Param] = {
    "staff_cost_per_week": Param(
        2_500.0, "currency per staff-week", "loaded cost of one project member; the whole "
        "team is paid until the end of new-system support", lo=0),
    "training_cost_per_hour": Param(
        40.0, "currency per user-hour", "trainer plus the user's lost working time", lo=0),
    "redesign_cost": Param(
        40_000.0, "currency at full redesign", "process consultants and workshops, paid "
        "at the start of the blueprint, times process_redesign", lo=0),
    "redesign_blueprint_extra": Param(
        1.0, "x blueprint work at full redesign", "redesigning processes makes the "
        "blueprint longer", lo=0, hi=5),
    "maintenance_rate": Param(
        0.18, "share of licence per year", "vendor maintenance and hosting from go-live",
        lo=0, hi=1),
    "duration_sigma": Param(
        0.25, "log-sd", "spread of work-package durations around their median (lognormal)",
        lo=0, hi=2),
    "decision_delay": Param(
        0.5, "share of duration", "extra duration of every work package with no "
        "top-management support (scaled by 1 - support)", lo=0, hi=3),
    "rework_sensitivity": Param(
        2.0, "per unit of side score", "rework probability = risk x exp(sensitivity x "
        "(0.5 - side score)): a weak iron-triangle side means more rework", lo=0, hi=6),
    "rework_share": Param(
        0.5, "share of packages", "share of a phase's work packages repeated in a rework "
        "round", lo=0, hi=1, lo_open=True),
    "max_rework": Param(
        3, "rounds", "rework rounds a phase can need at most", lo=0, hi=MAX_REWORK_ROUNDS,
        kind="int"),
    "training_saturation_hours": Param(
        16.0, "hours", "training readiness = 1 - exp(-hours / this): diminishing returns",
        lo=0, lo_open=True),
    "adoption_floor": Param(
        0.15, "share of users", "adoption ceiling with zero readiness (the enthusiasts)",
        lo=0, hi=1),
    "adoption_max": Param(
        0.95, "share of users", "adoption ceiling with full readiness", lo=0, hi=1),
    "weight_training": Param(
        0.35, "weight", "weight of training readiness in adoption readiness", lo=0),
    "weight_redesign": Param(
        0.25, "weight", "weight of process redesign in adoption readiness: redesigned "
        "processes make the system worth using", lo=0),
    "weight_data": Param(
        0.20, "weight", "weight of data quality in adoption readiness: users abandon a "
        "system full of wrong data", lo=0),
    "weight_willingness": Param(
        0.20, "weight", "weight of front-line willingness in adoption readiness", lo=0),
    "adoption_rate": Param(
        0.10, "per week", "rate at which a willing user starts using the system after "
        "go-live, with full redesign and support 0.5", lo=0, lo_open=True, hi=5),
    "redesign_speed_floor": Param(
        0.3, "x adoption rate", "adoption speed with no redesign relative to full "
        "redesign: automated old processes are adopted slowly", lo=0, lo_open=True, hi=1),
    "support_speed_effect": Param(
        1.0, "x (support - 0.5)", "adoption speed multiplier 1 + effect x (support - 0.5): "
        "management insists on using the system", lo=0, hi=1),
    "value_per_user_week": Param(
        200.0, "currency per active user-week", "benefit of one active user per week with "
        "perfect data (better targeting, service, less admin); times data_quality", lo=0),
}

#: every plan parameter, decisions first; the fields of :class:`Plan`
PARAMS: dict[str, Param] = {**DECISION_PARAMS, **ASSUMPTION_PARAMS}
PLAN_DECISIONS = tuple(DECISION_PARAMS)


class _Checked:
    """What a :class:`Plan` does besides holding its values."""

    def __post_init__(self):
        for name, param in PARAMS.items():
            object.__setattr__(self, name, param.check(name, getattr(self, name)))
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


#: A CRM rollout plan: management's decisions and the model's assumptions, one field per
#: entry of ``PARAMS`` (so each default, unit and range is written once, in the table).
Plan = make_dataclass(
    "Plan", [(k, int if p.kind == "int" else float, field(default=p.default))
             for k, p in PARAMS.items()], bases=(_Checked,), frozen=True)
Plan.__module__ = __name__
Plan.__doc__ = """A CRM rollout plan: management's decisions and the model's assumptions.

Build with keywords (``Plan(top_management_support=0.9)``); every value is checked
against its :class:`~crmsim.params.Param` in ``PARAMS`` (see :func:`parameter_table`).
Use :meth:`replace` for variants.
"""


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
        rows.append({"group": "decision" if name in DECISION_PARAMS else "assumption", "name": name,
                     "value": getattr(plan, name), "default": p.default, "unit": p.unit,
                     "range": f"{'(' if p.lo_open else '['}{lo}, {hi}{')' if p.hi_open else ']'}",
                     "doc": p.doc})
    return pd.DataFrame(rows)

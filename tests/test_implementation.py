"""crmsim.rollout: the nine-phase CRM rollout as a SimPy project model."""

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmsim import rollout as im  # noqa: E402
from crmsim.errors import CrmsimError  # noqa: E402

REPS = 12


@pytest.fixture(scope="module")
def run():
    return im.simulate_rollout(seed=3)


def _pair(low: dict, high: dict, seed=5):
    """Per-run metrics of two plans on common random numbers."""
    _, runs = im.compare_plans({"low": low, "high": high}, replications=REPS, seed=seed,
                               runs=True)
    lo = runs[runs["plan"] == "low"].set_index("replication")
    hi = runs[runs["plan"] == "high"].set_index("replication")
    return lo, hi


# ---------------------------------------------------------------- determinism
def test_same_seed_gives_identical_tables(run):
    again = im.simulate_rollout(seed=3)
    pd.testing.assert_frame_equal(run.phases, again.phases)
    pd.testing.assert_frame_equal(run.weekly, again.weekly)
    pd.testing.assert_frame_equal(run.ledger, again.ledger)
    assert run.summary == again.summary


def test_other_seed_gives_other_durations(run):
    other = im.simulate_rollout(seed=4)
    assert not np.allclose(run.phases["duration"], other.phases["duration"])


def test_dict_plan_and_overrides_are_the_same_plan():
    a = im.simulate_rollout({"data_quality": 0.8}, seed=1)
    b = im.simulate_rollout(seed=1, data_quality=0.8)
    c = im.simulate_rollout(im.Plan(data_quality=0.8), seed=1)
    pd.testing.assert_frame_equal(a.weekly, b.weekly)
    pd.testing.assert_frame_equal(a.weekly, c.weekly)


# ---------------------------------------------------------------- structure
def test_nine_phases_in_order_without_overlap(run):
    ph = run.phases
    assert list(ph.columns) == list(im.PHASE_COLUMNS)
    assert list(ph["phase"]) == list(im.PHASE_NAMES)
    assert len(ph) == 9
    assert list(ph["chinese"]) == ["项目准备", "项目启动", "业务蓝图", "选择合适的CRM系统",
                                   "流程测试", "二次开发与确认", "会议室导航", "切换", "新系统支持"]
    assert ph["start_week"].iloc[0] == 0
    assert (ph["duration"] > 0).all()
    np.testing.assert_allclose(ph["duration"], ph["end_week"] - ph["start_week"])
    assert (ph["start_week"].to_numpy()[1:] >= ph["end_week"].to_numpy()[:-1] - 1e-12).all()
    assert ((ph["rework_count"] >= 0) & (ph["rework_count"] <= run.plan.max_rework)).all()


def test_go_live_after_cut_over_and_adoption_only_after_it(run):
    ph = run.phases.set_index("phase")
    go_live = run.summary["go_live_week"]
    assert go_live == ph.loc["cut_over", "end_week"]
    assert go_live > ph.loc["conference_room_pilot", "end_week"] - 1e-12
    assert run.summary["project_end_week"] == ph.loc["new_system_support", "end_week"]
    w = run.weekly
    assert list(w.columns) == list(im.WEEKLY_COLUMNS)
    assert len(w) == 156
    before = w[w["week"] + 1 <= go_live]
    assert (before["adoption"] == 0).all() and (before["benefit"] == 0).all()
    assert (np.diff(w["adoption"]) >= 0).all()
    assert 0 < w["adoption"].iloc[-1] <= 1
    assert set(w["phase"]) <= set(im.PHASE_NAMES) | {"live"}
    assert w["phase"].iloc[0] == "project_preparation" and w["phase"].iloc[-1] == "live"


def test_adoption_ceiling_bounds_final_adoption():
    plan = im.Plan(users=2000)
    res = im.simulate_rollout(plan, seed=2, horizon_weeks=520)
    assert res.summary["final_adoption"] == pytest.approx(im.adoption_ceiling(plan), abs=0.04)


def test_go_live_after_horizon_means_no_benefit():
    res = im.simulate_rollout(seed=0, horizon_weeks=20)
    assert res.summary["go_live_week"] > 20
    assert res.summary["total_benefit"] == 0
    assert res.summary["roi"] == -1
    assert math.isnan(res.summary["payback_week"])


def test_bigger_team_shortens_parallel_work_but_costs_more_per_week():
    small = im.simulate_rollout(seed=1, team_size=2).phases.set_index("phase")
    big = im.simulate_rollout(seed=1, team_size=8).phases.set_index("phase")
    assert big.loc["secondary_development", "duration"] < small.loc["secondary_development",
                                                                      "duration"]
    # one-package phase: a bigger team does not help
    assert big.loc["project_launch", "duration"] == small.loc["project_launch", "duration"]


# ---------------------------------------------------------------- money
def test_roi_and_money_arithmetic(run):
    s, w = run.summary, run.weekly
    assert s["total_cost"] == pytest.approx(w["cost"].sum())
    assert s["total_benefit"] == pytest.approx(w["benefit"].sum())
    assert s["net_benefit"] == pytest.approx(s["total_benefit"] - s["total_cost"])
    assert s["roi"] == pytest.approx((s["total_benefit"] - s["total_cost"]) / s["total_cost"])
    assert w["cumulative_net"].iloc[-1] == pytest.approx(s["net_benefit"])
    np.testing.assert_allclose(w["cumulative_net"], np.cumsum(w["benefit"] - w["cost"]))
    # project cost = phases; afterwards only maintenance is paid
    p = run.plan
    maintenance = (156 - s["go_live_week"]) * p.maintenance_rate * p.licence_cost / 52
    assert s["total_cost"] == pytest.approx(run.phases["cost"].sum() + maintenance)
    assert run.ledger["amount"].sum() == pytest.approx(
        sum(ph.fixed_cost for ph in im.PHASES) + p.licence_cost
        + p.redesign_cost * p.process_redesign
        + p.training_hours_per_user * p.users * p.training_cost_per_hour)
    if not math.isnan(s["payback_week"]):
        k = int(s["payback_week"])
        assert w["cumulative_net"].iloc[k] >= 0 and (w["cumulative_net"].iloc[:k] < 0).all()


def test_benefit_is_value_times_active_user_weeks_times_data_quality(run):
    p, w = run.plan, run.weekly
    live = w[w["week"] > run.summary["go_live_week"] + 1]
    # within a week, active user-weeks lie between adopters at the start and at the end
    users_start = w["adoption"].shift(1).loc[live.index] * p.users
    users_end = live["adoption"] * p.users
    per_user = live["benefit"] / (p.value_per_user_week * p.data_quality)
    assert (per_user >= users_start - 1e-9).all() and (per_user <= users_end + 1e-9).all()


# ---------------------------------------------------------------- directions (on common random numb
def test_top_management_support_speeds_go_live_and_cuts_rework():
    lo, hi = _pair({"top_management_support": 0.2}, {"top_management_support": 0.9})
    assert (hi["go_live_week"] < lo["go_live_week"]).all()
    assert (hi["rework_rounds"] <= lo["rework_rounds"]).all()
    assert hi["rework_rounds"].mean() < lo["rework_rounds"].mean()


def test_process_redesign_raises_adoption():
    lo, hi = _pair({"process_redesign": 0.0}, {"process_redesign": 1.0})
    assert hi["final_adoption"].mean() > lo["final_adoption"].mean() + 0.1


def test_data_quality_raises_benefit():
    lo, hi = _pair({"data_quality": 0.3}, {"data_quality": 0.9})
    assert (hi["total_benefit"] > lo["total_benefit"]).all()
    assert (hi["rework_rounds"] <= lo["rework_rounds"]).all()


def test_training_raises_adoption_and_cost():
    lo, hi = _pair({"training_hours_per_user": 2}, {"training_hours_per_user": 40})
    assert hi["final_adoption"].mean() > lo["final_adoption"].mean()
    assert (hi["total_cost"] > lo["total_cost"]).all()


def test_compare_plans_table():
    table = im.compare_plans({"default": None, "strong": {"top_management_support": 0.95}},
                             replications=4, seed=1)
    assert list(table["plan"]) == ["default", "strong"]
    for m in im.METRICS:
        assert m in table and f"{m}_ci95" in table
    assert table.loc[0, "net_benefit_vs_first"] == 0
    assert table.loc[0, "net_benefit_vs_first_ci95"] == 0
    assert table.loc[1, "go_live_week"] < table.loc[0, "go_live_week"]


# ---------------------------------------------------------------- iron triangle and tables
def test_iron_triangle_scores():
    for weights in im.IRON_TRIANGLE.values():
        assert sum(weights.values()) == pytest.approx(1)
    base = im.iron_triangle()
    assert set(base) == set(im.SIDES) and all(0 <= v <= 1 for v in base.values())
    assert im.iron_triangle({k: 1.0 for k in ("top_management_support", "process_redesign",
                                               "data_quality", "system_fit",
                                               "frontline_willingness")}
                            | {"training_hours_per_user": 200})["technology"] == 1
    strong = im.iron_triangle({"top_management_support": 1.0})
    assert strong["philosophy"] > base["philosophy"]
    assert strong["implementation"] > base["implementation"]
    assert strong["technology"] == base["technology"]
    blueprint = im.PHASES[2]
    assert im.rework_probability(blueprint, im.Plan(top_management_support=1.0)) \
        < im.rework_probability(blueprint, im.Plan())


def test_parameter_and_phase_tables():
    params = im.parameter_table()
    assert list(params["name"]) == list(im.PARAMS)
    assert set(params["group"]) == {"decision", "assumption"}
    assert params["unit"].str.len().gt(0).all() and params["doc"].str.len().gt(10).all()
    phases = im.phase_table()
    assert len(phases) == 9 and list(phases["name"]) == list(im.PHASE_NAMES)
    assert set(phases["side"]) == set(im.SIDES)


def test_plots_return_labelled_axes(run):
    other = im.simulate_rollout(seed=3, process_redesign=0.0)
    for ax in (im.plot_gantt(run), im.plot_adoption({"redesign": run, "automate old": other}),
               im.plot_cumulative_net(run)):
        assert ax.get_xlabel() == "week" and ax.get_ylabel() and ax.get_title()
    plt.close("all")


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("call, words", [
    (lambda: im.Plan(top_management_support=1.5), ["top_management_support", "1.5", "[0, 1]"]),
    (lambda: im.Plan(process_redesign=True), ["process_redesign", "True"]),
    (lambda: im.Plan(team_size=2.5), ["team_size", "2.5", "whole"]),
    (lambda: im.Plan(users=0), ["users", "0"]),
    (lambda: im.Plan(adoption_floor=0.9, adoption_max=0.5), ["adoption_floor", "0.9"]),
    (lambda: im.simulate_rollout(budget=1), ["budget", "1", "top_management_support"]),
    (lambda: im.simulate_rollout({"data_qualty": 0.5}), ["data_qualty", "data_quality"]),
    (lambda: im.simulate_rollout("big"), ["plan", "big", "Plan"]),
    (lambda: im.simulate_rollout(seed=-1), ["seed", "-1"]),
    (lambda: im.simulate_rollout(horizon_weeks=0), ["horizon_weeks", "0"]),
    (lambda: im.simulate_rollout(data_quality="high"), ["data_quality", "high"]),
    (lambda: im.compare_plans({"a": None}, replications=1), ["replications", "1"]),
    (lambda: im.compare_plans({}), ["plans"]),
    (lambda: im.plot_gantt("x"), ["result", "x"]),
])
def test_bad_input_gives_one_line_error(call, words):
    with pytest.raises(CrmsimError) as e:
        call()
    msg = str(e.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg

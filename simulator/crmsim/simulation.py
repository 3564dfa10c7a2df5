"""``simulate``: one run of a scenario under a set of strategies."""

from __future__ import annotations

import numpy as np

from crmsim.errors import CrmsimError, check_whole, invalid
from crmsim.result import SimulationResult, build_result
from crmsim.sim import scenarios
from crmsim.sim.engine import run
from crmsim.sim.strategies import resolve

#: seeds feed 64-bit counter-based draws (crmsim.sim.crn), so they must fit 64 bits
MAX_SEED = 2**64 - 1


def check_seed(seed) -> int:
    return check_whole("seed", seed, 0, MAX_SEED, "a whole number in [0, 2**64 - 1]")


def check_strategies(strategies, sc) -> list:
    """Resolve strategies and bound their rounds per run like the scenario's steps."""
    items = [strategies] if isinstance(strategies, str | dict) else strategies
    if items is not None and not isinstance(items, list | tuple):
        raise invalid("strategies", strategies, "a strategy name or a list of names")
    for item in items or []:
        if isinstance(item, dict):
            for name, params in item.items():
                if params is not None and not isinstance(params, dict):
                    raise invalid(f"strategy {name}", params, "a dict {param: value}")
    chosen = resolve(strategies)
    days = sc.horizon * (1.0 if sc["market"]["time_unit"] == "day" else 7.0)
    for strategy, params in chosen:
        interval = params.get("interval")
        if interval and days / interval > scenarios.MAX_STEPS:
            raise invalid(f"{strategy.name}.interval", interval, f"at least "
                          f"{days / scenarios.MAX_STEPS:.4g} days (at most "
                          f"{scenarios.MAX_STEPS:,} rounds per run)")
    return chosen


def check_finite(res: SimulationResult) -> SimulationResult:
    """Refuse to return money that overflowed: never a silently infinite profit."""
    money = res.kpis.select_dtypes("number").to_numpy(float)
    if not np.isfinite(money[~np.isnan(money)]).all():
        raise CrmsimError("scenario: the run's money overflowed to infinity; the parameters "
                          "are too extreme (expected prices, costs and rates of a real market)")
    return res


def simulate(scenario="retail", *, strategies=None, seed: int = 0, customers: int | None = None,
             years: float | None = None, overrides: dict | None = None,
             progress: bool = False, schedule=None) -> SimulationResult:
    """Simulate a customer population and return its tables.

    Parameters
    ----------
    scenario : name of a built-in scenario (``retail``, ``b2b``, ``cdnow``), a path to a
        TOML/YAML scenario file, or a :class:`~crmsim.sim.scenarios.Scenario`.
    strategies : strategy names (``"loyalty_program"``), ``"name:param=value"`` strings or
        ``{name: {param: value}}`` dicts; see ``crmsim strategies``.
    seed : the same seed and arguments give the same tables, byte for byte.
    customers, years : shortcuts for ``market.customers`` and ``market.years``.
    overrides : ``{section: {param: value}}`` changes to the scenario.
    schedule : ``[(day, decisions), ...]``, first at day 0: decisions that change during the
        run (strategies, seats, acquisition budgets, discount; see :mod:`crmsim.rounds`),
        byte-identical to playing them round by round. Strategies then go in the schedule.
    """
    if schedule is not None:
        from crmsim import rounds

        if strategies is not None:
            raise invalid("strategies", strategies, "None when a schedule is given (put "
                          "strategies in the schedule's decisions)")
        return rounds.play(scenario, schedule, seed=seed, customers=customers, years=years,
                           overrides=overrides)
    seed = check_seed(seed)
    sc = scenarios.load(scenario).with_overrides(overrides, customers=customers, years=years)
    chosen = check_strategies(strategies, sc)
    market = run(sc, chosen, seed, progress=progress)
    return check_finite(build_result(market, chosen, seed))

"""``simulate``: one run of a scenario under a set of strategies."""

from __future__ import annotations

from crmsim import rounds
from crmsim.errors import invalid
from crmsim.result import SimulationResult, build_result, check_finite
from crmsim.sim import scenarios
from crmsim.sim.crn import check_seed
from crmsim.sim.market import run
from crmsim.sim.strategies import check_strategies
from crmsim.streaming import WrittenRun, return_freed_memory, write_run


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
        if strategies is not None:
            raise invalid("strategies", strategies, "None when a schedule is given (put "
                          "strategies in the schedule's decisions)")
        return rounds.play(scenario, schedule, seed=seed, customers=customers, years=years,
                           overrides=overrides)
    market, chosen, seed = _run(scenario, strategies, seed, customers, years, overrides,
                                progress)
    return check_finite(build_result(market, chosen, seed))


def simulate_to(folder, scenario="retail", *, strategies=None, seed: int = 0,
                customers: int | None = None, years: float | None = None,
                overrides: dict | None = None, progress: bool = False,
                csv: bool = False) -> WrittenRun:
    """:func:`simulate`, writing the tables into the existing ``folder`` one at a time
    instead of returning them (None: write nothing), for runs too large to hold every
    table in memory; returns the KPIs and the summary (see :mod:`crmsim.streaming`)."""
    return_freed_memory()
    market, chosen, seed = _run(scenario, strategies, seed, customers, years, overrides,
                                progress)
    return write_run(market, chosen, seed, folder, csv=csv)


def _run(scenario, strategies, seed, customers, years, overrides, progress):
    seed = check_seed(seed)
    sc = scenarios.load(scenario).with_overrides(overrides, customers=customers, years=years)
    chosen = check_strategies(strategies, sc)
    return run(sc, chosen, seed, progress=progress), chosen, seed

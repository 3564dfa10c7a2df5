"""``simulate``: one run of a scenario under a set of strategies."""

from __future__ import annotations

from crmsim import scenarios
from crmsim.engine import run
from crmsim.errors import invalid
from crmsim.result import SimulationResult, build_result
from crmsim.strategies import resolve


def check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise invalid("seed", seed, "a whole number >= 0")
    return seed


def simulate(scenario="retail", *, strategies=None, seed: int = 0, customers: int | None = None,
             years: float | None = None, overrides: dict | None = None,
             progress: bool = False) -> SimulationResult:
    """Simulate a customer population and return its tables.

    Parameters
    ----------
    scenario : name of a built-in scenario (``retail``, ``b2b``, ``cdnow``), a path to a
        TOML/YAML scenario file, or a :class:`~crmsim.scenarios.Scenario`.
    strategies : strategy names (``"loyalty_program"``), ``"name:param=value"`` strings or
        ``{name: {param: value}}`` dicts; see ``crmsim strategies``.
    seed : the same seed and arguments give the same tables, byte for byte.
    customers, years : shortcuts for ``market.customers`` and ``market.years``.
    overrides : ``{section: {param: value}}`` changes to the scenario.
    """
    seed = check_seed(seed)
    sc = scenarios.load(scenario).with_overrides(overrides, customers=customers, years=years)
    chosen = resolve(strategies)
    market = run(sc, chosen, seed, progress=progress)
    return build_result(market, chosen, seed)

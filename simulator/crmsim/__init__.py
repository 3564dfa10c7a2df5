"""crmsim: a teaching and simulation environment for customer relationship management."""

from crmsim import _moved

_moved.install()  # old module paths (crmsim.strategies, ...) keep working

# ruff: noqa: E402

from crmsim.comparison import compare
from crmsim.errors import CrmsimError
from crmsim.result import SimulationResult
from crmsim.rollout import Plan, compare_plans, simulate_rollout
from crmsim.sim.scenarios import Scenario
from crmsim.sim.scenarios import load as load_scenario
from crmsim.simulation import simulate

__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "calibrate":  # crmsim.calibrate(log, out): imported on first use (it brings
        import importlib  # the toolkit, 2.5 s that every crmsim command would pay)

        return importlib.import_module("crmsim.calibrate")
    return _moved.attribute(__name__, name)


__all__ = ["CrmsimError", "Plan", "Scenario", "SimulationResult", "calibrate", "compare",
           "compare_plans", "load_scenario", "simulate", "simulate_rollout", "__version__"]

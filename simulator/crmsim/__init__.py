"""crmsim: a teaching and simulation environment for customer relationship management."""

from crmsim.comparison import compare
from crmsim.errors import CrmsimError
from crmsim.result import SimulationResult
from crmsim.scenarios import Scenario
from crmsim.scenarios import load as load_scenario
from crmsim.simulation import simulate

__version__ = "0.1.0"

__all__ = ["CrmsimError", "Scenario", "SimulationResult", "compare", "load_scenario",
           "simulate", "__version__"]

"""crmsim: a teaching and simulation environment for customer relationship management."""

from crmsim.errors import CrmsimError

__version__ = "0.1.0"

__all__ = ["CrmsimError", "__version__"]

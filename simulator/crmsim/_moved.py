"""Old import paths of modules that moved when the package was laid out in layers.

Released notebooks and exercises import ``crmsim.assignment``, ``crmsim.strategies``,
``crmsim.stages`` and so on; each old name here is the new module itself (not a copy), so
``crmsim.strategies is crmsim.sim.strategies`` and patching one patches the other. Code
inside the package imports the new names (a test checks).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

#: old module name -> the module it is now
MOVED: dict[str, str] = {
    # the market model
    "crmsim.acquisition": "crmsim.sim.acquisition",
    "crmsim.baskets": "crmsim.sim.baskets",
    "crmsim.callcentre": "crmsim.sim.callcentre",
    "crmsim.crn": "crmsim.sim.crn",
    "crmsim.engine": "crmsim.sim.market",
    "crmsim.eventlog": "crmsim.sim.eventlog",
    "crmsim.evidence": "crmsim.sim.evidence",
    "crmsim.latent": "crmsim.sim.latent",
    "crmsim.ledger": "crmsim.sim.ledger",
    "crmsim.levers": "crmsim.sim.levers",
    "crmsim.lifecycle": "crmsim.sim.lifecycle",
    "crmsim.population": "crmsim.sim.population",
    "crmsim.purchases": "crmsim.sim.purchases",
    "crmsim.scenarios": "crmsim.sim.scenarios",
    "crmsim.strategies": "crmsim.sim.strategies",
    "crmsim.targeting": "crmsim.sim.targeting",
    "crmsim.tables": "crmsim.sim.tables",
    "crmsim.sim.engine": "crmsim.sim.market",
    "crmsim.stages": "crmsim.analysis.stages",
    # the command line
    "crmsim.game.cli": "crmsim.cli.game",
    "crmsim.grading.cli": "crmsim.cli.grading",
    # the rollout, a second model
    "crmsim.implementation": "crmsim.rollout",
    # course tooling
    "crmsim.assignment": "crmsim.course.assignment",
    "crmsim.translations": "crmsim.course.translations",
    "crmsim.docs": "crmsim.course.paramdocs",
    "crmsim.grading.coverage": "crmsim.course.coverage",
    # the grader split one concern per module: the batch is what callers imported
    "crmsim.grading.grader": "crmsim.grading.batch",
}


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Import an old name as the module that replaced it."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname in MOVED:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return importlib.import_module(MOVED[spec.name])

    def exec_module(self, module):
        """Nothing to run: the module was executed under its new name."""

    def get_code(self, fullname):
        """The new module's code, so ``python -m <old name>`` runs the new module."""
        new = MOVED[fullname]
        return importlib.util.find_spec(new).loader.get_code(new)


def attribute(package: str, name: str):
    """``crmsim.strategies`` as an attribute (released lectures write ``crmsim.strategies.
    explain()`` after ``import crmsim``): the moved module, imported on first use."""
    old = f"{package}.{name}"
    if old not in MOVED:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return importlib.import_module(old)


def install() -> None:
    if not any(isinstance(f, _Alias) for f in sys.meta_path):
        sys.meta_path.insert(0, _Alias())

"""Released notebooks and lectures keep working: old module names are the moved modules."""

import importlib

import crmsim
from crmsim.sim import market


def test_the_engine_module_is_now_the_market_module():
    assert importlib.import_module("crmsim.engine") is market
    assert importlib.import_module("crmsim.sim.engine") is market


def test_an_old_module_is_an_attribute_of_the_package():
    from crmsim.sim import strategies

    assert crmsim.strategies is strategies  # as in ``crmsim.strategies.explain()``
    assert not hasattr(crmsim, "no_such_module")

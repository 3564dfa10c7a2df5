"""The shipped reference simulations are what the current code produces."""

import pandas as pd
import pytest

from crmsim.datasets import REFERENCE_RUNS, load_reference, regenerate_reference


@pytest.mark.parametrize("name", list(REFERENCE_RUNS))
def test_reference_runs_are_current(name, tmp_path):
    shipped = load_reference(name)
    regenerate_reference(name, root=tmp_path)
    from crmsim.result import SimulationResult

    again = SimulationResult.load(tmp_path / name)
    for table in ("customers", "transactions", "events", "true_events", "kpis", "products"):
        pd.testing.assert_frame_equal(getattr(shipped, table), getattr(again, table),
                                      obj=f"{name}/{table} (run: python -m crmsim.datasets)")
    assert shipped.scenario.values == again.scenario.values
    assert shipped.seed == REFERENCE_RUNS[name]["seed"]

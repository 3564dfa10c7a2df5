"""Every model parameter is documented with a unit and a rationale, and the table is current."""

from pathlib import Path

from crmsim.docs import parameters_markdown
from crmsim.rollout import PARAMS
from crmsim.sim import scenarios, strategies


def test_every_parameter_has_unit_and_rationale():
    params = [p for sec in scenarios.SPEC.values() for p in sec.values()]
    params += [p for s in strategies.REGISTRY.values() for p in s.params.values()]
    params += list(PARAMS.values())
    assert len(params) > 100
    for p in params:
        assert p.unit and len(p.doc) >= 15, p


def test_parameter_table_is_current():
    path = Path(__file__).resolve().parent.parent / "simulator" / "PARAMETERS.md"
    assert path.read_text(encoding="utf-8") == parameters_markdown() + "\n", \
        "run: python -m crmsim.docs > simulator/PARAMETERS.md"

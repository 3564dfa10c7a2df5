"""Every model parameter is documented with a unit and a rationale, and the table is current."""

from pathlib import Path

import pytest

from crmsim.course.paramdocs import parameters_markdown
from crmsim.errors import CrmsimError
from crmsim.game import events, rules
from crmsim.rollout import PARAMS
from crmsim.sim import scenarios, strategies


def test_every_parameter_has_unit_and_rationale():
    params = [p for sec in scenarios.SPEC.values() for p in sec.values()]
    params += [p for s in strategies.REGISTRY.values() for p in s.params.values()]
    params += list(PARAMS.values())
    params += list(rules.SETTINGS.values())
    params += [p for kind_params, _ in events.KINDS.values() for p in kind_params.values()]
    assert len(params) > 100
    for p in params:
        assert p.unit and len(p.doc) >= 15, p


def test_parameter_table_is_current():
    path = Path(__file__).resolve().parent.parent / "simulator" / "PARAMETERS.md"
    assert path.read_text(encoding="utf-8") == parameters_markdown() + "\n", \
        "run: python -m crmsim.course.paramdocs > simulator/PARAMETERS.md"


def test_game_settings_are_filled_in_and_checked_from_their_table():
    settings = rules.check_settings({"rounds": 2})
    assert list(settings) == list(rules.SETTINGS)
    assert settings["rounds"] == 2 and settings["seed"] == rules.SETTINGS["seed"].default
    assert settings["strategies"] == list(rules.SETTINGS["strategies"].choices)
    with pytest.raises(CrmsimError, match=r"max_discount=0.7 is invalid: expected a number "
                       r"in \[0, 0.5\]"):
        rules.check_settings({"max_discount": 0.7})
    with pytest.raises(CrmsimError, match="seed=2.5 is invalid: expected a whole number"):
        rules.check_settings({"seed": 2.5})

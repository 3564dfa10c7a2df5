"""The same seed gives the same bytes as the code before the package was reorganised."""

import json

import pytest

from tests.golden.golden import DIGESTS, RUNS, compute

RECORDED = json.loads(DIGESTS.read_text(encoding="utf-8"))


def test_every_run_has_recorded_digests():
    assert set(RECORDED) == set(RUNS)


@pytest.mark.parametrize("name", sorted(RUNS))
def test_outputs_are_byte_identical_to_the_recorded_ones(name):
    got = compute(name)
    assert set(got) == set(RECORDED[name]), f"{name}: tables changed"
    changed = sorted(t for t in got if got[t] != RECORDED[name][t])
    assert not changed, (f"{name}: these tables differ from tests/golden/digests.json: "
                         f"{', '.join(changed)} (see tests/golden/golden.py)")

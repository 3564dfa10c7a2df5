"""Strategy defaults sit inside the published ranges they cite (crmsim.sim.evidence)."""

import re

import pytest

from crmsim.sim.evidence import EVIDENCE, check_within
from crmsim.sim.latent import BEHAVIOUR
from crmsim.sim.strategies import REGISTRY


def default(strategy, param):
    return REGISTRY[strategy].params[param].default


def test_discount_is_a_published_price_elasticity():
    cut, lift = default("discount", "rate"), default("discount", "demand_lift")
    assert check_within("price_elasticity_meta", -(lift - 1) / cut)


def test_loyalty_points_and_fading_follow_published_programmes():
    assert check_within("lp_reward_rate_tesco", default("loyalty_program", "points_rate"))
    months = BEHAVIOUR["bond_half_life"].default * 7 / 30.4
    assert check_within("lp_lift_fades", round(months))


def test_win_back_comeback_is_a_published_reacquisition_rate():
    assert check_within("winback_lapsed_sale_prob", default("win_back", "comeback_prob"))


@pytest.mark.parametrize("name", [s for s in REGISTRY if s != "none"])
def test_every_citation_comes_from_the_evidence_table(name):
    """A range quoted in a parameter's doc ('YEAR: low..high (unit)') is a cite() of an
    entry of crmsim.sim.evidence, not a number typed by hand."""
    for p in REGISTRY[name].params.values():
        quoted = len(re.findall(r"\d{4}[a-z]?: -?[\d.]+(?:\.\.-?[\d.]+)? \(", p.doc))
        cited = sum(p.doc.count(f"{short}: ") for short in {e.short for e in EVIDENCE.values()})
        assert quoted == cited, p.doc

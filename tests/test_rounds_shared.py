"""A shared market: people a rival firm holds cannot be won (``advance(..., rivals=ids)``)."""

import numpy as np
import pytest

from crmsim import rounds
from crmsim.errors import CrmsimError
from crmsim.sim.acquisition import holds

BUY = {"acquisition": {"online_ads": 4000.0, "direct_mail": 4000.0}}


def _market():
    return rounds.open_market("retail", seed=5, customers=1500, years=1.0)


def _acquired_in(m, start: float, end: float) -> set[int]:
    c = rounds.result(m).customers
    t = c["acquisition_time"]
    return set(c.loc[c["acquired"] & (t >= start) & (t < end), "customer_id"].astype(int))


def test_rivals_cannot_be_won_by_budgets_campaigns_or_referrals():
    free, shared = _market(), _market()
    for m in (free, shared):
        rounds.advance(m, BUY, days=91)
    rng = np.random.default_rng(0)
    outside = np.flatnonzero(~holds(shared.market) & ~shared.market.records.acquired)
    rivals = rng.choice(outside, len(outside) // 2, replace=False)
    rounds.advance(free, BUY, days=91)
    rounds.advance(shared, BUY, days=91, rivals=rivals)
    won_free, won_shared = _acquired_in(free, 91, 182), _acquired_in(shared, 91, 182)
    assert won_free & set(rivals.tolist())  # without rivals, some of them were won
    assert not won_shared & set(rivals.tolist())
    assert won_shared  # the others are still there to win
    ev = rounds.result(shared).events
    refs = ev[(ev["kind"] == "referral") & (ev["timestamp"] >= 91)]
    reached_rivals = refs["related_customer"].isin(rivals)
    assert (refs.loc[reached_rivals, "detail"] == "a rival's customer").all()
    assert "a rival's customer" not in set(rounds.result(free).events["detail"])


def test_everyone_held_by_rivals_leaves_nobody_to_win():
    m = _market()
    rounds.advance(m, BUY, days=91)
    pending = set(np.flatnonzero(holds(m.market) & ~m.market.records.acquired).tolist())
    everyone = np.flatnonzero(~m.market.records.acquired & ~holds(m.market))
    rep = rounds.advance(m, BUY, days=91, rivals=everyone)
    assert _acquired_in(m, 91, 182) <= pending  # only those won before the round started
    assert rep.kpis["customers_acquired"] == len(_acquired_in(m, 91, 182))
    ev = rounds.result(m).events
    assert not ((ev["kind"] == "contact") & (ev["timestamp"] >= 91)).any()  # nobody to contact
    onboarding = m.scenario["acquisition"]["onboarding_cost"]
    assert rep.kpis["acquisition_cost"] == pytest.approx(onboarding * len(pending & _acquired_in(
        m, 91, 182)))


def test_rivals_are_saved_and_replayed_byte_identically():
    m = _market()
    rounds.advance(m, BUY, days=91)
    rivals = np.flatnonzero(~holds(m.market))[::3]
    rounds.advance(m, BUY, days=91, rivals=rivals)
    rounds.advance(m, {}, days=91)  # rivals left out: last round's set stays
    blob = rounds.dumps(m)
    again = rounds.loads(blob)
    assert rounds.dumps(again) == blob
    assert rounds.digest(again) == rounds.digest(m)
    plain = _market()
    rounds.advance(plain, BUY, days=91)
    assert rounds.loads(rounds.dumps(plain)).market.rivals.sum() == 0


@pytest.mark.parametrize("rivals", ["12", [1.5], [-1], [10**9], [True], {1: 2}, 7])
def test_bad_rivals_are_refused_and_change_nothing(rivals):
    m = _market()
    rounds.advance(m, BUY, days=91)
    before = rounds.digest(m)
    with pytest.raises(CrmsimError, match="rivals"):
        rounds.advance(m, BUY, days=91, rivals=rivals)
    assert rounds.digest(m) == before and len(m.history) == 1

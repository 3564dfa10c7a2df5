"""The worked example of Lecture 4 (choice_right for a choleric and a phlegmatic customer)
is recomputed from the simulator's own functions and defaults, so the lecture's numbers
cannot drift from the model."""

import numpy as np
import pytest

import crmsim
from crmsim import latent, scenarios

# what course/04-empowerment.md quotes: autonomy, d_eval, d_sat, d_trust, d_belong,
# d_loyalty, dropout multiplier, rate multiplier
QUOTED = {"choleric": (0.51, 0.063, 0.038, 0.040, 0.038, 0.038, 0.89, 1.04),
          "phlegmatic": (0.42, 0.030, 0.018, 0.019, 0.018, 0.018, 0.95, 1.02)}


def _example(temperament):
    b = scenarios.load("retail")["behaviour"]
    doses = {r["param"][5:]: float(r["default"]) for r in crmsim.strategies.explain("choice_right")
             if r["param"].startswith("dose_")}
    keep = latent.decay_factor(4, b["empowerment_half_life"])   # a round every 28 days
    dose = sum(keep**k for k in range(13)) * np.array([doses[d] for d in latent.DIMENSIONS])
    sens = latent.sensitivity_matrix(b)[latent.TEMPERAMENTS.index(temperament)]
    base = {"dims": np.full((1, 4), 0.35), "satisfaction": 0.5, "trust": 0.5, "belonging": 0.5}
    out = latent.evaluate(base, dose[None, :], 0.0, 0.0, sens[None, :], b)
    w = np.array([b[f"weight_{d}"] for d in latent.DIMENSIONS])
    d_eval = float((out["dims"][0] - 0.35) @ (w / w.sum()))
    base_loyalty = latent.loyalty_of(0.5, 0.5, 0.5, b)
    m = latent.behaviour_multipliers(out["loyalty"], base_loyalty, b)
    return (out["dims"][0, latent.DIMENSIONS.index("autonomy")], d_eval,
            out["satisfaction"][0] - 0.5, out["trust"][0] - 0.5, out["belonging"][0] - 0.5,
            out["loyalty"][0] - base_loyalty, m["dropout"][0], m["rate"][0])


@pytest.mark.parametrize("temperament", sorted(QUOTED))
def test_lecture4_worked_example(temperament):
    got = _example(temperament)
    quoted = QUOTED[temperament]
    for g, q in zip(got, quoted, strict=True):
        digits = len(str(q).split(".")[1])
        assert round(float(g), digits) == pytest.approx(q), (temperament, got)


def test_accumulated_dose_is_about_4_6_rounds():
    keep = latent.decay_factor(4, scenarios.load("retail")["behaviour"]["empowerment_half_life"])
    assert round(sum(keep**k for k in range(13)), 1) == 4.6

"""The customer's hidden state.

empowerment -> evaluation -> satisfaction, trust, belonging -> loyalty.

The chain is the one taught in lecture 4, ``course/04-empowerment.md`` (firm's
empowerment actions -> psychological empowerment -> evaluation of the experience ->
loyalty), and lecture 3, ``course/03-satisfaction-loyalty-retention.md`` (satisfaction
drives loyalty). Everything is a *deviation from the customer's own baseline*: with no
strategy acting and no service trouble, loyalty stays at its baseline and the latent
chain changes nothing, so customers buy and leave as the scenario's ``purchase.model``
says (Pareto/NBD by default; BG/NBD or MBG/NBD if chosen), with the relationship
dynamics of :mod:`crmsim.sim.purchases`. Each coefficient is a named
parameter in ``BEHAVIOUR`` with a unit and a rationale; a scenario's
``[behaviour]`` section overrides them.

Stocks (per customer) that strategies and events add to, each fading with a
half-life: ``dose`` (empowerment dose per dimension), ``service`` (satisfaction
shocks from waits, complaints and care), ``bond`` (switching cost and rewards
added straight to loyalty).
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaincinv, ndtr

from crmsim.params import Param

DIMENSIONS = ("meaning", "competence", "autonomy", "impact")
TEMPERAMENTS = ("sanguine", "phlegmatic", "choleric", "melancholic")

# Sensitivity of each temperament to a dose of each empowerment dimension.
# Rationale (the Quanjude case of lecture 1, course/01-customers-and-value.md#temperament):
# the lively sanguine guest enjoys taking part and being heard (impact, meaning); the
# calm phlegmatic guest responds slowly and mostly to being made competent (information,
# training); the excitable choleric guest wants control (autonomy, impact); the sensitive
# melancholic guest responds to meaning and careful explanation (competence) but little to
# being asked to decide.
_SENS = {
    "sanguine": (1.2, 0.8, 1.0, 1.4),
    "phlegmatic": (0.6, 1.0, 0.6, 0.5),
    "choleric": (0.8, 0.7, 1.5, 1.3),
    "melancholic": (1.3, 1.1, 0.6, 0.7),
}
_WAIT = {"sanguine": 1.0, "phlegmatic": 0.6, "choleric": 1.4, "melancholic": 1.5}

BEHAVIOUR: dict[str, Param] = {
    "satisfaction_mean": Param(0.60, "0-1 scale", "population mean of baseline satisfaction; "
                               "most customers are moderately satisfied", lo=0, hi=1,
                               lo_open=True, hi_open=True),
    "trust_mean": Param(0.55, "0-1 scale", "population mean of baseline trust", lo=0, hi=1,
                        lo_open=True, hi_open=True),
    "belonging_mean": Param(0.35, "0-1 scale", "population mean of baseline belonging 归属感: "
                            "few customers feel part of the firm", lo=0, hi=1,
                            lo_open=True, hi_open=True),
    "empowerment_mean": Param(0.35, "0-1 scale", "population mean of each baseline perceived "
                              "empowerment dimension", lo=0, hi=1, lo_open=True, hi_open=True),
    "baseline_concentration": Param(10.0, "Beta a+b", "how tightly baselines cluster around "
                                    "their means (Beta distribution)", lo=0, lo_open=True),
    "attitude_dropout_correlation": Param(
        0.4, "correlation (Gaussian copula)", "attitudinal and behavioural loyalty go together "
        "(Dick & Basu 1994): the latent attitude behind baseline satisfaction, trust and "
        "belonging is correlated with a low dropout propensity (dropout probability p under "
        "bgnbd/mbgnbd, dropout rate μ under pareto_nbd); 0 = independent",
        lo=0, hi=0.95),
    "empowerment_half_life": Param(12.0, "weeks", "perceived empowerment fades when the firm "
                                   "stops granting rights", lo=0, lo_open=True),
    "service_half_life": Param(8.0, "weeks", "how long a service experience (good or bad) "
                               "stays in memory", lo=0, lo_open=True),
    "bond_half_life": Param(26.0, "weeks", "how long rewards and switching costs hold a "
                            "customer after the programme stops", lo=0, lo_open=True),
    "weight_meaning": Param(0.20, "weight", "share of meaning in the evaluation of the "
                            "experience", lo=0, hi=1),
    "weight_competence": Param(0.20, "weight", "share of competence in the evaluation", lo=0,
                               hi=1),
    "weight_autonomy": Param(0.30, "weight", "share of autonomy in the evaluation; choice is "
                             "the most felt right in the lecture deck", lo=0, hi=1),
    "weight_impact": Param(0.30, "weight", "share of impact in the evaluation", lo=0, hi=1),
    "satisfaction_per_evaluation": Param(0.6, "satisfaction per evaluation point", "a better "
                                         "evaluated experience raises satisfaction (lecture 4: "
                                         "the empowerment chain)",
                                         lo=0),
    "trust_per_evaluation": Param(0.4, "trust per evaluation point", "empowered customers "
                                  "trust the firm more", lo=0),
    "trust_per_satisfaction": Param(0.4, "trust per satisfaction point", "satisfied customers "
                                    "come to trust the firm", lo=0),
    "belonging_per_evaluation": Param(0.6, "belonging per evaluation point", "taking part and "
                                      "being heard builds belonging", lo=0),
    "loyalty_from_satisfaction": Param(0.5, "weight", "share of satisfaction in loyalty "
                                       "(satisfaction drives loyalty, lecture 3)", lo=0, hi=1),
    "loyalty_from_trust": Param(0.25, "weight", "share of trust in loyalty", lo=0, hi=1),
    "loyalty_from_belonging": Param(0.25, "weight", "share of belonging in loyalty", lo=0, hi=1),
    "churn_sensitivity": Param(3.0, "log-odds-like per loyalty point", "dropout probability "
                               "is multiplied by exp(-k x loyalty change): +0.1 loyalty cuts "
                               "dropout by a quarter", lo=0),
    "rate_sensitivity": Param(1.0, "log rate per loyalty point", "loyal customers buy more "
                              "often: rate x exp(k x loyalty change)", lo=0),
    "spend_sensitivity": Param(0.5, "log spend per loyalty point", "loyal customers spend "
                               "more per order", lo=0),
    "wait_penalty": Param(0.03, "satisfaction per hour waited", "each hour on hold lowers "
                          "satisfaction (call-centre studies: waits drive dissatisfaction)",
                          lo=0),
    "abandon_penalty": Param(0.08, "satisfaction per abandoned call", "hanging up unserved "
                             "hurts more than waiting", lo=0),
    "complaint_prob": Param(0.05, "probability per call", "chance a served call is a "
                            "complaint, before waiting", lo=0, hi=1),
    "complaint_prob_per_hour": Param(0.15, "probability per hour waited", "waiting turns "
                                     "calls into complaints", lo=0),
    "complaint_penalty": Param(0.05, "satisfaction per complaint", "a complaint marks a bad "
                               "experience", lo=0),
}
for _t, _row in _SENS.items():
    for _d, _v in zip(DIMENSIONS, _row, strict=True):
        BEHAVIOUR[f"sensitivity_{_t}_{_d}"] = Param(
            _v, "per dose unit", f"how strongly a {_t} customer feels a dose of {_d} "
            "(Quanjude temperament case)", lo=0)
for _t, _v in _WAIT.items():
    BEHAVIOUR[f"wait_sensitivity_{_t}"] = Param(
        _v, "x wait_penalty", f"how much a {_t} customer minds waiting", lo=0)


def sensitivity_matrix(b: dict) -> np.ndarray:
    """4 x 4 array ``[temperament, dimension]`` of dose sensitivities."""
    return np.array([[b[f"sensitivity_{t}_{d}"] for d in DIMENSIONS] for t in TEMPERAMENTS])


def decay_factor(step_weeks: float, half_life_weeks: float) -> float:
    """Share of a stock left after ``step_weeks`` with the given half-life."""
    return float(0.5 ** (step_weeks / half_life_weeks))


def draw_baselines(n: int, b: dict, rng: np.random.Generator,
                   attitude: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Each customer's baseline satisfaction, trust, belonging and empowerment dimensions.

    ``attitude`` (standard-normal scores, e.g. of a low dropout probability) pulls
    satisfaction, trust and belonging up together with strength
    ``attitude_dropout_correlation`` (a Gaussian copula: the Beta marginals stay as
    documented).
    """
    c = b["baseline_concentration"]
    rho = b["attitude_dropout_correlation"] if attitude is not None else 0.0
    att = np.zeros(n) if attitude is None else np.asarray(attitude, float)

    def beta(mean, size):
        return rng.beta(mean * c, (1 - mean) * c, size=size)

    def beta_linked(mean):
        z = rho * att + np.sqrt(1 - rho**2) * rng.standard_normal(n)
        return betaincinv(mean * c, (1 - mean) * c, ndtr(z))

    base = {
        "satisfaction": beta_linked(b["satisfaction_mean"]),
        "trust": beta_linked(b["trust_mean"]),
        "belonging": beta_linked(b["belonging_mean"]),
        "dims": beta(b["empowerment_mean"], (n, len(DIMENSIONS))),
    }
    base["loyalty"] = loyalty_of(base["satisfaction"], base["trust"], base["belonging"], b)
    return base


def loyalty_of(s, t, bel, b: dict):
    w = np.array([b["loyalty_from_satisfaction"], b["loyalty_from_trust"],
                  b["loyalty_from_belonging"]])
    w = w / w.sum()
    return w[0] * s + w[1] * t + w[2] * bel


def evaluate(base: dict, dose: np.ndarray, service: np.ndarray, bond: np.ndarray,
             sens: np.ndarray, b: dict) -> dict[str, np.ndarray]:
    """Current latent state from baselines and stocks (all arrays over customers).

    ``sens`` is each customer's row of :func:`sensitivity_matrix` (by temperament).
    Perceived dimension = baseline + (1 - baseline)(1 - exp(-sensitivity x dose)):
    bounded by 1 and with diminishing returns to more dose.
    """
    dims = base["dims"] + (1.0 - base["dims"]) * -np.expm1(-sens * dose)
    w = np.array([b[f"weight_{d}"] for d in DIMENSIONS])
    w = w / w.sum() if w.sum() > 0 else w
    d_eval = (dims - base["dims"]) @ w
    s = np.clip(base["satisfaction"] + b["satisfaction_per_evaluation"] * d_eval + service, 0, 1)
    d_s = s - base["satisfaction"]
    t = np.clip(base["trust"] + b["trust_per_evaluation"] * d_eval
                + b["trust_per_satisfaction"] * d_s, 0, 1)
    bel = np.clip(base["belonging"] + b["belonging_per_evaluation"] * d_eval, 0, 1)
    loyalty = np.clip(loyalty_of(s, t, bel, b) + bond, 0, 1)
    return {"dims": dims, "satisfaction": s, "trust": t, "belonging": bel, "loyalty": loyalty}


def behaviour_multipliers(loyalty, base_loyalty, b: dict) -> dict[str, np.ndarray]:
    """How the change in loyalty moves dropout, purchase rate and spend (all = 1 at baseline)."""
    d = loyalty - base_loyalty
    return {
        "dropout": np.exp(-b["churn_sensitivity"] * d),
        "rate": np.exp(b["rate_sensitivity"] * d),
        "spend": np.exp(b["spend_sensitivity"] * d),
    }

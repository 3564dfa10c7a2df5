"""The synthetic market: people, their observable attributes, latent truth and the products.

Attributes are those of lecture 1 (``course/01-customers-and-value.md``): customer type,
region, age, gender, income, household size, credit rating, temperament. The latent
purchase process is λ ~ Gamma(r, α) with, by ``purchase.model``, a dropout probability per coin
p ~ Beta(a, b) (BG/NBD, MBG/NBD) or a dropout rate μ ~ Gamma(s, β) (Pareto/NBD),
and Gamma-Gamma spend (ν ~ Gamma(q, v)), drawn once per person so that every
strategy in a comparison meets the same people (common random numbers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import betainc, gammainc, gammaincinv, ndtr, ndtri

from crmsim.sim.latent import TEMPERAMENTS, draw_baselines

CUSTOMER_TYPES = ("consumer", "business", "distributor")
CREDIT = ("A", "B", "C", "D")


def _pick(rng, shares: dict, order: tuple, n: int) -> np.ndarray:
    probs = np.array([shares.get(k, 0.0) for k in order])
    return rng.choice(len(order), size=n, p=probs / probs.sum())


def products(pop: dict, margin: float) -> pd.DataFrame:
    """Products with category, list price, unit cost and a companion product bought alongside.

    The products depend on the scenario only (not on the seed): every run of a
    scenario sells the same products at the same prices.
    """
    rng = np.random.default_rng(20250101)
    cats = pop["categories"]
    k = pop["products_per_category"]
    rows = []
    for ci, cat in enumerate(cats):
        for j in range(k):
            rows.append({"product": f"{cat}_{j + 1}", "category": cat, "category_code": ci})
    cat_df = pd.DataFrame(rows)
    n = len(cat_df)
    cat_df["price"] = np.round(pop["mean_price"] * rng.lognormal(-0.125, 0.5, n), 2)
    cat_df["unit_cost"] = np.round(cat_df["price"] * (1.0 - margin), 2)
    # companion: a product of another category (or the next one when there is only one)
    shift = rng.integers(1, max(n, 2), size=n)
    cat_df["companion"] = (np.arange(n) + shift) % n
    return cat_df


def draw_people(sc, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Observable attributes and latent truth for ``sc['market']['customers']`` people."""
    n = sc["market"]["customers"]
    pop, pur, beh = sc["population"], sc["purchase"], sc["behaviour"]
    ctype = _pick(rng, pop["customer_types"], CUSTOMER_TYPES, n)
    is_org = ctype > 0
    age = np.where(is_org, rng.integers(1, 60, n), np.clip(rng.normal(42, 13, n), 18, 90))
    income = np.where(is_org, rng.lognormal(8.0, 1.2, n), rng.lognormal(4.6, 0.6, n))
    household = np.where(is_org, np.maximum(1, rng.poisson(3, n)), 1 + rng.poisson(1.6, n))
    gender = np.where(is_org, 2, rng.integers(0, 2, n))
    # organisations buy at larger scale: their spend scale is divided by this factor
    scale = np.where(ctype == 1, 8.0, np.where(ctype == 2, 15.0, 1.0))
    people = {
        "customer_type": ctype,
        "region": rng.integers(0, len(pop["regions"]), n),
        "age": age.astype(np.int64),
        "gender": gender,
        "income": np.round(income, 1),
        "household_size": household.astype(np.int64),
        "credit_rating": _pick(rng, pop["credit_ratings"], CREDIT, n),
        "temperament": _pick(rng, pop["temperaments"], TEMPERAMENTS, n),
        "p": np.full(n, np.nan),
        "mu": np.full(n, np.nan),
        "prefs": rng.dirichlet(np.full(len(pop["categories"]), pop["preference_concentration"]),
                               n),
    }
    # purchase rate and spend scale, linked by a Gaussian copula (rho = 0: independent)
    rho = pur["rate_spend_correlation"]
    z_rate = rng.standard_normal(n)
    z_spend = rho * z_rate + np.sqrt(1.0 - rho**2) * rng.standard_normal(n)
    people["lam"] = gammaincinv(pur["r"], ndtr(z_rate)) / pur["alpha"]
    # a heavy spender has a *small* Gamma-Gamma rate ν
    people["nu"] = gammaincinv(pur["q"], ndtr(-z_spend)) / pur["v"] / scale
    # the firm knows the temperament of surveyed customers only
    people["surveyed"] = rng.random(n) < pop["temperament_surveyed"]
    if pur["model"] == "pareto_nbd":
        people["mu"] = rng.gamma(pur["s"], 1.0 / pur["beta"], n)
        q = gammainc(pur["s"], pur["beta"] * people["mu"])
    else:
        people["p"] = rng.beta(pur["a"], pur["b"], n)
        q = betainc(pur["a"], pur["b"], people["p"])
    # attitude: normal score of a *low* dropout propensity (loyal in attitude and behaviour)
    q = np.clip(q, 1e-12, 1 - 1e-12)
    people["base"] = draw_baselines(n, beh, rng, attitude=-ndtri(q))
    return people

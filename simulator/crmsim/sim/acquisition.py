"""Becoming a customer: the launch cohort, acquisition campaigns and referrals (口碑).

Writers of the ``campaign``, ``contact`` (acquisition) and ``referral`` events;
acquisition money (contacts, onboarding) goes to the ledger's ``acquisition``
account. A reached or referred prospect who converts buys during the next step.
"""

from __future__ import annotations

import numpy as np

from crmsim.params import Param
from crmsim.sim import crn
from crmsim.sim.eventlog import kind

CHANNELS = ("", "launch", "campaign", "referral")
LAUNCH, CAMPAIGN, REFERRAL = 1, 2, 3

#: channels a round's acquisition budget can buy contacts in (crmsim.rounds), with the cost
#: and conversion of one contact: the scenario's [channels] section holds them as
#: ``<channel>_cost`` and ``<channel>_conversion``. Retail figures; a contact converts during
#: the next step, and customers won are recorded with channel ``campaign``.
BUDGET_CHANNEL_PARAMS: dict[str, dict[str, Param]] = {
    "online_ads": {
        "cost": Param(1.0, "currency per contact", "online_ads: one paid visit (a click on a "
                      "search or social ad); an assumption near a retail cost per click", lo=0,
                      lo_open=True),
        "conversion": Param(0.025, "probability", "online_ads: chance a paid visit becomes a first "
                            "purchase; e-commerce visits convert at about 2-3% (a practitioner "
                            "figure widely reported by shop-analytics firms)", lo=0, hi=1),
    },
    "direct_mail": {
        "cost": Param(4.0, "currency per contact", "direct_mail: print and postage of one mailing "
                      "to a rented prospect list (an assumption)", lo=0, lo_open=True),
        "conversion": Param(0.049, "probability", "direct_mail: response of a prospect list, 4.9% "
                            "in the ANA/DMA Response Rate Report 2018 (a practitioner figure)",
                            lo=0, hi=1),
    },
    "telesales": {
        "cost": Param(12.0, "currency per contact", "telesales: agent time of one outbound call "
                      "that reaches a prospect (an assumption)", lo=0, lo_open=True),
        "conversion": Param(0.08, "probability", "telesales: an outbound call converts more often "
                            "than mail but costs more per contact; about 8% telephone response in "
                            "the DMA Response Rate Report 2012 (a practitioner figure)", lo=0,
                            hi=1),
    },
}
BUDGET_CHANNELS = tuple(BUDGET_CHANNEL_PARAMS)

CAMPAIGN_EVENT = kind("campaign", "an acquisition campaign went out (detail: contacts made)")
CONTACT_EVENT = kind("contact", "the firm contacted a customer or prospect (detail: purpose)")
REFERRAL_EVENT = kind("referral", "a customer referred a prospect (detail: outcome; "
                      "related_customer: the prospect)")


def launch_times(acq: dict, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Who is in the launch cohort and when each makes its first purchase.

    The window is cut into equal slices weighted by ``launch_profile`` (uniform
    when empty); a first purchase falls uniformly within its slice.
    """
    k = int(round(acq["launch_share"] * n))
    who = rng.choice(n, size=k, replace=False)
    weights = np.asarray(acq["launch_profile"] or [1.0], float)
    if weights.sum() <= 0:
        weights = np.ones_like(weights)
    width = acq["launch_window"] / len(weights)
    slot = rng.choice(len(weights), size=k, p=weights / weights.sum())
    return who, (slot + rng.uniform(0, 1, k)) * width


def is_prospect(m, ids=slice(None)) -> np.ndarray:
    """Whether people (all, or ``ids``) are not yet customers, not already on their way
    to a first purchase and not a rival firm's customers (``m.rivals``)."""
    return is_unclaimed(m, ids) & ~m.rivals[ids]


def is_unclaimed(m, ids=slice(None)) -> np.ndarray:
    """Whether people are not (yet or again) the firm's customers nor on their way to a first
    purchase: prospects, unless a rival firm holds them."""
    rec = m.records
    return ~rec.acquired[ids] & ~rec.queued[ids] & np.isnan(rec.start_at[ids])


def holds(m) -> np.ndarray:
    """Whether each person is the firm's customer now or about to become one (ground
    truth: in a live relationship, or a first purchase or comeback pending): whom a rival
    firm in a shared market cannot win."""
    rec = m.records
    return m.hidden.alive | rec.queued | ~np.isnan(rec.start_at)


def prospects(m) -> np.ndarray:
    """Indices of the people :func:`is_prospect` selects."""
    return np.flatnonzero(is_prospect(m))


def campaigns(env, m):
    """Every ``campaign_interval`` a campaign wave reaches each prospect with probability
    ``contact_share`` (paid per contact), who converts with ``conversion_prob``."""
    acq = m.sc["acquisition"]
    wave = 0
    while True:
        pool = prospects(m)
        reached = pool[crn.uniform(m.seed, crn.CONTACT, pool, wave) < acq["contact_share"]]
        if len(reached):
            _contact(m, reached, f"acquisition campaign ({len(reached)} contacts)",
                     "acquisition", acq["contact_cost"],
                     crn.uniform(m.seed, crn.CONVERT, reached, wave)
                     < acq["conversion_prob"])
        wave += 1
        yield env.timeout(acq["campaign_interval"])


def referrals(m, live, start, t_end):
    """Satisfied customers refer someone in the market (at most once per step).

    The person referred is a draw over the whole market keyed by (referrer, step),
    so the same referral reaches the same person whatever the strategies did; a
    referral that reaches an existing customer wins nobody.
    """
    ref = m.sc["referral"]
    if ref["rate"] <= 0 or len(live) == 0:
        return
    s = m.latent["satisfaction"][live]
    keen = np.clip((s - ref["threshold"]) / (1 - ref["threshold"]), 0, None)
    e = t_end - start
    chance = 1.0 - np.exp(-ref["rate"] * keen * e)
    u = crn.uniform(m.seed, crn.REFERRAL, live, m.step_no)
    refers = u < chance
    referrer = live[refers]
    if not len(referrer):
        return
    when = start[refers] + (u[refers] / chance[refers]) * e[refers]
    pick = crn.uniform(m.seed, crn.REFERRAL_TARGET, referrer, m.step_no)
    target = np.minimum((pick * m.n).astype(np.int64), m.n - 1)
    target, first = np.unique(target, return_index=True)
    referrer, when = referrer[first], when[first]
    open_ = is_prospect(m, target)
    rival = m.rivals[target] & is_unclaimed(m, target)
    won = open_ & (crn.uniform(m.seed, crn.REFERRAL_CONVERT, target, m.step_no)
                   < ref["conversion_prob"])
    m.records.queued[target[won]] = True
    m.records.channel[target[won]] = REFERRAL
    outcome = np.where(won, "converted", np.where(
        open_, "not converted", np.where(rival, "a rival's customer", "already a customer")))
    m.log.add(when, referrer, REFERRAL_EVENT, outcome, related=target)


def buy_contacts(m, channel: str, budget: float, round_no: int) -> int:
    """Spend ``budget`` on contacts in ``channel`` now: ``budget // <channel>_cost`` prospects
    (a common-random-number draw decides which), each converting with
    ``<channel>_conversion``; converts start buying during the next step. Returns the
    number of contacts made (fewer when prospects run out; the rest is not spent)."""
    cost, prob = m.sc["channels"][f"{channel}_cost"], m.sc["channels"][f"{channel}_conversion"]
    pool = prospects(m)
    occasion = round_no * len(BUDGET_CHANNELS) + BUDGET_CHANNELS.index(channel)
    k = min(int(budget // cost), len(pool))
    if k <= 0:
        return 0
    rank = np.argsort(crn.uniform(m.seed, crn.BUDGET_PICK, pool, occasion), kind="stable")
    reached = np.sort(pool[rank[:k]])
    _contact(m, reached, f"{channel} ({k} contacts)", f"acquisition:{channel}", cost,
             crn.uniform(m.seed, crn.BUDGET_CONVERT, reached, occasion) < prob)
    return k


def _contact(m, reached, campaign: str, purpose: str, cost: float, converts) -> None:
    """Contact ``reached`` now for ``cost`` each (logged as one campaign and one contact per
    person); those where ``converts`` is true start buying during the next step."""
    m.records.contacted[reached] = True
    m.log.add(m.now, -1, CAMPAIGN_EVENT, campaign)
    m.log.add(m.now, reached, CONTACT_EVENT, purpose)
    m.ledger.book(m.now, reached, "acquisition", -cost)
    won = reached[converts]
    m.records.queued[won] = True
    m.records.channel[won] = CAMPAIGN

"""Retention and empowerment strategies: documented, combinable policies that cost money.

A strategy is a small record: a name, a kind, a one-line summary, its parameters
(each a :class:`~crmsim.params.Param` with default, unit and rationale) and up to
two plain functions:

``setup(market, params)``
    static changes made once at the start (more seats, a queue priority, a discount);
``act(market, params, memory) -> int``
    the strategy's action, taken every ``interval`` days; books its own spending in the
    ledger (account ``strategy:<name>``) and returns how many customers it targeted;
``resume(market, params, memory)``
    optional: prepares ``memory`` when the strategy starts in a later round of a
    round-by-round run (:mod:`crmsim.rounds`), e.g. so it does not pay for the time
    it was off. Memory is kept per strategy for the whole run.

Effects go through levers (:mod:`crmsim.sim.levers`) and the latent state
(``market.stocks``; see :mod:`crmsim.sim.latent`). Every strategy takes a ``target``
rule (:mod:`crmsim.sim.targeting`) on what the firm can observe (value tier, stage,
RFM score, customer type, region, credit rating, surveyed temperament) and pays
only for its targets; it never sees the latent truth, so money spent on customers
who already silently left is wasted, as in real life. Default effect sizes sit
inside ranges reported in published studies (:mod:`crmsim.sim.evidence`, cited in the
parameter docs). To add a strategy, write one ``register(Strategy(...))`` call here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from crmsim.errors import invalid
from crmsim.params import Param
from crmsim.sim import crn, scenarios
from crmsim.sim.acquisition import CONTACT_EVENT
from crmsim.sim.evidence import cite
from crmsim.sim.latent import DIMENSIONS
from crmsim.sim.lifecycle import CODE
from crmsim.sim.targeting import TIER_SHARES, parse, select, target_param

#: what a strategy is for: doing nothing, keeping customers, or empowering them
KINDS = ("baseline", "retention", "empowerment")


@dataclass(frozen=True)
class Strategy:
    name: str
    kind: str  # one of KINDS
    summary: str
    params: dict[str, Param] = field(default_factory=dict)
    act: Callable | None = None
    setup: Callable | None = None
    resume: Callable | None = None


REGISTRY: dict[str, Strategy] = {}


def register(strategy: Strategy) -> Strategy:
    """Add ``strategy`` to :data:`REGISTRY` (what ``simulate(strategies=...)`` resolves)."""
    if strategy.kind not in KINDS:
        raise invalid(f"strategy {strategy.name}", strategy.kind, "a kind: " + ", ".join(KINDS))
    REGISTRY[strategy.name] = strategy
    return strategy


def _interval(default=28.0):
    return Param(default, "days", "time between two actions", lo=1)


def _target():
    return target_param("who is addressed, on what the firm observes, e.g. tier=A|B, "
                        "stage=growth|maturity, rfm>=12, temperament=choleric "
                        "(crmsim.sim.targeting); empty = everybody the strategy would address")


def active_customers(m) -> np.ndarray:
    """Indices of customers the firm regards as current (acquired, not terminated)."""
    st = m.records.stage
    return np.flatnonzero(m.records.acquired & (st != CODE["terminated"])
                          & (st != CODE["potential"]))


def targets(m, p, ids) -> np.ndarray:
    """The members of ``ids`` that the strategy's ``target`` rule selects."""
    return select(m, parse(p["target"]), ids)


def next_action(memory: dict) -> int:
    """Count the strategy's actions (0, 1, ...): the occasion of its common random numbers."""
    memory["actions"] = memory.get("actions", -1) + 1
    return memory["actions"]


def spend(m, name: str, ids, each) -> None:
    """Book what strategy ``name`` spends on each of ``ids`` now."""
    m.ledger.book(m.now, ids, f"strategy:{name}", -np.asarray(each, float))


# ---------------------------------------------------------------- baseline
register(Strategy("none", "baseline", "Do nothing beyond selling and answering calls."))


# ---------------------------------------------------------------- empowerment
def _empowerment(name, summary, doses, cost, cost_doc, extra=None, extra_act=None):
    params = {f"dose_{d}": Param(v, "dose units per action", f"{d} granted per action to each "
                                 "targeted customer (1 unit raises a fully sensitive customer's "
                                 "gap to the maximum by 63%); calibrated so that a blanket "
                                 "roll-out lifts revenue by 4-7%: published effects concern "
                                 "self-selected joiners or single products, e.g. "
                                 f"{cite('community_social_dollars')}, "
                                 f"{cite('customer_ideated_label')}", lo=0)
              for d, v in zip(DIMENSIONS, doses, strict=True)}
    params["cost_per_customer"] = Param(cost, "currency per customer per action", cost_doc,
                                        lo=0)
    params["interval"] = _interval()
    params["target"] = _target()
    params.update(extra or {})

    def act(m, p, memory):
        idx = targets(m, p, active_customers(m))
        m.stocks.add("dose", idx, np.array([p[f"dose_{d}"] for d in DIMENSIONS]))
        if extra_act:
            extra_act(m, p, idx)
        spend(m, name, idx, p["cost_per_customer"])
        return len(idx)

    return register(Strategy(name, "empowerment", summary, params, act))


_empowerment("suggestion_right", "Right to make suggestions (建议权): feedback channels whose "
             "ideas are visibly acted on.", (0.012, 0, 0.006, 0.036), 0.6,
             "staff time to read, answer and act on suggestions")
_empowerment("choice_right", "Right to choose (选择权): configurable products, delivery and "
             "service options.", (0.005, 0.005, 0.04, 0.01), 1.2,
             "cost of a wider assortment and of handling options")
_empowerment("decision_right", "Right to decide (决策权): customers vote on or co-decide "
             "product and service changes.", (0.009, 0.005, 0.027, 0.036), 2.0,
             "panels, votes and the cost of following customers' decisions")
_empowerment("participation", "Customer participation in the service process (co-creation, "
             "self-service design).", (0.03, 0.02, 0.01, 0.025), 2.5,
             "events, community management and co-creation workshops")
_empowerment("information_sharing", "Share information and knowledge (usage guides, "
             "transparent pricing, order tracking).", (0.016, 0.064, 0.008, 0), 0.3,
             "content production is cheap per customer")


def _rewards_bond(m, p, idx):
    m.stocks.add("bond", idx, p["bond_per_round"])


_empowerment("customer_rewards", "Reward customers for contributions (reviews, ideas, "
             "referrals).", (0.035, 0, 0, 0.014), 1.5, "value of the rewards handed out",
             extra={"bond_per_round": Param(0.002, "loyalty points per action", "rewards add a "
                                            "little switching cost", lo=0)},
             extra_act=_rewards_bond)


def _training_calls(m, p, idx):
    m.levers.calls.setdefault("customer_training", np.ones(m.n))[idx] = 1.0 - p["call_reduction"]


_empowerment("customer_training", "Train customers (workshops, tutorials) so they use the "
             "product well; competence is its strongest lever.", (0.01, 0.07, 0.01, 0.005), 3.5,
             "trainers and materials",
             extra={"call_reduction": Param(0.3, "share of calls", "trained customers call the "
                                            "call centre less (an assumption: no published "
                                            "figure found)", lo=0, hi=1)},
             extra_act=_training_calls)


# ---------------------------------------------------------------- retention
def _discount_setup(m, p):
    m.levers.discount["discount"] = np.zeros(m.n)
    m.levers.rate["discount"] = np.ones(m.n)
    if not p["target"]:
        _discount_act(m, p, {})


def _discount_act(m, p, memory):
    idx = targets(m, p, np.arange(m.n))
    cut, lift = m.levers.discount["discount"], m.levers.rate["discount"]
    cut[:] = 0.0
    lift[:] = 1.0
    cut[idx] = p["rate"]
    lift[idx] = p["demand_lift"]
    return len(idx)


register(Strategy(
    "discount", "retention", "Permanent price discount: buys revenue, not loyalty. The price "
    "cut is booked as discount:discount (lower price, same cost of goods).",
    {"rate": Param(0.10, "share of price", "price cut on every order", lo=0, hi=1, hi_open=True),
     "demand_lift": Param(1.18, "x purchase rate", "more frequent orders at lower prices: a "
                          "10% cut and x1.18 orders is a price elasticity of -1.8, inside "
                          f"published means ({cite('price_elasticity_meta')}); promotions "
                          f"leave no lasting preference ({cite('post_promotion_preference')})",
                          lo=0),
     "interval": _interval(),
     "target": _target()},
    _discount_act, _discount_setup,
))


def _loyalty_act(m, p, memory):
    members = np.flatnonzero(m.records.acquired & (m.records.orders >= p["min_orders"])
                             & (m.records.stage != CODE["terminated"]))
    members = targets(m, p, members)
    m.stocks.add("bond", members, p["bond_per_round"])
    revenue_since = m.records.revenue - memory.get("revenue", 0.0)
    memory["revenue"] = m.records.revenue.copy()
    spend(m, "loyalty_program", members,
          p["points_rate"] * revenue_since[members] + p["fee_per_member"])
    return len(members)


def _loyalty_resume(m, p, memory):
    memory["revenue"] = m.records.revenue.copy()  # points only on revenue from now on


register(Strategy(
    "loyalty_program", "retention", "Points and member privileges for repeat buyers: builds "
    "switching costs (锁定).",
    {"min_orders": Param(2, "orders", "repeat buyers become members", lo=1, kind="int"),
     "points_rate": Param(0.01, "share of members' revenue", "points handed back "
                           f"({cite('lp_reward_rate_tesco')})", lo=0, hi=1),
     "fee_per_member": Param(0.4, "currency per member per action", "programme administration",
                             lo=0),
     "bond_per_round": Param(0.004, "loyalty points per action", "switching cost accumulated "
                             "by members; fades with behaviour.bond_half_life (26 weeks: "
                             f"{cite('lp_lift_fades')}); small, as the causal effect of "
                             "membership is a small part of the member/non-member gap "
                             f"({cite('lp_share_of_wallet_selfselection')})", lo=0),
     "interval": _interval(),
     "target": _target()},
    _loyalty_act, resume=_loyalty_resume,
))


def _care_setup(m, p):
    lv = m.levers
    lv.extra_seats["proactive_care"] = p["extra_seats"]
    lv.followup_boost, lv.followup_cost = p["followup_boost"], p["followup_cost"]
    lv.followup_by = "proactive_care"


def _care_act(m, p, memory):
    current = active_customers(m)
    lv = m.levers
    lv.followup[:] = False
    lv.followup[targets(m, p, current)] = True
    # proactive check-ins with targeted customers whose orders have slowed (decline stage)
    slow = targets(m, p, current[m.records.stage[current] == CODE["decline"]])
    m.stocks.add("service", slow, p["checkin_boost"])
    m.rescue(slow, p["rescue_prob"], next_action(memory))
    m.log.add(m.now, slow, CONTACT_EVENT, "proactive_care check-in")
    spend(m, "proactive_care", slow, p["checkin_cost"])
    return int(lv.followup.sum())


register(Strategy(
    "proactive_care", "retention", "Service quality and customer care: more seats, a follow-up "
    "call after every service request and a check-in call when orders slow down.",
    {"extra_seats": Param(2, "seats", "seats added to the call centre (their wages are this "
                          "strategy's cost)", lo=0, kind="int"),
     "followup_boost": Param(0.03, "satisfaction points", "a caring follow-up call repairs "
                             "part of a bad experience", lo=0),
     "followup_cost": Param(2.0, "currency per follow-up", "agent time for the follow-up",
                            lo=0),
     "checkin_boost": Param(0.06, "satisfaction points", "being noticed and helped when orders "
                            "slow down", lo=0),
     "checkin_cost": Param(3.0, "currency per check-in", "agent time for a check-in call", lo=0),
     "rescue_prob": Param(0.25, "probability per check-in", "chance that a check-in wins back "
                          "a customer who is truly drifting away (hidden decline); an "
                          "assumption: recovered customers mostly stay "
                          f"({cite('complaint_resolved_loyal')}), but proactive contact can "
                          f"also backfire ({cite('proactive_contact_backfire')}): set 0 to "
                          "take that side", lo=0, hi=1),
     "interval": _interval(),
     "target": _target()},
    _care_act, _care_setup,
))


def _vip_act(m, p, memory):
    current = np.flatnonzero(m.records.acquired & (m.records.stage != CODE["terminated"]))
    m.levers.priority[:] = False
    m.levers.priority_by = "vip_tiering"
    if len(current) == 0:
        return 0
    k = max(1, int(round(p["vip_share"] * len(current))))
    top = targets(m, p, current[np.argsort(-m.records.revenue[current], kind="stable")[:k]])
    m.levers.priority[top] = True
    m.stocks.add("service", top, p["care_boost"])
    m.rescue(top, p["rescue_prob"], next_action(memory))
    spend(m, "vip_tiering", top, p["cost_per_vip"])
    return len(top)


register(Strategy(
    "vip_tiering", "retention", "Tiered service by value (ABC pyramid): the top customers "
    "jump the call-centre queue and get a personal account manager.",
    {"vip_share": Param(TIER_SHARES[0] + TIER_SHARES[1], "share of customers", "A+B tiers of "
                        f"the customer pyramid ({TIER_SHARES[0]:.0%} + {TIER_SHARES[1]:.0%})",
                        lo=0, hi=1, lo_open=True),
     "care_boost": Param(0.03, "satisfaction points per action", "personal attention of an "
                         "account manager", lo=0),
     "cost_per_vip": Param(6.0, "currency per VIP per action", "account manager time", lo=0),
     "rescue_prob": Param(0.04, "probability per action", "an assumption: chance that the "
                          "account manager "
                          "notices and wins over a VIP who is truly drifting away (hidden "
                          "decline)", lo=0, hi=1),
     "interval": _interval(),
     "target": _target()},
    _vip_act,
))


def _winback_act(m, p, memory):
    last = memory.setdefault("contacted_at", np.full(m.n, -np.inf))
    lapsed = np.flatnonzero((m.records.stage == CODE["terminated"])
                            & (m.now - last >= m.units(p["recontact_gap"])))
    lapsed = targets(m, p, lapsed)
    last[lapsed] = m.now
    m.stocks.add("service", lapsed, p["care_boost"])
    back = lapsed[crn.uniform(m.seed, crn.WINBACK, lapsed, next_action(memory))
                  < p["comeback_prob"]]
    m.win_back(back)
    m.log.add(m.now, lapsed, CONTACT_EVENT, "win_back")
    spend(m, "win_back", lapsed, p["cost_per_contact"])
    return len(lapsed)


register(Strategy(
    "win_back", "retention", "Contact lapsed customers (客户流失) with an apology and an "
    "offer; some come back.",
    {"comeback_prob": Param(0.2, "probability per contact", "share of contacted lapsed "
                            "customers who buy again and restart the relationship "
                            f"({cite('winback_lapsed_sale_prob')}, a practitioner figure)",
                            lo=0, hi=1),
     "care_boost": Param(0.05, "satisfaction points", "being missed and asked back", lo=0),
     "cost_per_contact": Param(8.0, "currency per contact", "call plus comeback voucher", lo=0),
     "recontact_gap": Param(540.0, "days", "do not ask the same lapsed customer again "
                           "sooner (an assumption: repeated pleas annoy and cost)", lo=0),
     "interval": _interval(),
     "target": _target()},
    _winback_act,
))


def _offers_act(m, p, memory):
    idx = targets(m, p, active_customers(m))
    m.levers.offer_until[idx] = m.now + m.units(p["interval"])
    m.stocks.add("service", idx, p["relevance_boost"])
    spend(m, "personalised_offers", idx, p["cost_per_offer"])
    return len(idx)


def _offers_setup(m, p):
    lv = m.levers
    lv.offer_rate, lv.offer_discount = p["rate_lift"], p["offer_discount"]
    lv.offer_by = "personalised_offers"


register(Strategy(
    "personalised_offers", "retention", "One-to-one offers in each customer's favourite "
    "category (一对一营销): each round a targeted customer gets a coupon for one order; "
    "holding it brings orders forward.",
    {"rate_lift": Param(1.15, "x purchase rate", "a relevant coupon in hand brings the next "
                        "order forward: -1.5 per 10% off, below a brand's promotional "
                        f"elasticity ({cite('promotion_elasticity_mean')}) because most of "
                        "that is switching between brands "
                        f"({cite('promo_bump_switching_elasticity')}), which a retailer "
                        "does not gain", lo=0),
     "offer_discount": Param(0.10, "share of price", "price cut on the order that redeems "
                               "the coupon", lo=0, hi=1),
     "relevance_boost": Param(0.004, "satisfaction points per action", "feeling understood",
                              lo=0),
     "cost_per_offer": Param(0.3, "currency per offer", "data work and message", lo=0),
     "interval": _interval(),
     "target": _target()},
    _offers_act, _offers_setup,
))


# ---------------------------------------------------------------- resolving
class _Raw(str):
    """A parameter value typed on the command line, converted by its parameter's kind."""


def _typed(value, prm: Param, name: str):
    if not isinstance(value, _Raw) or prm.kind not in ("float", "int"):
        return str(value) if isinstance(value, _Raw) else value
    try:
        return float(value)
    except ValueError:
        raise invalid(name, str(value), "a number") from None


def resolve(strategies) -> list[tuple[Strategy, dict]]:
    """Turn names, ``"name:param=value,..."`` strings or ``{name: {param: value}}`` dicts
    into ``(Strategy, params)`` pairs with validated parameters."""
    if strategies is None:
        strategies = []
    if isinstance(strategies, str | dict):
        strategies = [strategies]
    out = []
    for item in strategies:
        if isinstance(item, dict):
            pairs = list(item.items())
        elif isinstance(item, str):
            name, _, rest = item.partition(":")
            over = {}
            for kv in filter(None, rest.split(",")):
                k, eq, v = kv.partition("=")
                if not eq:
                    raise invalid("strategy", item, "name or name:param=value,...")
                over[k.strip()] = _Raw(v.strip())
            pairs = [(name.strip(), over)]
        else:
            raise invalid("strategy", item, "a strategy name")
        for name, over in pairs:
            if name not in REGISTRY:
                raise invalid("strategy", name, "one of " + ", ".join(REGISTRY))
            s = REGISTRY[name]
            over = over or {}
            for k in over:
                if k not in s.params:
                    raise invalid(f"{name}.{k}", over[k], "a parameter of " + name + ": "
                                  + (", ".join(s.params) or "(none)"))
            params = {k: prm.check(f"{name}.{k}", _typed(over.get(k, prm.default), prm,
                                                          f"{name}.{k}"))
                      for k, prm in s.params.items()}
            out.append((s, params))
    names = [s.name for s, _ in out]
    if len(set(names)) != len(names):
        raise invalid("strategies", names, "each strategy at most once")
    return [(s, p) for s, p in out if s.name != "none"]


def explain(name: str | None = None) -> list[dict]:
    """Rows ``strategy, kind, param, default, unit, doc`` for the CLI and notebooks."""
    rows = []
    for s in REGISTRY.values():
        if name and s.name != name:
            continue
        if not s.params:
            rows.append({"strategy": s.name, "kind": s.kind, "param": "", "default": "",
                         "unit": "", "doc": s.summary})
        for k, prm in s.params.items():
            rows.append({"strategy": s.name, "kind": s.kind, "param": k,
                         "default": prm.default, "unit": prm.unit, "doc": prm.doc})
    return rows


def check_strategies(strategies, sc) -> list:
    """Resolve strategies and bound their actions per run like the scenario's steps."""
    items = [strategies] if isinstance(strategies, str | dict) else strategies
    if items is not None and not isinstance(items, list | tuple):
        raise invalid("strategies", strategies, "a strategy name or a list of names")
    for item in items or []:
        if isinstance(item, dict):
            for name, params in item.items():
                if params is not None and not isinstance(params, dict):
                    raise invalid(f"strategy {name}", params, "a dict {param: value}")
    chosen = resolve(strategies)
    days = sc.horizon * sc.days_per_unit
    for strategy, params in chosen:
        interval = params.get("interval")
        if interval and days / interval > scenarios.MAX_STEPS:
            raise invalid(f"{strategy.name}.interval", interval, f"at least "
                          f"{days / scenarios.MAX_STEPS:.4g} days (at most "
                          f"{scenarios.MAX_STEPS:,} actions per run)")
    return chosen

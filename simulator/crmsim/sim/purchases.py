"""Purchases, relationship dynamics and silent dropout: the market's vectorised step.

One step ``[t, t_end)`` of the whole population, in named parts:

1. :func:`start_customers`: first purchases (launch, campaign, referral) and comebacks;
2. :func:`advance_customers`: every live customer's purchases and hidden state changes;
3. :func:`price_orders`: order values, discounts, baskets, cost of goods, the ledger.

**Exact in distribution.** Each customer carries unit-rate exponential clocks, run at
its current rate (a time change, exact for piecewise-constant rates): ``gap_left``
until the next purchase (run at the purchase rate λ) and, under Pareto/NBD,
``life_left`` until the relationship starts to end (run at the dropout rate μ).
Under BG/NBD a dropout coin with probability p is tossed after each repeat purchase,
under MBG/NBD after every purchase, the first included. With no strategy acting and
the ``relationship`` dynamics off, each model is exactly its textbook process.

**Relationship dynamics** (``[relationship]``): depth = 1 - exp(-repeat orders /
depth_orders) raises the purchase rate, order value and basket breadth and lowers
the chance of a service call; when a relationship ends it first declines (hidden;
purchase rate x ``decline_rate``) for an exponential time of mean
``decline_duration``, then stops (the silent dropout, ground truth).
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaincinv

from crmsim.sim import crn
from crmsim.sim.latent import behaviour_multipliers, decay_factor, evaluate


def refresh_latent(m, t: float, t_end: float) -> dict:
    """Fade the stocks over the step, re-evaluate the latent chain, return the multipliers.

    Only customers with a non-zero stock differ from their baseline, so only they are
    faded and re-evaluated; stocks that fade below 1e-9 are cleared and the customer
    is back at its baseline."""
    beh = m.sc["behaviour"]
    weeks = (t_end - t) * m.days_per_unit / 7.0
    st, base, lat = m.stocks, m.people["base"], m.latent
    idx = np.flatnonzero(st.touched)
    dose = st.dose[idx] * decay_factor(weeks, beh["empowerment_half_life"])
    service = st.service[idx] * decay_factor(weeks, beh["service_half_life"])
    bond = st.bond[idx] * decay_factor(weeks, beh["bond_half_life"])
    for stock in (dose, service, bond):
        stock[np.abs(stock) < 1e-9] = 0.0
    st.dose[idx], st.service[idx], st.bond[idx] = dose, service, bond
    gone = (service == 0) & (bond == 0) & ~dose.any(axis=1)
    st.touched[idx[gone]] = False
    sub = evaluate({k: v[idx] for k, v in base.items()}, dose, service, bond, m.sens_of(idx), beh)
    for k in lat:
        lat[k][idx] = sub[k]
    mult = {k: np.ones(m.n) for k in ("dropout", "rate", "spend")}
    for k, v in behaviour_multipliers(sub["loyalty"], base["loyalty"][idx], beh).items():
        mult[k][idx] = v
    return mult


def depth(orders, rel: dict) -> np.ndarray:
    """Relationship depth in [0, 1) after ``orders`` orders of the current relationship
    (the first does not count; a won-back customer starts again from zero)."""
    return -np.expm1(-np.maximum(np.asarray(orders, float) - 1.0, 0.0) / rel["depth_orders"])


def market_rate(m, t: float, t_end: float) -> float:
    """Calendar month multiplier times the market-wide demand shock of this step."""
    mid = np.datetime64(m.sc.start, "s") + np.timedelta64(
        int(round((t + t_end) / 2 * m.days_per_unit * 86400)), "s")
    month = int(mid.astype("datetime64[M]").astype(np.int64) % 12)
    mult = m.sc["market"]["seasonality"][month]
    cv = m.sc["market"]["demand_shock_cv"]
    if cv > 0:
        k = 1.0 / cv**2
        u = crn.uniform(m.seed, crn.SHOCK, 0, m.step_no)
        mult *= float(np.ravel(gammaincinv(k, u))[0]) / k
    return mult


def trial_boost(m, ids, t: float, t_end: float):
    """Extra buying right after the first purchase (``purchase.trial_boost``), at the
    middle of the step."""
    pur = m.sc["purchase"]
    if pur["trial_boost"] <= 0:
        return 1.0
    age = np.nan_to_num((t + t_end) / 2 - m.records.first_order[ids], nan=0.0).clip(0)
    return 1.0 + pur["trial_boost"] * np.exp(-age / pur["trial_boost_time"])


def new_life(m, ids):
    """Start a fresh relationship clock (Pareto/NBD lifetime) for ``ids``."""
    m.hidden.life_left[ids] = crn.exponential(m.seed, crn.LIFE, ids, m.hidden.lives[ids])
    m.hidden.lives[ids] += 1


def _new_gap(m, ids):
    m.hidden.gap_left[ids] = crn.exponential(m.seed, crn.GAP, ids, m.hidden.gaps[ids])
    m.hidden.gaps[ids] += 1


def start_customers(m, t: float, t_end: float) -> tuple[np.ndarray, np.ndarray]:
    """Queued people start at a uniform time in this step; return who starts and when.

    New customers are acquired (and pay onboarding); a comeback of a customer whose
    relationship had ended or was declining restarts it (ground truth: reactivation).
    """
    h = m.hidden
    q = np.flatnonzero(m.records.queued)
    m.records.start_at[q] = t + crn.uniform(m.seed, crn.CONVERT, q, -1 - m.step_no) * (t_end - t)
    m.records.queued[q] = False
    starting = np.flatnonzero(m.records.start_at < t_end)
    st = m.records.start_at[starting]
    m.records.start_at[starting] = np.nan
    new = ~m.records.acquired[starting]
    fresh, fresh_t = starting[new], st[new]
    m.records.acquired[fresh] = True
    m.records.acq_time[fresh] = fresh_t
    m.ledger.book(fresh_t, fresh, "acquisition", -m.sc["acquisition"]["onboarding_cost"])
    back, back_t = starting[~new], st[~new]
    m.records.won_back_at[back] = back_t
    restart = ~h.alive[back] | h.declining[back]
    m.true_log(back_t[restart], back[restart], "reactivation")
    opens = np.concatenate([fresh, back[restart]])
    # a restarted relationship has to grow again
    m.records.orders_at_start[opens] = m.records.orders[opens]
    _new_gap(m, opens[~h.alive[opens]])
    new_life(m, opens)
    h.alive[starting] = True
    h.declining[starting] = False
    return starting, st


def _end_or_decline(m, ids, when):
    """Relationships of ``ids`` start to end at ``when``: decline first, then stop."""
    h = m.hidden
    d = m.sc["relationship"]["decline_duration"]
    if d > 0:
        h.declining[ids] = True
        h.decline_end[ids] = when + d * crn.exponential(m.seed, crn.DECLINE, ids, h.declines[ids])
        h.declines[ids] += 1
        m.true_log(when, ids, "decline")
    else:
        _stop(m, ids, when)


def _stop(m, ids, when):
    h = m.hidden
    h.alive[ids] = False
    h.declining[ids] = False
    h.dropout_time[ids] = when
    m.true_log(when, ids, "dropout")


def _coin(m, ids, p_eff):
    """Dropout coins (BG/NBD family) for ``ids``; return the mask of those that drop."""
    h = m.hidden
    u = crn.uniform(m.seed, crn.DROPOUT, ids, h.coins[ids])
    h.coins[ids] += 1
    return u < p_eff


def advance_customers(m, t, t_end, starting, st, mult) -> dict[str, np.ndarray]:
    """Purchases and hidden state changes of every live customer in ``[t, t_end)``.

    Returns the step's orders: ``customer``, ``time`` and ``orders_before`` (how many
    orders the customer had made before this one), and who was live in the step
    (``live``) from when (``live_from``).
    """
    h, pp, rel = m.hidden, m.people, m.sc["relationship"]
    model = m.sc["purchase"]["model"]
    pos = np.full(m.n, t)
    pos[starting] = st
    k = m.records.orders.copy()  # running order count within the step
    o_cust, o_time, o_before = [starting], [st], [k[starting].copy()]
    k[starting] += 1
    if model == "mbgnbd" and len(starting):
        p_start = np.minimum(1.0, pp["p"][starting] * mult["dropout"][starting])
        go = _coin(m, starting, p_start)
        _end_or_decline(m, starting[go], st[go])

    live = np.flatnonzero(h.alive)
    cur = pos[live]
    offer = np.where(m.levers.offer_until[live] > t, m.levers.offer_rate, 1.0)
    lam0 = (pp["lam"][live] * m.levers.multiplier("rate", live) * mult["rate"][live]
            * offer * market_rate(m, t, t_end) * trial_boost(m, live, t, t_end))
    if model == "pareto_nbd":
        hazard = pp["mu"][live] * mult["dropout"][live]
    else:
        p_eff = np.minimum(1.0, pp["p"][live] * mult["dropout"][live])
    act = np.arange(len(live))
    while len(act):
        c = live[act]
        grown = depth(k[c] - m.records.orders_at_start[c], rel)
        lam = (lam0[act] * (1.0 + rel["rate_growth"] * grown)
               * np.where(h.declining[c], rel["decline_rate"], 1.0))
        with np.errstate(divide="ignore"):
            t_buy = cur[act] + np.where(lam > 0, h.gap_left[c] / lam, np.inf)
            if model == "pareto_nbd":
                t_state = np.where(h.declining[c], h.decline_end[c],
                                   cur[act] + np.where(hazard[act] > 0,
                                                       h.life_left[c] / hazard[act], np.inf))
            else:
                t_state = np.where(h.declining[c], h.decline_end[c], np.inf)
        t_next = np.minimum(np.minimum(t_buy, t_state), t_end)
        span = t_next - cur[act]
        if model == "pareto_nbd":
            engaged = ~h.declining[c]
            h.life_left[c[engaged]] -= (hazard[act] * span)[engaged]
        buy = (t_buy <= t_state) & (t_buy < t_end)
        change = ~buy & (t_state < t_end)
        h.gap_left[c[~buy]] -= (lam * span)[~buy]
        cur[act] = t_next
        # purchases
        b = c[buy]
        o_cust.append(b)
        o_time.append(t_next[buy])
        o_before.append(k[b].copy())
        k[b] += 1
        _new_gap(m, b)
        if model != "pareto_nbd":
            eng = ~h.declining[b]
            go = _coin(m, b[eng], p_eff[act[buy]][eng])
            _end_or_decline(m, b[eng][go], t_next[buy][eng][go])
        # state changes: an engaged customer starts to decline, a declining one stops
        s = c[change]
        ending = h.declining[s]
        _stop(m, s[ending], t_next[change][ending])
        _end_or_decline(m, s[~ending], t_next[change][~ending])
        act = act[(buy | change) & h.alive[c]]
    return {"customer": np.concatenate(o_cust), "time": np.concatenate(o_time),
            "orders_before": np.concatenate(o_before), "live": live, "live_from": pos[live]}


def price_orders(m, orders: dict, mult: dict, t: float) -> dict[str, np.ndarray]:
    """Value, discount and cost of goods of each order; baskets; ledger and revenue.

    List value = Gamma-Gamma draw (a common random number per customer and order)
    x loyalty and relationship-depth spend multipliers (x ``first_order_spend`` for
    a first order). A price cut lowers what is paid, never the cost of goods.
    """
    pur, rel = m.sc["purchase"], m.sc["relationship"]
    cust, time, before = orders["customer"], orders["time"], orders["orders_before"]
    order = np.lexsort((time, cust))
    cust, time, before = cust[order], time[order], before[order]
    dep = depth(before + 1 - m.records.orders_at_start[cust], rel)
    u = crn.uniform(m.seed, crn.SPEND, cust, before)
    value = (gammaincinv(pur["p"], u) / m.people["nu"][cust] * mult["spend"][cust]
             * (1.0 + rel["spend_growth"] * dep)
             * np.where(before == 0, pur["first_order_spend"], 1.0))
    cuts = m.levers.price_cuts(cust, time)
    cut = sum(cuts.values()) if cuts else np.zeros(len(cust))
    cut = np.clip(cut, 0.0, 1.0)
    lines = m.baskets.draw(cust, time, value, cut, dep)
    n_orders = len(cust)
    list_amount = np.bincount(lines["order"], weights=lines["amount"] + lines["discount"],
                              minlength=n_orders)
    discount = np.bincount(lines["order"], weights=lines["discount"], minlength=n_orders)
    cogs = np.bincount(lines["order"], weights=lines["cost"], minlength=n_orders)
    m.ledger.book(time, cust, "sales", list_amount)
    total_cut = np.where(cut > 0, cut, 1.0)
    for name, share in cuts.items():
        m.ledger.book(time, cust, f"discount:{name}", -discount * np.asarray(share) / total_cut)
    m.ledger.book(time, cust, "cost_of_goods", -cogs)
    paid = list_amount - discount
    m.records.revenue += np.bincount(cust, weights=paid, minlength=m.n)
    counts = np.bincount(cust, minlength=m.n)
    m.records.orders += counts
    got = counts > 0
    ends = np.cumsum(counts)
    first_t = np.full(m.n, np.nan)
    last_t = np.full(m.n, np.nan)
    first_t[got] = time[(ends - counts)[got]]
    last_t[got] = time[ends[got] - 1]
    unset = got & np.isnan(m.records.first_order)
    m.records.first_order[unset] = first_t[unset]
    m.records.last_order[got] = last_t[got]
    return {"customer": cust, "time": time, "orders_before": before, "depth": dep}

"""Print the measured facts of the CDNOW sample over all 78 weeks (issue #8).

    python datasets/cdnow/facts.py              # the facts
    python datasets/cdnow/facts.py --simulate   # plus the cdnow scenario side by side

What the `cdnow` scenario must reproduce to be "statistically like the real cohort":
the trial curve of weeks 1-12, repeat purchases per customer in weeks 1-39 and 40-78,
first vs repeat order value, the extra repeat buying right after the trial purchase,
the week-to-week roughness of the repeat series and calendar effects; plus model fits
(BG/NBD, MBG/NBD, Pareto/NBD on 78 weeks; spend models for first and repeat orders)
that give the simulator's parameters. Every figure is computed here from the log with
:mod:`crmsim.analysis`; tests/test_analysis_tracking.py checks the main ones.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from crmsim.analysis import (
    calendar_effects,
    calibration_and_holdout_data,
    compare_logs,
    expected_weekly_repeats,
    first_vs_repeat_spend,
    fit_bgnbd,
    fit_gamma_gamma,
    repeat_conversion,
    repeat_histogram,
    repeat_rate_by_tenure,
    spend_by_order_number,
    summary_data_from_log,
    trial_curve,
    weekly_tracking,
    weekly_variability,
)
from crmsim.datasets import CDNOW_CALIBRATION_END, CDNOW_END, CDNOW_START, load_cdnow

WEEKS = 78


# ------------------------------------------------------------------ count models, 78 weeks
def mbgnbd_loglik(params, x, tx, T):
    """MBG/NBD log-likelihood (Batislam, Denizel & Filiztekin 2007): may drop out at trial."""
    r, alpha, a, b = params
    lb = special.betaln(a, b)
    head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    t1 = special.betaln(a, b + x + 1) - lb - (r + x) * np.log(alpha + T)
    t2 = special.betaln(a + 1, b + x) - lb - (r + x) * np.log(alpha + tx)
    return float(np.sum(head + np.logaddexp(t1, t2)))


def pareto_nbd_loglik(params, x, tx, T):
    """Pareto/NBD log-likelihood (Fader, Hardie & Lee 2005, 'A note on implementing')."""
    r, alpha, s, beta = params
    big, small = (alpha, beta) if alpha >= beta else (beta, alpha)
    second = s + 1 if alpha >= beta else r + x
    rsx = r + s + x

    def term(t):
        z = (big - small) / (big + t)
        return special.hyp2f1(rsx, second, rsx + 1, z) / (big + t) ** rsx

    a0 = term(tx) - term(T)
    head = (special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
            + s * np.log(beta))
    alive = 1.0 / ((alpha + T) ** (r + x) * (beta + T) ** s)
    return float(np.sum(head + np.log(alive + s / rsx * a0)))


def fit_ll(loglik, x, tx, T, x0):
    """Maximise a 4-parameter log-likelihood over positive parameters (log scale)."""
    res = optimize.minimize(lambda lp: -loglik(np.exp(lp), x, tx, T), np.log(x0),
                            method="Nelder-Mead",
                            options={"xatol": 1e-7, "fatol": 1e-7, "maxiter": 20000})
    return np.exp(res.x), -res.fun


# ------------------------------------------------------------------ spend models
def shared_nu_loglik(params, m1, x, mbar):
    """First order ~ Gamma(p1, nu), repeat orders ~ Gamma(p, nu), one nu ~ Gamma(q, v).

    Joint density of the first amount m1 and the mean mbar of x repeat amounts, with nu
    integrated out (x = 0: only the first order).
    """
    p1, p, q, v = params
    px = p * x
    rep = np.where(x > 0, px * np.log(np.maximum(x, 1)) + (px - 1) * np.log(np.where(
        x > 0, mbar, 1.0)) - special.gammaln(np.maximum(px, 1e-12)), 0.0)
    ll = ((p1 - 1) * np.log(m1) - special.gammaln(p1) + rep + q * np.log(v)
          - special.gammaln(q) + special.gammaln(p1 + px + q)
          - (p1 + px + q) * np.log(m1 + x * mbar + v))
    return float(np.sum(ll))


def spend_table(log):
    """Per customer: first order value, repeat orders in 78 weeks and their mean."""
    s = summary_data_from_log(log, CDNOW_END, freq="D", freq_multiplier=7)
    day = log.assign(day=log["date"].dt.normalize())
    per = day.groupby(["customer_id", "day"])["amount"].sum().reset_index()
    first = per.groupby("customer_id")["amount"].first()
    return pd.DataFrame({"m1": first, "x": s["frequency"], "mbar": s["monetary_value"]})


def main(simulate: bool = False):
    pd.set_option("display.width", 120)
    log = load_cdnow()
    kw = {"start": CDNOW_START}
    print("CDNOW sample: 2,357 customers, weeks 1-78 from 1997-01-01 (week = 7 days)\n")

    tc = trial_curve(log, **kw)
    print("1. Trial curve (share of the cohort making its first purchase in week k):")
    print("   " + ", ".join(f"{s:.4f}" for s in tc["share"]))
    print(f"   first week / peak = {tc['share'].iloc[0] / tc['share'].max():.3f}; "
          f"last first purchase {log.groupby('customer_id')['date'].min().max().date()}\n")

    wk = weekly_tracking(log, weeks=WEEKS, **kw)
    print("2. Repeat purchases (occasions = customer-days): weeks 1-39 "
          f"{wk['repeat'].iloc[:39].sum()}, weeks 40-78 {wk['repeat'].iloc[39:].sum()}, "
          f"total {wk['repeat'].sum()}")
    h = repeat_histogram(log, max_repeats=7, **kw)
    print(h.pivot(index="label", columns="window", values="customers").to_string(), "\n")
    mean_rep = h.assign(n=h["repeats"] * h["customers"]).groupby("window")["n"].sum() / 2357
    print("   (repeats per customer, 7+ counted as 7: "
          + ", ".join(f"{k}: {v:.3f}" for k, v in mean_rep.items()) + ")")
    conv = repeat_conversion(log, [13, 26, 39, 52, 78], **kw)
    print("   repeat conversion by calendar week: " + ", ".join(
        f"wk {w}: {s:.3f}" for w, s in zip(conv["weeks"], conv["share"], strict=True)))
    ten = repeat_conversion(log, [4, 13, 26, 52, 66], by="tenure", **kw)
    print("   within k weeks of the trial:        " + ", ".join(
        f"{w} wk: {s:.3f}" for w, s in zip(ten["weeks"], ten["share"], strict=True)), "\n")

    print("3. Order value (US$; first = trial order, same-day lines summed):")
    print(first_vs_repeat_spend(log, **kw).round(3).to_string(index=False))
    print(spend_by_order_number(log, **kw)[["label", "orders", "mean", "median",
                                              "relative_mean"]].round(3).to_string(index=False))
    sp = spend_table(log)
    rep = sp[sp["x"] > 0]
    rho = stats.spearmanr(rep["m1"], rep["mbar"]).statistic
    print(f"   Spearman corr(first order, mean repeat order) over {len(rep)} repeaters: "
          f"{rho:.3f}")
    rho_x = stats.spearmanr(rep["x"], rep["mbar"]).statistic
    rho_all = stats.spearmanr(sp["m1"], sp["x"]).statistic
    print(f"   Spearman corr(repeats in 78 wk, mean repeat order) over repeaters: {rho_x:.3f};"
          f" corr(first order, repeats in 78 wk) over all: {rho_all:.3f}")
    occ = log.groupby(["customer_id", log["date"].dt.normalize()])["amount"].sum()
    nth = occ.groupby(level=0).cumcount() + 1
    pair = pd.DataFrame({"o1": occ[nth == 1].droplevel(1),
                         "o2": occ[nth == 2].droplevel(1)}).dropna()
    print(f"   same customers' 2nd vs 1st order ({len(pair)} repeaters): ratio of means "
          f"{pair['o2'].mean() / pair['o1'].mean():.3f}; first order of repeaters "
          f"{sp.loc[sp['x'] > 0, 'm1'].mean():.2f} vs non-repeaters "
          f"{sp.loc[sp['x'] == 0, 'm1'].mean():.2f}")
    ok = sp[(sp["m1"] > 0) & ((sp["x"] == 0) | (sp["mbar"] > 0))]
    okr = ok[ok["x"] > 0]
    gg_rep = fit_gamma_gamma(okr["x"], okr["mbar"])
    gg_first = fit_gamma_gamma(np.ones(len(ok)), ok["m1"])
    print(f"   Gamma-Gamma, repeat orders in 78 weeks ({gg_rep.n} repeaters): "
          + ", ".join(f"{k} = {v:.3f}" for k, v in gg_rep.params.items())
          + f"; mean p v/(q-1) = {gg_rep.population_mean_spend():.2f}; LL {gg_rep.loglik:.1f}")
    print(f"   Gamma-Gamma, first orders (x = 1, {gg_first.n} customers): "
          + ", ".join(f"{k} = {v:.3f}" for k, v in gg_first.params.items())
          + f"; mean {gg_first.population_mean_spend():.2f}; LL {gg_first.loglik:.1f}")
    x0 = np.log([gg_first.params["p"], gg_rep.params["p"], gg_rep.params["q"],
                 gg_rep.params["v"]])
    res = optimize.minimize(lambda lp: -shared_nu_loglik(np.exp(lp), ok["m1"].to_numpy(),
                                                         ok["x"].to_numpy(float),
                                                         ok["mbar"].to_numpy()),
                            x0, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-8,
                                                               "maxiter": 20000})
    p1, p, q, v = np.exp(res.x)
    print(f"   one spend scale nu for both (first ~ Gamma(p1, nu), repeat ~ Gamma(p, nu), "
          f"nu ~ Gamma(q, v)): p1 = {p1:.3f}, p = {p:.3f}, q = {q:.3f}, v = {v:.3f}; "
          f"LL {-res.fun:.1f} (4 parameters) vs independent {gg_rep.loglik + gg_first.loglik:.1f}"
          " (6 parameters)")
    print(f"   -> implied means: first {p1 * v / (q - 1):.2f}, repeat {p * v / (q - 1):.2f}, "
          f"ratio {p / p1:.3f}")
    ln_first = stats.lognorm.fit(ok["m1"], floc=0)
    print(f"   lognormal first orders: sigma = {ln_first[0]:.3f}, median = {ln_first[2]:.2f}\n")

    print("4. Repeat rate by weeks since the trial purchase vs BG/NBD fitted on 78 weeks:")
    s78 = summary_data_from_log(log, CDNOW_END, freq="D", freq_multiplier=7)
    f78 = fit_bgnbd(s78["frequency"], s78["recency"], s78["T"])
    rt = repeat_rate_by_tenure(log, weeks=66, bgnbd=f78)
    print("   ratio, tenure weeks 1-12: " + ", ".join(f"{r:.2f}" for r in rt["ratio"].head(12)))
    for a, b in ((1, 4), (5, 8), (9, 26), (27, 66)):
        sel = rt[rt["tenure_week"].between(a, b)]
        print(f"   tenure weeks {a}-{b}: actual {sel['repeats'].sum()}, BG/NBD "
              f"{(sel['expected_rate'] * sel['customers']).sum():.1f}, ratio "
              f"{sel['repeats'].sum() / (sel['expected_rate'] * sel['customers']).sum():.3f}")
    print()

    print("5. Roughness of the weekly series (dispersion around a 5-week local level;"
          " shock = common weekly multiplier):")
    for first_week in (1, 13):
        var = weekly_variability(log, first_week=first_week, last_week=WEEKS, **kw)
        print(var.round(4).to_string(index=False))
    print()

    print("6. Calendar: repeat purchases per month vs BG/NBD (78-week fit) expectation:")
    ew78 = expected_weekly_repeats(f78, log, weeks=WEEKS, **kw)
    ce = calendar_effects(log, baseline=ew78, first_week=1, last_week=WEEKS, **kw)
    print(ce.round(3).to_string(index=False))
    cw = calendar_effects(log, baseline=ew78, by="week", first_week=13, last_week=WEEKS, **kw)
    cw = cw.assign(week_start=(CDNOW_START + pd.to_timedelta(7 * (cw["period"] - 1), "D"))
                   .dt.date)
    print("   weeks 13-78 furthest from the model (index = actual / expected):")
    print(pd.concat([cw.nlargest(5, "index"), cw.nsmallest(3, "index")])
          [["period", "week_start", "repeat", "baseline", "index"]].round(3)
          .to_string(index=False))
    print()

    print("7. Count models:")
    ch = calibration_and_holdout_data(log, CDNOW_CALIBRATION_END, CDNOW_END, freq="D",
                                      freq_multiplier=7)
    f39 = fit_bgnbd(ch["frequency_cal"], ch["recency_cal"], ch["T_cal"])
    cond = f39.expected_purchases(ch["duration_holdout"], ch["frequency_cal"],
                                  ch["recency_cal"], ch["T_cal"]).sum()
    ew39 = expected_weekly_repeats(f39, log, weeks=WEEKS, **kw)
    actual = ch["frequency_holdout"].sum()
    print("   BG/NBD fitted on weeks 1-39: " + ", ".join(
        f"{k} = {v:.3f}" for k, v in f39.params.items()) + f"; LL {f39.loglik:.1f}")
    print(f"   forecast of weeks 40-78: conditional on each customer's history {cond:.1f}, "
          f"unconditional tracking {ew39['expected_repeat'].iloc[39:].sum():.1f}; actual "
          f"{actual} -> {cond / actual - 1:+.1%} / "
          f"{ew39['expected_repeat'].iloc[39:].sum() / actual - 1:+.1%}")
    x, tx, T = (s78[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    print("   on all 78 weeks (2,357 customers):")
    print("   BG/NBD     " + ", ".join(f"{k} = {v:.3f}" for k, v in f78.params.items())
          + f"; LL {f78.loglik:.1f}")
    pm, llm = fit_ll(mbgnbd_loglik, x, tx, T, list(f78.params.values()))
    print(f"   MBG/NBD    r = {pm[0]:.3f}, alpha = {pm[1]:.3f}, a = {pm[2]:.3f}, "
          f"b = {pm[3]:.3f}; LL {llm:.1f}")
    pp, llp = fit_ll(pareto_nbd_loglik, x, tx, T, [0.55, 10.6, 0.6, 11.7])
    print(f"   Pareto/NBD r = {pp[0]:.3f}, alpha = {pp[1]:.3f}, s = {pp[2]:.3f}, "
          f"beta = {pp[3]:.3f}; LL {llp:.1f}")
    x39, tx39, T39 = (ch[c].to_numpy(float) for c in ("frequency_cal", "recency_cal", "T_cal"))
    print(f"   (check: Pareto/NBD LL at the published 39-week estimates 0.55, 10.58, 0.61, "
          f"11.67: {pareto_nbd_loglik([0.55, 10.58, 0.61, 11.67], x39, tx39, T39):.1f}; "
          "published -9595.0)")

    if simulate:
        import crmsim

        sim = crmsim.simulate("cdnow", customers=2357, seed=1)
        tx_sim = sim.transactions
        print("\n8. cdnow scenario (2,357 customers, seed 1) side by side:")
        print(compare_logs(log, tx_sim, start_real=CDNOW_START,
                           start_sim=pd.Timestamp("1997-01-01")).round(4).to_string(index=False))


if __name__ == "__main__":
    main(simulate="--simulate" in sys.argv[1:])

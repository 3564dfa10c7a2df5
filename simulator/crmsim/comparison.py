"""``compare``: strategies side by side on common random numbers, with confidence intervals.

Replication ``k`` of every strategy uses the same seed, hence the same people and
the same random streams (common random numbers), so differences between
strategies come from the strategies, not from luck. Replications run in
parallel processes (joblib) or on a Dask cluster (``scheduler``), see
:mod:`crmsim.parallel`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from crmsim.errors import check_whole, invalid
from crmsim.parallel import run_tasks
from crmsim.result import headline
from crmsim.sim import scenarios
from crmsim.sim.crn import check_seed
from crmsim.sim.strategies import check_strategies
from crmsim.simulation import simulate

#: bounds on the work of one comparison (runs = replications x strategies)
MAX_RUNS = 10_000
MAX_JOBS = 256

METRICS = ("profit", "revenue", "retention", "customer_value", "strategy_cost", "discounts",
           "first_to_repeat", "mean_satisfaction")


def _split(entry) -> list:
    if isinstance(entry, str):
        return [] if entry == "none" else [s for s in entry.split("+") if s]
    return list(entry)


def _label(entry) -> str:
    return entry if isinstance(entry, str) else "+".join(map(str, entry)) or "none"


def run_metrics(scenario, strategies, seed, customers=None, years=None, overrides=None) -> dict:
    """Headline metrics of one run (what ``compare`` aggregates; see ``result.headline``)."""
    res = simulate(scenario, strategies=strategies, seed=seed, customers=customers, years=years,
                   overrides=overrides)
    h = headline(res)
    return {k: h[k] for k in METRICS}


def compare(scenario="retail", strategies=("none", "loyalty_program"), *, replications: int = 5,
            seed: int = 0, customers: int | None = None, years: float | None = None,
            overrides: dict | None = None, n_jobs: int = -1, runs: bool = False,
            progress: bool = False, scheduler: str | None = None):
    """Mean and 95% CI of profit, revenue, retention and customer value per strategy.

    ``strategies`` entries are names, ``"a+b"`` combinations, ``"name:target=tier=A|B"``
    targeted versions, or lists of those. The
    table also has the paired difference in profit against the first entry, whose
    CI is narrow thanks to common random numbers, and ``roi``: that difference per unit of
    money the strategy spent (its ledger spending plus discounts). With ``runs=True`` the per-run
    metrics are returned as a second table; ``progress=True`` shows a progress bar.
    ``scheduler``: address of a Dask scheduler to run the replications on (same results).
    """
    check_seed(seed)
    replications = check_whole("replications", replications, 2, MAX_RUNS)
    if isinstance(strategies, str) or not isinstance(strategies, list | tuple) or not strategies:
        raise invalid("strategies", strategies, "a list of one or more strategy names")
    if replications * len(strategies) > MAX_RUNS:
        raise invalid("replications", replications, f"replications x strategies at most "
                      f"{MAX_RUNS:,} runs ({len(strategies)} strategies)")
    if n_jobs != -1:
        check_whole("n_jobs", n_jobs, 1, MAX_JOBS, f"-1 (all cores) or a whole number in "
                    f"[1, {MAX_JOBS}]")
    sc = scenarios.load(scenario).with_overrides(overrides, customers=customers, years=years)
    for e in strategies:
        if not isinstance(e, str | list | tuple) or (isinstance(e, str) and e != "none"
                                                       and not _split(e)):
            raise invalid("strategies", e, "a name, 'a+b', 'none' or a list of names")
    entries = [_split(e) for e in strategies]
    for e in entries:
        check_strategies(e, sc)  # validate before starting any process
    labels = [_label(e) for e in strategies]
    if len(set(labels)) != len(labels):
        raise invalid("strategies", labels, "distinct entries")
    seeds = np.random.SeedSequence(seed).generate_state(replications).tolist()
    tasks = [(lab, e, r, s) for r, s in enumerate(seeds) for lab, e in zip(labels, entries,
                                                                           strict=True)]
    gen = run_tasks(run_metrics, [(sc, e, s) for _, e, _, s in tasks], jobs=n_jobs,
                    scheduler=scheduler)
    if progress:
        from tqdm.auto import tqdm

        gen = tqdm(gen, total=len(tasks), unit="run", leave=False)
    out = [m for _, m in sorted(gen, key=lambda im: im[0])]
    per_run = pd.DataFrame([{"strategy": lab, "replication": r, "seed": s, **m}
                            for (lab, _, r, s), m in zip(tasks, out, strict=True)])
    table = summarise_runs(per_run, labels)
    return (table, per_run) if runs else table


def summarise_runs(per_run: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    rows = []
    base = per_run[per_run["strategy"] == labels[0]].set_index("replication")["profit"]
    for lab in labels:
        g = per_run[per_run["strategy"] == lab]
        row = {"strategy": lab, "replications": len(g)}
        for m in METRICS:
            mean, half = mean_ci(g[m].to_numpy())
            row[m] = mean
            row[f"{m}_ci95"] = half
        diff = g.set_index("replication")["profit"] - base
        row["profit_vs_first"], row["profit_vs_first_ci95"] = mean_ci(diff.to_numpy())
        # return on the strategy's money: extra profit per unit spent (discounts included)
        spent = g.set_index("replication")[["strategy_cost", "discounts"]].sum(axis=1)
        row["roi"], row["roi_ci95"] = (mean_ci((diff / spent).to_numpy()) if lab != labels[0]
                                       and (spent > 0).all() else (np.nan, np.nan))
        rows.append(row)
    return pd.DataFrame(rows)


def mean_ci(x: np.ndarray) -> tuple[float, float]:
    """Mean and half-width of the 95% t-interval."""
    n = len(x)
    mean = float(np.mean(x))
    if n < 2:
        return mean, float("nan")
    half = float(stdtrit(n - 1, 0.975) * np.std(x, ddof=1) / np.sqrt(n))  # t quantile
    return mean, half

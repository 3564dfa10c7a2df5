"""Speed and memory of the simulator, against a naive SimPy model and a numpy generator.

Prints, in one run on this machine (with the load average before and after, since the
machine may be shared: rely on the ratios):

1. the full model against the models below at ``--customers`` (default 20,000) x 3 years;
2. ``crmsim simulate --out`` at each of ``--scale`` (default 100,000 and 1,000,000
   customers) x 3 years: wall time and peak memory of the command;
3. ``compare`` of every strategy x 10 replications of 10,000 customers (``--compare``).

For (1): customers, simulated years, purchases, events, wall seconds, peak memory,
purchases per second, and the ratios of the full model against

* a naive per-customer SimPy model: one process per customer drawing numpy
  scalars, the retail scenario's Pareto/NBD purchases and lifetime + a 20-seat call
  centre for 10% of purchases;
* a vectorised numpy generator of the same purchase/dropout process (the
  practical limit: no call centre, no latent state, no logs).

Each model and command runs in its own subprocess so that peak memory (max RSS) is its
own. Wall times are medians over ``--repeat`` runs.

    python benchmarks/bench_simulator.py                      # everything (about 10 min)
    python benchmarks/bench_simulator.py --scale --compare 0  # only (1)
    python benchmarks/bench_simulator.py --customers 100000 --repeat 1 --scale 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np


def retail_purchase() -> dict:
    """The retail scenario's Pareto/NBD and spend parameters (per day), from the scenario."""
    import crmsim

    return crmsim.load_scenario("retail")["purchase"]


def naive(n: int, years: float, seed: int) -> dict:
    """One SimPy process per customer, scalar draws, a 20-seat call centre."""
    import simpy

    pur = retail_purchase()
    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    seats = simpy.Resource(env, capacity=20)
    horizon = years * 365
    purchases, calls = [], []  # the logs a per-customer model would keep

    def call(env, cid):
        arrive = env.now
        with seats.request() as req:
            yield req
            wait = env.now - arrive
            yield env.timeout(rng.exponential(0.5 / 24))
        calls.append((cid, arrive, wait))

    def customer(env, cid):
        lam, mu = rng.gamma(pur["r"], 1 / pur["alpha"]), rng.gamma(pur["s"], 1 / pur["beta"])
        nu = rng.gamma(pur["q"], 1 / pur["v"])
        end = env.now + rng.exponential(1 / mu)  # Pareto/NBD: a lifetime in time
        while True:
            yield env.timeout(rng.exponential(1 / lam))
            if env.now > end:
                return
            purchases.append((cid, env.now, rng.gamma(pur["p"], 1 / nu)))
            if rng.random() < 0.1:
                env.process(call(env, cid))

    for cid in range(n):
        env.process(customer(env, cid))
    env.run(until=horizon)
    import pandas as pd

    log = pd.DataFrame(purchases, columns=["customer_id", "timestamp", "amount"])
    waits = pd.DataFrame(calls, columns=["customer_id", "timestamp", "wait"])
    return {"purchases": len(log), "events": len(waits)}


def vectorised(n: int, years: float, seed: int) -> dict:
    """The same purchase/dropout process in a few numpy calls: a Poisson count over each
    customer's lifetime within the horizon, uniform purchase times."""
    pur = retail_purchase()
    rng = np.random.default_rng(seed)
    horizon = years * 365
    lam, mu = rng.gamma(pur["r"], 1 / pur["alpha"], n), rng.gamma(pur["s"], 1 / pur["beta"], n)
    life = np.minimum(rng.exponential(1 / mu), horizon)
    k = rng.poisson(lam * life)
    times = np.repeat(life, k) * rng.random(k.sum())  # times in the log
    return {"purchases": int(k.sum()), "events": 0, "checksum": float(times.sum() % 1)}


def full(n: int, years: float, seed: int) -> dict:
    """crmsim with strategies and the call centre on (20 seats as in the naive model)."""
    import crmsim

    res = crmsim.simulate("retail", customers=n, years=years, seed=seed,
                          strategies=["loyalty_program", "participation", "vip_tiering"],
                          overrides={"service": {"seats": 20}})
    return {"purchases": int(res.transactions["order_id"].nunique()),
            "events": len(res.events) + len(res.true_events)}


def cli(n: int, years: float, seed: int) -> dict:
    """``crmsim simulate --out`` (tables written to a temporary folder), in this process."""
    import tempfile

    from crmsim.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        code = main(["simulate", "--customers", str(n), "--years", str(years), "--seed",
                     str(seed), "--quiet", "--out", f"{tmp}/run"])
        size = sum(f.stat().st_size for f in os.scandir(f"{tmp}/run"))
    return {"purchases": 0, "events": 0, "exit": code, "mb_written": size / 2**20}


def compare(n: int, years: float, seed: int) -> dict:
    """``compare`` of every registered strategy, 10 replications each."""
    import crmsim
    from crmsim.sim.strategies import REGISTRY

    table = crmsim.compare("retail", list(REGISTRY), replications=10, customers=n,
                           years=years, seed=seed)
    return {"purchases": 0, "events": 0, "strategies": len(table)}


MODELS = {"full": full, "naive": naive, "vectorised": vectorised, "cli": cli,
          "compare": compare}


def cpu() -> float:
    """CPU seconds of this process and its finished children (on a shared machine a
    steadier measure than wall time)."""
    own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF,
                                                  resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def child(model: str, n: int, years: float, seed: int) -> None:
    import simpy  # noqa: F401

    import crmsim  # noqa: F401  (imports are not part of the timed work)

    t0, c0 = time.perf_counter(), cpu()
    out = MODELS[model](n, years, seed)
    out["seconds"], out["cpu_s"] = time.perf_counter() - t0, cpu() - c0
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def measure(model: str, n: int, years: float, repeat: int) -> dict:
    runs = []
    for i in range(repeat):
        cmd = [sys.executable, __file__, "--child", model, "--customers", str(n), "--years",
               str(years), "--seed", str(i)]
        runs.append(json.loads(subprocess.run(cmd, check=True, capture_output=True,
                                              text=True).stdout.strip().splitlines()[-1]))
    med = {k: statistics.median(r[k] for r in runs) for k in ("seconds", "cpu_s", "peak_mb",
                                                             "purchases", "events")}
    return {**runs[0], **med}


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=20_000)
    ap.add_argument("--years", type=float, default=3.0)
    ap.add_argument("--repeat", type=int, default=3, help="runs per model (median reported)")
    ap.add_argument("--naive-repeat", type=int, default=1, help="runs of the slow naive model")
    ap.add_argument("--scale", type=int, nargs="*", default=[100_000, 1_000_000],
                    help="customers of each crmsim simulate --out run (none: skip)")
    ap.add_argument("--compare", type=int, default=10_000,
                    help="customers of the compare run (0: skip)")
    ap.add_argument("--child", choices=list(MODELS), help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.customers, a.years, a.seed)
        return
    print(f"{load()} (2 cores shared: rely on the ratios)")
    print(f"customers={a.customers:,}  years={a.years:g}  (medians; each model in its own "
          "process)")
    models = ("full", "naive", "vectorised")
    res = {m: measure(m, a.customers, a.years, a.naive_repeat if m == "naive" else a.repeat)
           for m in models}
    print(f"{'model':<11}{'purchases':>12}{'events':>11}{'wall s':>9}{'CPU s':>8}{'peak MB':>10}"
          f"{'purchases/s':>14}")
    for m, r in res.items():
        print(f"{m:<11}{r['purchases']:>12,.0f}{r['events']:>11,.0f}{r['seconds']:>9.2f}"
              f"{r['cpu_s']:>8.2f}{r['peak_mb']:>10.0f}{r['purchases'] / r['seconds']:>14,.0f}")
    f, nv, vec = res["full"], res["naive"], res["vectorised"]
    ratio = nv["cpu_s"] / f["cpu_s"]
    print(f"\nfull model speed-up over naive SimPy : {nv['seconds'] / f['seconds']:.1f}x wall, "
          f"{ratio:.1f}x CPU (target >= 5x: {'met' if ratio >= 5 else 'NOT met'})")
    print(f"full model time / vectorised numpy   : {f['seconds'] / vec['seconds']:.1f}x")
    per_purchase = (nv["seconds"] / nv["purchases"]) / (f["seconds"] / f["purchases"])
    print(f"full model speed-up per purchase     : {per_purchase:.1f}x")
    print(f"\n{load()}")
    for n in a.scale:
        r = measure("cli", n, a.years, 1)
        ok = "met" if r["peak_mb"] < 2048 else "NOT met"
        print(f"crmsim simulate --out, {n:>9,} customers x {a.years:g} years: "
              f"{r['seconds']:7.1f} s ({r['cpu_s']:.1f} s CPU), {r['peak_mb']:6.0f} MB peak, "
              f"{r['mb_written']:.0f} MB written (exit {r['exit']}; under 2 GB: {ok})")
    if a.compare:
        print(f"\n{load()}")
        r = measure("compare", a.compare, a.years, 1)
        print(f"compare, {r['strategies']} strategies x 10 replications x {a.compare:,} "
              f"customers x {a.years:g} years: {r['seconds']:.1f} s wall (all cores)")
    print(f"\n{load()}")


if __name__ == "__main__":
    main()

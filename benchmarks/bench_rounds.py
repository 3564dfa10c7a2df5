"""Speed of round-by-round play (crmsim.rounds) against one uninterrupted run.

Prints wall seconds (medians over ``--repeat`` runs) for a market of ``--customers``
people over 2 years, with the same two strategies running throughout:

* ``simulate(strategies=...)``: one uninterrupted run;
* ``simulate(schedule=...)``: 8 quarterly rounds in one call (decisions change
  each quarter: seats, acquisition budgets, discount, strategies);
* ``rounds.advance`` x 8: the same rounds one by one, each with its report
  (every table so far is built after each round, as a game does);
* ``rounds.loads`` after the 8th round: restoring a save (it replays the rounds).

    python benchmarks/bench_rounds.py                   # 10,000 customers
    python benchmarks/bench_rounds.py --customers 2000 --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import time

from crmsim import rounds, simulate

STRATEGIES = ["loyalty_program", "win_back:target=tier=A|B"]


def quarters(n: int = 8) -> list:
    """A schedule of ``n`` quarterly rounds whose decisions change every quarter."""
    out = []
    for q in range(n):
        out.append((91 * q, {"strategies": STRATEGIES if q % 4 != 3 else STRATEGIES[:1],
                             "seats": 2 + q % 3,
                             "acquisition": {"online_ads": 1000.0 * (q % 2),
                                             "direct_mail": 500.0},
                             "discount": 0.05 * (q % 2)}))
    return out


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    market = {"scenario": "retail", "seed": 1, "customers": args.customers, "years": 2.0}
    schedule = quarters()

    def by_round():
        m = rounds.open_market("retail", seed=1, customers=args.customers, years=2.0)
        days = [t for t, _ in schedule] + [m.horizon]
        for (_, d), a, b in zip(schedule, days, days[1:], strict=False):
            rounds.advance(m, d, days=b - a)
        return m

    blob = rounds.dumps(by_round())
    runs = {
        "uninterrupted simulate()": lambda: simulate(**market, strategies=STRATEGIES),
        "simulate(schedule=8 quarters)": lambda: simulate(**market, schedule=schedule),
        "8 x rounds.advance (with reports)": by_round,
        "rounds.loads after 8 rounds": lambda: rounds.loads(blob),
    }
    samples = {name: [] for name in runs}
    for _ in range(args.repeat):  # interleaved, so a busy moment hits every variant alike
        for name, fn in runs.items():
            samples[name].append(timed(fn))
    times = {name: statistics.median(ts) for name, ts in samples.items()}
    base = times["uninterrupted simulate()"]
    print(f"{args.customers:,} customers x 2 years, medians of {args.repeat} runs")
    for name, t in times.items():
        print(f"{name:36s} {t:7.2f} s  ({t / base:.2f}x the uninterrupted run)")
    print(f"save size after 8 rounds: {len(blob):,} bytes")


if __name__ == "__main__":
    main()

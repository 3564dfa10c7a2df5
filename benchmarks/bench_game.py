"""How long the instructor waits when closing a round of the classroom game.

Creates a game (SQLite in a temporary folder) with ``--teams`` teams of ``--customers``
customers each, every team submitting different decisions (acquisition, seats, a
strategy, a report), then times ``close_round``:

* round 1 (markets opened and advanced),
* round 2 with the markets kept in the server's memory (the normal case),
* round 3 after a simulated server restart (markets restored from their stored
  snapshots by replaying rounds 1-2, then advanced).

Prints wall-clock seconds and this process's CPU seconds per close (with ``--workers`` the
markets advance in worker processes, whose CPU time is not counted; on a shared machine
the wall time includes waiting for the CPU). The issue's target: 30 teams x 10,000 customers
under 10 s per round on 2 cores.

    python benchmarks/bench_game.py                       # 30 teams x 10,000 customers
    python benchmarks/bench_game.py --teams 10 --customers 2000
    python benchmarks/bench_game.py --workers 2           # markets in 2 worker processes
    python benchmarks/bench_game.py --market shared       # teams compete for prospects
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from crmsim.game import api


def decisions(i: int) -> dict:
    strategies = [[], ["loyalty_program"], ["win_back:target=tier=A|B"], ["proactive_care"]]
    return {"acquisition": {"direct_mail": 200.0 * (i % 5)}, "seats": 2 + i % 4,
            "discount": 0.02 * (i % 3), "strategies": strategies[i % 4],
            "reports": ["rfm_segments"] if i % 2 else []}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teams", type=int, default=30)
    ap.add_argument("--customers", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=1, help="market worker processes")
    ap.add_argument("--market", default="copies", help="copies or shared")
    args = ap.parse_args()
    api.use_workers(args.workers)
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{os.path.join(tmp, 'bench.db')}"
        names = [f"team{i:02d}" for i in range(args.teams)]
        g = api.create_game(db, {"customers": args.customers, "rounds": 4,
                                 "starting_budget": 1e6, "market": args.market}, teams=names)
        print(f"{args.teams} teams x {args.customers:,} customers, rounds of 91 days, "
              f"{args.market} market, {os.cpu_count()} CPUs, {args.workers} market "
              "process(es)")
        for r, label in [(1, "round 1 (markets opened)"), (2, "round 2 (markets in memory)"),
                         (3, "round 3 after a restart (markets replayed from snapshots)")]:
            for i, name in enumerate(names):
                api.submit(db, g["teams"][name], decisions(i + r))
            if r == 3:  # a restart: no market in memory
                api.MARKETS.clear()
                api.use_workers(args.workers)
            t, cpu = time.perf_counter(), time.process_time()
            api.close_round(db, g["admin_token"])
            s, c = time.perf_counter() - t, time.process_time() - cpu
            print(f"{label:58s} wall {s:6.2f} s, CPU {c:6.2f} s ({s / args.teams:.3f} s "
                  "wall per team)")
    api.use_workers(1)


if __name__ == "__main__":
    main()

"""60 teams submitting at once through the production server: is anything lost, how long
does a team wait?

Starts ``crmsim game serve`` (waitress, as in class) in its own process on a free port and
a temporary SQLite database, creates a game with ``--teams`` teams, lets every team load
its page (a browser session: cookie and CSRF token), then releases all of them at the same
moment to submit their decision form (``--waves`` times, each team a different seats
value each wave). Checks that every submission was answered 200 and stored (the latest
stored decisions of each team are the ones it sent last), then prints the request latency
(median, 95th percentile, max) and, as the baseline measured in the same run, the latency
of the same submission sent by one team alone, with the ratio.

    python benchmarks/bench_game_load.py                 # 60 teams, 3 waves
    python benchmarks/bench_game_load.py --teams 120 --threads 32
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crmsim.game import api, store  # noqa: E402
from tests.game_server import Browser, free_port, kill, start_server_process  # noqa: E402


def _form(token: str, csrf: str, seats: int) -> dict:
    return {"csrf_token": csrf, "round": "1", "author": "load", "seats": str(seats),
            "acq_direct_mail": "100", "use_loyalty_program": "1",
            "params_loyalty_program": "fee_per_member=1"}


def _percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def _wave(base, teams, browsers, csrfs, seats_of) -> list[tuple[int, float]]:
    """Every team submits at the same moment; returns (status, seconds) per team."""
    barrier = threading.Barrier(len(teams))
    out = [None] * len(teams)

    def one(i, token):
        barrier.wait()
        t0 = time.perf_counter()
        status, _ = browsers[i].post(f"{base}/team/{token}/submit",
                                     _form(token, csrfs[i], seats_of(i)))
        out[i] = (status, time.perf_counter() - t0)

    threads = [threading.Thread(target=one, args=(i, tok)) for i, tok in enumerate(teams)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teams", type=int, default=60)
    ap.add_argument("--waves", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None, help="server threads (default "
                    "crmsim.game.web.THREADS)")
    ap.add_argument("--baseline", type=int, default=30, help="submissions of one team alone")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{os.path.join(tmp, 'load.db')}"
        g = api.create_game(db, {"customers": 500, "max_seats": 60},
                            teams=[f"team{i:02d}" for i in range(args.teams)])
        tokens = list(g["teams"].values())
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        extra = [] if args.threads is None else ["--threads", str(args.threads)]
        proc = start_server_process(db, port, *extra)
        try:
            browsers = [Browser() for _ in tokens]
            csrfs = [b.csrf(f"{base}/team/{t}") for b, t in zip(browsers, tokens, strict=True)]
            # baseline: one team alone, one request at a time
            alone = []
            for k in range(args.baseline):
                t0 = time.perf_counter()
                status, _ = browsers[0].post(f"{base}/team/{tokens[0]}/submit",
                                             _form(tokens[0], csrfs[0], k % 10))
                alone.append(time.perf_counter() - t0)
                assert status == 200, status
            loaded, statuses = [], []
            t_all = time.perf_counter()
            for w in range(args.waves):
                res = _wave(base, tokens, browsers, csrfs, lambda i, w=w: (i + w) % 50)
                statuses += [s for s, _ in res]
                loaded += [t for _, t in res]
            wall = time.perf_counter() - t_all
        finally:
            kill(proc)
        with api.engine(db).begin() as conn:
            rows = store.submissions(conn, g["game_id"])
            order = {t["id"]: i for i, t in enumerate(store.teams(conn, g["game_id"]))}
        last = {r["team_id"]: store.load(r["decisions"])["seats"] for r in rows}
        api.engine(db).dispose()
    expected = args.baseline + args.teams * args.waves
    stored, lost = len(rows), expected - len(rows)
    wrong = sum(last.get(tid) != (i + args.waves - 1) % 50 for tid, i in order.items())
    ok = sum(s == 200 for s in statuses)
    print(f"{args.teams} teams x {args.waves} waves submitting at once through waitress "
          f"({args.threads or 'default'} threads), {os.cpu_count()} CPUs")
    print(f"answered 200: {ok} of {len(statuses)}; stored {stored} of {expected} "
          f"submissions (lost {lost}); latest decisions wrong for {wrong} teams")
    med, p95 = statistics.median(loaded), _percentile(loaded, 0.95)
    base_med = statistics.median(alone)
    print(f"latency under load: median {med * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"max {max(loaded) * 1000:.0f} ms; {len(statuses) / wall:.0f} submissions/s")
    print(f"baseline, one team alone: median {base_med * 1000:.0f} ms, p95 "
          f"{_percentile(alone, 0.95) * 1000:.0f} ms; ratio median under load / alone "
          f"{med / base_med:.1f}x")
    if lost or wrong or ok != len(statuses):
        raise SystemExit("submissions were lost or refused")


if __name__ == "__main__":
    main()

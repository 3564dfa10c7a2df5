"""Market workers: processes that keep teams' markets in memory, so a close uses every core.

An open market holds SimPy generator processes and cannot be pickled, so it cannot travel
between processes; instead each team's market lives in one worker (team ``k`` on worker
``k % n``) from round to round. A worker that does not hold a team's market at the right
round restores it from the stored snapshot it is sent. Results are the same as in one
process: only the wall time changes. Used by ``crmsim game serve --workers N`` through
:func:`crmsim.game.api.use_workers`.
"""

from __future__ import annotations

import multiprocessing
import threading

from crmsim.errors import CrmsimError
from crmsim.game import play


def _serve(conn) -> None:  # pragma: no cover - runs in the worker process
    markets: dict = {}
    while True:
        msg = conn.recv()
        if msg is None:
            return
        kind, payload = msg
        try:
            if kind == "play":
                out = []
                for key, source, settings, decisions, round_no, profit, rival_ids in payload:
                    held = markets.pop(key, None)
                    market = source
                    if source == "memory":
                        if held is None or held[0] != round_no - 1:
                            raise CrmsimError(f"market {key} is not in this worker")
                        market = held[1]
                    m, *done = play.play_round(market, settings, decisions, round_no, profit,
                                               rival_ids)
                    markets[key] = (round_no, m)
                    out.append(tuple(done))
                conn.send(("ok", out))
            else:  # ("data", (key, round_no, fmt))
                key, round_no, fmt = payload
                held = markets.get(key)
                ok = held is not None and held[0] == round_no
                conn.send(("ok", play.data_zip(held[1], fmt) if ok else None))
        except Exception as exc:  # noqa: BLE001 - reported to the parent, worker lives on
            conn.send(("error", f"{exc.__class__.__name__}: {exc}"))


class MarketWorkers:
    """``n`` worker processes holding markets; :meth:`play` advances teams in parallel."""

    def __init__(self, n: int):
        ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self.conns, self.procs, self.locks = [], [], []
        #: ``{key: round}`` of the market each worker holds
        self.held: dict = {}
        for _ in range(n):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(child,), daemon=True)
            proc.start()
            child.close()
            self.conns.append(parent)
            self.procs.append(proc)
            self.locks.append(threading.Lock())

    def _which(self, key) -> int:
        return key[1] % len(self.conns)

    def _ask(self, i: int, msg):
        with self.locks[i]:
            try:
                self.conns[i].send(msg)
                status, out = self.conns[i].recv()
            except (EOFError, OSError) as exc:
                self.held = {k: r for k, r in self.held.items() if self._which(k) != i}
                raise CrmsimError(f"market worker {i} stopped ({exc.__class__.__name__}); "
                                  "restart the server: markets are restored from the "
                                  "stored snapshots") from None
        if status != "ok":
            raise CrmsimError(f"market worker {i}: {out}")
        return out

    def needs_snapshot(self, key, round_no: int) -> bool:
        """Whether the market of ``key`` after ``round_no - 1`` must be sent."""
        return round_no > 1 and self.held.get(key) != round_no - 1

    def play(self, tasks: list[tuple]) -> list[tuple]:
        """``tasks``: ``(key, snapshot bytes | None | "memory", settings, decisions,
        round_no, previous_profit, rival ids)``; returns ``(snapshot, ran, results, reports,
        held)`` in order (see :func:`crmsim.game.play.play_round`)."""
        batches: dict[int, list] = {}
        for pos, task in enumerate(tasks):
            batches.setdefault(self._which(task[0]), []).append((pos, task))
        answers: dict[int, list] = {}
        errors: list = []

        def run(i, batch):
            try:
                answers[i] = self._ask(i, ("play", [t for _, t in batch]))
            except CrmsimError as exc:
                errors.append(exc)

        threads = [threading.Thread(target=run, args=item) for item in batches.items()]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for task in tasks:  # what a worker held before is gone or advanced now
            self.held.pop(task[0], None)
        if errors:
            raise errors[0]
        out: list = [None] * len(tasks)
        for i, batch in batches.items():
            for (pos, task), result in zip(batch, answers[i], strict=True):
                out[pos] = result
                self.held[task[0]] = task[4]
        return out

    def data(self, key, round_no: int, fmt: str) -> bytes | None:
        """The customer-data zip of a market held at ``round_no``, or None."""
        if self.held.get(key) != round_no:
            return None
        return self._ask(self._which(key), ("data", (key, round_no, fmt)))

    def close(self) -> None:
        for conn, proc in zip(self.conns, self.procs, strict=True):
            try:
                conn.send(None)
            except OSError:
                pass
            proc.join(10)
            if proc.is_alive():
                proc.kill()

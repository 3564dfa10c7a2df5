"""Where independent tasks run: local processes (joblib), local threads, or a Dask cluster.

``run_tasks(fn, tasks, jobs=..., scheduler=...)`` is the one place that chooses; both
``crmsim compare`` (simulation replications) and ``crmsim grade`` (one sandboxed run per
submission) call it. It yields ``(index, result)`` as tasks finish, so callers can keep
what finished when a batch is interrupted; ``tasks`` may be a lazy iterable of argument
tuples (at most ``2 * workers`` are prepared ahead).

``scheduler`` is the address of a running Dask scheduler (``tcp://host:8786``); the
``distributed`` package submits the tasks to its workers, which need crmsim installed.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
from collections.abc import Callable, Iterable, Iterator

from crmsim.errors import invalid, missing_extra


def _indexed(i: int, fn: Callable, args: tuple):
    return i, fn(*args)


def connect(scheduler: str):
    """A ``distributed.Client`` for ``scheduler``, or a one-line error naming it."""
    try:
        from distributed import Client
    except ModuleNotFoundError as exc:
        raise missing_extra(exc, "--scheduler") or exc from None

    try:
        return Client(scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise invalid("scheduler", scheduler, "the address of a running Dask scheduler, e.g. "
                      f"tcp://127.0.0.1:8786 ({type(exc).__name__})") from None


def run_tasks(fn: Callable, tasks: Iterable[tuple], *, jobs: int = -1,
              scheduler: str | None = None, threads: bool = False) -> Iterator[tuple[int, object]]:
    """Run ``fn(*args)`` for every ``args`` in ``tasks``; yield ``(index, result)``.

    ``jobs``: local workers (-1 = all cores). ``threads=True``: local threads instead of
    processes (for tasks that mostly wait on a child process). ``scheduler``: run on that
    Dask cluster instead (``jobs`` is then ignored).
    """
    if scheduler:
        return _dask(fn, tasks, connect(scheduler))  # connect now: a bad address fails here
    n = (os.cpu_count() or 1) if jobs is None or jobs < 1 else jobs
    if threads:
        return _threads(fn, tasks, n)
    from joblib import Parallel, delayed

    return Parallel(n_jobs=n, return_as="generator_unordered")(
        delayed(_indexed)(i, fn, a) for i, a in enumerate(tasks))


def _threads(fn, tasks, n: int):
    with cf.ThreadPoolExecutor(n) as pool:
        yield from _bounded(lambda i, a: pool.submit(_indexed, i, fn, a), tasks, 2 * n,
                            lambda fs: cf.wait(fs, return_when=cf.FIRST_COMPLETED)[0],
                            lambda f: f.cancel())


def _bounded(submit, tasks, ahead: int, wait_some, cancel):
    """Keep at most ``ahead`` futures in flight; yield their results as they finish."""
    it = iter(enumerate(tasks))
    running: set = set()
    try:
        while True:
            while len(running) < ahead:
                nxt = next(it, None)
                if nxt is None:
                    break
                running.add(submit(*nxt))
            if not running:
                return
            for f in wait_some(running):
                running.discard(f)
                yield f.result()
    finally:
        for f in running:
            cancel(f)


def _dask(fn, tasks, client):
    from distributed import wait

    try:
        ahead = 2 * max(1, sum(client.nthreads().values()))
        yield from _bounded(lambda i, a: client.submit(_indexed, i, fn, a, pure=False), tasks,
                            ahead,
                            lambda fs: wait(list(fs), return_when="FIRST_COMPLETED").done,
                            lambda f: f.cancel())
    finally:
        client.close()

"""Where the runs of a sweep execute: this process, a local process pool, or a Dask cluster.

Each backend takes an iterator of tasks, a picklable ``call(task) -> output`` and a
``handle(output)`` run in the parent as each output arrives, and keeps at most twice as many
tasks in flight as there are workers, so neither the parent nor the scheduler holds the whole
sweep. Outputs are handled in completion order; nothing downstream depends on that order.

- Local: ``concurrent.futures.ProcessPoolExecutor`` with an explicit ``spawn`` context
  (Mesa 3.3 requires it) and one BLAS thread per worker. A failed run, a killed worker
  (``BrokenProcessPool``) or Ctrl-C stops the other workers at once; every run that finished
  before is handled first.
- Dask: ``distributed.Client(address)``, ``client.submit`` and ``as_completed``; each result
  is released as soon as it is handled. Workers need the package installed, not the
  results folder: outputs travel back to the parent, which writes them.
"""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from valuechain.errors import UserError

__all__ = ["run_dask", "run_local"]


def run_local(tasks: Iterator[Any], call: Callable[[Any], Any], workers: int, handle) -> None:
    """Run tasks in this process (1 worker) or on a spawned pool, a bounded window at a time."""
    from valuechain.runs.replications import _one_blas_thread, _terminate_workers

    if workers <= 1:
        for task in tasks:
            handle(call(task))
        return
    ctx = multiprocessing.get_context("spawn")  # Mesa 3.3 needs spawn; say so explicitly
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_one_blas_thread)
    pending: dict[Any, Any] = {}
    try:
        _fill(pending, tasks, 2 * workers, lambda t: pool.submit(call, t))
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            failed = None
            for fut in done:
                pending.pop(fut)
                if fut.exception() is not None:
                    failed = failed or fut.exception()
                else:
                    handle(fut.result())  # keep every finished run before failing
            if failed is not None:
                raise failed
            _fill(pending, tasks, 2 * workers, lambda t: pool.submit(call, t))
    except BaseException:  # a failed run, a killed worker or Ctrl-C: stop the others now
        _terminate_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _fill(pending: dict, tasks: Iterator[Any], window: int, submit) -> None:
    while len(pending) < window:
        task = next(tasks, None)
        if task is None:
            return
        pending[submit(task)] = task


def run_dask(tasks: Iterator[Any], call: Callable[[Any], Any], address: str, handle) -> int:
    """Send tasks to a Dask distributed scheduler; return the number of worker threads."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise UserError(
            "--cluster needs Dask distributed, which is not installed",
            hint='pip install "valuechain[cluster]"',
        ) from None
    try:
        client = Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise UserError(
            f"cannot reach the Dask scheduler at {address}: {exc}",
            hint="start one with `dask scheduler` and workers with `dask worker ADDRESS`, "
            "then pass --cluster tcp://HOST:PORT",
        ) from None
    pending: dict[Any, Any] = {}
    tag = uuid.uuid4().hex[:12]  # keys unique on a scheduler shared by several sweeps
    try:
        threads = sum(client.nthreads().values()) or 1

        def submit(t: Any):
            key = f"valuechain-run-{getattr(t, 'point', '')}-{getattr(t, 'replication', '')}-{tag}"
            return client.submit(call, t, key=key, pure=False)

        _fill(pending, tasks, 2 * threads, submit)
        finished = as_completed(list(pending), loop=client.loop)
        for fut in finished:
            pending.pop(fut)
            handle(fut.result())  # re-raises a worker's exception here
            fut.release()
            before = set(pending)
            _fill(pending, tasks, 2 * threads, submit)
            for new in set(pending) - before:
                finished.add(new)
        return threads
    except BaseException:
        client.cancel(list(pending))
        raise
    finally:
        client.close()

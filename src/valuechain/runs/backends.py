"""Runs of a sweep on a Dask cluster (the local backend is :mod:`valuechain.runs.pool`).

:func:`run_dask` takes an iterator of tasks, a picklable ``call(task) -> output`` and a
``handle(output)`` run in the parent as each output arrives, like
:func:`valuechain.runs.pool.run_tasks`, and keeps at most twice as many tasks in flight as
the cluster has worker threads, so neither the parent nor the scheduler holds the whole
sweep. It uses ``distributed.Client(address)``, ``client.submit`` and ``as_completed``; each
result is released as soon as it is handled. Each task runs with one BLAS thread
(:func:`valuechain.runs.pool.call_with_one_blas_thread`). Workers need the package
installed, not the results folder: outputs travel back to the parent, which writes them.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from valuechain.errors import UserError
from valuechain.runs.pool import call_with_one_blas_thread

__all__ = ["run_dask"]


def run_dask(
    tasks: Iterator[Any],
    call: Callable[[Any], Any],
    address: str,
    handle: Callable[[Any], None],
) -> int:
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
    pending: set[Any] = set()
    tag = uuid.uuid4().hex[:12]  # keys unique on a scheduler shared by several sweeps
    limited = functools.partial(call_with_one_blas_thread, call)
    count = 0
    try:
        threads = sum(client.nthreads().values()) or 1

        def fill() -> list[Any]:
            nonlocal count
            new = []
            while len(pending) < 2 * threads:
                task = next(tasks, None)
                if task is None:
                    break
                count += 1
                fut = client.submit(limited, task, key=f"valuechain-run-{count}-{tag}", pure=False)
                pending.add(fut)
                new.append(fut)
            return new

        finished = as_completed(fill(), loop=client.loop)
        for fut in finished:
            pending.discard(fut)
            handle(fut.result())  # re-raises a worker's exception here
            fut.release()
            for new in fill():
                finished.add(new)
        return threads
    except BaseException:
        client.cancel(list(pending))
        raise
    finally:
        client.close()

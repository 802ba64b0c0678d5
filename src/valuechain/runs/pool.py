"""The one local process pool: how worker processes are started, limited and stopped.

Replications (:func:`valuechain.runs.replications.run_scenario`) and sweeps
(:func:`valuechain.experiments.sweep.run_experiment`) run their local work through
:func:`run_tasks`, calibrations (:mod:`valuechain.experiments.abc`) through
:func:`kept_pool`; nothing else creates worker processes. This module alone decides:

- the start method: ``spawn``, as an explicit context. Mesa 3.3 requires it (importing
  ``mesa.batchrunner``, which ``import mesa`` does, sets it for the whole process with
  ``force=True``); asking for it here makes the pool independent of import order.
- one BLAS thread per run (:func:`one_blas_thread`, with threadpoolctl): runs are the
  parallel unit, and several OpenBLAS threads per worker fight over the cores the other
  workers use, making district-sized dot products ten times slower, not faster. The limit
  holds in pool workers, in this process when it runs the tasks itself, and in Dask workers
  (:func:`call_with_one_blas_thread`).
- clean-up: a failed run, a killed worker (``BrokenProcessPool``) or Ctrl-C terminates the
  workers at once (a worker ignores Ctrl-C until its run ends); every run that finished
  before is handled first.

At most twice as many tasks as workers are in flight, so neither this process nor the pool
holds all the tasks' inputs and outputs at once. Outputs are handled in completion order;
callers that need an order (replications, consolidated sweeps) restore it from the task keys,
which is why results are identical, byte for byte, whatever the number of workers.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

__all__ = [
    "START_METHOD",
    "call_with_one_blas_thread",
    "kept_pool",
    "one_blas_thread",
    "run_tasks",
]

#: How worker processes are started (Mesa 3.3 requires spawn).
START_METHOD = "spawn"

T = TypeVar("T")
R = TypeVar("R")


@functools.cache
def _blas_controller() -> Any:
    """This process's BLAS libraries, found once (finding them costs milliseconds)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """A context in which BLAS libraries use one thread (the previous limit comes back after)."""
    return _blas_controller().limit(limits=1)


def call_with_one_blas_thread(call: Callable[[T], R], task: T) -> R:
    """``call(task)`` with one BLAS thread: the wrapper for workers this module did not start."""
    with one_blas_thread():
        return call(task)


def _init_worker() -> None:
    """Pool worker initialiser: one BLAS thread for the worker's whole life."""
    import numpy  # noqa: F401  (load numpy's BLAS before limiting it)

    _blas_controller().limit(limits=1)  # applied at once; never restored in a worker


def run_tasks(
    tasks: Iterable[T],
    call: Callable[[T], R],
    workers: int,
    handle: Callable[[R], None],
) -> None:
    """Run ``call(task)`` for every task and pass each output to ``handle`` in this process.

    Args:
        tasks: the tasks (consumed lazily, a window of ``2 * workers`` at a time).
        call: a picklable function of one task (a module-level function or a
            :func:`functools.partial` of one).
        workers: processes; 1 (or fewer) runs every task in this process, in order.
        handle: called in this process with each output as it arrives (completion order).

    Raises:
        Exception: the first exception a task raised (after handling the outputs that had
            arrived), or ``BrokenProcessPool`` when a worker died; the workers are terminated.
    """
    with kept_pool(workers) as run:
        run(tasks, call, handle)


@contextlib.contextmanager
def kept_pool(
    workers: int,
) -> Iterator[Callable[[Iterable[T], Callable[[T], R], Callable[[R], None]], None]]:
    """Like :func:`run_tasks`, with the worker processes kept between calls: yields
    ``run(tasks, call, handle)``, for work that comes in rounds (a calibration's batches),
    where starting the workers again for each round would cost more than the round."""
    if workers <= 1:

        def here(tasks: Iterable[T], call: Callable[[T], R], handle: Callable[[R], None]) -> None:
            with one_blas_thread():
                for task in tasks:
                    handle(call(task))

        yield here
        return
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(START_METHOD),
        initializer=_init_worker,
    )
    try:
        yield lambda tasks, call, handle: _run_on(pool, iter(tasks), call, workers, handle)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_on(
    pool: ProcessPoolExecutor,
    tasks: Iterator[T],
    call: Callable[[T], R],
    workers: int,
    handle: Callable[[R], None],
) -> None:
    """Run the tasks on ``pool`` (see :func:`run_tasks`); a failure terminates the workers."""
    pending: dict[Future[R], T] = {}
    try:
        _fill(pending, tasks, 2 * workers, lambda t: pool.submit(call, t))
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            failed: BaseException | None = None
            for fut in done:
                pending.pop(fut)
                exc = fut.exception()
                if exc is not None:
                    failed = failed or exc
                else:
                    handle(fut.result())  # keep every finished run before failing
            if failed is not None:
                raise failed
            _fill(pending, tasks, 2 * workers, lambda t: pool.submit(call, t))
    except BaseException:  # a failed run, a killed worker or Ctrl-C: stop the others now
        _terminate_workers(pool)
        raise


def _fill(
    pending: dict[Any, T], tasks: Iterator[T], window: int, submit: Callable[[T], Any]
) -> None:
    """Submit tasks until ``window`` are in flight or none are left."""
    while len(pending) < window:
        task = next(tasks, None)
        if task is None:
            return
        pending[submit(task)] = task


def _terminate_workers(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's processes now, not after their current runs."""
    if sys.version_info >= (3, 14):
        pool.terminate_workers()
        return
    # Before Python 3.14 the executor has no public way to stop its processes.
    for proc in list((pool._processes or {}).values()):
        if proc.is_alive():
            proc.terminate()

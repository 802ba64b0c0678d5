"""The process pool and the progress bar shared by replications and sweeps."""

from __future__ import annotations

import io
import math
import sys

import pytest

from valuechain.runs.pool import run_tasks
from valuechain.runs.progress import progress_bar


@pytest.mark.parametrize("workers", [1, 2])
def test_every_task_is_run_and_handled_once(workers: int) -> None:
    got: list[float] = []
    run_tasks(iter([1.0, 4.0, 9.0, 16.0, 25.0]), math.sqrt, workers, got.append)
    assert sorted(got) == [1.0, 2.0, 3.0, 4.0, 5.0]


def test_in_process_outputs_come_in_task_order() -> None:
    got: list[float] = []
    run_tasks([9.0, 1.0, 4.0], math.sqrt, 1, got.append)
    assert got == [3.0, 1.0, 2.0]


def test_a_failed_task_raises_in_the_caller_after_the_runs_before_it() -> None:
    got: list[float] = []
    with pytest.raises(ValueError, match="math domain error"):
        run_tasks([4.0, -1.0, 9.0], math.sqrt, 1, got.append)
    assert got == [2.0]  # in process, in order: the run before is handled, none after


def test_a_failed_task_in_a_worker_raises_in_the_caller() -> None:
    got: list[float] = []
    with pytest.raises(ValueError, match="math domain error"):
        run_tasks([4.0, -1.0], math.sqrt, 2, got.append)
    assert set(got) <= {2.0}  # workers finish in any order: the good run may or may not land


def test_the_bar_stays_hidden_when_not_asked_for_or_not_on_a_terminal(monkeypatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # a pipe or log file, not a terminal
    assert progress_bar(3, "runs", show=False).disable
    assert progress_bar(3, "runs", show=True).disable
    assert sys.stderr.getvalue() == ""

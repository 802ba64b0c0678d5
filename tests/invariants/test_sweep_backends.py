"""The same sweep gives identical results on 1 worker, 2 workers and a real Dask cluster.

The cluster is a ``distributed.LocalCluster`` started here: a real scheduler and two worker
processes talking TCP on loopback, no mocks. Each run depends only on its scenario and seed,
and consolidation orders the runs by (point, replication), so neither the number of workers
nor the order in which runs finish can change a byte of the results.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.sweep_cases import write_experiment
from valuechain.experiments.sweep import run_experiment

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as lc:
        yield lc.scheduler_address


@pytest.fixture(scope="module")
def experiment(tmp_path_factory) -> Path:
    return write_experiment(tmp_path_factory.mktemp("exp"))  # 4 points x 2 replications


def test_results_do_not_depend_on_the_backend(
    experiment: Path, cluster: str, tmp_path: Path
) -> None:
    one = run_experiment(experiment, workers=1, out=tmp_path / "one")
    two = run_experiment(experiment, workers=2, out=tmp_path / "two")
    dask = run_experiment(experiment, cluster=cluster, out=tmp_path / "dask")
    assert dask.manifest["backend"] == f"dask {cluster}" and dask.manifest["workers"] == 2
    assert two.manifest["workers"] == 2
    for other in (two, dask):
        pd.testing.assert_frame_equal(other.runs, one.runs)
        pd.testing.assert_frame_equal(other.timeseries, one.timeseries)
        assert other.manifest["files"] == one.manifest["files"]  # byte-identical Parquet

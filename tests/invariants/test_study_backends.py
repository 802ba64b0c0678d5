"""A study gives identical results folders on 1 worker, 2 workers and a real Dask cluster.

Each world of a study (a scenario, or a baseline several scenarios share) is run once and its
replications are put back in order before anything is written, so neither the backend nor the
order in which runs finish can change a byte of the tables. The cluster is a
``distributed.LocalCluster`` started here (a real scheduler and two worker processes).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from valuechain.experiments.study import run_study
from valuechain.runs.results import MANIFEST

distributed = pytest.importorskip("distributed")

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _study(folder: Path) -> Path:
    path = folder / "study.toml"
    path.write_text(
        f"""
[settings]
replications = 2
months = 8
households = 300

[scenarios.pkh]
file = "{(SCENARIOS / "coffee_pkh.toml").as_posix()}"

[scenarios.education]
file = "{(SCENARIOS / "coffee_education.toml").as_posix()}"
"""
    )
    return path


def test_study_results_do_not_depend_on_the_backend(tmp_path: Path) -> None:
    study = _study(tmp_path)
    run_study(study, tmp_path / "one", workers=1)
    run_study(study, tmp_path / "two", workers=2)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        run_study(study, tmp_path / "dask", cluster=cluster.scheduler_address)
    for sid in ("pkh", "education"):
        files = {
            out: json.loads((tmp_path / out / "runs" / sid / MANIFEST).read_text())["files"]
            for out in ("one", "two", "dask")
        }
        assert files["two"] == files["one"] and files["dask"] == files["one"]  # same bytes

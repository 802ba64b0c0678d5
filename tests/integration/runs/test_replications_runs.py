"""Runner on real runs of a tiny scenario: seeds, pairing with the baseline, determinism
whatever the number of worker processes. Moved out of tests/unit (they run the model)."""

from __future__ import annotations

import pandas as pd
import pytest

from valuechain.runs.replications import run_scenario


@pytest.fixture(scope="module")
def in_process(tmp_path_factory, tiny_factory):
    files = tiny_factory(tmp_path_factory.mktemp("runner"))
    return files, run_scenario(files.scenario, workers=1)


def test_replication_r_uses_seed_plus_r_and_baseline_shares_seeds(in_process):
    _, sr = in_process
    assert sr.seeds == [1234, 1235]
    assert sr.runs["seed"].tolist() == [1234, 1235]
    assert sr.runs["replication"].tolist() == [0, 1]
    assert sr.baseline is not None
    assert sr.baseline.runs["seed"].tolist() == [1234, 1235]
    assert sr.baseline.name == "tiny_baseline"
    n_rows = 2 * 6 * (1 + 1)  # replications x months x (districts + "all")
    assert len(sr.timeseries) == n_rows == len(sr.baseline.timeseries)
    assert list(sr.timeseries.columns[:6]) == [
        "scenario", "replication", "seed", "step", "date", "district",
    ]  # fmt: skip
    assert "extreme_poverty_rate_march_last" in set(sr.comparison["indicator"])


def test_same_seed_same_results_whatever_the_workers(in_process):
    files, first = in_process
    again = run_scenario(files.scenario, workers=1)
    pooled = run_scenario(files.scenario, workers=2)
    for other in (again, pooled):
        pd.testing.assert_frame_equal(first.timeseries, other.timeseries, check_exact=True)
        pd.testing.assert_frame_equal(first.runs, other.runs, check_exact=True)
        pd.testing.assert_frame_equal(
            first.baseline.timeseries, other.baseline.timeseries, check_exact=True
        )
        pd.testing.assert_frame_equal(first.comparison, other.comparison, check_exact=True)


def test_different_seeds_give_different_runs(in_process):
    files, first = in_process
    other = run_scenario(files.baseline, replications=1, seed=99)
    assert other.seeds == [99]
    mine = first.baseline.timeseries.query("replication == 0").drop(columns=["seed"])
    theirs = other.timeseries.drop(columns=["seed"])
    theirs["scenario"] = mine["scenario"].iloc[0]
    assert not mine.reset_index(drop=True).equals(theirs.reset_index(drop=True))

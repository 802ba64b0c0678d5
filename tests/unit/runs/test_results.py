"""Results directories: atomic writes, the manifest as completion marker, reading back."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from valuechain.config.loader import load_scenario
from valuechain.outputs.metrics import BPS_MEASURES
from valuechain.runs import replications as runner_mod
from valuechain.runs import results as results_mod
from valuechain.runs.replications import ScenarioRuns
from valuechain.runs.results import (
    MANIFEST,
    ResultsError,
    atomic_write_bytes,
    read_results,
    write_table_atomic,
)
from valuechain.runs.statistics import compare_runs


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _hand_made(tiny, with_baseline: bool = True) -> ScenarioRuns:
    """ScenarioRuns built from hand-made tables (no model run)."""

    def one(path, name, offset):
        loaded = load_scenario(path)
        runs = pd.DataFrame(
            {"scenario": name, "replication": [0, 1], "seed": [1234, 1235],
             "extreme_poverty_rate_march_last": [0.10 + offset, 0.12 + offset]}
        )  # fmt: skip
        ts = pd.DataFrame(
            {"scenario": name, "replication": [0, 0, 1, 1], "seed": [1234, 1234, 1235, 1235],
             "step": [0, 0, 0, 0], "date": "2024-08", "district": ["lampung_barat", "all"] * 2,
             "processing_jobs": [0.0, 0, 5, 5]}
        ).assign(**dict.fromkeys(BPS_MEASURES, 0.1))  # fmt: skip
        ts["extreme_poverty_rate"] = [0.1, 0.1, 0.2, 0.2]
        sr = ScenarioRuns(loaded, runs, ts, [1234, 1235], [0.1, 0.1], 0.3, 1)
        if name == "tiny_huller":  # one plant, closed in replication 1
            rows = sr.plants.columns
            sr.plants = pd.DataFrame(
                [
                    {c: 0.0 for c in rows}
                    | {"scenario": name, "replication": r, "seed": 1234 + r, "step": 0,
                       "date": "2024-08", "plant": "lampung_barat/huller", "district":
                       "lampung_barat", "commodity": "coffee", "process": "hull_grade",
                       "owner": "cooperative", "status": "closed" if r else "open"}
                    for r in (0, 1)
                ]
            )  # fmt: skip
        return sr

    sr = one(tiny.scenario, "tiny_huller", -0.01)
    if with_baseline:
        sr.baseline = one(tiny.baseline, "tiny_baseline", 0.0)
        sr.comparison = compare_runs(sr.runs, sr.baseline.runs)
    return sr


def test_atomic_write_leaves_nothing_when_the_writer_fails(tmp_path):
    target = tmp_path / "data.bin"

    def half_then_crash(fh):
        fh.write(b"half a file")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        atomic_write_bytes(target, half_then_crash)
    assert not target.exists()
    assert _leftovers(tmp_path) == []


def test_atomic_write_keeps_the_previous_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "runs.parquet"
    old = pd.DataFrame({"x": [1, 2, 3]})
    write_table_atomic(old, target)

    def broken_to_parquet(self, fh, **kwargs):
        fh.write(b"PAR1 and then nothing")
        raise OSError("No space left on device")

    new = pd.DataFrame({"x": [4, 5, 6]})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pd.DataFrame, "to_parquet", broken_to_parquet)
        with pytest.raises(OSError, match="No space"):
            write_table_atomic(new, target)
    pd.testing.assert_frame_equal(pd.read_parquet(target), old)
    assert _leftovers(tmp_path) == []


def test_written_results_read_back_identical(tiny, tmp_path):
    sr = _hand_made(tiny)
    out = sr.write(tmp_path / "out")
    res = read_results(out)
    pd.testing.assert_frame_equal(res.runs, sr.runs)
    pd.testing.assert_frame_equal(res.timeseries, sr.timeseries)
    pd.testing.assert_frame_equal(res.baseline.timeseries, sr.baseline.timeseries)
    pd.testing.assert_frame_equal(res.comparison, sr.comparison, check_dtype=False)
    pd.testing.assert_frame_equal(res.rounds, sr.rounds)
    pd.testing.assert_frame_equal(pd.read_csv(out / "rounds.csv"), sr.rounds, check_dtype=False)
    m = res.manifest
    assert m["scenario"] == "tiny_huller" and m["seeds"] == [1234, 1235]
    assert m["content_hash"] == sr.loaded.content_hash
    assert m["scenario_text"] == sr.loaded.text
    assert m["baseline"]["content_hash"] == sr.baseline.loaded.content_hash
    assert m["baseline"]["scenario_text"] == sr.baseline.loaded.text
    pd.testing.assert_frame_equal(res.plants, sr.plants)
    assert res.plant_closures["closed"].tolist() == [1]  # of 2 replications
    assert res.baseline.plants.empty and res.baseline.plant_closures.empty
    assert set(m["files"]) == {
        "runs.parquet",
        "timeseries.parquet",
        "rounds.parquet",
        "rounds.csv",
        "plants.parquet",
        "plant_closures.csv",
        "comparison.csv",
    }
    assert {"python", "numpy", "mesa"} <= set(m["versions"])
    assert "per_run" in m["wall_time_s"] and "total" in m["wall_time_s"]
    assert _leftovers(out) == []


def test_a_write_that_dies_midway_leaves_no_complete_looking_result(tiny, tmp_path, monkeypatch):
    out = tmp_path / "out"
    _hand_made(tiny).write(out)  # a previous complete result in the same place
    real = results_mod.write_table_atomic

    def dies_on_timeseries(df, path):
        if path.name == "timeseries.parquet" and path.parent == out:
            raise KeyboardInterrupt  # the user pressed Ctrl-C
        return real(df, path)

    monkeypatch.setattr(runner_mod, "write_table_atomic", dies_on_timeseries)
    with pytest.raises(KeyboardInterrupt):
        _hand_made(tiny).write(out)
    assert not (out / MANIFEST).exists()
    assert _leftovers(out) == []
    with pytest.raises(ResultsError, match=r"no manifest\.json"):
        read_results(out)


def test_reading_a_directory_without_manifest_is_refused_clearly(tmp_path):
    (tmp_path / "runs.parquet").write_bytes(b"")
    with pytest.raises(ResultsError) as err:
        read_results(tmp_path)
    assert "no manifest.json" in str(err.value) and "not a complete result" in str(err.value)
    assert "valuechain run" in err.value.hint


def test_reading_a_missing_directory_is_refused(tmp_path):
    with pytest.raises(ResultsError, match="no results directory"):
        read_results(tmp_path / "nothing")


def test_files_that_do_not_match_the_manifest_are_refused(tiny, tmp_path):
    out = _hand_made(tiny, with_baseline=False).write(tmp_path / "out")
    write_table_atomic(pd.DataFrame({"x": [1]}), out / "runs.parquet")
    with pytest.raises(ResultsError, match="does not match"):
        read_results(out)


def test_rewriting_without_baseline_removes_the_old_baseline(tiny, tmp_path):
    out = _hand_made(tiny).write(tmp_path / "out")
    (out / "notes.txt").write_text("mine")
    _hand_made(tiny, with_baseline=False).write(out)
    assert not (out / "baseline").exists()
    assert not (out / "comparison.csv").exists()
    assert (out / "notes.txt").read_text() == "mine"  # user files are left alone
    assert read_results(out).baseline is None
    assert json.loads((out / MANIFEST).read_text())["baseline"] is None


@pytest.mark.parametrize("fsync", [True, False])
def test_atomic_write_with_or_without_fsync_gives_the_same_file(tmp_path, fsync, monkeypatch):
    import os

    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    target = tmp_path / "part.bin"
    atomic_write_bytes(target, lambda fh: fh.write(b"abc"), fsync=fsync)
    assert target.read_bytes() == b"abc"
    assert len(synced) == (1 if fsync else 0)
    assert _leftovers(tmp_path) == []

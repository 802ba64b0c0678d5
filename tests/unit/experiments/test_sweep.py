"""Sweeps: part files, resume after an interruption, refusal of a changed experiment, layout."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from tests.sweep_cases import write_experiment
from valuechain.errors import UserError
from valuechain.experiments.spec import OutputSpec, load_experiment
from valuechain.experiments.sweep import aggregate, read_experiment, run_experiment
from valuechain.runs.parts import PARTS_DIR, consolidate, part_is_complete, part_paths, write_part


def _ts(values: list[float]) -> pd.DataFrame:
    rows = [
        {"step": t, "district": d, "x": v * (2 if d == "a" else 1)}
        for t, v in enumerate(values)
        for d in ("all", "a")
    ]
    return pd.DataFrame(rows).sample(frac=1.0, random_state=1)  # order must not matter


@pytest.mark.parametrize(
    ("how", "district", "expected"),
    [
        ("final", "all", 5.0),
        ("mean_last12", "all", np.mean(np.arange(2, 14)) / 2),
        ("sum", "a", 2 * 91.0 / 2),
        ("mean", "all", 6.5 / 2),
        ("max", "a", 13.0),
        ("min", "all", 0.0),
    ],
)
def test_aggregations(how: str, district: str, expected: float) -> None:
    values = [t / 2 for t in range(14)]
    values[-1] = 5.0 if how == "final" else values[-1]
    out = OutputSpec(indicator="x", aggregation=how, district=district)
    assert aggregate(_ts(values), out) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("how", "expected"),
    [("mean", 2.0), ("sum", 4.0), ("max", 3.0), ("mean_last12", 2.0), ("final", np.nan)],
)
def test_months_without_data_are_left_out_of_outputs(how: str, expected: float) -> None:
    # e.g. the local processing share in months without harvest: NaN months must not turn
    # the output into NaN; the final month has no data, so `final` has none either
    out = OutputSpec(indicator="x", aggregation=how)
    assert aggregate(_ts([1.0, np.nan, 3.0, np.nan]), out) == pytest.approx(expected, nan_ok=True)


def test_a_part_counts_only_when_complete_and_its_own(tmp_path: Path) -> None:
    ts = pd.DataFrame({"step": [0, 1], "district": ["all", "all"], "x": [1.0, 2.0]})
    row = {"point": 3, "replication": 1, "seed": 8, "f": 2.5, "y": 1.0}
    write_part(tmp_path, "h1", row, ts, 0.25)
    assert part_is_complete(tmp_path, 3, 1, 8, "h1") == 0.25
    assert part_is_complete(tmp_path, 3, 1, 8, "h2") is None  # another experiment's part
    assert part_is_complete(tmp_path, 3, 1, 9, "h1") is None  # another seed
    ts_file = part_paths(tmp_path, 3, 1)[1]
    data = ts_file.read_bytes()
    ts_file.write_bytes(data[: len(data) // 2])  # a torn file (no footer)
    assert part_is_complete(tmp_path, 3, 1, 8, "h1") is None
    ts_file.unlink()
    assert part_is_complete(tmp_path, 3, 1, 8, "h1") is None


def test_consolidation_streams_row_groups_and_keeps_order(tmp_path: Path) -> None:
    keys = [(p, r) for p in range(3) for r in range(2)]
    for p, r in reversed(keys):
        ts = pd.DataFrame({"step": [0, 1, 2], "district": ["all"] * 3, "x": [p, r, p * r]})
        write_part(
            tmp_path, "h", {"point": p, "replication": r, "seed": 5 + r, "y": p + r / 10}, ts, 0.1
        )
    consolidate(
        tmp_path, keys, tmp_path / "runs.parquet", tmp_path / "ts.parquet", row_group_rows=4
    )
    assert pq.ParquetFile(tmp_path / "ts.parquet").num_row_groups == 5  # 18 rows, 4+ per group
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert list(zip(runs["point"], runs["replication"], strict=True)) == keys
    ts = pd.read_parquet(tmp_path / "ts.parquet")
    assert ts["x"].tolist() == [v for p, r in keys for v in (p, r, p * r)]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("sweep")
    path = write_experiment(folder)
    return path, run_experiment(path, workers=1, out=folder / "out")


def test_runs_table_layout_and_common_random_numbers(sweep) -> None:
    path, res = sweep
    runs = res.runs
    assert list(runs.columns[:7]) == [
        "point",
        "replication",
        "seed",
        "capacity",
        "margin",
        "poverty",
        "jobs",
    ]
    assert "extreme_poverty_rate_march_last" in runs.columns  # summary indicators follow
    assert len(runs) == 4 * 2
    assert runs.groupby("replication")["seed"].unique().map(list).to_dict() == {0: [11], 1: [12]}
    ts = res.timeseries
    assert list(ts.columns[:4]) == ["point", "replication", "seed", "step"]
    one = ts[(ts.point == 2) & (ts.replication == 1)]
    expected = aggregate(one, OutputSpec(indicator="processing_jobs", aggregation="mean_last12"))
    assert runs.set_index(["point", "replication"]).loc[(2, 1), "jobs"] == expected
    m = res.manifest
    assert m["kind"] == "sweep" and m["runs"] == 8 and m["seeds"] == [11, 12]
    assert m["experiment_text"] == path.read_text() and m["design"]["kind"] == "grid"


def test_resume_after_interruption_gives_identical_results(sweep, tmp_path: Path) -> None:
    path, full = sweep
    out = tmp_path / "out"
    run_experiment(path, workers=1, out=out)
    parts = out / PARTS_DIR
    # simulate a sweep killed mid-way: no manifest, some runs never finished, one torn part,
    # one temporary file left behind by an interrupted write
    for f in ("manifest.json", "runs.parquet", "timeseries.parquet"):
        (out / f).unlink()
    for p, r in [(1, 0), (3, 1)]:
        for f in part_paths(parts, p, r):
            f.unlink()
    run_file = part_paths(parts, 2, 0)[0]
    run_file.write_bytes(run_file.read_bytes()[:40])
    (parts / ".p000000_r0001.ts.parquet.abc.tmp").write_bytes(b"half")
    with pytest.raises(UserError):
        read_experiment(out)  # no manifest: not a result
    resumed = run_experiment(path, workers=1, out=out)
    assert resumed.manifest["runs_resumed"] == 5
    assert not list(parts.glob(".*.tmp"))
    pd.testing.assert_frame_equal(resumed.runs, full.runs)
    pd.testing.assert_frame_equal(resumed.timeseries, full.timeseries)
    again = run_experiment(path, workers=1, out=out)  # complete: nothing to do
    assert again.manifest == resumed.manifest


def test_a_changed_experiment_is_refused_unless_restart(sweep, tmp_path: Path) -> None:
    path, _ = sweep
    out = tmp_path / "out"
    other = write_experiment(tmp_path / "b", seed=99)
    run_experiment(path, workers=1, out=out)
    with pytest.raises(UserError, match="different experiment") as info:
        run_experiment(other, workers=1, out=out)
    assert "--restart" in info.value.hint
    res = run_experiment(other, workers=1, out=out, restart=True)
    assert res.manifest["seeds"] == [99, 100] and res.manifest["runs_resumed"] == 0
    state = json.loads((out / PARTS_DIR / "sweep.json").read_text())
    assert state["content_hash"] == load_experiment(other).content_hash


def test_timeseries_can_be_read_in_parts(sweep) -> None:
    _, res = sweep
    part = res.read_timeseries(columns=["processing_jobs"], points=[1, 2])
    assert set(part["point"]) == {1, 2}
    assert list(part.columns) == ["point", "replication", "seed", "step", "processing_jobs"]

"""`valuechain sweep` and `valuechain sensitivity` through a real subprocess.

Includes the resume test: a sweep is killed with SIGKILL part-way, then the same command
finishes it, and the results equal those of an uninterrupted sweep.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.cli_run import cli
from tests.sweep_cases import MORRIS_FACTORS, write_experiment
from valuechain.experiments.sweep import read_experiment, run_experiment


def test_sweep_writes_results_under_the_experiment_name(tmp_path: Path) -> None:
    path = write_experiment(tmp_path, name="grid_demo")
    out = cli("sweep", str(path), "--workers", "1", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    res = read_experiment(tmp_path / "results" / "grid_demo")
    assert len(res.runs) == 8 and res.manifest["command"][:2] == ["valuechain", "sweep"]
    assert "Outputs by design point" in out.stdout and "8 runs (0 done before)" in out.stdout


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("remiller.capacity", "remiler.capacity"), "unknown entry"),
        (('kind = "grid"', 'kind = "full"'), "design.kind"),
        (("levels = [0.2, 0.35]", "bounds = [0.35, 0.2]"), "bounds reversed"),
    ],
)
def test_bad_experiment_exits_2_without_traceback(tmp_path: Path, edit, expected: str) -> None:
    path = write_experiment(tmp_path)
    path.write_text(path.read_text().replace(*edit), "utf-8")
    out = cli("sweep", str(path), cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.startswith("error: ") and expected in out.stderr
    assert str(path) in out.stderr and "Traceback" not in out.stderr


def test_changed_experiment_refused_then_restart(tmp_path: Path) -> None:
    path = write_experiment(tmp_path, replications=1)
    assert cli("sweep", str(path), "-j", "1", "--out", "o", cwd=tmp_path).returncode == 0
    path.write_text(path.read_text().replace("seed = 11", "seed = 12"), "utf-8")
    out = cli("sweep", str(path), "-j", "1", "--out", "o", cwd=tmp_path)
    assert (
        out.returncode == 2 and "different experiment" in out.stderr and "--restart" in out.stderr
    )
    out = cli("sweep", str(path), "-j", "1", "--out", "o", "--restart", cwd=tmp_path)
    assert out.returncode == 0, out.stderr


def test_killed_sweep_resumes_to_identical_results(tmp_path: Path) -> None:
    path = write_experiment(tmp_path, replications=4, households=1500, months=12)  # 16 runs
    parts = tmp_path / "killed" / "parts"
    proc = subprocess.Popen(
        [sys.executable, "-m", "valuechain", "sweep", str(path), "-j", "2", "--out", "killed"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while len(list(parts.glob("*.run.parquet"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers, mid-sweep
    proc.wait()
    done = len(list(parts.glob("*.run.parquet")))
    assert 3 <= done < 16, "the sweep was not interrupted part-way"
    assert not (tmp_path / "killed" / "manifest.json").exists()
    out = cli("sweep", str(path), "-j", "2", "--out", "killed", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    resumed = read_experiment(tmp_path / "killed")
    assert resumed.manifest["runs_resumed"] >= 3
    full = run_experiment(path, workers=1, out=tmp_path / "full")
    pd.testing.assert_frame_equal(resumed.runs, full.runs)
    pd.testing.assert_frame_equal(resumed.timeseries, full.timeseries)


def test_sensitivity_command_writes_table_and_figures(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path, design='kind = "morris"\ntrajectories = 3', factors=MORRIS_FACTORS, replications=1
    )
    out = cli("sensitivity", str(path), "-j", "1", "--out", "s", "--resamples", "50", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "mu_star" in out.stdout and "averaged first" in out.stdout
    table = pd.read_csv(tmp_path / "s" / "sensitivity.csv")
    assert set(table["factor"]) == {"capacity", "margin", "volatility"}
    for suffix in ("png", "svg"):
        assert (tmp_path / "s" / "figures" / f"morris_jobs.{suffix}").is_file()


def test_sensitivity_of_a_grid_is_refused_before_running(tmp_path: Path) -> None:
    path = write_experiment(tmp_path)
    out = cli("sensitivity", str(path), "--out", "g", cwd=tmp_path)
    assert out.returncode == 2 and "morris or sobol" in out.stderr
    assert not (tmp_path / "g").exists()


def test_a_confidence_level_outside_0_1_is_refused_before_anything_runs(tmp_path: Path) -> None:
    out = cli("sensitivity", "no_such_experiment.toml", "--conf-level", "95", cwd=tmp_path)
    assert out.returncode == 2
    assert "not between 0 and 1" in out.stderr and "Traceback" not in out.stderr

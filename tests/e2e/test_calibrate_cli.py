"""`valuechain calibrate` and `run --posterior` in a subprocess, at a tiny budget."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tests.e2e.test_cli import cli

BASE = Path("scenarios/baseline_coffee.toml").resolve()
HILIR = Path("scenarios/hilirisasi_coffee.toml").resolve()

TINY = f"""
base = "{BASE}"
seed = 3

[base_overrides]
months = 14

[method]
population_size = 6
generations = 1
households = 300

[parameters.other_income]
key = "districts.lampung_barat.population.other_income_idr_per_month_median"
prior = "loguniform"
bounds = [800000, 2400000]

[targets.headcount]
indicator = "poverty_rate"
aggregation = "mean_last12"
observed = 0.11
sd = 0.02
source = "a test"
"""


def test_calibrate_writes_its_outputs_then_run_carries_the_posterior(tmp_path):
    cal = tmp_path / "tiny.toml"
    cal.write_text(TINY)
    out = tmp_path / "cal"
    proc = cli("calibrate", cal, "-j", "1", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "1 generations" in proc.stdout and "headcount" in proc.stdout
    for name in ("manifest.json", "posterior.parquet", "fit.csv", "calibrated.toml"):
        assert (out / name).is_file(), name
    assert (out / "figures" / "targets_fit.png").is_file()
    assert json.loads((out / "manifest.json").read_text())["generations"] == 1
    run = tmp_path / "run"
    proc = cli(
        "run",
        HILIR,
        "-n",
        "2",
        "--months",
        "14",
        "--no-figures",
        "--out",
        run,
        "--set",
        "districts.lampung_barat.n_households=400",
        "--posterior",
        out,
    )
    assert proc.returncode == 0, proc.stderr
    comparison = pd.read_csv(run / "comparison.csv")
    assert {"ci_low_total", "ci_high_total"} <= set(comparison.columns)
    assert (run / "posterior_runs.parquet").is_file()


def test_a_bad_calibration_file_is_one_clear_error(tmp_path):
    cal = tmp_path / "bad.toml"
    cal.write_text(TINY.replace('source = "a test"', 'source = ""'))
    proc = cli("calibrate", cal, "--out", tmp_path / "out")
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert "targets.headcount.source" in proc.stderr and str(cal) in proc.stderr

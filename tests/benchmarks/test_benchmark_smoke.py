"""The throughput benchmark runs end to end and prints well-formed JSON lines.

No timing assertion here (a timed test fails on a busy machine): only that the script runs
in a real subprocess, and that every line is a complete measurement record.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIELDS = {
    "engine": str,
    "households": int,
    "months": int,
    "seconds": float,
    "household_months_per_s": float,
    "peak_rss_mb": float,
}


def test_quick_benchmark_prints_one_record_per_measurement() -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "step_throughput.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=REPO,
    )
    records = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    engines = {r["engine"] for r in records}
    assert engines == {"vectorised", "mesa_reference"}
    for r in records:
        for name, kind in FIELDS.items():
            assert isinstance(r[name], kind), (name, r)
        assert r["households"] > 0 and r["months"] > 0
        assert r["seconds"] > 0 and r["household_months_per_s"] > 0 and r["peak_rss_mb"] > 0
        assert len(r["seconds_all"]) == r["repeats"] and r["seconds"] == min(r["seconds_all"])
    assert "speed-up" in out.stderr.strip().splitlines()[-1]


SMALL_PHASE_RUN = ("--households", "300", "--blocks", "1")


def test_phase_times_names_every_phase_of_the_schedule() -> None:
    from valuechain.model.model import ValueChainModel

    out = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "phase_times.py"), *SMALL_PHASE_RUN],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=REPO,
    )
    record = json.loads(out.stdout)
    phases = [k for k in record if k not in ("scenario", "households", "total_ms_per_month")]
    assert phases[0] == "exogenous_shocks" and phases[-1] == "record_metrics"
    assert all(callable(getattr(ValueChainModel, p)) for p in phases)
    assert record["total_ms_per_month"] == pytest.approx(sum(record[p] for p in phases), abs=1e-3)

"""The sweep benchmark runs end to end and prints well-formed JSON lines (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_quick_sweep_benchmark_prints_records() -> None:
    out = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "sweep_throughput.py"),
            "--quick",
            "--workers",
            "1",
            "--mesa-processes",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=REPO,
    )
    records = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
    assert [r["engine"] for r in records] == ["valuechain.experiments.sweep"] * 2 + [
        "mesa.batch_run"
    ]
    for r in records:
        assert r["runs"] > 0 and r["runs_per_min"] > 0 and r["peak_rss_mb"] > 0
    assert records[0]["runs"] == 10 and records[-1]["runs"] == 2

"""Calibration throughput: evaluations per minute of ``valuechain calibrate`` against the same
number of plain runs, and so the overhead of the inference (pyabc and the seeded sampler).

The calibration is ``calibrations/example_coffee.toml`` (two parameters, ABC-SMC, one
replication of 3,000 households per evaluation, 36 months) on ``--workers`` workers, in a
fresh results folder. The comparison runs the same number of evaluations as plain model runs
of the same scenario and size (through :func:`valuechain.runs.replications.execute_runs`, the
local pool sweeps use), at the base scenario's parameter values. One JSON line each::

    {"engine": "calibrate", "workers": 2, "evaluations": 138, "seconds": 55.4,
     "evaluations_per_min": 149.4}
    {"engine": "plain runs", "workers": 2, "evaluations": 138, "seconds": 47.0, ...}
    {"overhead_share": 0.15}

Usage::

    python benchmarks/calibration_throughput.py            # 2 workers
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CALIBRATION = REPO / "calibrations" / "example_coffee.toml"


def main() -> None:
    """Time the calibration, then as many plain runs; print one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from valuechain.experiments.abc import run_calibration
    from valuechain.experiments.calibration import load_calibration
    from valuechain.runs.replications import execute_runs

    loaded = load_calibration(CALIBRATION)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        res = run_calibration(loaded, Path(tmp) / "cal", workers=args.workers, progress=False)
        cal_s = time.perf_counter() - t0
    n = int(res.manifest["evaluations"])
    print(json.dumps(_line("calibrate", args.workers, n, cal_s)))

    scenario = loaded.scenario({})
    tasks = [(i, scenario, 0, loaded.seed) for i in range(n)]
    t0 = time.perf_counter()
    execute_runs(tasks, workers=args.workers)
    plain_s = time.perf_counter() - t0
    print(json.dumps(_line("plain runs", args.workers, n, plain_s)))
    print(json.dumps({"overhead_share": round(1.0 - plain_s / cal_s, 3)}))


def _line(engine: str, workers: int, n: int, seconds: float) -> dict:
    return {
        "engine": engine,
        "workers": workers,
        "evaluations": n,
        "seconds": round(seconds, 1),
        "evaluations_per_min": round(60.0 * n / seconds, 1),
    }


if __name__ == "__main__":
    main()

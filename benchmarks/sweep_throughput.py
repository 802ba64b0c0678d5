"""Sweep throughput: runs per minute for 1 and 2 workers, speed-up, and the runner's memory.

A sweep of ``--runs`` runs (default 200) of a 10,000-household rubber district over 60 months
(``scenarios/baseline_rubber.toml``: 10 levels of the trader margin x 20 replications) through
:func:`valuechain.experiments.sweep.run_experiment`, once per worker count; and, side by side,
Mesa's ``batch_run`` on the plain Mesa reference model (``benchmarks/mesa_reference.py``) of the
same scenario and size, ``--mesa-runs`` runs (default 20). Each measurement runs in a fresh
subprocess, so its peak RSS (``ru_maxrss``) is its own: ``peak_rss_mb`` is the runner (the
parent process that schedules runs and writes results), ``worker_peak_rss_mb`` the largest
worker process. The runner is also measured at a quarter of the runs: if its memory grew with
the number of runs, the two figures would differ. One JSON line per measurement on stdout::

    {"engine": "valuechain.experiments.sweep", "workers": 2, "runs": 200, "households": 10000,
     "months": 60, "seconds": 61.2, "runs_per_min": 196.1, "peak_rss_mb": 180.3, ...}

Notes on ``batch_run`` (Mesa 3.3): it has no seed argument, so seeds are passed as a model
parameter (``seed=range(...)``); importing ``mesa.batchrunner`` forces the ``spawn`` start
method for the whole process; and it returns every collected row in one list in memory.

Usage::

    python benchmarks/sweep_throughput.py              # 200 runs x {1, 2} workers; 20 Mesa runs
    python benchmarks/sweep_throughput.py --quick      # tiny sizes: a smoke test (~30 s)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCENARIO = REPO / "scenarios" / "baseline_rubber.toml"  # no processors: the reference runs it
DISTRICT = "jambi_lowland"
LEVELS = 10


def _reference_overrides() -> str:
    """The reference's settings (REFERENCE_SETTINGS) as TOML lines of ``[base_overrides]``, so
    that both sides of the comparison run the same monthly cycle."""
    lines = []
    for setting in REFERENCE_SETTINGS:
        key, value = setting.split("=", 1)
        lines.append(f'"{key}" = {value}')
    return "\n".join(lines)


def _experiment(folder: Path, runs: int, households: int, months: int) -> Path:
    reps = max(1, runs // LEVELS)
    levels = ", ".join(f"{0.15 + 0.025 * i:.3f}" for i in range(LEVELS))
    path = folder / "bench.toml"
    path.write_text(
        f"""base = "{SCENARIO.as_posix()}"
replications = {reps}
[base_overrides]
"districts.{DISTRICT}.n_households" = {households}
months = {months}
{_reference_overrides()}
[design]
kind = "grid"
[factors.trader_margin]
key = "chains.rubber.trader_margin_max"
levels = [{levels}]
[outputs.poverty]
indicator = "extreme_poverty_rate"
aggregation = "mean_last12"
""",
        "utf-8",
    )
    return path


def _peaks() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB -> MB on Linux
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(own, 1), round(kids, 1)


def measure_sweep(workers: int, runs: int, households: int, months: int) -> dict:
    """Run a sweep in this (child) process and time it."""
    from valuechain.experiments.sweep import run_experiment

    with tempfile.TemporaryDirectory() as tmp:
        path = _experiment(Path(tmp), runs, households, months)
        t0 = time.perf_counter()
        res = run_experiment(path, workers=workers, out=Path(tmp) / "out")
        seconds = time.perf_counter() - t0
        n = len(res.runs)
    own, kids = _peaks()
    return {
        "engine": "valuechain.experiments.sweep",
        "workers": workers,
        "runs": n,
        "households": households,
        "months": months,
        "seconds": round(seconds, 3),
        "runs_per_min": round(60 * n / seconds, 2),
        "peak_rss_mb": own,
        "worker_peak_rss_mb": kids if workers > 1 else None,
    }


sys.path.insert(0, str(REPO / "benchmarks"))
import mesa  # noqa: E402

from mesa_reference import REFERENCE_SETTINGS, ReferenceModel  # noqa: E402


class BatchReference(ReferenceModel):
    """The reference model as batch_run wants it: keyword parameters and a datacollector.

    Defined at module level so that batch_run's spawned processes can unpickle it.
    """

    def __init__(self, seed: int, n_households: int, months: int):
        from valuechain import load_scenario

        overrides = [
            f"districts.{DISTRICT}.n_households={n_households}",
            f"months={months}",
            *REFERENCE_SETTINGS,  # the monthly cycle only, BPNT only
        ]
        self.datacollector = mesa.DataCollector(
            model_reporters={"extreme_poverty_rate": BatchReference.poverty}
        )
        super().__init__(load_scenario(SCENARIO, overrides).scenario, seed=seed)

    def step(self) -> None:
        super().step()
        self.datacollector.collect(self)  # batch_run reads the row of the last step
        self.running = self.t < self.scenario.months

    @staticmethod
    def poverty(model) -> float:
        """Extreme poverty rate (share of persons), as the vectorised model reports it."""
        people = sum(a.weight * a.size for a in model.households)
        poor = sum(a.weight * a.size for a in model.households if a.is_extreme_poor)
        return poor / people


def measure_batch_run(processes: int, runs: int, households: int, months: int) -> dict:
    """``mesa.batch_run`` of the reference model, seeds passed as a parameter."""
    from mesa.batchrunner import batch_run

    t0 = time.perf_counter()
    rows = batch_run(
        BatchReference,
        parameters={"seed": list(range(1, runs + 1)), "n_households": households, "months": months},
        number_processes=processes,
        iterations=1,
        max_steps=10_000,
        display_progress=False,
    )
    seconds = time.perf_counter() - t0
    own, kids = _peaks()
    return {
        "engine": "mesa.batch_run",
        "workers": processes,
        "runs": len(rows),
        "households": households,
        "months": months,
        "seconds": round(seconds, 3),
        "runs_per_min": round(60 * len(rows) / seconds, 2),
        "peak_rss_mb": own,
        "worker_peak_rss_mb": kids if processes > 1 else None,
    }


def _in_child(kind: str, *args: int) -> dict:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps([kind, *args])]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=REPO, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=None, help="sweep runs (200)")
    p.add_argument("--workers", type=_ints, default=None, help="worker counts (1,2)")
    p.add_argument("--households", type=int, default=None, help="households (10000)")
    p.add_argument("--months", type=int, default=None, help="months (60)")
    p.add_argument("--mesa-runs", type=int, default=None, help="batch_run runs (20)")
    p.add_argument("--mesa-processes", type=_ints, default=None, help="batch_run processes (2)")
    p.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        kind, *rest = json.loads(args.child)
        fn = measure_sweep if kind == "sweep" else measure_batch_run
        print(json.dumps(fn(*rest)), flush=True)
        return 0
    q = args.quick
    runs = args.runs or (10 if q else 200)
    households = args.households or (300 if q else 10_000)
    months = args.months or (12 if q else 60)
    mesa_runs = args.mesa_runs or (2 if q else 20)
    records = []
    for w in args.workers or [1, 2]:
        records.append(_in_child("sweep", w, runs, households, months))
        print(json.dumps(records[-1]), flush=True)
    # the full sweeps by worker count (the memory run below may have as many runs)
    sweep = {r["workers"]: r for r in records}
    small = max(LEVELS, runs // 4)  # the runner's memory at a quarter of the runs
    records.append(_in_child("sweep", max(args.workers or [2]), small, households, months))
    print(json.dumps(records[-1]), flush=True)
    for n in args.mesa_processes or [2]:
        records.append(_in_child("batch_run", n, mesa_runs, households, months))
        print(json.dumps(records[-1]), flush=True)
    if 1 in sweep and 2 in sweep:
        s = sweep[2]["runs_per_min"] / sweep[1]["runs_per_min"]
        print(f"speed-up 2 workers / 1 worker: {s:.2f}x", file=sys.stderr)
    for r in records:
        if r["engine"] == "mesa.batch_run" and r["workers"] in sweep:
            ratio = sweep[r["workers"]]["runs_per_min"] / r["runs_per_min"]
            print(
                f"valuechain.experiments.sweep / mesa.batch_run at {r['workers']} worker(s): "
                f"{ratio:.1f}x runs per minute",
                file=sys.stderr,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Sweeps: every design point x replication of an experiment, streamed to disk, resumable.

Example:
    >>> from valuechain.experiments.sweep import run_experiment            # doctest: +SKIP
    >>> res = run_experiment("experiments/rubber_price_risk.toml", workers=2)
    >>> res.runs.groupby("point")["sustained_exits"].mean()
    >>> res.sensitivity()                                      # Morris / Sobol designs

Replication ``r`` runs with seed ``seed + r`` at every design point (common random numbers).
Each finished run is written to ``DIR/parts/`` at once (see :mod:`valuechain.runs.parts`); the
parent process writes the parts, so workers, local or on a Dask cluster, need no shared file
system, and keeps only a bounded window of runs in flight (twice the workers): its memory does
not grow with the number of runs. Run the same command again after an interruption and the
finished runs are skipped; the consolidated ``runs.parquet`` and ``timeseries.parquet`` are
the same as those of an uninterrupted sweep, whatever the backend or number of workers.
"""

from __future__ import annotations

import functools
import json
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from valuechain.config.scenario import Scenario
from valuechain.errors import UserError
from valuechain.experiments.sensitivity import SENSITIVITY, SENSITIVITY_S2
from valuechain.experiments.spec import LoadedExperiment, OutputSpec, load_experiment
from valuechain.outputs import aggregations
from valuechain.runs.backends import run_dask
from valuechain.runs.parts import (
    PARTS_DIR,
    consolidate,
    part_is_complete,
    remove_stray_temporaries,
    write_part,
)
from valuechain.runs.pool import run_tasks
from valuechain.runs.progress import progress_bar
from valuechain.runs.provenance import (
    RUN_LIBRARIES,
    git_revision,
    library_versions,
    package_version,
)
from valuechain.runs.replications import run_one_replication
from valuechain.runs.results import (
    MANIFEST,
    RUNS,
    TIMESERIES,
    ResultsError,
    atomic_write_text,
    check_writable,
    clear_results_dir,
    file_digest,
    write_manifest,
    write_table_atomic,
)

__all__ = ["DESIGN", "ExperimentResults", "aggregate", "read_experiment", "run_experiment"]

DESIGN = "design.parquet"
_STATE = "sweep.json"


# --------------------------------------------------------------------------- one run


def aggregate(timeseries: pd.DataFrame, output: OutputSpec) -> float:
    """An output of one run: its indicator in its district, aggregated over the months.

    The aggregation and its rule for months without data are those of
    :func:`valuechain.outputs.aggregations.aggregate` (NaN months left out; NaN if none has
    data).
    """
    ts = timeseries[timeseries["district"] == output.district].sort_values("step")
    dated = aggregations.AGGREGATIONS[output.aggregation].dated  # March, September rounds
    dates = ts["date"].to_numpy(dtype=str) if dated else None
    return aggregations.aggregate(ts[output.indicator], output.aggregation, dates=dates)


@dataclass(frozen=True)
class RunTask:
    """One run of a sweep (what a worker needs)."""

    point: int
    replication: int
    seed: int
    scenario: Scenario


@dataclass(frozen=True)
class RunOutput:
    """What a worker sends back: the run's outputs and summary, and its time series."""

    point: int
    replication: int
    seed: int
    values: dict[str, float]
    timeseries: pd.DataFrame
    wall_time_s: float


def run_task(
    task: RunTask, outputs: dict[str, OutputSpec], model_class: type | None = None
) -> RunOutput:
    """Run one (point, replication); outputs first, then the summary."""
    r = run_one_replication(task.scenario, task.replication, task.seed, model_class)
    values = {name: aggregate(r.timeseries, o) for name, o in outputs.items()}
    values.update(r.summary)
    return RunOutput(task.point, task.replication, task.seed, values, r.timeseries, r.wall_time_s)


# --------------------------------------------------------------------------- the sweep


@dataclass
class ExperimentResults:
    """A finished sweep, read back lazily.

    Attributes:
        path: the results directory.
        manifest: its ``manifest.json``.
    """

    path: Path
    manifest: dict[str, Any]

    @functools.cached_property
    def runs(self) -> pd.DataFrame:
        """One row per run: point, replication, seed, factor values, outputs, summaries."""
        return pd.read_parquet(self.path / RUNS)

    @functools.cached_property
    def timeseries(self) -> pd.DataFrame:
        """One row per run x month x district (read on first use; see :meth:`read_timeseries`)."""
        return pd.read_parquet(self.path / TIMESERIES)

    @functools.cached_property
    def design(self) -> pd.DataFrame:
        """The design matrix as sampled: point and one column per factor."""
        return pd.read_parquet(self.path / DESIGN)

    def read_timeseries(
        self, columns: list[str] | None = None, points: list[int] | None = None
    ) -> pd.DataFrame:
        """Part of the time series: some columns, some design points (read with filters)."""
        cols = None if columns is None else ["point", "replication", "seed", "step", *columns]
        filters = None if points is None else [("point", "in", list(points))]
        return pd.read_parquet(self.path / TIMESERIES, columns=cols, filters=filters)

    @property
    def factors(self) -> list[str]:
        """Factor names."""
        return list(self.manifest["experiment_spec"]["factors"])

    @property
    def outputs(self) -> list[str]:
        """Output names."""
        return list(self.manifest["experiment_spec"]["outputs"])

    def sensitivity(self, **kwargs: Any) -> pd.DataFrame:
        """Morris or Sobol indices per output.

        See :func:`valuechain.experiments.sensitivity.analyse` for the arguments.
        """
        from valuechain.experiments.sensitivity import analyse

        return analyse(self, **kwargs)


def read_experiment(directory: str | Path) -> ExperimentResults:
    """Open a complete sweep directory (refuses one without its manifest)."""
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.is_file():
        raise ResultsError(
            f"{directory} has no {MANIFEST}: the sweep is not finished",
            hint="run `valuechain sweep EXPERIMENT` again: it resumes where it stopped",
        )
    manifest = json.loads(path.read_text("utf-8"))
    if manifest.get("kind") != "sweep":
        raise ResultsError(f"{directory} holds a {manifest.get('kind')!r} result, not a sweep")
    return ExperimentResults(directory, manifest)


def _check_state(out: Path, loaded: LoadedExperiment, restart: bool) -> None:
    """Refuse an output folder that holds another experiment's runs (unless restart)."""
    parts = out / PARTS_DIR
    old = None
    for f in (parts / _STATE, out / MANIFEST):
        if f.is_file():
            old = json.loads(f.read_text("utf-8"))
            break
    same = old is None or old.get("content_hash") == loaded.content_hash
    if restart or not same:
        if not restart:
            what = old.get("experiment_file") or old.get("scenario_file") or "another run"
            raise UserError(
                f"{out} holds runs of a different experiment ({what}, hash "
                f"{str(old.get('content_hash'))[:12]}); {loaded.path.name} now has hash "
                f"{loaded.content_hash[:12]} (the file, its base scenario or base_overrides "
                "changed)",
                hint="add --restart to discard those runs and start again, or choose --out DIR",
            )
        clear_results_dir(out)
        shutil.rmtree(parts, ignore_errors=True)
        for f in (out / DESIGN, out / SENSITIVITY, out / SENSITIVITY_S2):
            f.unlink(missing_ok=True)
    parts.mkdir(parents=True, exist_ok=True)
    state = {
        "content_hash": loaded.content_hash,
        "experiment_file": str(loaded.path),
        "experiment_file_hash": loaded.file_hash,
    }
    atomic_write_text(parts / _STATE, json.dumps(state, indent=1) + "\n")


def _write_design(out: Path, loaded: LoadedExperiment) -> None:
    design = pd.DataFrame(loaded.design.X, columns=loaded.design.factors)
    design.insert(0, "point", np.arange(len(design), dtype=np.int64))
    path = out / DESIGN
    if path.is_file():
        old = pd.read_parquet(path)
        if not old.equals(design):
            raise UserError(
                f"{path} differs from the design generated now (a SALib or scipy upgrade?)",
                hint="add --restart to run the whole sweep again with the new design",
            )
        return
    write_table_atomic(design, path)


def run_experiment(
    experiment: str | Path | LoadedExperiment,
    *,
    workers: int | None = None,
    cluster: str | None = None,
    out: str | Path | None = None,
    restart: bool = False,
    progress: bool = False,
    model_class: type | None = None,
    command: list[str] | None = None,
) -> ExperimentResults:
    """Run (or resume) every design point x replication of an experiment.

    Args:
        experiment: an experiment file or a loaded one.
        workers: local processes (default all CPUs; 1 runs in this process).
        cluster: address of a Dask distributed scheduler (``tcp://HOST:PORT``); overrides
            ``workers``.
        out: results directory (default ``results/<experiment name>``).
        restart: discard runs of a different (or the same) experiment found in ``out``.
        progress: show a progress bar (runs done, rate, time left) on stderr.
        model_class: the model to run (default :class:`valuechain.model.model.ValueChainModel`).
        command: the command line, recorded in the manifest.

    Returns:
        The consolidated results (``manifest.json`` written last).
    """
    import os

    loaded = experiment if isinstance(experiment, LoadedExperiment) else load_experiment(experiment)
    scenarios = loaded.scenarios()  # every point validated before anything runs
    out = check_writable(Path(out) if out is not None else Path("results") / loaded.name)
    _check_state(out, loaded, restart)
    _write_design(out, loaded)
    parts = out / PARTS_DIR
    remove_stray_temporaries(parts)
    keys = [(p, r) for p in range(len(scenarios)) for r in range(loaded.spec.replications)]
    seeds = loaded.seeds
    walls: dict[tuple[int, int], float] = {}
    for p, r in keys:
        w = part_is_complete(parts, p, r, seeds[r], loaded.content_hash)
        if w is not None:
            walls[p, r] = w
    resumed = len(walls)
    manifest_ok = (out / MANIFEST).is_file() and resumed == len(keys)
    if manifest_ok:
        return read_experiment(out)
    (out / MANIFEST).unlink(missing_ok=True)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    todo = (RunTask(p, r, seeds[r], scenarios[p]) for p, r in keys if (p, r) not in walls)
    point_values = loaded.design.points.drop(columns="point").to_dict("records")
    bar = progress_bar(
        len(keys) - resumed,
        loaded.name + (f" ({resumed} done before)" if resumed else ""),
        show=progress,
    )

    def handle(res: RunOutput) -> None:
        factors = point_values[res.point]
        row = {"point": res.point, "replication": res.replication, "seed": res.seed}
        write_part(
            parts,
            loaded.content_hash,
            {**row, **factors, **res.values},
            res.timeseries,
            res.wall_time_s,
        )
        walls[res.point, res.replication] = res.wall_time_s
        bar.update()

    call = functools.partial(run_task, outputs=dict(loaded.spec.outputs), model_class=model_class)
    try:
        if cluster:
            n_workers, backend = run_dask(todo, call, cluster, handle), f"dask {cluster}"
        else:
            n_workers = max(1, workers or os.cpu_count() or 1)
            n_workers = min(n_workers, max(1, len(keys) - resumed))
            run_tasks(todo, call, n_workers, handle)
            backend = "local"
    finally:
        bar.close()
    consolidate(parts, keys, out / RUNS, out / TIMESERIES)
    manifest = _manifest(loaded, keys, walls, resumed, started, t0, backend, n_workers, command)
    manifest["design_file"] = {"name": DESIGN, "sha256": file_digest(out / DESIGN)}
    write_manifest(out, manifest)
    return read_experiment(out)


def _manifest(loaded, keys, walls, resumed, started, t0, backend, n_workers, command) -> dict:
    spec = loaded.spec
    w = np.array([walls[k] for k in keys], dtype=float)
    versions = library_versions((*RUN_LIBRARIES, "SALib", "distributed"))
    return {
        "kind": "sweep",
        "experiment": loaded.name,
        "experiment_file": str(loaded.path),
        "experiment_text": loaded.text,
        "experiment_file_hash": loaded.file_hash,
        "content_hash": loaded.content_hash,
        "experiment_spec": spec.model_dump(mode="json"),
        "base_scenario": loaded.base.scenario.name,
        "base_scenario_file": str(loaded.base.path),
        "base_content_hash": loaded.base.content_hash,
        "base_overrides": [str(o) for o in loaded.base.overrides],
        "scenario_text": loaded.base.text,
        "design": {
            "kind": spec.design.kind,
            **spec.design.model_dump(exclude_none=True),
            "points": len(keys) // spec.replications,
            "factors": {n: f.key for n, f in spec.factors.items()},
        },
        "replications": spec.replications,
        "seed": loaded.seed,
        "seeds": loaded.seeds,
        "runs": len(keys),
        "runs_resumed": resumed,
        "started_utc": started,
        "wall_time_s": {
            "this_session": round(time.perf_counter() - t0, 3),
            "runs_sum": round(float(w.sum()), 3),
            "per_run_mean": round(float(w.mean()), 4),
            "per_run_max": round(float(w.max()), 4),
        },
        "backend": backend,
        "workers": n_workers,
        "package_version": package_version(),
        **git_revision(),
        "versions": versions,
        "command": command,
    }

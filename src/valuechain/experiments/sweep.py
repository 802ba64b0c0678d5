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

A sweep folder holds::

    manifest.json          what was run (experiment text and hash, base and baseline, seeds,
                           the linked keys' formulas and tables), written last
    design.parquet         the design as sampled (what a sensitivity analysis reads)
    points.parquet         the design points as run: point, each factor's value, each
                           linked key's value (a column named by the key)
    runs.parquet           one row per point x replication: point, replication, seed, factor
                           and linked values, outputs, summary indicators
    timeseries.parquet     one row per point x replication x month x district
    parts/                 one pair of files per run, consolidated into the tables above

and, when the experiment names a ``baseline``::

    baseline_runs.parquet        one row per replication of the baseline (point -1, same
                                 seeds as every point; no factor columns)
    baseline_timeseries.parquet  its time series
    effects.parquet, effects.csv paired effects of each point against the baseline

``effects`` has one row per point and output: ``point``, each factor's and linked key's
value, ``output``, ``label``, ``unit``, ``n`` (pairs), ``point_mean``, ``baseline_mean``,
``difference`` (mean paired difference point - baseline), ``se``, ``ci_low``, ``ci_high``
(95% Student t interval), ``note``; the outputs are the experiment's (the main summary
indicators when it declares none), then the cost-effectiveness ratios of
:data:`valuechain.runs.statistics.COST_EFFECTIVENESS` (paired bootstrap intervals). The
statistics are :func:`valuechain.runs.statistics.compare_runs`'s, point by point
(:func:`paired_effects`). The baseline's runs resume like the points' (their part files are
``parts/baseline_r*.parquet``).
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
    BASELINE_POINT,
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
    write_csv_atomic,
    write_manifest,
    write_table_atomic,
)
from valuechain.runs.statistics import compare_runs, describe_indicator, main_indicators

__all__ = [
    "BASELINE_RUNS",
    "BASELINE_TIMESERIES",
    "DESIGN",
    "EFFECTS",
    "EFFECTS_CSV",
    "POINTS",
    "SWEEP_STATE",
    "ExperimentResults",
    "aggregate",
    "output_label",
    "paired_effects",
    "read_experiment",
    "run_experiment",
]

DESIGN = "design.parquet"
POINTS = "points.parquet"
BASELINE_RUNS = "baseline_runs.parquet"
BASELINE_TIMESERIES = "baseline_timeseries.parquet"
EFFECTS = "effects.parquet"
EFFECTS_CSV = "effects.csv"
#: The data files of a sweep whose digests the manifest records.
SWEEP_FILES = (RUNS, TIMESERIES, POINTS, BASELINE_RUNS, BASELINE_TIMESERIES, EFFECTS, EFFECTS_CSV)
#: The state file in parts/ naming the experiment (content hash) whose runs are there.
SWEEP_STATE = "sweep.json"


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


def output_label(output: OutputSpec) -> tuple[str, str]:
    """An output's label and unit: its own ``label`` if the file gives one, else the
    indicator's label and its aggregation's (and the district's name when not ``all``); a
    sum over months turns a per-month unit into a total."""
    label, unit = describe_indicator(output.indicator)
    how = aggregations.AGGREGATIONS[output.aggregation]
    if how.adds_months:
        unit = unit.removesuffix("/month")
        label = label.replace(" this month", "")
    text = output.label or f"{label}, {how.label}"
    if output.district != "all" and not output.label:
        text += f", {output.district}"
    return text, unit


def paired_effects(
    runs: pd.DataFrame,
    baseline_runs: pd.DataFrame,
    points: pd.DataFrame,
    outputs: dict[str, OutputSpec] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Paired effects of every design point against the baseline, output by output.

    For each point, :func:`valuechain.runs.statistics.compare_runs` of its runs against the
    baseline's (paired on replication and seed: common random numbers), so each row is the
    mean of ``d_r = point_r - baseline_r`` with its standard error and Student t interval.

    Args:
        runs: the sweep's runs (``runs.parquet``).
        baseline_runs: the baseline's runs (``baseline_runs.parquet``).
        points: the design points as run (``points.parquet``): ``point`` and the columns
            copied into each row (factors, linked keys).
        outputs: the experiment's outputs (their labels); None or empty: the main summary
            indicators of :data:`valuechain.runs.statistics.MAIN_INDICATORS`.
        confidence: the intervals' coverage.

    Returns:
        One row per point and output (then the cost-effectiveness rows): ``point``, the
        points' columns, ``output``, ``label``, ``unit``, ``n``, ``point_mean``,
        ``baseline_mean``, ``difference``, ``se``, ``ci_low``, ``ci_high``, ``note``.
    """
    outputs = outputs or {}
    names = list(outputs) or main_indicators(c for c in runs.columns if c in baseline_runs)
    labels = {n: output_label(o) for n, o in outputs.items()}
    base = baseline_runs.drop(columns="point")
    frames = []
    for point, part in runs.groupby("point", sort=True):
        table = compare_runs(part.drop(columns="point"), base, names, confidence)
        for n, (label, unit) in labels.items():
            table.loc[table["indicator"] == n, ["label", "unit"]] = [label, unit]
        table.insert(0, "point", int(point))  # type: ignore[call-overload]
        frames.append(table)
    effects = pd.concat(frames, ignore_index=True).rename(
        columns={"indicator": "output", "scenario_mean": "point_mean"}
    )
    return points.merge(effects, on="point", how="right", validate="one_to_many")


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

    @functools.cached_property
    def timeseries_columns(self) -> list[str]:
        """The columns of ``timeseries.parquet`` (read from its schema, not its rows)."""
        import pyarrow.parquet as pq

        return list(pq.read_schema(self.path / TIMESERIES).names)

    @functools.cached_property
    def points(self) -> pd.DataFrame:
        """The design points as run: point, factors' values, linked keys' values."""
        if not (self.path / POINTS).is_file():  # a sweep written before points.parquet
            return self.runs.groupby("point", as_index=False)[self.factors].first()
        return pd.read_parquet(self.path / POINTS)

    @property
    def has_baseline(self) -> bool:
        """Whether the experiment named a baseline (then effects are available)."""
        return self.manifest.get("baseline") is not None

    @functools.cached_property
    def baseline_runs(self) -> pd.DataFrame:
        """One row per replication of the baseline (point -1), same seeds as every point."""
        self._need_baseline()
        return pd.read_parquet(self.path / BASELINE_RUNS)

    @functools.cached_property
    def baseline_timeseries(self) -> pd.DataFrame:
        """The baseline's time series (point -1)."""
        self._need_baseline()
        return pd.read_parquet(self.path / BASELINE_TIMESERIES)

    @functools.cached_property
    def effects(self) -> pd.DataFrame:
        """Paired effects per point and output against the baseline (``effects.parquet``)."""
        self._need_baseline()
        return pd.read_parquet(self.path / EFFECTS)

    @property
    def linked_keys(self) -> dict[str, str]:
        """Each linked key and the factor that sets it."""
        spec = self.manifest["experiment_spec"]["factors"]
        return {key: n for n, f in spec.items() for key in f.get("linked", {})}

    def _need_baseline(self) -> None:
        if not self.has_baseline:
            raise ResultsError(
                f"{self.path}: the experiment names no baseline, so the sweep has no baseline "
                "runs and no effects",
                hint='add baseline = "SCENARIO.toml" to the experiment file and run the sweep '
                "again with --restart",
            )

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
    for f in (parts / SWEEP_STATE, out / MANIFEST):
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
        for name in (DESIGN, SENSITIVITY, SENSITIVITY_S2, *SWEEP_FILES):
            (out / name).unlink(missing_ok=True)
    parts.mkdir(parents=True, exist_ok=True)
    state = {
        "content_hash": loaded.content_hash,
        "experiment_file": str(loaded.path),
        "experiment_file_hash": loaded.file_hash,
    }
    atomic_write_text(parts / SWEEP_STATE, json.dumps(state, indent=1) + "\n")


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
    reps = range(loaded.spec.replications)
    keys = [(p, r) for p in range(len(scenarios)) for r in reps]
    # the baseline once per replication, with the seeds of every point (common random numbers)
    baseline_keys = [(BASELINE_POINT, r) for r in reps] if loaded.baseline is not None else []
    to_run = dict(enumerate(scenarios))
    if loaded.baseline is not None:
        to_run[BASELINE_POINT] = loaded.baseline.scenario
    seeds = loaded.seeds
    walls: dict[tuple[int, int], float] = {}
    for p, r in [*baseline_keys, *keys]:
        w = part_is_complete(parts, p, r, seeds[r], loaded.content_hash)
        if w is not None:
            walls[p, r] = w
    resumed = len(walls)
    total = len(keys) + len(baseline_keys)
    manifest_ok = (out / MANIFEST).is_file() and resumed == total
    if manifest_ok:
        return read_experiment(out)
    (out / MANIFEST).unlink(missing_ok=True)
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    todo = (
        RunTask(p, r, seeds[r], to_run[p])
        for p, r in [*baseline_keys, *keys]
        if (p, r) not in walls
    )
    point_values = loaded.design.points.drop(columns="point").to_dict("records")
    bar = progress_bar(
        total - resumed,
        loaded.name + (f" ({resumed} done before)" if resumed else ""),
        show=progress,
    )

    def handle(res: RunOutput) -> None:
        factors = {} if res.point == BASELINE_POINT else point_values[res.point]
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
            n_workers = min(n_workers, max(1, total - resumed))
            run_tasks(todo, call, n_workers, handle)
            backend = "local"
    finally:
        bar.close()
    consolidate(parts, keys, out / RUNS, out / TIMESERIES)
    write_table_atomic(loaded.design.points, out / POINTS)
    if baseline_keys:
        consolidate(parts, baseline_keys, out / BASELINE_RUNS, out / BASELINE_TIMESERIES)
        effects = paired_effects(
            pd.read_parquet(out / RUNS),
            pd.read_parquet(out / BASELINE_RUNS),
            loaded.design.points,
            dict(loaded.spec.outputs),
        )
        write_table_atomic(effects, out / EFFECTS)
        write_csv_atomic(effects, out / EFFECTS_CSV)
    manifest = _manifest(
        loaded, [*baseline_keys, *keys], walls, resumed, started, t0, backend, n_workers, command
    )
    manifest["design_file"] = {"name": DESIGN, "sha256": file_digest(out / DESIGN)}
    write_manifest(out, manifest, SWEEP_FILES)
    return read_experiment(out)


def _baseline_manifest(loaded: LoadedExperiment) -> dict | None:
    if loaded.baseline is None:
        return None
    b = loaded.baseline
    return {
        "scenario": b.scenario.name,
        "scenario_file": str(b.path),
        "content_hash": b.content_hash,
        "scenario_text": b.text,
        "runs": loaded.spec.replications,
    }


def _manifest(loaded, keys, walls, resumed, started, t0, backend, n_workers, command) -> dict:
    spec = loaded.spec
    w = np.array([walls[k] for k in keys], dtype=float)
    n_baseline = sum(p == BASELINE_POINT for p, _ in keys)
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
        "baseline": _baseline_manifest(loaded),
        "design": {
            "kind": spec.design.kind,
            **spec.design.model_dump(exclude_none=True),
            "points": (len(keys) - n_baseline) // spec.replications,
            "factors": {n: f.key for n, f in spec.factors.items()},
            "linked": {n: dict(f.linked) for n, f in spec.factors.items() if f.linked},
        },
        "replications": spec.replications,
        "seed": loaded.seed,
        "seeds": loaded.seeds,
        "runs": len(keys) - n_baseline,
        "baseline_runs": n_baseline,
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

"""Replications of a scenario and paired runs against its baseline.

Replication ``r`` of a scenario whose seed is ``S`` is the single run with seed ``S + r``. A
scenario that names a ``baseline`` is compared to it under common random numbers: the baseline
runs with the same seeds, so the paired difference of an indicator, replication by
replication, carries far less noise than the difference of two independent means.

Example:
    >>> from valuechain.runs.replications import run_scenario           # doctest: +SKIP
    >>> sr = run_scenario("scenarios/hilirisasi_coffee.toml", replications=5, workers=4)
    >>> sr.comparison[["indicator", "difference", "ci_low", "ci_high"]]
    >>> sr.write("results/hilirisasi_coffee")

Runs execute in-process (``workers=1``) or on the local process pool of
:mod:`valuechain.runs.pool`; the results are identical, byte for byte, whatever the number of
workers.
"""

from __future__ import annotations

import functools
import os
import platform
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain.config.loader import LoadedScenario, load_scenario, scenario_from_dict
from valuechain.config.overrides import Override, Source, apply_overrides, as_overrides
from valuechain.config.scenario import Scenario
from valuechain.errors import ScenarioError, UserError
from valuechain.runs.pool import run_tasks
from valuechain.runs.progress import progress_bar
from valuechain.runs.provenance import git_revision, library_versions, package_version
from valuechain.runs.results import (
    BASELINE_DIR,
    COMPARISON,
    PLANT_CLOSURES,
    PLANTS_TABLE,
    POSTERIOR_RUNS,
    ROUNDS_CSV,
    ROUNDS_TABLE,
    RUNS,
    TIMESERIES,
    clear_results_dir,
    write_csv_atomic,
    write_manifest,
    write_table_atomic,
)
from valuechain.runs.statistics import compare_runs

if TYPE_CHECKING:
    from valuechain.runs.posterior import Posterior

__all__ = [
    "RunResult",
    "ScenarioRuns",
    "assemble_runs",
    "execute_runs",
    "load_with_baseline",
    "no_plants",
    "pair_with_baseline",
    "replication_seeds",
    "run_one_replication",
    "run_replications",
    "run_scenario",
]


# --------------------------------------------------------------------------- one run


@dataclass(frozen=True)
class RunResult:
    """What one replication returns from a worker."""

    replication: int
    seed: int
    summary: dict[str, float]
    timeseries: pd.DataFrame
    wall_time_s: float
    plants: pd.DataFrame


def _default_model_class() -> type:
    from valuechain.model.model import ValueChainModel  # deferred: `validate` never imports Mesa

    return ValueChainModel


def run_one_replication(
    scenario: Scenario, replication: int, seed: int, model_class: type | None = None
) -> RunResult:
    """Build, run and read one model; always release it (Mesa keeps models alive otherwise).

    Args:
        scenario: the scenario to run.
        replication: the replication's number (recorded in the result).
        seed: the run's seed.
        model_class: the model (default :class:`valuechain.model.model.ValueChainModel`);
            another class must be built as ``cls(scenario, seed=seed)`` and offer ``run``,
            ``indicators``, ``summary``, ``plants`` and ``release`` as it does.
    """
    cls = model_class or _default_model_class()
    t0 = time.perf_counter()
    model = cls(scenario, seed=seed)
    try:
        model.run()
        ts = model.indicators()
        summary = {k: float(v) for k, v in model.summary().items()}
        plants = model.plants()
    finally:
        model.release()
    return RunResult(replication, seed, summary, ts, time.perf_counter() - t0, plants)


def _run_keyed(
    task: tuple[Any, Scenario, int, int], model_class: type | None
) -> tuple[Any, RunResult]:
    key, scenario, replication, seed = task
    return key, run_one_replication(scenario, replication, seed, model_class)


def execute_runs(
    tasks: Sequence[tuple[Any, Scenario, int, int]],
    *,
    workers: int,
    progress: bool = False,
    desc: str = "runs",
    model_class: type | None = None,
) -> dict[Any, RunResult]:
    """Run ``(key, scenario, replication, seed)`` tasks on the local pool; return results by key.

    Args:
        tasks: one ``(key, scenario, replication, seed)`` per run; keys must be distinct.
        workers: processes; 1 runs in this process. Results do not depend on it.
        progress: show a progress bar of the runs (when stderr is a terminal).
        desc: the bar's description.
        model_class: the model (see :func:`run_one_replication`).
    """
    out: dict[Any, RunResult] = {}
    bar = progress_bar(len(tasks), desc, show=progress)

    def handle(keyed: tuple[Any, RunResult]) -> None:
        out[keyed[0]] = keyed[1]
        bar.update()

    try:
        call = functools.partial(_run_keyed, model_class=model_class)
        run_tasks(tasks, call, min(workers, len(tasks)), handle)
    finally:
        bar.close()
    return out


# --------------------------------------------------------------------------- replications


def _frames(name: str, results: list[RunResult]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Assemble ``runs``, ``timeseries`` and ``plants`` in replication order
    (worker-independent)."""
    results = sorted(results, key=lambda r: r.replication)
    rows = [
        {"scenario": name, "replication": r.replication, "seed": r.seed, **r.summary}
        for r in results
    ]
    runs = pd.DataFrame(rows)
    runs["scenario"] = runs["scenario"].astype(str)
    runs[["replication", "seed"]] = runs[["replication", "seed"]].astype("int64")
    timeseries = _labelled(name, [(r, r.timeseries) for r in results])
    return runs, timeseries, _labelled(name, [(r, r.plants) for r in results])


def no_plants() -> pd.DataFrame:
    """The per-plant table of runs without plants: its columns, no rows."""
    from valuechain.model.firms import PLANT_COLUMNS

    return pd.DataFrame(columns=["scenario", "replication", "seed", *PLANT_COLUMNS])


def _labelled(name: str, tables: list[tuple[RunResult, pd.DataFrame]]) -> pd.DataFrame:
    """Per-replication tables stacked, each row labelled with scenario, replication, seed."""
    parts = []
    for r, table in tables:
        t = table.reset_index(drop=True).copy()
        t.insert(0, "seed", np.int64(r.seed))
        t.insert(0, "replication", np.int64(r.replication))
        t.insert(0, "scenario", name)
        parts.append(t)
    out = pd.concat(parts, ignore_index=True)
    out["scenario"] = out["scenario"].astype(str)
    return out


def replication_seeds(scenario: Scenario, replications: int) -> list[int]:
    """The seed of each replication: replication ``r`` runs with the scenario's seed + ``r``.

    Raises:
        UserError: fewer than one replication, or a last seed beyond 2**63 - 1.
    """
    if replications < 1:
        raise UserError(
            f"replications must be at least 1, not {replications}", hint="use --replications N"
        )
    last = scenario.seed + replications - 1
    if last > 2**63 - 1:
        raise UserError(
            f"seed {scenario.seed} + {replications - 1} replications exceeds 2**63 - 1",
            hint="choose a smaller seed",
        )
    return [scenario.seed + r for r in range(replications)]


@dataclass
class ScenarioRuns:
    """Replications of one scenario (and of its baseline, paired by seed).

    Attributes:
        loaded: the resolved scenario that was run.
        runs: one row per replication: scenario, replication, seed, summary indicators.
        timeseries: one row per replication x step x district: scenario, replication, seed,
            step, date, district, indicators.
        plants: one row per replication x step x plant: scenario, replication, seed and
            :data:`valuechain.model.firms.PLANT_COLUMNS` (no rows without plants).
        seeds: the seed of each replication (``seed + r``).
        wall_times_s: wall time of each replication, in replication order.
        total_wall_time_s: wall time of the whole call (scenario and baseline together).
        workers: processes used.
        baseline: the baseline's runs with the same seeds, or None.
        comparison: paired differences scenario - baseline (see :func:`compare_runs`), or None.
        started: when the runs started (UTC, ISO 8601).
        command: the command line that asked for them (recorded in the manifest), if any.
    """

    loaded: LoadedScenario
    runs: pd.DataFrame
    timeseries: pd.DataFrame
    seeds: list[int]
    wall_times_s: list[float]
    total_wall_time_s: float
    workers: int
    baseline: ScenarioRuns | None = None
    comparison: pd.DataFrame | None = None
    plants: pd.DataFrame = field(default_factory=lambda: no_plants())
    started: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    command: list[str] | None = None
    posterior: dict[str, Any] | None = None  # --posterior: the calibration and each draw
    draw_runs: pd.DataFrame | None = None  # --posterior: the runs with drawn parameters

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.loaded.scenario.name

    @property
    def replications(self) -> int:
        """Number of replications."""
        return len(self.seeds)

    @functools.cached_property
    def rounds(self) -> pd.DataFrame:
        """Poverty by BPS round: one row per replication x district x year x round
        (:func:`valuechain.outputs.rounds.rounds_table`)."""
        from valuechain.outputs.rounds import rounds_table

        return rounds_table(self.timeseries)

    @functools.cached_property
    def plant_closures(self) -> pd.DataFrame:
        """Each plant's fate over the replications
        (:func:`valuechain.outputs.plants.plant_closures`)."""
        from valuechain.outputs.plants import plant_closures

        return plant_closures(self.plants)

    def manifest(self) -> dict[str, Any]:
        """The manifest describing these runs (``files`` is added when written)."""
        return build_manifest(self)

    def write(self, directory: str | Path) -> Path:
        """Write the results directory (baseline under ``DIR/baseline``); manifest last.

        A previous result in ``directory`` is invalidated first (its manifest removed), so an
        interrupted write never leaves a directory that looks complete.
        """
        directory = Path(directory)
        clear_results_dir(directory)
        if self.baseline is not None:
            self.baseline.write(directory / BASELINE_DIR)
        write_table_atomic(self.runs, directory / RUNS)
        write_table_atomic(self.timeseries, directory / TIMESERIES)
        write_table_atomic(self.rounds, directory / ROUNDS_TABLE)
        write_csv_atomic(self.rounds, directory / ROUNDS_CSV)
        write_table_atomic(self.plants, directory / PLANTS_TABLE)
        write_csv_atomic(self.plant_closures, directory / PLANT_CLOSURES)
        if self.comparison is not None:
            write_csv_atomic(self.comparison, directory / COMPARISON)
        if self.draw_runs is not None:
            write_table_atomic(self.draw_runs, directory / POSTERIOR_RUNS)
        write_manifest(directory, self.manifest())
        return directory


def run_replications(
    loaded: LoadedScenario,
    replications: int | None = None,
    *,
    workers: int = 1,
    progress: bool = False,
    model_class: type | None = None,
) -> ScenarioRuns:
    """Run the replications of one scenario (no baseline); see :func:`run_scenario`."""
    reps = loaded.scenario.replications if replications is None else replications
    seeds = replication_seeds(loaded.scenario, reps)
    t0 = time.perf_counter()
    tasks = [(r, loaded.scenario, r, s) for r, s in enumerate(seeds)]
    out = execute_runs(
        tasks,
        workers=workers,
        progress=progress,
        desc=loaded.scenario.name,
        model_class=model_class,
    )
    return assemble_runs(loaded, [out[r] for r in range(reps)], t0, workers)


def assemble_runs(
    loaded: LoadedScenario, results: list[RunResult], t0: float, workers: int
) -> ScenarioRuns:
    """The runs of one scenario from its replications' results (in replication order), as
    :func:`run_replications` returns them; ``t0``: when the runs started
    (:func:`time.perf_counter`), for the total wall time."""
    runs, ts, plants = _frames(loaded.scenario.name, results)
    return ScenarioRuns(
        loaded=loaded,
        runs=runs,
        timeseries=ts,
        plants=plants,
        seeds=[r.seed for r in results],
        wall_times_s=[r.wall_time_s for r in results],
        total_wall_time_s=time.perf_counter() - t0,
        workers=workers,
    )


def pair_with_baseline(result: ScenarioRuns, baseline: ScenarioRuns) -> None:
    """Attach the baseline's runs (same seeds) to ``result`` and compare them, replication by
    replication (:func:`valuechain.runs.statistics.compare_runs`)."""
    result.baseline = baseline
    result.comparison = compare_runs(result.runs, baseline.runs)


# --------------------------------------------------------------------------- loading


def _with_overrides(loaded: LoadedScenario, overrides: Sequence[Override]) -> LoadedScenario:
    """Apply further overrides to an already loaded scenario."""
    if not overrides:
        return loaded
    if loaded.path is not None:
        return load_scenario(loaded.path, (*loaded.overrides, *overrides))
    origin = dict(loaded.origin)
    doc = apply_overrides(loaded.document, overrides, origin)
    scenario = scenario_from_dict(
        doc, source="<scenario>", origin=origin, with_shipped_chains=False
    )
    return LoadedScenario(scenario, None, doc, (*loaded.overrides, *overrides), origin)


def load_with_baseline(
    path_or_loaded: str | Path | LoadedScenario,
    overrides: Mapping[str, Any] | Iterable[str | Override] = (),
    *,
    scenario_overrides: Mapping[str, Any] | Iterable[str | Override] = (),
    seed: int | None = None,
    months: int | None = None,
) -> tuple[LoadedScenario, LoadedScenario | None]:
    """Load a scenario and the baseline it names, with the common overrides applied to both.

    ``overrides`` (``--set``) apply to the scenario and its baseline; ``scenario_overrides``
    (``--set-scenario``) to the scenario alone, e.g. to change a plant the baseline does not
    have. ``seed`` and ``months`` are overrides of the keys of the same name (for both). The
    baseline is given the scenario's seed (common random numbers) and must simulate the same
    months.

    Raises:
        ScenarioError: the scenario or its baseline is invalid.
        UserError: the baseline is missing, or its calendar differs.
    """
    extra = list(as_overrides(overrides))
    if seed is not None:
        extra.append(Override("seed", int(seed), Source.command_line("--seed")))
    if months is not None:
        extra.append(Override("months", int(months), Source.command_line("--months")))
    extra += as_overrides(scenario_overrides, scenario_only=True)
    if isinstance(path_or_loaded, LoadedScenario):
        loaded = _with_overrides(path_or_loaded, extra)
    else:
        loaded = load_scenario(path_or_loaded, extra)
    base_path = loaded.baseline_path()
    if base_path is None:
        return loaded, None
    where = f"{loaded.path or '<scenario>'} (key 'baseline' = {loaded.scenario.baseline!r})"
    if not base_path.is_file():
        raise UserError(
            f"the baseline {base_path} named by {where} does not exist",
            hint="fix the 'baseline' key; a relative path is read from the folder of the file "
            "that names it",
        )
    seed_source = Source(f"{loaded.path or '<scenario>'} (its seed)", base_path.parent)
    common = [*loaded.common_overrides, Override("seed", loaded.scenario.seed, seed_source)]
    try:
        base = load_scenario(base_path, common)
    except ScenarioError as exc:
        sets = [str(o) for o in loaded.common_overrides]
        raise ScenarioError(
            exc.problems,
            hint="--set applies to the scenario and to its baseline; to change the scenario "
            "alone (a plant the baseline does not have), use --set-scenario KEY=VALUE",
            subject=f"the baseline {base_path} named by {where}, with the overrides "
            f"{sets or 'none'}",
        ) from None
    s, b = loaded.scenario, base.scenario
    if (s.start, s.months) != (b.start, b.months):
        raise UserError(
            f"{s.name} simulates {s.months} months from {s.start} but its baseline {b.name} "
            f"simulates {b.months} months from {b.start}; a paired comparison needs the same "
            "calendar",
            hint="make start and months equal in both files (--set months=N applies to both)",
        )
    return loaded, base


def run_scenario(
    path_or_loaded: str | Path | LoadedScenario,
    replications: int | None = None,
    seed: int | None = None,
    overrides: Mapping[str, Any] | Iterable[str | Override] = (),
    workers: int = 1,
    progress: bool = False,
    *,
    scenario_overrides: Mapping[str, Any] | Iterable[str | Override] = (),
    months: int | None = None,
    model_class: type | None = None,
    posterior: Posterior | None = None,
    draws: int | None = None,
) -> ScenarioRuns:
    """Run the replications of a scenario, and of its baseline under the same seeds.

    Args:
        path_or_loaded: a scenario file, or a scenario loaded with
            :func:`valuechain.config.loader.load_scenario`.
        replications: number of replications (default: the scenario's ``replications``).
        seed: seed of replication 0 (an override of ``seed``); replication r uses seed + r.
        overrides: values by dotted key (``{"months": 24}``) or ``key.path=value`` texts,
            applied to the scenario and its baseline.
        workers: processes; 1 runs in this process. Results do not depend on it.
        progress: show a progress bar on stderr (when it is a terminal).
        scenario_overrides: overrides applied to the scenario alone, not to its baseline.
        months: simulated months (an override of ``months``).
        model_class: the model to run (default :class:`valuechain.model.model.ValueChainModel`);
            it must be importable by worker processes.
        posterior: a calibration's posterior (:mod:`valuechain.runs.posterior`): the runs are
            made at its medians (the shocks-only comparison), and once more with each
            replication's parameters drawn from it, the scenario and its baseline sharing the
            draw; the comparison gains the total interval. Needs a baseline.
        draws: distinct posterior draws (default: one per replication).

    Returns:
        The runs, with ``.baseline`` and ``.comparison`` filled when the scenario names a
        baseline.
    """
    if workers < 1:
        raise UserError(f"workers must be at least 1, not {workers}", hint="use --workers N")
    loaded, base = load_with_baseline(
        path_or_loaded, overrides, scenario_overrides=scenario_overrides, seed=seed, months=months
    )
    reps = loaded.scenario.replications if replications is None else replications
    drawn: list[dict[str, Any]] = []
    if posterior is not None:
        if base is None:
            raise UserError(
                f"--posterior compares a scenario with its baseline; {loaded.scenario.name} "
                "names none",
                hint='add `baseline = "..."` to the scenario file',
            )
        loaded = _with_overrides(loaded, posterior.median_overrides())
        base = _with_overrides(base, posterior.median_overrides())
        drawn = posterior.draws(loaded.scenario.seed, reps, draws)
    seeds = replication_seeds(loaded.scenario, reps)
    t0 = time.perf_counter()
    tasks = [(("s", r), loaded.scenario, r, s) for r, s in enumerate(seeds)]
    if base is not None:
        tasks += [(("b", r), base.scenario, r, s) for r, s in enumerate(seeds)]
    for d in drawn:  # --posterior: each replication once more with its drawn parameters
        values = posterior.overrides(d["values"])
        r = d["replication"]
        s = seeds[r]
        tasks += [
            (("sd", r), _with_overrides(loaded, values).scenario, r, s),
            (("bd", r), _with_overrides(base, values).scenario, r, s),
        ]
    desc = loaded.scenario.name + (" + baseline" if base is not None else "")
    out = execute_runs(
        tasks, workers=workers, progress=progress, desc=desc, model_class=model_class
    )
    result = assemble_runs(loaded, [out["s", r] for r in range(reps)], t0, workers)
    if base is not None:
        pair_with_baseline(
            result, assemble_runs(base, [out["b", r] for r in range(reps)], t0, workers)
        )
    if drawn:
        _add_parameter_uncertainty(result, out, drawn, posterior)
    result.total_wall_time_s = time.perf_counter() - t0
    return result


def _add_parameter_uncertainty(
    result: ScenarioRuns,
    out: dict[Any, RunResult],
    drawn: list[dict[str, Any]],
    posterior: Posterior,
) -> None:
    """The runs with drawn parameters, the draws in the manifest, and the total intervals in
    the comparison (:func:`valuechain.runs.posterior.with_parameter_uncertainty`)."""
    from valuechain.runs.posterior import with_parameter_uncertainty

    reps = range(len(drawn))
    scen, _, _ = _frames(result.name, [out["sd", r] for r in reps])
    base, _, _ = _frames(result.baseline.name, [out["bd", r] for r in reps])
    indicators = [i for i in result.comparison["indicator"] if i in scen.columns]
    num = [i for i in indicators if pd.api.types.is_numeric_dtype(scen[i])]
    result.comparison = with_parameter_uncertainty(
        result.comparison,
        result.runs[num] - result.baseline.runs[num],
        scen[num] - base[num],
        num,
    )
    result.draw_runs = pd.concat(
        [scen.assign(side="scenario"), base.assign(side="baseline")], ignore_index=True
    )
    result.posterior = {
        "calibrations": [str(p) for p in posterior.paths],
        "medians": posterior.medians,
        "keys": posterior.keys,
        "draws": drawn,
    }


# --------------------------------------------------------------------------- manifest


def build_manifest(sr: ScenarioRuns) -> dict[str, Any]:
    """The manifest of a results directory (see :mod:`valuechain.runs.results`)."""
    loaded = sr.loaded
    manifest: dict[str, Any] = {
        "kind": "run",
        "scenario": sr.name,
        "scenario_file": str(loaded.path) if loaded.path else None,
        "content_hash": loaded.content_hash,
        "overrides": [str(o) for o in loaded.overrides],
        "replications": sr.replications,
        "seeds": list(sr.seeds),
        "months": loaded.scenario.months,
        "start": loaded.scenario.start,
        "districts": sorted(loaded.scenario.districts),
        "commodities": loaded.scenario.commodities,
        "started_utc": sr.started,
        "wall_time_s": {
            "per_run": [round(t, 4) for t in sr.wall_times_s],
            "total": round(sr.total_wall_time_s, 4),
        },
        "workers": sr.workers,
        "package_version": package_version(),
        **git_revision(),
        "versions": library_versions(),
        "platform": platform.platform(),
        "command": sr.command,
        "baseline": None,
        "scenario_text": loaded.text,
        "posterior": sr.posterior,
    }
    if sr.baseline is not None:
        b = sr.baseline.loaded
        manifest["baseline"] = {
            "directory": BASELINE_DIR,
            "scenario": b.scenario.name,
            "scenario_file": str(b.path) if b.path else None,
            "content_hash": b.content_hash,
            "scenario_text": b.text,
        }
    return manifest


def default_workers(n_runs: int) -> int:
    """min(runs, CPUs): the CLI's default pool size."""
    return max(1, min(n_runs, os.cpu_count() or 1))

"""Studies: scenarios and experiments, each compared with its baseline, run once and reused.

A study is a TOML file (see ``studies/``)::

    name = "coffee_levers"                  # default: the file name
    description = "Two levers of the coffee district against its status quo"

    [settings]                              # common to every scenario and its baseline
    replications = 8                        # default: each scenario's own
    seed = 20240805                         # seed of replication 0 (default: each scenario's)
    months = 60                             # simulated months (default: each scenario's)
    households = 4000                       # n_households of every district
    set = ["registry.score_noise_sd = 0.5"] # --set overrides, as on the command line
    goal_extreme_poverty = 0.01             # "zero extreme poverty": a share below this

    [groups.transfers]                      # optional: display order and labels of groups
    label = "Transfers"
    [groups.processing]
    label = "Processing"

    [scenarios.pkh]                         # the id names the results folder runs/<id>/
    file = "../scenarios/coffee_pkh.toml"   # relative to this file; it must name a baseline
    label = "Wider PKH"                     # default: the scenario's description
    group = "transfers"                     # one of [groups] when the file has them

    [scenarios.big_roastery]
    file = "../scenarios/hilirisasi_coffee.toml"
    group = "processing"
    set = ["districts.lampung_barat.real_households = 90000"]
    set_scenario = ["districts.lampung_barat.processors.roastery_a.capacity_t_per_month = 80"]

    [experiments.remiller_size]             # the id names the sweep folder sweeps/<id>/
    file = "../experiments/remiller_capacity_effects.toml"  # it must name a baseline
    label = "Remiller size"                 # required
    group = "processing"                    # one of [groups] when the file has them
    set = ["districts.jambi_lowland.real_households = 90000"]  # its base and its baseline

A scenario's ``set`` applies to it and its baseline, after the settings' (so it wins); its
``set_scenario`` (``--set-scenario``) to the scenario alone, e.g. to a plant the baseline does
not have. Files are validated like scenarios and experiments: an unknown key, a wrong type, a
missing scenario file, a scenario that names no baseline, a group not in ``[groups]``, two ids
that differ only in case or two entries that run the same thing are each an error naming the
file, the key path, the value and what was expected; every scenario and its baseline are loaded
and validated before anything runs.

**Experiments.** An experiment (:mod:`valuechain.experiments.spec`) in a study must name a
``baseline``: every design point is compared with it on the same seeds, and a report draws the
paired effects per point (``effects.csv``) against the design factors. It is run by
:func:`valuechain.experiments.sweep.run_experiment` into ``sweeps/<id>/`` as ``valuechain sweep``
would run it: the study's ``[settings]`` do not apply to it (not ``replications``, ``seed``,
``months``, ``households`` nor ``set``), because an experiment's design has its own budget
(replications, household count and months in its ``base_overrides``) and the same file should
give the same sweep inside and outside a study. Only the entry's own ``set`` applies, to its
base scenario and its baseline after the experiment's ``base_overrides`` (it changes what is
run, hence the experiment's content hash). Its ``label`` is required (an experiment's
description names a design, not what a report should call it). The experiment, its baseline
and every design point are validated by :func:`load_study` like the scenarios; an experiment
file's problems are reported with the study's key as the related source, an experiment
without a baseline is an error naming ``experiments.<id>.file``, and an experiment id must
differ (case-blind) from every scenario's and other experiment's.

Public API (what ``valuechain report`` builds on):

- :func:`load_study` ``(path) -> LoadedStudy``: read and validate a study file and resolve
  every scenario and its baseline (:class:`StudyScenario`) and every experiment
  (:class:`StudyExperimentEntry`);
- :func:`run_study` ``(study, out_dir, *, workers, cluster, progress, command) ->
  StudyRuns``: run what is missing into ``out_dir/runs/<id>/`` and reuse each folder whose
  manifest matches (same resolved scenario and baseline hashes, seeds, replications, months
  and package version); each baseline world is run once even when several scenarios share it;
  then each experiment into ``out_dir/sweeps/<id>/`` (reused when :func:`match_sweep` finds
  its finished sweep: same content hash and package version, every file matching its
  SHA-256; an unfinished sweep of the same experiment resumes; any other is discarded and
  run from nothing, so a folder never mixes two experiments' runs);
- :func:`open_result_folders` ``(paths) -> StudyRuns``: result folders of ``valuechain run``
  and sweep folders of ``valuechain sweep`` directly, refused with a clear error when
  incomplete, of an older format, without a baseline (a sweep without ``effects.csv``), or a
  calibration's or decomposition's;
- :class:`StudyRuns`: the scenarios in order (:class:`StudyResult`: id, label, group, results
  folder, reused or run and why, :meth:`StudyResult.results`), the groups in display order,
  the experiments in order (:class:`StudyExperiment`: id, label, group, sweep folder, reused or
  run and why, :meth:`StudyExperiment.results` -> ``ExperimentResults``), the goal threshold
  and a one-line :attr:`StudyRuns.summary`.

What differs between a scenario and its baseline can be read, for study and folder alike, from
each results folder's manifest (``scenario_text`` and ``baseline.scenario_text``: the resolved
scenarios as JSON).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from valuechain.config.loader import LoadedScenario, load_scenario
from valuechain.config.overrides import Override, Source, as_overrides
from valuechain.config.scenario import Scenario
from valuechain.config.schema import Strict
from valuechain.errors import MISSING, Problem, ProblemsError, Related, ScenarioError, UserError
from valuechain.experiments.spec import LoadedExperiment, load_experiment, read_spec_file
from valuechain.experiments.sweep import (
    EFFECTS_CSV,
    SWEEP_STATE,
    ExperimentResults,
    read_experiment,
    run_experiment,
)
from valuechain.runs.backends import run_dask
from valuechain.runs.parts import PARTS_DIR
from valuechain.runs.pool import run_tasks
from valuechain.runs.progress import progress_bar
from valuechain.runs.provenance import package_version
from valuechain.runs.replications import (
    RunResult,
    assemble_runs,
    load_with_baseline,
    pair_with_baseline,
    replication_seeds,
    run_one_replication,
)
from valuechain.runs.results import (
    COMPARISON,
    FORMAT_VERSION,
    MANIFEST,
    Results,
    ResultsError,
    check_writable,
    file_digest,
    read_results,
)

__all__ = [
    "RUNS_DIR",
    "SWEEPS_DIR",
    "LoadedStudy",
    "StudyError",
    "StudyExperiment",
    "StudyExperimentEntry",
    "StudyResult",
    "StudyRuns",
    "StudyScenario",
    "StudySpec",
    "SweepMatch",
    "load_study",
    "match_sweep",
    "open_result_folders",
    "run_study",
]

#: The folder of ``out_dir`` holding one results folder per scenario id.
RUNS_DIR = "runs"
#: The folder of ``out_dir`` holding one sweep folder per experiment id.
SWEEPS_DIR = "sweeps"
_ID = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
#: Manifest keys a report needs; a manifest without them is of an older format.
_REPORT_KEYS = ("scenario", "content_hash", "seeds", "replications", "months", "package_version")
_WRITING, _REPLACED = "writing", "replaced"  # suffixes of a study's temporary folders

HINT_STUDY = (
    "fix the key in the study file named; every scenario and its baseline are checked before "
    "anything runs"
)


class StudyError(ProblemsError):
    """A study file that cannot be used; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem], hint: str = HINT_STUDY):
        super().__init__(problems, subject="the study", hint=hint)


# --------------------------------------------------------------------------- schema


class StudySettings(Strict):
    """Settings common to every scenario of the study and to its baseline."""

    replications: int | None = Field(None, ge=1, le=100_000, description="default: scenario's")
    seed: int | None = Field(None, ge=0, le=2**62, description="seed of replication 0")
    months: int | None = Field(None, ge=1, le=600, description="simulated months")
    households: int | None = Field(
        None, ge=10, le=10_000_000, description="simulated households of every district"
    )
    set: list[str] = Field(default_factory=list, description="key=value overrides (--set)")
    goal_extreme_poverty: float = Field(
        0.01, gt=0, lt=1, description="'zero extreme poverty': an extreme-poverty share below it"
    )


class StudyScenarioSpec(Strict):
    """One scenario of a study: its file, label, group and own overrides."""

    file: str = Field(..., min_length=1, description="scenario file, relative to the study")
    label: str = Field("", description="default: the scenario's description")
    group: str | None = None
    set: list[str] = Field(default_factory=list, description="key=value, it and its baseline")
    set_scenario: list[str] = Field(
        default_factory=list, description="key=value, the scenario alone (--set-scenario)"
    )


class StudyExperimentSpec(Strict):
    """One experiment of a study: its file, label, group and own overrides."""

    file: str = Field(..., min_length=1, description="experiment file, relative to the study")
    label: str = Field(..., min_length=1, description="what the report calls it")
    group: str | None = None
    set: list[str] = Field(
        default_factory=list, description="key=value, its base scenario and baseline"
    )


class GroupSpec(Strict):
    """A group of scenarios as reports show it."""

    label: str = ""


class StudySpec(Strict):
    """What a study file holds (validated)."""

    name: str | None = Field(None, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    settings: StudySettings = Field(default_factory=StudySettings)
    groups: dict[str, GroupSpec] = Field(default_factory=dict)
    scenarios: dict[str, StudyScenarioSpec] = Field(..., min_length=1)
    experiments: dict[str, StudyExperimentSpec] = Field(default_factory=dict)

    @field_validator("groups", "scenarios", "experiments")
    @classmethod
    def _ids(cls, v: dict) -> dict:
        bad = [k for k in v if not re.match(_ID, k)]
        if bad:
            raise ValueError(f"ids {bad} must be letters, digits, _ and - (they name folders)")
        return v


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class StudyScenario:
    """A scenario of a loaded study, resolved with the study's settings, and its baseline."""

    id: str
    label: str
    group: str | None
    file: Path
    loaded: LoadedScenario
    baseline: LoadedScenario
    seeds: list[int]

    @property
    def replications(self) -> int:
        """Replications of the scenario and of its baseline."""
        return len(self.seeds)


@dataclass(frozen=True)
class StudyExperimentEntry:
    """An experiment of a loaded study: its id, label, group, file and the loaded experiment
    (with the entry's ``set``; it names a baseline)."""

    id: str
    label: str
    group: str | None
    file: Path
    loaded: LoadedExperiment


@dataclass(frozen=True)
class LoadedStudy:
    """A validated study: its spec, file, and every scenario and experiment resolved (in the
    file's order)."""

    spec: StudySpec
    path: Path
    text: str
    scenarios: dict[str, StudyScenario]
    experiments: dict[str, StudyExperimentEntry] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The study's name (``name`` key, else the file name)."""
        return self.spec.name or self.path.stem

    @property
    def groups(self) -> dict[str, str]:
        """Group id -> label, in display order: ``[groups]``'s, else first use."""
        if self.spec.groups:
            return {g: s.label or g for g, s in self.spec.groups.items()}
        entries = [*self.scenarios.values(), *self.experiments.values()]
        used = (e.group for e in entries if e.group is not None)
        return {g: g for g in dict.fromkeys(used)}


def load_study(path: str | Path) -> LoadedStudy:
    """Read and validate a study file: load every scenario and its baseline, and every
    experiment, its baseline and its design points.

    Raises:
        StudyError: the file, a key, a scenario file or its baseline is wrong (every problem
            found, each naming the file, the key path, the value and what was expected).
    """
    path = Path(path)
    spec, text = read_spec_file(path, StudySpec, StudyError, "study")
    src = str(path)
    problems = _check_groups(spec, src)
    scenarios: dict[str, StudyScenario] = {}
    for sid, entry in spec.scenarios.items():
        try:
            scenarios[sid] = _resolve(path, spec.settings, sid, entry)
        except StudyError as exc:
            problems += exc.problems
    problems += _duplicates(scenarios, src)
    experiments: dict[str, StudyExperimentEntry] = {}
    for eid, exp in spec.experiments.items():
        try:
            experiments[eid] = _resolve_experiment(path, eid, exp)
        except StudyError as exc:
            problems += exc.problems
    problems += _duplicate_experiments(experiments, spec, src)
    if problems:
        raise StudyError(problems)
    return LoadedStudy(spec, path.resolve(), text, scenarios, experiments)


def _check_groups(spec: StudySpec, src: str) -> list[Problem]:
    if not spec.groups:
        return []
    known = list(spec.groups)
    entries = [
        *(("scenarios", i, e.group) for i, e in spec.scenarios.items()),
        *(("experiments", i, e.group) for i, e in spec.experiments.items()),
    ]
    return [
        Problem(src, f"{kind}.{i}.group", group, f"one of the [groups]: {known}")
        for kind, i, group in entries
        if group is not None and group not in spec.groups
    ]


def _resolve(
    path: Path, settings: StudySettings, sid: str, entry: StudyScenarioSpec
) -> StudyScenario:
    """Load one scenario and its baseline with the settings' and the entry's overrides."""
    src, key = str(path), f"scenarios.{sid}.file"
    file = (path.parent / entry.file).resolve()
    named = (Related(src, key, entry.file),)
    if not file.is_file():
        where = "an existing scenario file (a relative path is read from the study's folder)"
        raise StudyError([Problem(src, key, entry.file, where)])
    try:
        overrides, alone = _overrides(path, settings, sid, entry, load_scenario(file).scenario)
        loaded, base = load_with_baseline(file, overrides, scenario_overrides=alone)
        reps = settings.replications or loaded.scenario.replications
        seeds = replication_seeds(loaded.scenario, reps)
    except ScenarioError as exc:
        raise StudyError([_with_related(p, named) for p in exc.problems]) from None
    except UserError as exc:
        raise StudyError([Problem(src, key, entry.file, f"a usable scenario: {exc}")]) from None
    if base is None:
        why = "a scenario that names a baseline (a study compares each scenario with it)"
        raise StudyError([Problem(src, key, entry.file, why)])
    label = entry.label or loaded.scenario.description or loaded.scenario.name
    return StudyScenario(sid, label, entry.group, file, loaded, base, seeds)


def _resolve_experiment(path: Path, eid: str, entry: StudyExperimentSpec) -> StudyExperimentEntry:
    """Load one experiment with the entry's ``set`` (not the settings'), check that it names a
    baseline, and validate every design point."""
    src, key = str(path), f"experiments.{eid}.file"
    file = (path.parent / entry.file).resolve()
    named = (Related(src, key, entry.file),)
    if not file.is_file():
        where = "an existing experiment file (a relative path is read from the study's folder)"
        raise StudyError([Problem(src, key, entry.file, where)])
    written = Source(src, path.resolve().parent, prefix=f"experiments.{eid}.set: ")
    try:
        loaded = load_experiment(file, _parsed(entry.set, written))
        loaded.scenarios()  # every design point validated before anything runs
    except ProblemsError as exc:  # the experiment's, its base's or a set text's
        raise StudyError([_with_related(p, named) for p in exc.problems]) from None
    except UserError as exc:
        raise StudyError([Problem(src, key, entry.file, f"a usable experiment: {exc}")]) from None
    if loaded.baseline is None:
        why = (
            "an experiment that names a baseline (a report shows each design point's paired "
            "effects against it, on the same seeds)"
        )
        missing = (Related(str(file), "baseline", MISSING),)
        raise StudyError([Problem(src, key, entry.file, why, missing)])
    return StudyExperimentEntry(eid, entry.label, entry.group, file, loaded)


def _duplicate_experiments(
    experiments: dict[str, StudyExperimentEntry], spec: StudySpec, src: str
) -> list[Problem]:
    """Experiment ids a scenario or another experiment has (case-blind: reports and folders
    are named by them), and entries that run the same sweep."""
    out: list[Problem] = []
    seen_id = {sid.lower(): f"scenarios.{sid}" for sid in spec.scenarios}
    seen_run: dict[str, str] = {}
    for eid in spec.experiments:
        other = seen_id.setdefault(eid.lower(), f"experiments.{eid}")
        if other != f"experiments.{eid}":
            out.append(Problem(src, f"experiments.{eid}", eid, f"an id other than {other}'s"))
        e = experiments.get(eid)
        if e is None:
            continue
        first = seen_run.setdefault(e.loaded.content_hash, eid)
        if first != eid:
            why = f"each experiment once: it runs the same as experiments.{first}"
            out.append(Problem(src, f"experiments.{eid}.file", e.file.name, why))
    return out


def _with_related(problem: Problem, related: tuple[Related, ...]) -> Problem:
    return Problem(
        problem.source, problem.path, problem.value, problem.expected, problem.related + related
    )


def _overrides(
    path: Path, settings: StudySettings, sid: str, entry: StudyScenarioSpec, plain: Scenario
) -> tuple[list[Override], list[Override]]:
    """The overrides of one scenario and its baseline, in order: seed, months, households,
    the settings' ``set``, the scenario's ``set``; and those of the scenario alone."""
    folder = path.resolve().parent

    def source(key: str) -> Source:
        return Source(str(path), folder, prefix=key)

    out: list[Override] = []
    if settings.seed is not None:
        out.append(Override("seed", settings.seed, source("settings.")))
    if settings.months is not None:
        out.append(Override("months", settings.months, source("settings.")))
    if settings.households is not None:
        out += [
            Override(
                f"districts.{d}.n_households", settings.households, source("settings.households: ")
            )
            for d in plain.districts
        ]
    out += _parsed(settings.set, source("settings.set: "))
    out += _parsed(entry.set, source(f"scenarios.{sid}.set: "))
    alone = _parsed(
        entry.set_scenario, source(f"scenarios.{sid}.set_scenario: "), scenario_only=True
    )
    return out, alone


def _parsed(texts: list[str], source: Source, *, scenario_only: bool = False) -> list[Override]:
    """``key=value`` texts read as ``--set`` does; a text that is not one names its list."""
    out: list[Override] = []
    problems = []
    for text in texts:
        try:
            out += as_overrides([text], source, scenario_only=scenario_only)
        except ScenarioError as exc:
            where = source.prefix.removesuffix(": ")
            problems += [Problem(source.name, where, text, p.expected) for p in exc.problems]
    if problems:
        raise ScenarioError(problems)
    return out


def _duplicates(scenarios: dict[str, StudyScenario], src: str) -> list[Problem]:
    """Ids that name the same folder on a case-blind file system, and entries that run the
    same scenario against the same baseline."""
    out, seen_id, seen_run = [], {}, {}
    for sid, s in scenarios.items():
        other = seen_id.setdefault(sid.lower(), sid)
        if other != sid:
            out.append(
                Problem(src, f"scenarios.{sid}", sid, f"an id not {other!r} in another case")
            )
        run = (s.loaded.content_hash, s.baseline.content_hash, tuple(s.seeds))
        first = seen_run.setdefault(run, sid)
        if first != sid:
            why = f"each scenario once: it runs the same as scenarios.{first}"
            out.append(Problem(src, f"scenarios.{sid}.file", s.file.name, why))
    return out


# --------------------------------------------------------------------------- results


@dataclass
class StudyResult:
    """One scenario of a study (or one results folder) and where its results are.

    Attributes:
        id: the scenario's id in the study (for a folder: its name).
        label: what tables and figures call it.
        group: its group id, or None.
        path: its results folder (:mod:`valuechain.runs.results` layout, with ``baseline/``
            and ``comparison.csv``).
        reused: its results were found matching and not run again.
        reason: why it was run (``""`` when reused).
        scenario: the resolved scenario and baseline as run (None for result folders).
        read: the results once read (:meth:`results` fills it).
    """

    id: str
    label: str
    group: str | None
    path: Path
    reused: bool
    reason: str = ""
    scenario: StudyScenario | None = None
    read: Results | None = field(default=None, repr=False, compare=False)

    def results(self) -> Results:
        """The results folder, read once (it was verified when the study was run or opened)."""
        if self.read is None:
            self.read = read_results(self.path, verify=False)
        return self.read


@dataclass
class StudyExperiment:
    """One experiment of a study (or one sweep folder) and where its sweep is.

    Attributes:
        id: the experiment's id in the study (for a folder: its name).
        label: what tables and figures call it.
        group: its group id, or None.
        path: its sweep folder (:mod:`valuechain.experiments.sweep` layout, with the
            baseline's runs and ``effects.csv``).
        reused: its sweep was found matching and not run again.
        reason: why it was run (``""`` when reused).
        experiment: the loaded experiment as run (None for sweep folders).
        read: the sweep once read (:meth:`results` fills it).
    """

    id: str
    label: str
    group: str | None
    path: Path
    reused: bool
    reason: str = ""
    experiment: LoadedExperiment | None = None
    read: ExperimentResults | None = field(default=None, repr=False, compare=False)

    def results(self) -> ExperimentResults:
        """The sweep folder, read once (its tables are read on first use)."""
        if self.read is None:
            self.read = read_experiment(self.path)
        return self.read


@dataclass(frozen=True)
class StudyRuns:
    """The scenarios of a study (or of result folders), each with its results folder.

    Attributes:
        name: the study's name (for folders: the name of the folder holding them, of the
            study's folder when that is a study's ``runs/``, else ``results``).
        scenarios: in the study's order.
        groups: group id -> label, in display order.
        goal_extreme_poverty: the "zero extreme poverty" threshold (a share).
        study: the loaded study, or None for result folders.
        wall_time_s: the time the runs took (0 when nothing ran).
        experiments: the experiments (sweeps against a baseline), in the study's order.
    """

    name: str
    scenarios: tuple[StudyResult, ...]
    groups: dict[str, str]
    goal_extreme_poverty: float
    study: LoadedStudy | None = None
    wall_time_s: float = 0.0
    experiments: tuple[StudyExperiment, ...] = ()

    @property
    def n_run(self) -> int:
        """Scenarios and experiments run by this call."""
        return sum(not e.reused for e in (*self.scenarios, *self.experiments))

    @property
    def summary(self) -> str:
        """What was done, in one line: ``3 scenarios reused, 1 run (a: scenario changed)``,
        then, when the study has experiments, ``; 1 experiment reused, none run``."""
        if self.study is None:
            n = len(self.scenarios) + len(self.experiments)
            return f"{_count(n, 'result folder')} read, nothing run"
        line = _reused_and_run(self.scenarios, "scenario")
        if self.experiments:
            line += "; " + _reused_and_run(self.experiments, "experiment")
        return line


def _reused_and_run(entries: tuple[StudyResult | StudyExperiment, ...], noun: str) -> str:
    n_run = sum(not e.reused for e in entries)
    head = f"{_count(len(entries) - n_run, noun)} reused, {n_run or 'none'} run"
    why = "; ".join(f"{e.id}: {e.reason}" for e in entries if not e.reused)
    return head + (f" ({why})" if why else "")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# --------------------------------------------------------------------------- running


def run_study(
    study: str | Path | LoadedStudy,
    out_dir: str | Path,
    *,
    workers: int | None = None,
    cluster: str | None = None,
    progress: bool = False,
    command: list[str] | None = None,
) -> StudyRuns:
    """Run what a study is missing into ``out_dir/runs/<id>/`` and ``out_dir/sweeps/<id>/``
    and reuse what matches.

    A scenario's folder is reused when it is complete (:func:`read_results` verifies every
    file) and its manifest records the same resolved scenario and baseline (``content_hash``),
    seeds, replications, months and package version as would be run now; otherwise the
    scenario and its baseline are run and the folder replaced whole: the results are written
    to a temporary folder beside it and renamed into place, so ``runs/<id>`` is the old
    complete result or the new one, never a mixture. A world run by several entries (a
    baseline several scenarios share) is run once; each scenario is written as soon as its
    runs and its baseline's are done, so an interrupted study keeps what finished.

    Then each experiment is run (or resumed, or reused) by
    :func:`~valuechain.experiments.sweep.run_experiment` into ``out_dir/sweeps/<id>/``, as
    :func:`match_sweep` decides: a finished sweep of the same experiment (content hash) and
    package version is reused; an unfinished one of the same experiment resumes its finished
    runs; any other is discarded and the experiment run from nothing.

    Args:
        study: a study file or a loaded one.
        out_dir: the study's folder (``runs/`` and, for experiments, ``sweeps/`` are created
            in it).
        workers: local processes (default all CPUs; 1 runs in this process).
        cluster: address of a Dask distributed scheduler (``tcp://HOST:PORT``); overrides
            ``workers``.
        progress: one progress bar over the runs to do (when stderr is a terminal).
        command: the command line, recorded in each manifest written.
    """
    study = study if isinstance(study, LoadedStudy) else load_study(study)
    runs_dir = check_writable(Path(out_dir) / RUNS_DIR)
    _remove_stray_folders(runs_dir)
    entries, todo = [], []
    for s in study.scenarios.values():
        folder = runs_dir / s.id
        read, reason = _match(s, folder)
        entries.append(StudyResult(s.id, s.label, s.group, folder, not reason, reason, s, read))
        if reason:
            todo.append(s)
    t0 = time.perf_counter()
    if todo:
        n_reused = len(entries) - len(todo)
        desc = study.name + (f" ({_count(n_reused, 'scenario')} reused)" if n_reused else "")
        _run(desc, todo, runs_dir, workers, cluster, progress, command)
    sweeps = [
        _sweep(e, Path(out_dir) / SWEEPS_DIR / e.id, workers, cluster, progress, command)
        for e in study.experiments.values()
    ]
    ran = bool(todo) or any(not e.reused for e in sweeps)
    wall = time.perf_counter() - t0 if ran else 0.0
    goal = study.spec.settings.goal_extreme_poverty
    return StudyRuns(
        study.name, tuple(entries), study.groups, goal, study, wall, experiments=tuple(sweeps)
    )


def _sweep(
    e: StudyExperimentEntry,
    folder: Path,
    workers: int | None,
    cluster: str | None,
    progress: bool,
    command: list[str] | None,
) -> StudyExperiment:
    """Reuse, resume or run one experiment of a study into ``folder``, as :func:`match_sweep`
    decides."""
    match = match_sweep(e.loaded, folder)
    read = match.read
    if match.reason:
        read = run_experiment(
            e.loaded,
            workers=workers,
            cluster=cluster,
            out=folder,
            restart=match.restart,
            progress=progress,
            command=command,
        )
    reused = not match.reason
    return StudyExperiment(e.id, e.label, e.group, folder, reused, match.reason, e.loaded, read)


@dataclass(frozen=True)
class SweepMatch:
    """What :func:`match_sweep` found in an experiment's folder.

    Attributes:
        read: the finished sweep when it is reused, else None.
        reason: why the experiment must run (``""`` when the sweep is reused).
        restart: discard what the folder holds first (another experiment's runs, another
            package version's, or files that do not match their manifest); False when the
            folder is new or holds an unfinished sweep of this experiment, which resumes.
    """

    read: ExperimentResults | None
    reason: str
    restart: bool = False


def match_sweep(loaded: LoadedExperiment, folder: Path) -> SweepMatch:
    """Whether ``folder`` holds the finished sweep of ``loaded``, and what to do if not.

    A finished sweep (its manifest written) is reused when its manifest records the same
    content hash (the validated experiment, its resolved base scenario and baseline) and
    package version as now and every data file matches its SHA-256; otherwise it is run
    again from nothing. A folder without a manifest resumes when its ``parts/`` belong to
    this experiment (same content hash), and is run from nothing when they belong to another.
    """
    if not folder.exists():
        return SweepMatch(None, "no results yet")
    try:
        res = read_experiment(folder)
    except ResultsError:
        state = folder / PARTS_DIR / SWEEP_STATE
        if not state.is_file():
            return SweepMatch(None, "no results yet")
        if _json(state).get("content_hash") != loaded.content_hash:
            return SweepMatch(None, "experiment changed", restart=True)
        return SweepMatch(None, "sweep unfinished")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return SweepMatch(None, "results incomplete", restart=True)
    m = res.manifest
    if m.get("package_version") != package_version():
        return SweepMatch(None, "package version changed", restart=True)
    if m.get("content_hash") != loaded.content_hash:
        return SweepMatch(None, "experiment changed", restart=True)
    files = m.get("files", {})
    if EFFECTS_CSV not in files or not _files_match(folder, files):
        return SweepMatch(None, "results incomplete", restart=True)
    return SweepMatch(res, "")


def _json(path: Path) -> dict[str, Any]:
    """A JSON file's object ({} when it is not one)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _files_match(folder: Path, files: dict[str, dict[str, Any]]) -> bool:
    """Whether every data file a manifest lists is there with its recorded SHA-256."""
    return all(
        (folder / name).is_file() and file_digest(folder / name) == meta.get("sha256")
        for name, meta in files.items()
    )


def _match(s: StudyScenario, folder: Path) -> tuple[Results | None, str]:
    """The folder's results when they match what would be run now, else why not."""
    if not folder.exists():
        return None, "no results yet"
    try:
        res = read_results(folder)
    except ResultsError:
        return None, "results incomplete"
    m = res.manifest
    checks = [
        ("package version changed", m.get("package_version"), package_version()),
        ("replications changed", m.get("replications"), s.replications),
        ("months changed", m.get("months"), s.loaded.scenario.months),
        ("seeds changed", m.get("seeds"), s.seeds),
        ("scenario changed", m.get("content_hash"), s.loaded.content_hash),
        (
            "baseline changed",
            (m.get("baseline") or {}).get("content_hash"),
            s.baseline.content_hash,
        ),
    ]
    for why, found, now in checks:
        if found != now:
            return None, why
    return res, ""


def _run(
    desc: str,
    todo: list[StudyScenario],
    runs_dir: Path,
    workers: int | None,
    cluster: str | None,
    progress: bool,
    command: list[str] | None,
) -> None:
    """Run every world the scenarios in ``todo`` need, once each, and write each scenario as
    soon as its runs are done."""
    worlds: dict[str, LoadedScenario] = {}
    for s in todo:
        worlds.setdefault(s.baseline.content_hash, s.baseline)
        worlds.setdefault(s.loaded.content_hash, s.loaded)
    seeds: dict[str, list[int]] = {}  # replication r runs with seed + r: the longest list
    for s in todo:
        for h in (s.loaded.content_hash, s.baseline.content_hash):
            seeds[h] = max(seeds.get(h, []), s.seeds, key=len)
    tasks = [
        ((h, r), w.scenario, r, seed) for h, w in worlds.items() for r, seed in enumerate(seeds[h])
    ]
    waiting = {s.id: s for s in todo}
    done: dict[tuple[str, int], RunResult] = {}
    t0 = time.perf_counter()
    n_workers = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    bar = progress_bar(len(tasks), desc, show=progress)

    def finished(world: LoadedScenario, reps: int) -> list[RunResult] | None:
        keys = [(world.content_hash, r) for r in range(reps)]
        return [done[k] for k in keys] if all(k in done for k in keys) else None

    def handle(keyed: tuple[tuple[str, int], RunResult]) -> None:
        done[keyed[0]] = keyed[1]
        bar.update()
        for sid, s in list(waiting.items()):
            mine, theirs = finished(s.loaded, s.replications), finished(s.baseline, s.replications)
            if mine is None or theirs is None:
                continue
            sr = assemble_runs(s.loaded, mine, t0, n_workers)
            pair_with_baseline(sr, assemble_runs(s.baseline, theirs, t0, n_workers))
            sr.command = command
            _write_whole(sr, runs_dir / sid)
            del waiting[sid]

    try:
        if cluster:
            run_dask(iter(tasks), _run_task, cluster, handle)
        else:
            run_tasks(tasks, _run_task, n_workers, handle)
    finally:
        bar.close()
    if waiting:  # every scenario's runs were asked for: this is a bug, not a user's mistake
        raise RuntimeError(f"runs of {sorted(waiting)} are missing after the study ran")


def _run_task(
    task: tuple[tuple[str, int], Scenario, int, int],
) -> tuple[tuple[str, int], RunResult]:
    """One replication of one world (a worker's task)."""
    key, scenario, replication, seed = task
    return key, run_one_replication(scenario, replication, seed)


def _write_whole(sr: Any, folder: Path) -> None:
    """Write a scenario's results to a temporary folder beside ``folder``, then rename it
    into place (the previous folder, if any, is renamed aside first and removed after)."""
    token = uuid.uuid4().hex[:12]
    tmp = folder.with_name(f".{folder.name}.{_WRITING}-{token}")
    sr.write(tmp)
    old = folder.with_name(f".{folder.name}.{_REPLACED}-{token}")
    if folder.exists():
        os.replace(folder, old)
    os.replace(tmp, folder)
    shutil.rmtree(old, ignore_errors=True)


def _remove_stray_folders(runs_dir: Path) -> None:
    """Temporary folders an interrupted study left behind (never read as results)."""
    for pattern in (f".*.{_WRITING}-*", f".*.{_REPLACED}-*"):
        for p in runs_dir.glob(pattern):
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)


# --------------------------------------------------------------------------- result folders


def open_result_folders(paths: Iterable[str | Path]) -> StudyRuns:
    """Result folders of ``valuechain run`` (each compared with its baseline) and sweep
    folders of ``valuechain sweep`` (an experiment with a baseline), as a study.

    Labels are each scenario's (or experiment's) description (from its manifest), else its
    name; ids are the folders' names (``_2``, ``_3`` added to repeats); no groups. Scenario
    runs go to :attr:`StudyRuns.scenarios`, sweeps to :attr:`StudyRuns.experiments`.

    Raises:
        UserError: no folders, a folder given twice, or one that is not a complete run with a
            baseline, nor a complete sweep with a baseline (``effects.csv``), in this
            package's results format (each naming the folder and what to do).
    """
    folders = [Path(p) for p in paths]
    if not folders:
        raise UserError("no result folders given", hint="name a study file or result folders")
    entries: list[StudyResult] = []
    sweeps: list[StudyExperiment] = []
    seen: set[Path] = set()
    for folder in folders:
        if folder.resolve() in seen:
            raise UserError(f"{folder} is given twice", hint="name each result folder once")
        seen.add(folder.resolve())
        res = _open_folder(folder)
        sid = _unique(folder.name or "results", {e.id for e in (*entries, *sweeps)})
        if isinstance(res, ExperimentResults):
            label = res.manifest["experiment_spec"].get("description") or res.manifest["experiment"]
            sweeps.append(StudyExperiment(sid, label, None, folder, True, read=res))
        else:
            entries.append(StudyResult(sid, _label(res.manifest), None, folder, True, read=res))
    # the folder holding them (a study's folder for its runs/ and sweeps/), when it is one
    parents = {_holder(f.resolve().parent) for f in folders}
    name = parents.pop() if len(parents) == 1 else "results"
    goal = StudySettings().goal_extreme_poverty
    return StudyRuns(name or "results", tuple(entries), {}, goal, experiments=tuple(sweeps))


def _holder(parent: Path) -> str:
    """The name of a folder holding result folders: a study's for its runs/ and sweeps/."""
    return parent.parent.name if parent.name in (RUNS_DIR, SWEEPS_DIR) else parent.name


def _unique(name: str, taken: set[str]) -> str:
    out, n = name, 1
    while out in taken:
        n += 1
        out = f"{name}_{n}"
    return out


def _label(manifest: dict[str, Any]) -> str:
    try:
        description = json.loads(manifest.get("scenario_text") or "{}").get("description", "")
    except (json.JSONDecodeError, AttributeError):
        description = ""
    return description or str(manifest["scenario"])


def _open_folder(folder: Path) -> Results | ExperimentResults:
    """Read one result or sweep folder for a report, refusing what a report cannot use."""
    again = f"run the scenario again (`valuechain run SCENARIO --out {folder}`)"
    if not folder.is_dir():
        raise UserError(f"no results folder {folder}", hint="give folders `valuechain run` wrote")
    path = folder / MANIFEST
    if not path.is_file():
        raise UserError(
            f"{folder} has no {MANIFEST}: it is not a complete result (the run was interrupted, "
            "failed or is still running)",
            hint=f"{again}, or leave the folder out",
        )
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path} is not valid JSON ({exc})", hint=again) from None
    kind = manifest.get("kind", "run")
    if kind == "sweep":
        return _open_sweep(folder, manifest)
    if kind != "run":
        raise UserError(
            f"{folder} holds a {kind} (manifest kind {kind!r}), not a scenario run nor a "
            "sweep; a report compares scenario runs and design points with their baselines",
            hint="give the folders of `valuechain run` results, or of `valuechain sweep` with "
            "a baseline",
        )
    missing = [k for k in _REPORT_KEYS if k not in manifest]
    if missing or manifest.get("format_version") != FORMAT_VERSION:
        what = f"lacks {', '.join(missing)}" if missing else "has another format_version"
        raise UserError(
            f"{path} is of an older results format ({what}, format_version "
            f"{manifest.get('format_version')!r}); a report needs them",
            hint=f"{again} with this valuechain ({package_version()})",
        )
    if manifest.get("baseline") is None or COMPARISON not in manifest.get("files", {}):
        raise UserError(
            f"{folder} has no baseline/ and comparison.csv: a report compares each scenario "
            "with its baseline",
            hint='add baseline = "..." to the scenario file and run it again, or leave it out',
        )
    try:
        return read_results(folder)
    except ResultsError as exc:
        raise UserError(str(exc), hint=exc.hint) from None


def _open_sweep(folder: Path, manifest: dict[str, Any]) -> ExperimentResults:
    """Read one sweep folder for a report: one with a baseline and its paired effects."""
    files = manifest.get("files", {})
    again = "run `valuechain sweep EXPERIMENT --restart` into it"
    if manifest.get("format_version") != FORMAT_VERSION:
        raise UserError(
            f"{folder / MANIFEST} is of another results format (format_version "
            f"{manifest.get('format_version')!r}); a report needs {FORMAT_VERSION}",
            hint=f"{again} with this valuechain ({package_version()})",
        )
    if manifest.get("baseline") is None or EFFECTS_CSV not in files:
        raise UserError(
            f"{folder} holds a sweep without a baseline (no {EFFECTS_CSV}); a report shows "
            "each design point's paired effects against the experiment's baseline",
            hint='add baseline = "SCENARIO.toml" to the experiment file and '
            f"{again}, or leave the folder out",
        )
    if not _files_match(folder, files):
        raise UserError(
            f"{folder} holds files that do not match the SHA-256 in its {MANIFEST}: the folder "
            "mixes files from different runs",
            hint=f"{again}, or leave the folder out",
        )
    try:
        return read_experiment(folder)
    except ResultsError as exc:
        raise UserError(str(exc), hint=exc.hint) from None

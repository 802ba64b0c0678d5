"""Experiment files: a base scenario, factors over scenario keys, a design, outputs.

An experiment is a TOML file (see ``experiments/``)::

    base = "../scenarios/hilirisasi_rubber.toml"   # relative to this file
    replications = 2                               # replication r runs with seed + r
    seed = 7                                       # default: the base scenario's seed

    [base_overrides]                               # applied to the base before any factor
    "districts.jambi_lowland.n_households" = 2000

    [factors.remiller_capacity]
    key = "districts.jambi_lowland.processors.remiller.capacity_t_per_month"
    bounds = [1000, 6000]                          # or levels = [...]; dist, integer optional

    [design]
    kind = "morris"                                # grid | lhs | morris | sobol
    trajectories = 10

    [outputs.sustained_exits]
    indicator = "sustained_exits"
    aggregation = "final"                          # first | final | mean_last12 | sum | ...

Files are validated like scenarios: unknown keys, wrong types, reversed or empty ranges, an
unknown design or a factor key the base scenario does not have are errors naming the file,
the key path, the value and what was expected. Every design point is applied to the base
scenario and validated before anything runs.

**A baseline.** ``baseline = "../scenarios/baseline_rubber.toml"`` (relative to the experiment
file) compares every design point with that scenario on the same seeds: replication ``r`` of
the baseline runs with ``seed + r``, as replication ``r`` of every point does (common random
numbers), once per replication, not once per point. The experiment's ``base_overrides``
(sizes, months) apply to the baseline too. The baseline must hold every district of the base
scenario, simulate the same calendar (start, months) and produce every output's indicator;
each is an error naming the file, the key ``baseline``, the value and what was expected. The
sweep then writes the baseline's runs and the paired effects of each point on each output
(:mod:`valuechain.experiments.sweep`). Every design kind takes a baseline, Morris and Sobol
too: the baseline's runs do not enter the sampled design, so the sensitivity indices are
those of the sweep without it, and the effects per point are what a report draws.

**Linked keys.** A factor may set other keys from its value ``x``, by a formula or by a table
with one value per level::

    [factors.capacity]
    key = "districts.jambi_lowland.processors.remiller.capacity_t_per_month"
    bounds = [1000, 6000]
    [factors.capacity.linked]     # set at each point from the factor's value x
    "districts.jambi_lowland.processors.remiller.capex_idr" = "2.5e6 * x ** 0.8"
    "districts.jambi_lowland.processors.remiller.fixed_cost_idr_per_month" = "max(5e7, 9e4 * x)"

    [factors.plant_size]
    key = "districts.jambi_lowland.processors.remiller.capacity_t_per_month"
    levels = [1000, 3000, 6000]
    [factors.plant_size.linked]   # a table: one value per level, in the levels' order
    "districts.jambi_lowland.processors.remiller.capex_idr" = [4.0e9, 9.5e9, 16.0e9]

A formula is arithmetic in ``x`` (numbers, ``+ - * / **``, parentheses, ``min``, ``max``,
``abs``, ``log``, ``exp``, ``sqrt``), parsed safely by
:func:`valuechain.experiments.formulas.parse_formula` (never :func:`eval`); it is evaluated at
the factor's value as run (rounded for an integer factor, the level for levels). A linked key
must be a settable key of the base scenario (not the factor's own key nor another factor's);
a formula must parse and give a finite number at the bounds and at points between them (at
every level); a table needs levels and one value per level. The design points
(``Design.points``, ``points.parquet`` and ``runs.parquet``) carry one column per linked key,
named by the key; the manifest records the formulas and tables (``design.linked``).

Designs: ``grid`` (every combination of levels, :func:`itertools.product`), ``lhs``
(:class:`scipy.stats.qmc.LatinHypercube` with the seed), ``morris`` and ``sobol``
(``SALib.sample.morris.sample`` / ``SALib.sample.sobol.sample`` with the seed: the same
samples SALib gives for the same problem).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, ValidationError, field_validator, model_validator

from valuechain.config.loader import LoadedScenario, load_scenario, read_toml, scenario_from_dict
from valuechain.config.overrides import (
    Override,
    Source,
    apply_overrides,
    as_overrides,
    why_not_settable,
)
from valuechain.config.scenario import Scenario
from valuechain.config.schema import Strict
from valuechain.config.validation import non_finite_problems, problems_from_validation
from valuechain.errors import Problem, ProblemsError, ScenarioError, show_value
from valuechain.experiments.designs import Design, design_points, salib_problem, sample_design
from valuechain.experiments.formulas import FormulaError, parse_formula
from valuechain.outputs.aggregations import EXPERIMENT_AGGREGATIONS

__all__ = [
    "KEY_COLUMNS",
    "Design",
    "ExperimentError",
    "ExperimentSpec",
    "LoadedExperiment",
    "check_settable_keys",
    "known_indicators",
    "load_experiment",
    "read_file_with_base",
    "read_spec_file",
    "salib_problem",
]

#: Columns identifying a run in ``runs.parquet`` and ``timeseries.parquet``.
KEY_COLUMNS = ("point", "replication", "seed")
#: How an output is taken from a run's months (``valuechain.experiments.sweep.aggregate``).
#: What an output may name: the unweighted aggregations of the one aggregation table.
Aggregation = Literal[EXPERIMENT_AGGREGATIONS]  # type: ignore[valid-type]
_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


HINT_EXPERIMENT = (
    "fix the key in the file named; `valuechain sweep` checks the whole file and every design "
    "point before running anything"
)


class ExperimentError(ProblemsError):
    """An experiment file that cannot be used; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem], hint: str = HINT_EXPERIMENT):
        super().__init__(problems, subject="the experiment", hint=hint)


# --------------------------------------------------------------------------- schema


class FactorSpec(Strict):
    """One factor: a scenario key and its range (``bounds``) or its ``levels``."""

    key: str = Field(..., min_length=1, description="dotted scenario key")
    bounds: list[float] | None = Field(None, description="[low, high]")
    levels: list[bool | int | float | str] | None = Field(None, min_length=1)
    dist: Literal["uniform", "loguniform"] = "uniform"
    integer: bool = Field(False, description="round sampled values to whole numbers")
    label: str = Field("", description="name shown in tables and figures")
    unit: str = ""
    linked: dict[str, str | list[bool | int | float | str]] = Field(
        default_factory=dict,
        description="other keys set from the factor's value x: a formula in x, or one value "
        "per level",
    )

    @field_validator("bounds")
    @classmethod
    def _bounds(cls, v: list[float] | None) -> list[float] | None:
        if v is None:
            return v
        if len(v) != 2 or not all(math.isfinite(x) for x in v):
            raise ValueError("two finite numbers [low, high]")
        if v[0] > v[1]:
            raise ValueError("bounds reversed: [low, high] with low below high")
        if v[0] == v[1]:
            raise ValueError("an empty range: low must be below high (fix it with base_overrides)")
        return v

    @field_validator("levels")
    @classmethod
    def _levels(cls, v: list | None) -> list | None:
        if v is not None and len({json.dumps(x) for x in v}) != len(v):
            raise ValueError("distinct levels (a level is repeated)")
        return v

    @model_validator(mode="after")
    def _one_range(self) -> FactorSpec:
        if (self.bounds is None) == (self.levels is None):
            raise ValueError("give either bounds = [low, high] or levels = [...], not both")
        if self.dist == "loguniform" and (self.bounds is None or self.bounds[0] <= 0):
            raise ValueError("dist = 'loguniform' needs bounds with a positive low end")
        return self


_DESIGN_SIZE = {
    "grid": ("grid_points",),
    "lhs": ("samples",),
    "morris": ("trajectories", "levels"),
    "sobol": ("base_samples", "calc_second_order"),
}


class DesignSpec(Strict):
    """How design points are drawn; each kind has its own size keys."""

    kind: Literal["grid", "lhs", "morris", "sobol"]
    grid_points: int | None = Field(None, ge=2, description="grid: points spanning bounds")
    samples: int | None = Field(None, ge=1, description="lhs: points")
    trajectories: int | None = Field(None, ge=2, description="morris: trajectories r")
    levels: int | None = Field(None, ge=2, description="morris: grid levels p (even)")
    base_samples: int | None = Field(None, ge=2, description="sobol: N, a power of 2")
    calc_second_order: bool | None = Field(None, description="sobol: second-order indices")

    @model_validator(mode="after")
    def _sizes(self) -> DesignSpec:
        own = _DESIGN_SIZE[self.kind]
        for name in ("grid_points", "samples", "trajectories", "levels", "base_samples"):
            if getattr(self, name) is not None and name not in own:
                raise ValueError(f"{name} does not apply to kind = {self.kind!r} (use {own[0]})")
        if self.calc_second_order is not None and self.kind != "sobol":
            raise ValueError("calc_second_order applies to kind = 'sobol' only")
        need = {"lhs": "samples", "morris": "trajectories", "sobol": "base_samples"}
        if self.kind in need and getattr(self, need[self.kind]) is None:
            raise ValueError(f"kind = {self.kind!r} needs {need[self.kind]} (the design size)")
        if self.kind == "morris" and (self.levels or 4) % 2:
            raise ValueError("morris levels must be even (4 or 6 are usual)")
        n = self.base_samples
        if self.kind == "sobol" and n is not None and n & (n - 1):
            raise ValueError(f"base_samples = {n}: a power of 2 (Sobol sequences need it)")
        return self


class OutputSpec(Strict):
    """An output of interest: an indicator aggregated over the months of a run."""

    indicator: str
    aggregation: Aggregation = "final"
    district: str = "all"
    label: str = ""


class ExperimentSpec(Strict):
    """What an experiment file holds (validated)."""

    name: str | None = Field(None, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    base: str = Field(..., min_length=1, description="scenario file, relative to this file")
    base_overrides: dict[str, Any] = Field(default_factory=dict)
    baseline: str | None = Field(
        None, min_length=1, description="scenario each point is compared with, on the same seeds"
    )
    factors: dict[str, FactorSpec] = Field(..., min_length=1)
    design: DesignSpec
    replications: int = Field(1, ge=1, le=100_000)
    seed: int | None = Field(None, ge=0, le=2**62)
    outputs: dict[str, OutputSpec] = Field(default_factory=dict)

    @field_validator("factors", "outputs")
    @classmethod
    def _names(cls, v: dict) -> dict:
        import re

        bad = [k for k in v if not re.match(_NAME, k) or k in KEY_COLUMNS]
        if bad:
            raise ValueError(
                f"names {bad} must be identifiers (letters, digits, _) other than "
                f"{', '.join(KEY_COLUMNS)}"
            )
        return v

    @model_validator(mode="after")
    def _consistent(self) -> ExperimentSpec:
        clash = sorted(set(self.factors) & set(self.outputs))
        if clash:
            raise ValueError(f"factors and outputs share the names {clash}")
        if self.design.kind in ("morris", "sobol"):
            lv = [k for k, f in self.factors.items() if f.levels is not None]
            if lv:
                raise ValueError(
                    f"{self.design.kind} needs bounds for every factor; {lv} have levels"
                )
        if self.design.kind == "grid" and self.design.grid_points is None:
            nb = [k for k, f in self.factors.items() if f.bounds is not None]
            if nb:
                raise ValueError(f"a grid needs levels for {nb}, or design.grid_points")
        return self


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class LoadedExperiment:
    """A validated experiment: its spec, the base scenario (with base_overrides), the design."""

    spec: ExperimentSpec
    path: Path
    text: str
    base: LoadedScenario
    baseline: LoadedScenario | None = None

    @property
    def name(self) -> str:
        """The experiment's name (``name`` key, else the file name)."""
        return self.spec.name or self.path.stem

    @property
    def seed(self) -> int:
        """Seed of replication 0 (the base scenario's seed unless the file sets one)."""
        return self.base.scenario.seed if self.spec.seed is None else self.spec.seed

    @property
    def seeds(self) -> list[int]:
        """Replication r runs with ``seed + r`` at every design point (common random numbers)."""
        return [self.seed + r for r in range(self.spec.replications)]

    @property
    def file_hash(self) -> str:
        """SHA-256 of the file's text."""
        return hashlib.sha256(self.text.encode()).hexdigest()

    @functools.cached_property
    def content_hash(self) -> str:
        """SHA-256 of what is run: the validated spec, the resolved base scenario and the
        resolved baseline. An experiment without a baseline and linked keys hashes as it did
        before they existed, so its unfinished sweeps resume."""
        spec = self.spec.model_dump(mode="json")
        blob: dict[str, Any] = {"spec": spec, "base": self.base.content_hash}
        if spec["baseline"] is None:
            del spec["baseline"]
        for factor in spec["factors"].values():
            if not factor["linked"]:
                del factor["linked"]
        if self.baseline is not None:
            blob["baseline"] = self.baseline.content_hash
        return hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()

    @functools.cached_property
    def design(self) -> Design:
        """The design points (deterministic in the spec and the seed), with the values of
        the linked keys."""
        X = sample_design(self.spec, self.seed)
        points = design_points(self.spec, X)
        for j, (name, f) in enumerate(self.spec.factors.items()):
            for key, rule in f.linked.items():
                if isinstance(rule, str):
                    formula = parse_formula(rule)
                    points[key] = [formula(float(x)) for x in points[name]]
                else:  # a table: the level's index is the design's value
                    points[key] = [rule[int(i)] for i in X[:, j]]
        return Design(list(self.spec.factors), X, points)

    @property
    def linked_keys(self) -> dict[str, str]:
        """Each linked key and the factor that sets it, in the file's order."""
        return {key: n for n, f in self.spec.factors.items() for key in f.linked}

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem of the factors."""
        return salib_problem(self.spec)

    @property
    def n_runs(self) -> int:
        """Design points x replications."""
        return len(self.design) * self.spec.replications

    def value(self, point: int, factor: str) -> Any:
        """A factor's (or a linked key's) value at a design point, as a Python value (``int``
        stays ``int``)."""
        value = self.design.points[factor].iloc[point]
        return value.item() if isinstance(value, np.generic) else value

    def overrides(self, point: int) -> list[Override]:
        """The overrides (values) of a design point: each factor's key, then its linked keys."""
        out = []
        for n, f in self.spec.factors.items():
            where = Source.file(self.path, f"{self.path} factor {n}")
            out.append(Override(f.key, self.value(point, n), where))
            linked = Source.file(self.path, f"{self.path} factor {n}, linked")
            out += [Override(key, self.value(point, key), linked) for key in f.linked]
        return out

    def scenario(self, point: int) -> Scenario:
        """The base scenario with a design point's values (validated)."""
        origin = dict(self.base.origin)
        doc = apply_overrides(self.base.document, self.overrides(point), origin)
        return scenario_from_dict(
            doc, source=Source.file(self.path), origin=origin, with_shipped_chains=False
        )

    def scenarios(self) -> list[Scenario]:
        """Every point's scenario, validated; raise one error listing the invalid points."""
        out, bad = [], {}
        for p in range(len(self.design)):
            try:
                out.append(self.scenario(p))
            except ScenarioError as exc:
                for prob in exc.problems:
                    bad.setdefault((prob.path, prob.expected), []).append((p, prob.value))
        if bad:
            raise ExperimentError(
                [self._point_problem(k, v) for k, v in list(bad.items())[:10]],
                hint="narrow the factor's bounds or levels so every point is a valid scenario",
            )
        return out

    def _point_problem(self, key: tuple[str, str], hits: list[tuple[int, Any]]) -> Problem:
        path, expected = key
        point, value = hits[0]
        fac = [
            n
            for n, f in self.spec.factors.items()
            if any(path.startswith(k) or k.startswith(path) for k in (f.key, *f.linked))
        ] or list(self.spec.factors)
        at = ", ".join(f"{n} = {show_value(self.value(point, n))}" for n in fac)
        return Problem(
            str(self.path),
            f"factors.{fac[0]}" if len(fac) == 1 else "factors",
            value,
            f"{len(hits)} of {len(self.design)} design points give an invalid scenario, e.g. "
            f"point {point} ({at}): {path}: {expected}",
        )


def load_experiment(path: str | Path, overrides: Sequence[Override] = ()) -> LoadedExperiment:
    """Read and validate an experiment file, its base scenario, factor keys and outputs.

    ``overrides`` (a study's ``set``) apply to the base scenario and the baseline after the
    file's ``base_overrides``; they enter the resolved scenarios, hence the content hash.

    Raises:
        ExperimentError: the file, a key, a factor key or an output is wrong, or the base
            scenario is (its problems and hint, naming the base's files).
    """
    spec, text, base = read_file_with_base(
        path, ExperimentSpec, ExperimentError, "experiment", overrides
    )
    baseline = _load_baseline(spec, Path(path), overrides)
    loaded = LoadedExperiment(spec, Path(path).resolve(), text, base, baseline)
    problems = (
        _check_keys(loaded)
        + _check_linked(loaded)
        + _check_outputs(loaded)
        + _check_baseline(loaded)
    )
    if problems:
        raise ExperimentError(problems)
    return loaded


def _load_baseline(
    spec: ExperimentSpec, path: Path, overrides: Sequence[Override] = ()
) -> LoadedScenario | None:
    """The experiment's baseline with its ``base_overrides``, or None when it names none."""
    if spec.baseline is None:
        return None
    src = str(path)
    baseline_path = (path.parent / spec.baseline).resolve()
    if not baseline_path.is_file():
        raise ExperimentError(
            [Problem(src, "baseline", spec.baseline, "a scenario file (there is no such file)")],
            hint="check the path (a relative baseline is read from the experiment file's folder)",
        )
    written = Source(src, path.resolve().parent, prefix="base_overrides.")
    try:
        written_overrides = as_overrides(spec.base_overrides, written)
        return load_scenario(baseline_path, [*written_overrides, *overrides])
    except ScenarioError as exc:
        raise ExperimentError(
            exc.problems,
            hint="base_overrides apply to the baseline too, so each must name a key the "
            "baseline has; set what only the base scenario has in the base scenario's file",
        ) from None


def _check_baseline(loaded: LoadedExperiment) -> list[Problem]:
    """Problems pairing the baseline with the base: districts, calendar, outputs."""
    if loaded.baseline is None:
        return []
    src, value = str(loaded.path), loaded.spec.baseline
    s, b = loaded.base.scenario, loaded.baseline.scenario
    out = []
    lacking = [d for d in s.districts if d not in b.districts]
    if lacking:
        out.append(
            Problem(
                src,
                "baseline",
                value,
                f"a scenario with every district of the base scenario {s.name} "
                f"({', '.join(s.districts)}); {b.name} lacks {', '.join(lacking)}",
            )
        )
    if (s.start, s.months) != (b.start, b.months):
        out.append(
            Problem(
                src,
                "baseline",
                value,
                f"a scenario simulating the months of the base scenario ({s.months} months "
                f"from {s.start}; {b.name} simulates {b.months} from {b.start}): a paired "
                "comparison needs the same calendar (set months in base_overrides)",
            )
        )
    known = set(known_indicators(b))
    for name, o in loaded.spec.outputs.items():
        if o.indicator not in known:
            out.append(
                Problem(
                    src,
                    f"outputs.{name}.indicator",
                    o.indicator,
                    f"an indicator the baseline {b.name} produces too (it has no such column: "
                    "its commodities or programmes differ)",
                )
            )
    return out


def _check_linked(loaded: LoadedExperiment) -> list[Problem]:
    """Problems with linked keys: settable, set once, a formula or table that fits."""
    src, out = str(loaded.path), []
    taken = {f.key: n for n, f in loaded.spec.factors.items()}
    for n, f in loaded.spec.factors.items():
        for key, rule in f.linked.items():
            where = f'factors.{n}.linked."{key}"'
            problems = check_settable_keys({where: key}, loaded.base.document, src)
            if key in taken:
                other = f"factor {taken[key]}" if taken[key] != n else "the factor itself"
                problems.append(Problem(src, where, key, f"a key no other factor sets ({other})"))
            taken.setdefault(key, n)
            out += problems or _check_rule(f, rule, src, where)
    return out


#: Points inside a factor's bounds at which a formula must give a finite number.
FORMULA_CHECK_POINTS = 9


def _check_rule(f: FactorSpec, rule: str | list, src: str, where: str) -> list[Problem]:
    """Problems with one linked key's formula or table."""
    if not isinstance(rule, str):
        if f.levels is None:
            expected = "a formula in x (a table of values needs the factor to have levels)"
        elif len(rule) != len(f.levels):
            expected = f"one value per level ({len(f.levels)} levels, {len(rule)} values)"
        else:
            return []
        return [Problem(src, where, rule, expected)]
    try:
        formula = parse_formula(rule)
    except FormulaError as exc:
        return [Problem(src, where, rule, f"a formula in x: {exc}")]
    if f.bounds is not None:
        lo, hi = f.bounds
        xs = np.linspace(lo, hi, FORMULA_CHECK_POINTS)
        if f.dist == "loguniform":
            xs = np.geomspace(lo, hi, FORMULA_CHECK_POINTS)
        xs = np.rint(xs) if f.integer else xs
    elif all(isinstance(v, int | float) and not isinstance(v, bool) for v in f.levels or []):
        xs = np.asarray(f.levels, dtype=float)
    else:
        return [
            Problem(src, where, rule, "a table of one value per level (the levels are not numbers)")
        ]
    for x in xs:
        try:
            formula(float(x))
        except FormulaError as exc:
            return [Problem(src, where, rule, f"a finite number over the factor's range: {exc}")]
    return []


def read_file_with_base(
    path: str | Path,
    model: type[Strict],
    error: type[ProblemsError],
    what: str,
    overrides: Sequence[Override] = (),
) -> tuple[Any, str, LoadedScenario]:
    """Read a TOML file naming a ``base`` scenario (with ``base_overrides``), validate it as
    ``model`` and load its base: the spec, the file's text and the base. Every problem is an
    ``error`` (a :class:`~valuechain.errors.ProblemsError`) naming the file, the key path and
    the value; the base's own problems keep the base's hint. ``what``: the kind of file, as
    messages name it (``"experiment"``, ``"calibration"``); ``overrides`` apply to the base
    after ``base_overrides``."""
    path = Path(path)
    src = str(path)
    spec, text = read_spec_file(path, model, error, what)
    base_path = (path.parent / spec.base).resolve()
    if not base_path.is_file():
        raise error(
            [Problem(src, "base", spec.base, "no such scenario file")],
            hint=f"check the path (a relative base is read from the {what} file's folder)",
        )
    written = Source(src, path.resolve().parent, prefix="base_overrides.")
    try:
        base = load_scenario(base_path, [*as_overrides(spec.base_overrides, written), *overrides])
    except ScenarioError as exc:  # the base's own problems, with the base's hint
        raise error(exc.problems, hint=exc.hint) from None
    return spec, text, base


def read_spec_file(
    path: str | Path, model: type[Strict], error: type[ProblemsError], what: str
) -> tuple[Any, str]:
    """Read a TOML file and validate it as ``model``: the spec and the file's text. A missing,
    malformed or non-UTF-8 file, a non-finite number, an unknown key or a wrong value is an
    ``error`` (a :class:`~valuechain.errors.ProblemsError`) listing every problem, each naming
    the file, the key path, the value and what was expected. ``what``: the kind of file, as
    messages name it (``"experiment"``, ``"study"``)."""
    path = Path(path)
    try:
        doc, text = read_toml(path, "command line", what=f"{what} file")
    except ScenarioError as exc:
        raise error(exc.problems, hint=exc.hint) from None
    here = Source.file(path, str(path))
    problems = non_finite_problems(doc, {}, here)
    try:
        spec = model.model_validate(doc)
    except ValidationError as exc:
        done = [p.path for p in problems]
        problems += problems_from_validation(exc, doc, {}, here, skip=done)
    if problems:
        raise error(problems)
    return spec, text


def _check_keys(loaded: LoadedExperiment) -> list[Problem]:
    keys = {f"factors.{name}.key": f.key for name, f in loaded.spec.factors.items()}
    return check_settable_keys(keys, loaded.base.document, str(loaded.path))


def check_settable_keys(keys: dict[str, str], document: dict, src: str) -> list[Problem]:
    """Problems with scenario keys a file sets (``keys``: the file's key path -> the dotted
    scenario key): each must name a value of ``document`` (a resolved scenario), not a table."""
    out = []
    for where, key in keys.items():
        wrong = why_not_settable(key, document)
        node: Any = document
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if wrong is None and isinstance(node, dict):
            wrong = f"{key!r} is a table, not a value"
        if wrong:
            out.append(Problem(src, where, key, wrong))
    return out


def known_indicators(base: Scenario) -> list[str]:
    """Time-series columns the base scenario produces (per-commodity names expanded)."""
    from valuechain.outputs import metrics

    names = list(metrics.INDICATORS)
    for tmpl in metrics.COMMODITY_INDICATORS:
        names += [tmpl.replace("{c}", c) for c in base.commodities]
    for tmpl in metrics.PROGRAMME_INDICATORS:
        names += [tmpl.replace("{p}", p) for p in base.policies]
    return names


def summary_names(base: Scenario) -> list[str]:
    """Summary columns of ``runs.parquet`` (per-commodity and per-programme names expanded)."""
    from valuechain.outputs import metrics
    from valuechain.outputs.indicators import per_programme_summaries

    names = list(metrics.SUMMARY)
    for tmpl in metrics.COMMODITY_SUMMARY:
        names += [tmpl.replace("{c}", c) for c in base.commodities]
    return names + list(per_programme_summaries(known_indicators(base)))


def _check_outputs(loaded: LoadedExperiment) -> list[Problem]:
    out, src = [], str(loaded.path)
    known = known_indicators(loaded.base.scenario)
    districts = ["all", *loaded.base.scenario.districts]
    taken = set(summary_names(loaded.base.scenario))
    for name in [*loaded.spec.factors, *loaded.spec.outputs]:
        if name in taken:
            kind = "factors" if name in loaded.spec.factors else "outputs"
            out.append(
                Problem(src, f"{kind}.{name}", name, "a name not used by a summary indicator")
            )
    for name, o in loaded.spec.outputs.items():
        if o.indicator not in known:
            out.append(
                Problem(src, f"outputs.{name}.indicator", o.indicator, f"one of {', '.join(known)}")
            )
        if o.district not in districts:
            out.append(Problem(src, f"outputs.{name}.district", o.district, f"one of {districts}"))
    return out

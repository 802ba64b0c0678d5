"""Calibration files: a base scenario, targets from published statistics, parameters with
priors, and the inference's budget.

A calibration is a TOML file (see ``calibrations/``)::

    base = "../scenarios/baseline_coffee.toml"     # relative to this file
    seed = 11                                       # replication r of every evaluation: seed + r

    [base_overrides]                                # applied to the base before any parameter
    months = 36

    [method]
    kind = "abc_smc"                                # ABC-SMC with pyabc
    population_size = 40
    generations = 4
    replications = 2                                # runs averaged per evaluation (same seeds)
    households = 4000                               # simulated households of every district

    [parameters.other_income]
    key = "districts.lampung_barat.population.other_income_idr_per_month_median"
    prior = "loguniform"                            # uniform | loguniform | normal
    bounds = [200000, 1200000]

    [targets.extreme_poverty]
    indicator = "extreme_poverty_rate"
    aggregation = "march_last"                      # the aggregations of experiment outputs
    observed = 0.021
    sd = 0.004                                      # or tolerance = ...
    source = "FACTS:extreme_poverty_rate_lampung_barat_2024_03"
    held_out = false                                # true: predicted, not fitted

Files are validated like scenarios and experiments: unknown keys, wrong types, non-finite
values, reversed bounds, a prior whose mean lies outside its bounds, a target without a source
or with an unknown indicator, aggregation or district, a parameter key the base scenario does
not have: each an error naming the file, the key path, the value and what was expected.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from valuechain.config.loader import LoadedScenario, scenario_from_dict
from valuechain.config.overrides import Override, Source, apply_overrides
from valuechain.config.scenario import Scenario
from valuechain.config.schema import Strict
from valuechain.errors import Problem, ProblemsError, ScenarioError
from valuechain.experiments.spec import (
    OutputSpec,
    check_settable_keys,
    known_indicators,
    read_file_with_base,
)

__all__ = [
    "CalibrationError",
    "CalibrationSpec",
    "LoadedCalibration",
    "MethodSpec",
    "ParameterSpec",
    "TargetSpec",
    "load_calibration",
]

_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
HINT_CALIBRATION = (
    "fix the key in the file named; `valuechain calibrate` checks the whole file, its base "
    "scenario, every parameter key and every target before running anything"
)


class CalibrationError(ProblemsError):
    """A calibration file that cannot be used; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem], hint: str = HINT_CALIBRATION):
        super().__init__(problems, subject="the calibration", hint=hint)


class ParameterSpec(Strict):
    """A parameter to fit: a scenario key, its prior and its bounds."""

    key: str = Field(..., min_length=1, description="dotted scenario key")
    prior: Literal["uniform", "loguniform", "normal"] = "uniform"
    bounds: list[float] = Field(..., description="[low, high]: the prior's support")
    mean: float | None = Field(None, description="normal prior: its mean (within bounds)")
    sd: float | None = Field(None, gt=0, description="normal prior: its standard deviation")
    label: str = Field("", description="name shown in tables and figures")
    unit: str = ""

    @field_validator("bounds")
    @classmethod
    def _bounds(cls, v: list[float]) -> list[float]:
        if len(v) != 2 or not all(math.isfinite(x) for x in v):
            raise ValueError("two finite numbers [low, high]")
        if v[0] >= v[1]:
            raise ValueError("low below high")
        return v

    @model_validator(mode="after")
    def _prior(self) -> ParameterSpec:
        lo, hi = self.bounds
        if self.prior == "normal":
            if self.mean is None or self.sd is None:
                raise ValueError("prior = 'normal' needs mean and sd (truncated to bounds)")
            if not lo <= self.mean <= hi:
                raise ValueError(f"the prior's mean {self.mean} lies outside bounds [{lo}, {hi}]")
        elif self.mean is not None or self.sd is not None:
            raise ValueError(f"mean and sd apply to prior = 'normal', not {self.prior!r}")
        if self.prior == "loguniform" and lo <= 0:
            raise ValueError("prior = 'loguniform' needs bounds with a positive low end")
        return self


class TargetSpec(OutputSpec):
    """A published statistic the model should reproduce: an indicator aggregated over a run's
    months (as an experiment output), its observed value, its uncertainty and its source."""

    observed: float
    sd: float | None = Field(None, gt=0, description="standard error of the observed value")
    tolerance: float | None = Field(None, gt=0, description="or: a half-width accepted")
    source: str = Field(..., description="a facts-table row (FACTS:<id>) or a citation")
    held_out: bool = Field(False, description="predicted and reported, not fitted")

    @field_validator("source")
    @classmethod
    def _source(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("a source: a facts-table row (FACTS:<id>) or a citation")
        return v

    @model_validator(mode="after")
    def _scale(self) -> TargetSpec:
        if (self.sd is None) == (self.tolerance is None):
            raise ValueError("give either sd (a standard error) or tolerance, not both")
        return self

    @property
    def scale(self) -> float:
        """The distance's unit for this target: its standard error, or its tolerance."""
        return float(self.sd if self.sd is not None else self.tolerance)


class MethodSpec(Strict):
    """The inference and its budget."""

    kind: Literal["abc_smc"] = "abc_smc"
    population_size: int = Field(..., ge=4, le=100_000, description="accepted particles")
    generations: int = Field(..., ge=1, le=100, description="ABC-SMC populations")
    replications: int = Field(1, ge=1, le=1000, description="runs averaged per evaluation")
    households: int | None = Field(
        None, ge=10, le=10_000_000, description="simulated households of every district"
    )
    batch_size: int | None = Field(
        None,
        ge=1,
        le=100_000,
        description="evaluations proposed at once (default: the population size); results "
        "depend on it, not on the number of workers",
    )
    min_acceptance_rate: float = Field(
        0.0, ge=0, le=1, description="stop when a generation's acceptance falls below it"
    )


class CalibrationSpec(Strict):
    """What a calibration file holds (validated)."""

    name: str | None = Field(None, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    base: str = Field(..., min_length=1, description="scenario file, relative to this file")
    base_overrides: dict[str, Any] = Field(default_factory=dict)
    seed: int | None = Field(None, ge=0, le=2**62)
    method: MethodSpec
    parameters: dict[str, ParameterSpec] = Field(..., min_length=1)
    targets: dict[str, TargetSpec] = Field(..., min_length=1)

    @field_validator("parameters", "targets")
    @classmethod
    def _names(cls, v: dict) -> dict:
        bad = [k for k in v if not re.match(_NAME, k)]
        if bad:
            raise ValueError(f"names {bad} must be identifiers (letters, digits, _)")
        return v

    @model_validator(mode="after")
    def _fitted(self) -> CalibrationSpec:
        if all(t.held_out for t in self.targets.values()):
            raise ValueError("every target is held out: at least one must be fitted")
        clash = sorted(set(self.parameters) & set(self.targets))
        if clash:
            raise ValueError(f"parameters and targets share the names {clash}")
        return self


@dataclass(frozen=True)
class LoadedCalibration:
    """A validated calibration: its spec, file and base scenario (with base_overrides)."""

    spec: CalibrationSpec
    path: Path
    text: str
    base: LoadedScenario

    @property
    def base_path(self) -> Path:
        """The base scenario's file."""
        return (self.path.parent / self.spec.base).resolve()

    @property
    def name(self) -> str:
        """The calibration's name (``name`` key, else the file name)."""
        return self.spec.name or self.path.stem

    @property
    def seed(self) -> int:
        """Seed of replication 0 of every evaluation (the base scenario's unless set)."""
        return self.base.scenario.seed if self.spec.seed is None else self.spec.seed

    @property
    def seeds(self) -> list[int]:
        """Replication r of every evaluation runs with ``seed + r`` (common random numbers)."""
        return [self.seed + r for r in range(self.spec.method.replications)]

    @property
    def fitted(self) -> dict[str, TargetSpec]:
        """The targets the distance uses."""
        return {n: t for n, t in self.spec.targets.items() if not t.held_out}

    @property
    def held_out(self) -> dict[str, TargetSpec]:
        """The targets predicted and reported, not fitted."""
        return {n: t for n, t in self.spec.targets.items() if t.held_out}

    @functools.cached_property
    def content_hash(self) -> str:
        """SHA-256 of what is run: the validated spec and the resolved base scenario."""
        blob = json.dumps(
            {"spec": self.spec.model_dump(mode="json"), "base": self.base.content_hash},
            sort_keys=True,
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    def overrides(self, values: dict[str, float]) -> list[Override]:
        """Overrides setting each parameter (by name) to its value, and the households."""
        src = Source.file(self.path, f"{self.path} parameters")
        out = [Override(self.spec.parameters[n].key, float(v), src) for n, v in values.items()]
        if self.spec.method.households is not None:
            for d in self.base.scenario.districts:
                out.append(
                    Override(f"districts.{d}.n_households", self.spec.method.households, src)
                )
        return out

    def scenario(self, values: dict[str, float]) -> Scenario:
        """The base scenario with the parameters' values and the method's households."""
        origin = dict(self.base.origin)
        doc = apply_overrides(self.base.document, self.overrides(values), origin)
        return scenario_from_dict(
            doc, source=Source.file(self.path), origin=origin, with_shipped_chains=False
        )


def load_calibration(path: str | Path) -> LoadedCalibration:
    """Read and validate a calibration file, its base scenario, parameter keys and targets.

    Raises:
        CalibrationError: the file, a key, a parameter key or a target is wrong, or the base
            scenario is (its problems and hint, naming the base's files).
    """
    spec, text, base = read_file_with_base(path, CalibrationSpec, CalibrationError, "calibration")
    path = Path(path)
    loaded = LoadedCalibration(spec, path.resolve(), text, base)
    problems = _check_parameters(loaded) + _check_targets(loaded)
    if problems:
        raise CalibrationError(problems)
    return loaded


def _check_parameters(loaded: LoadedCalibration) -> list[Problem]:
    keys = {f"parameters.{n}.key": p.key for n, p in loaded.spec.parameters.items()}
    out = check_settable_keys(keys, loaded.base.document, str(loaded.path))
    if out:
        return out
    for n, p in loaded.spec.parameters.items():  # every value inside the bounds is valid
        for v in p.bounds:
            try:
                loaded.scenario({n: v})
            except ScenarioError as exc:
                why = exc.problems[0].expected if exc.problems else str(exc)
                out.append(
                    Problem(
                        str(loaded.path),
                        f"parameters.{n}.bounds",
                        p.bounds,
                        f"bounds giving valid scenarios ({p.key} = {v}: {why})",
                    )
                )
                break
    return out


def _check_targets(loaded: LoadedCalibration) -> list[Problem]:
    out, src = [], str(loaded.path)
    known = known_indicators(loaded.base.scenario)
    districts = ["all", *loaded.base.scenario.districts]
    for name, t in loaded.spec.targets.items():
        if t.indicator not in known:
            out.append(
                Problem(src, f"targets.{name}.indicator", t.indicator, f"one of {', '.join(known)}")
            )
        if t.district not in districts:
            out.append(Problem(src, f"targets.{name}.district", t.district, f"one of {districts}"))
    return out

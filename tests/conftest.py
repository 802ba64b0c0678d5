"""Shared fixtures: tiny scenarios built on the shipped baseline (fast to run)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from tests.scenario_text import SHIPPED_BASELINE

# Compiled kernels (valuechain.model.kernels) compile on the first call with new argument types;
# a per-example deadline would time the compiler, not the model.
settings.register_profile("valuechain", deadline=None)
settings.load_profile("valuechain")

#: A small district: 300 households, 6 months, 2 replications.
TINY_BASELINE = f"""\
extends = "{SHIPPED_BASELINE.as_posix()}"
name = "tiny_baseline"
months = 6
seed = 1234
replications = 2

[districts.lampung_barat]
n_households = 300
"""

#: The tiny baseline plus a coffee huller, compared to the baseline.
TINY_SCENARIO = """\
extends = "baseline.toml"
name = "tiny_huller"
baseline = "baseline.toml"

[districts.lampung_barat.processors.huller]
commodity = "coffee"
process = "hull_grade"
owner = "cooperative"
capacity_t_per_month = 40
wage_idr_per_month = 2800000
fixed_cost_idr_per_month = 4000000
member_share = 0.3
"""


@dataclass(frozen=True)
class TinyFiles:
    """Paths of the tiny scenario files written for a test."""

    folder: Path
    baseline: Path
    scenario: Path


def write_tiny(folder: Path) -> TinyFiles:
    """Write ``baseline.toml`` and ``scenario.toml`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    baseline = folder / "baseline.toml"
    scenario = folder / "scenario.toml"
    baseline.write_text(TINY_BASELINE, "utf-8")
    scenario.write_text(TINY_SCENARIO, "utf-8")
    return TinyFiles(folder, baseline, scenario)


@pytest.fixture
def tiny(tmp_path: Path) -> TinyFiles:
    """A tiny scenario with a baseline, in a fresh folder."""
    return write_tiny(tmp_path / "scenarios")


@pytest.fixture(scope="session")
def tiny_factory():
    """``write_tiny(folder)`` for module-scoped fixtures."""
    return write_tiny

"""Small experiment files for the sweep tests (a 300-household rubber district, 8 months)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RUBBER = REPO / "scenarios" / "hilirisasi_rubber.toml"
BASELINE_RUBBER = REPO / "scenarios" / "baseline_rubber.toml"
CAPACITY = "districts.jambi_lowland.processors.remiller.capacity_t_per_month"
CAPEX = "districts.jambi_lowland.processors.remiller.capex_idr"

#: Point 0 (capacity 3000, margin 0.30) is hilirisasi_rubber itself.
BASELINE_FACTORS = f"""
[factors.capacity]
key = "{CAPACITY}"
levels = [3000, 6000]
integer = true

[factors.margin]
key = "chains.rubber.trader_margin_max"
levels = [0.30, 0.2]
"""

GRID_FACTORS = f"""
[factors.capacity]
key = "{CAPACITY}"
levels = [500, 4000]
integer = true

[factors.margin]
key = "chains.rubber.trader_margin_max"
levels = [0.2, 0.35]
"""

MORRIS_FACTORS = f"""
[factors.capacity]
key = "{CAPACITY}"
bounds = [500, 5000]
label = "remiller capacity"

[factors.margin]
key = "chains.rubber.trader_margin_max"
bounds = [0.15, 0.4]

[factors.volatility]
key = "chains.rubber.stages.slab.volatility_month"
bounds = [0.02, 0.12]
"""

OUTPUTS = """
[outputs.poverty]
indicator = "extreme_poverty_rate"
aggregation = "mean"

[outputs.jobs]
indicator = "processing_jobs"
aggregation = "mean_last12"
"""


#: Outputs that differ between replications (the farmgate price follows the seed's shocks).
PRICE_OUTPUT = """
[outputs.price]
indicator = "farmgate_price_rubber"
aggregation = "mean"
"""


def experiment_text(
    *,
    design: str = 'kind = "grid"',
    factors: str = GRID_FACTORS,
    outputs: str = OUTPUTS,
    replications: int = 2,
    seed: int = 11,
    households: int = 300,
    months: int = 8,
    base: str | None = None,
    baseline: str | None = None,
) -> str:
    """A complete experiment file over the shipped rubber scenario, shrunk (``baseline``: a
    scenario file every point is compared with)."""
    base = base or RUBBER.as_posix()
    baseline_line = f'baseline = "{baseline}"' if baseline else ""
    return f"""\
# a test experiment
base = "{base}"
{baseline_line}
replications = {replications}
seed = {seed}

[base_overrides]
"districts.jambi_lowland.n_households" = {households}
months = {months}
spinup_months = 6

[design]
{design}
{factors}
{outputs}
"""


def write_experiment(folder: Path, name: str = "tiny_sweep", **kwargs) -> Path:
    """Write ``<name>.toml`` into ``folder`` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(experiment_text(**kwargs), "utf-8")
    return path

"""The shipped scenarios' summary statistics, as the regression test and its update script
compute them (3 replications, 36 months, the scenarios' own sizes and seeds)."""

from __future__ import annotations

from pathlib import Path

from valuechain.config.loader import load_scenario
from valuechain.model.model import ValueChainModel

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = [
    "baseline_coffee",
    "hilirisasi_coffee",
    "baseline_rubber",
    "hilirisasi_rubber",
    "baseline_coastal",
    "hilirisasi_coastal",
]
REPLICATIONS = 3
MONTHS = 36
EXPECTED = Path(__file__).with_name("expected_summaries.json")


def summaries(name: str) -> list[dict[str, float]]:
    """Summary rows of replications 0..2 of a shipped scenario."""
    loaded = load_scenario(ROOT / "scenarios" / f"{name}.toml", [f"months={MONTHS}"])
    out = []
    for r in range(REPLICATIONS):
        model = ValueChainModel(loaded.scenario, seed=loaded.scenario.seed + r)
        model.run()
        out.append(model.summary())
        model.release()
    return out

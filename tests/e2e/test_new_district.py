"""The worked example of docs/new_district.md (a cocoa district) runs, file by file, at small size.

Every file the page ships is loaded and validated, the calibration runs at a tiny budget with
the shipped parameters and targets, the lever runs against its baseline for a few months, and
the page names each file (so that it cannot describe files that are gone or renamed).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from tests.e2e.test_cli import cli
from valuechain.config.chains import Chain
from valuechain.config.facts import find_citations, load_facts
from valuechain.config.loader import load_scenario
from valuechain.experiments.calibration import load_calibration

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "new_district.md"
CHAIN = ROOT / "scenarios" / "parts" / "chain_cocoa.toml"
BASELINE = ROOT / "scenarios" / "baseline_cocoa.toml"
LEVER = ROOT / "scenarios" / "hilirisasi_cocoa.toml"
CALIBRATION = ROOT / "calibrations" / "cocoa.toml"
EXAMPLE = (CHAIN, BASELINE, LEVER, CALIBRATION, Path(__file__).resolve())
SMALL = ["districts.luwu_utara.n_households=400", "spinup_months=2"]


def test_the_page_names_every_file_of_the_example_and_the_readme_links_it():
    page = PAGE.read_text("utf-8")
    for path in EXAMPLE:
        assert str(path.relative_to(ROOT)) in page, f"docs/new_district.md does not name {path}"
    assert "docs/new_district.md" in (ROOT / "README.md").read_text("utf-8")


@pytest.mark.parametrize("path", [*EXAMPLE[:4], PAGE], ids=lambda p: p.name)
def test_every_citation_of_the_example_names_a_row_of_the_facts_table(path):
    ids = set(load_facts()["id"])
    cited = find_citations(path.read_text("utf-8"))
    assert cited, f"{path.name} cites no published figure"
    assert not [c for c in cited if c not in ids]


def test_the_chain_part_the_baseline_the_lever_and_the_calibration_validate():
    with CHAIN.open("rb") as f:
        chain = Chain.model_validate(tomllib.load(f)["chains"]["cocoa"])
    assert chain.farm_stage == "dry_beans" and chain.is_farm_form("wet_beans")
    baseline = load_scenario(BASELINE).scenario
    assert baseline.chains["cocoa"] == chain  # the baseline takes the chain from the part
    assert set(baseline.districts["luwu_utara"].crops) == {"cocoa"}
    lever = load_scenario(LEVER)
    assert lever.baseline_path() == BASELINE
    assert lever.scenario.districts["luwu_utara"].processors["koperasi_fermentasi"].process == (
        "ferment"
    )
    calibration = load_calibration(CALIBRATION)
    assert calibration.base_path == BASELINE
    assert "gap_p1" in calibration.held_out and "farming_share" in calibration.fitted


def _tiny_calibration(folder: Path) -> Path:
    """The shipped calibration file with its base made absolute and a tiny budget."""
    text = CALIBRATION.read_text("utf-8")
    text = text.replace('base = "../scenarios/baseline_cocoa.toml"', f'base = "{BASELINE}"')
    for key, value in {
        "months": 14,  # August 2024 to September 2025: one March
        "population_size": 4,
        "generations": 1,
        "households": 300,
    }.items():
        text, n = re.subn(rf"^{key} = \d+", f"{key} = {value}", text, flags=re.MULTILINE)
        assert n == 1, key
    path = folder / "cocoa_tiny.toml"
    path.write_text(text, "utf-8")
    return path


def test_the_calibration_runs_at_a_tiny_budget(tmp_path):
    out = tmp_path / "cal"
    proc = cli("calibrate", _tiny_calibration(tmp_path), "-j", "1", "--out", out)
    assert proc.returncode == 0, proc.stderr
    fit = pd.read_csv(out / "fit.csv")
    assert set(fit["target"]) == {"headcount", "extreme", "farming_share", "gap_p1"}
    assert fit.loc[fit["target"] == "gap_p1", "held_out"].item()
    assert fit["simulated_median"].notna().all()
    calibrated = (out / "calibrated.toml").read_text("utf-8")
    assert "land_ha_median" in calibrated and "other_income_grower_factor" in calibrated


def test_the_lever_runs_against_its_baseline(tmp_path):
    out = tmp_path / "run"
    sets = [a for s in SMALL for a in ("--set", s)]
    proc = cli("run", LEVER, "-n", "1", "--months", "6", "--no-figures", "--out", out, *sets)
    assert proc.returncode == 0, proc.stderr
    comparison = pd.read_csv(out / "comparison.csv")
    jobs = comparison.loc[comparison["indicator"] == "processing_jobs", "scenario_mean"]
    assert (jobs > 0).all(), "the fermentation unit hires"

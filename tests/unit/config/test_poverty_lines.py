"""Poverty lines carry their base month and are moved by the CPI path (hand-computed)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from valuechain.config.behaviour import PovertyLines, cpi_factor, month_number
from valuechain.config.loader import load_scenario, scenario_from_dict
from valuechain.config.scenario import Scenario
from valuechain.errors import ScenarioError

PATH = {2021: 0.0187, 2022: 0.0551, 2023: 0.0261, 2024: 0.0157, 2025: 0.0292}


def test_a_whole_year_rises_by_its_december_on_december_inflation() -> None:
    assert cpi_factor("2023-12", "2024-12", PATH, 0.025) == pytest.approx(1.0157, rel=1e-12)


def test_months_of_a_year_share_its_inflation_evenly() -> None:
    # end of March to end of June 2024: April, May, June, each (1.0157)^(1/12)
    assert cpi_factor("2024-03", "2024-06", PATH, 0.025) == pytest.approx(1.0157**0.25)


def test_the_factor_works_backwards() -> None:
    assert cpi_factor("2024-06", "2024-03", PATH, 0.025) == pytest.approx(1.0157**-0.25)
    assert cpi_factor("2024-08", "2024-08", PATH, 0.025) == 1.0


def test_across_years_each_month_takes_its_own_year() -> None:
    # April-December 2021 (9 months), 2022, 2023, January-March 2024 (3 months)
    expected = 1.0187**0.75 * 1.0551 * 1.0261 * 1.0157**0.25
    assert cpi_factor("2021-03", "2024-03", PATH, 0.025) == pytest.approx(expected, rel=1e-12)


def test_a_year_off_the_path_uses_the_default() -> None:
    assert cpi_factor("2019-12", "2020-12", PATH, 0.025) == pytest.approx(1.025)
    # July 2025 - June 2026: six months at 2.92%, six at the 2.5% default
    expected = 1.0292**0.5 * 1.025**0.5
    assert cpi_factor("2025-06", "2026-06", PATH, 0.025) == pytest.approx(expected)


def test_month_numbers_count_months() -> None:
    assert month_number("2024-01") - month_number("2023-12") == 1
    with pytest.raises(ValueError, match="YYYY-MM"):
        month_number("2024-13")


def test_each_line_is_moved_from_its_base_month() -> None:
    lines = PovertyLines()
    # the national line of March 2024 in rupiah of August 2024: April-August at 1.57%
    assert lines.line_at("national", "2024-08") == pytest.approx(582_932 * 1.0157 ** (5 / 12))
    # the USD 2.15 line of January 2025 in rupiah of August 2024: back over Sep-Dec 2024
    # (2024's rate) and January 2025 (2025's)
    expected_215 = 391_000 / (1.0157 ** (4 / 12) * 1.0292 ** (1 / 12))
    assert lines.line_at("extreme_215", "2024-08") == pytest.approx(expected_215)


def test_base_months_and_the_path_are_validated() -> None:
    with pytest.raises(ValidationError, match="YYYY-MM"):
        PovertyLines(national_base_month="2024-3")
    with pytest.raises(ValidationError, match="inflation of 2024"):
        PovertyLines(cpi_inflation_by_year={2024: 3.0})
    # TOML keys are strings: "2024" is the year 2024
    lines = PovertyLines.model_validate({"cpi_inflation_by_year": {"2024": 0.01}})
    assert lines.cpi_inflation_by_year == {2024: 0.01}


def test_a_district_line_needs_its_base_month() -> None:
    here = "districts.lampung_barat."
    line, base = (
        f"{here}poverty_line_idr_per_person_month=563561",
        f'{here}poverty_line_base_month="2024-03"',
    )
    doc = load_scenario("scenarios/baseline_coffee.toml").scenario.model_dump()
    own = doc["districts"]["lampung_barat"]
    for key in ("poverty_line_idr_per_person_month", "poverty_line_base_month"):
        alone = {**own, key: None}
        with pytest.raises(ScenarioError, match="base month are given together"):
            scenario_from_dict({**doc, "districts": {"lampung_barat": alone}})
    district = load_scenario("scenarios/baseline_coffee.toml", [line, base]).scenario.districts
    assert district["lampung_barat"].poverty_line_base_month == "2024-03"
    with pytest.raises(ScenarioError, match="YYYY-MM"):
        load_scenario(
            "scenarios/baseline_coffee.toml", [line, f'{here}poverty_line_base_month="March"']
        )


def test_the_spin_up_lasts_at_least_a_month() -> None:
    doc = load_scenario("scenarios/baseline_coffee.toml").scenario.model_dump()
    with pytest.raises(ValidationError, match="spinup_months"):
        Scenario.model_validate({**doc, "spinup_months": 0})
    with pytest.raises(ScenarioError, match="spinup_months"):
        load_scenario("scenarios/baseline_coffee.toml", ["spinup_months=0"])

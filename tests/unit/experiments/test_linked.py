"""Linked keys of a factor: formulas parsed safely, tables per level, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.sweep_cases import CAPACITY, CAPEX, experiment_text
from valuechain.experiments.formulas import FormulaError, parse_formula
from valuechain.experiments.spec import ExperimentError, load_experiment

FIXED = "districts.jambi_lowland.processors.remiller.fixed_cost_idr_per_month"


def _factors(linked: str, range_: str = "levels = [500, 4000]") -> str:
    return f"""
[factors.capacity]
key = "{CAPACITY}"
{range_}
integer = true

[factors.capacity.linked]
{linked}
"""


def _load(tmp_path: Path, linked: str, range_: str = "levels = [500, 4000]"):
    path = tmp_path / "linked.toml"
    design = 'kind = "grid"' if "levels" in range_ else 'kind = "grid"\ngrid_points = 3'
    path.write_text(experiment_text(factors=_factors(linked, range_), design=design), "utf-8")
    return load_experiment(path)


def _error(tmp_path: Path, linked: str, range_: str = "levels = [500, 4000]") -> str:
    with pytest.raises(ExperimentError) as info:
        _load(tmp_path, linked, range_)
    msg = str(info.value)
    assert str(tmp_path / "linked.toml") in msg  # the file is named
    return msg


@pytest.mark.parametrize(
    ("text", "x", "expected"),
    [
        ("2 * x + 1e6", 500.0, 1_001_000.0),
        ("-x ** 2 / 4", 3.0, -2.25),  # ** binds tighter than unary minus, as in Python
        ("min(x, 2000) * 1000", 4000.0, 2_000_000.0),
        ("max(1, sqrt(x))", 16.0, 4.0),
        ("exp(log(x) * 0.5)", 9.0, 3.0),
        ("(x - 1) * (x + 1)", 3.0, 8.0),
    ],
)
def test_formulas_give_hand_computed_values(text: str, x: float, expected: float) -> None:
    assert parse_formula(text)(x) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("__import__('os')", "a call of '__import__'"),
        ("y + 1", "unknown name 'y'"),
        ("x.real", "'x.real' is not allowed"),
        ("[x][0]", "is not allowed"),
        ("'a' * 3", "'a' is not a number"),
        ("lambda: 1", "is not allowed"),
        ("x if x > 1 else 2", "is not allowed"),
        ("open('f')", "a call of 'open'"),
        ("min(x)", "min() takes 2..8"),
        ("x +", "not a formula"),
        ("x" + " + x" * 80, "at most 200 characters"),
    ],
)
def test_unsafe_or_unknown_formulas_are_refused_before_evaluation(text, expected) -> None:
    with pytest.raises(FormulaError) as info:
        parse_formula(text)
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("text", "x"), [("1 / (x - 500)", 500.0), ("log(x - 1000)", 500.0), ("10.0 ** x", 4000.0)]
)
def test_values_that_are_not_finite_are_errors(text: str, x: float) -> None:
    with pytest.raises(FormulaError, match=f"x = {x:g}"):
        parse_formula(text)(x)


def test_a_formula_sets_the_linked_key_at_each_point(tmp_path: Path) -> None:
    loaded = _load(tmp_path, f'"{CAPEX}" = "2e6 * x + 1e9"\n"{FIXED}" = "min(x, 1000) * 1e5"')
    points = loaded.design.points
    assert points[CAPEX].tolist() == [2e6 * 500 + 1e9, 2e6 * 4000 + 1e9]
    assert points[FIXED].tolist() == [500 * 1e5, 1000 * 1e5]
    plant = loaded.scenario(1).districts["jambi_lowland"].processors["remiller"]
    assert plant.capacity_t_per_month == 4000
    assert plant.capex_idr == 9e9 and plant.fixed_cost_idr_per_month == 1e8


def test_a_formula_takes_the_rounded_value_of_an_integer_factor(tmp_path: Path) -> None:
    loaded = _load(tmp_path, f'"{CAPEX}" = "x * 1e6"', range_="bounds = [500.4, 4000.4]")
    points = loaded.design.points  # grid of 3: 500.4, 2250.4, 4000.4, run rounded
    assert points["capacity"].tolist() == [500, 2250, 4000]
    assert points[CAPEX].tolist() == [500e6, 2250e6, 4000e6]


def test_a_table_gives_one_value_per_level(tmp_path: Path) -> None:
    loaded = _load(tmp_path, f'"{CAPEX}" = [7.0e9, 9.5e9]')
    assert loaded.design.points[CAPEX].tolist() == [7.0e9, 9.5e9]
    assert loaded.scenario(0).districts["jambi_lowland"].processors["remiller"].capex_idr == 7e9


def test_the_manifest_hash_changes_with_a_linked_formula(tmp_path: Path) -> None:
    a = _load(tmp_path, f'"{CAPEX}" = "x * 1e6"').content_hash
    b = _load(tmp_path, f'"{CAPEX}" = "x * 2e6"').content_hash
    assert a != b


def test_an_unsafe_formula_in_a_file_is_an_error_naming_the_key(tmp_path: Path) -> None:
    msg = _error(tmp_path, f"\"{CAPEX}\" = \"__import__('os').system('true')\"")
    assert f'factors.capacity.linked."{CAPEX}"' in msg
    assert "a formula in x: a call of" in msg


def test_a_formula_without_a_value_at_a_bound_is_an_error(tmp_path: Path) -> None:
    msg = _error(tmp_path, f'"{CAPEX}" = "1e9 / (x - 500)"')
    assert "a finite number over the factor's range" in msg and "x = 500" in msg
    msg = _error(tmp_path, f'"{CAPEX}" = "log(x - 1000)"', range_="bounds = [500, 5000]")
    assert "x = 500" in msg and "math domain error" in msg


def test_an_unknown_linked_key_is_an_error(tmp_path: Path) -> None:
    msg = _error(tmp_path, f'"{CAPEX}r" = "x * 1e6"')
    assert "unknown key" in msg and "capex_idrr" in msg and "capex_idr" in msg


def test_a_linked_key_that_a_factor_sets_is_an_error(tmp_path: Path) -> None:
    msg = _error(tmp_path, f'"{CAPACITY}" = "x * 2"')
    assert "a key no other factor sets (the factor itself)" in msg


@pytest.mark.parametrize(
    ("linked", "range_", "expected"),
    [
        (
            f'"{CAPEX}" = [7.0e9]',
            "levels = [500, 4000]",
            "one value per level (2 levels, 1 values)",
        ),
        (f'"{CAPEX}" = [1, 2, 3]', "levels = [500, 4000]", "(2 levels, 3 values)"),
        (f'"{CAPEX}" = [7.0e9, 9e9]', "bounds = [500, 4000]", "a table of values needs"),
    ],
)
def test_tables_must_have_one_value_per_level(tmp_path, linked, range_, expected) -> None:
    assert expected in _error(tmp_path, linked, range_)


def test_an_invalid_linked_value_is_reported_with_its_points(tmp_path: Path) -> None:
    # capex must not be negative: the points are validated as scenarios before any run
    loaded = _load(tmp_path, f'"{CAPEX}" = "1e9 - x * 1e6"')
    with pytest.raises(ExperimentError) as info:
        loaded.scenarios()
    msg = str(info.value)
    assert "factors.capacity" in msg and "1 of 2 design points" in msg and "capex_idr" in msg


def test_the_spec_keeps_linked_keys_for_the_manifest(tmp_path: Path) -> None:
    loaded = _load(tmp_path, f'"{CAPEX}" = "x * 1e6"')
    dumped = json.loads(loaded.spec.model_dump_json())
    assert dumped["factors"]["capacity"]["linked"] == {CAPEX: "x * 1e6"}
    assert loaded.linked_keys == {CAPEX: "capacity"}

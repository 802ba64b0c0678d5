"""Scenario loading: overrides as values, paths read beside the file that wrote them, strict
numbers with ceilings, shares that sum to one, errors naming the file of every value."""

from __future__ import annotations

import os
from pathlib import Path
from typing import get_args

import pytest
from annotated_types import Le, Lt
from pydantic import BaseModel

from tests.scenario_text import BASE, PLANT, SHIPPED_BASELINE
from valuechain.config.loader import load_scenario
from valuechain.config.programmes import Programme
from valuechain.config.scenario import Scenario
from valuechain.errors import ScenarioError, UserError
from valuechain.runs.replications import load_with_baseline

SCENARIOS = SHIPPED_BASELINE.parent
RUBBER = SCENARIOS / "hilirisasi_rubber.toml"
SKILLS = "districts.lampung_barat.population.skill_shares"


def write(folder: Path, text: str, name: str = "case.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def message_of(path: Path, overrides=()) -> str:
    with pytest.raises(ScenarioError) as err:
        load_with_baseline(path, overrides)
    return str(err.value)


# --------------------------------------------------------------------------- 1. values


def test_python_overrides_are_values_not_text(tmp_path):
    path = write(tmp_path, BASE)
    loaded = load_scenario(path, {SKILLS: [0.5, 0.3, 0.15, 0.05], "name": "true"})
    assert loaded.scenario.districts["lampung_barat"].population.skill_shares == [
        0.5,
        0.3,
        0.15,
        0.05,
    ]
    assert loaded.scenario.name == "true"  # a string stays a string, not a boolean


def test_command_line_text_is_parsed_once(tmp_path):
    path = write(tmp_path, BASE)
    loaded = load_scenario(path, [f"{SKILLS}=[0.4, 0.4, 0.15, 0.05]", "months=24"])
    assert loaded.scenario.districts["lampung_barat"].population.skill_shares[0] == 0.4
    assert loaded.scenario.months == 24


# --------------------------------------------------------------------------- 2. paths


def test_inherited_baseline_is_read_beside_the_file_that_names_it(tmp_path):
    mine = write(tmp_path / "mine", f'extends = "{RUBBER.as_posix()}"\nname = "mine"\n')
    loaded, base = load_with_baseline(mine)
    assert loaded.scenario.name == "mine"
    assert base is not None and base.scenario.name == "baseline_rubber"
    assert loaded.baseline_path() == SCENARIOS / "baseline_rubber.toml"


def test_inherited_baseline_through_a_relative_extends(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    rel = Path(os.path.relpath(RUBBER, folder)).as_posix()
    _, base = load_with_baseline(write(folder, f'extends = "{rel}"\nname = "mine"\n'))
    assert base is not None and base.scenario.name == "baseline_rubber"


def test_a_baseline_written_in_the_extending_file_is_read_beside_it(tmp_path):
    write(tmp_path, BASE + 'name = "own_base"\n', "own_base.toml")
    mine = write(tmp_path, f'extends = "{RUBBER.as_posix()}"\nbaseline = "own_base.toml"\n')
    assert load_scenario(mine).baseline_path() == tmp_path / "own_base.toml"


# --------------------------------------------------------------------------- 3. numbers


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[policies.bpnt]\nkind = "bpnt"\nquota_share = true\n', "policies.bpnt.quota_share"),
        (
            '[policies.t]\nkind = "training"\nduration_months = true\n',
            "policies.t.duration_months",
        ),
        ("months = true\n", "months"),
    ],
)
def test_a_boolean_is_not_a_number(tmp_path, text, key):
    msg = message_of(write(tmp_path, BASE + text))
    assert f"{key} = true" in msg and "a number" in msg


def test_an_integer_where_a_float_is_expected_is_fine(tmp_path):
    loaded = load_scenario(write(tmp_path, BASE + "[health]\ncost_idr = 2000000\n"))
    assert loaded.scenario.health.cost_idr == 2_000_000.0


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[health]\ncost_idr = inf\n", "health.cost_idr"),
        ("[health]\np_shock_month = nan\n", "health.p_shock_month"),
        (
            "[chains.coffee]\nseason_share_by_month = [nan, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]\n",
            "chains.coffee.season_share_by_month.0",
        ),
    ],
)
def test_non_finite_numbers_are_refused(tmp_path, text, key):
    path = write(tmp_path, BASE + text)
    msg = message_of(path)
    assert f"{path}: {key} = " in msg and "finite" in msg


def test_non_finite_override_is_refused(tmp_path):
    msg = message_of(write(tmp_path, BASE), ["health.cost_idr=inf"])
    assert "--set: health.cost_idr = inf" in msg and "finite" in msg


def test_absurd_money_is_an_error_naming_the_key(tmp_path):
    text = '[policies.ed]\nkind = "elderly_disability"\namount_idr_per_person_month = 1e20\n'
    path = write(tmp_path, BASE + text)
    msg = message_of(path)
    assert f"{path}: policies.ed.amount_idr_per_person_month = 1e+20" in msg
    assert "less than or equal to" in msg


def _models_in(annotation) -> list[type[BaseModel]]:
    own = isinstance(annotation, type) and issubclass(annotation, BaseModel)
    return [annotation] * own + [m for a in get_args(annotation) for m in _models_in(a)]


def test_every_number_in_the_schema_has_a_finite_ceiling():
    seen, todo, missing = set(), [Scenario, *Programme.__subclasses__()], []
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, f in model.model_fields.items():
            todo += _models_in(f.annotation)
            is_number = f.annotation in (int, float, int | None, float | None)
            if is_number and not [m for m in f.metadata if isinstance(m, Le | Lt)]:
                missing.append(f"{model.__name__}.{name}")
    assert not missing, missing


# --------------------------------------------------------------------------- 4. shares


def test_season_shares_must_sum_to_one(tmp_path):
    shares = "[0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]"
    path = write(tmp_path, BASE + f"[chains.coffee]\nseason_share_by_month = {shares}\n")
    msg = message_of(path)
    assert f"{path}: chains.coffee.season_share_by_month" in msg
    assert "sum to 1" in msg and "1.2" in msg


def test_skill_shares_must_sum_to_one(tmp_path):
    msg = message_of(write(tmp_path, BASE), [f"{SKILLS}=[0.5, 0.5, 0.5]"])
    assert "sum to 1" in msg and "1.5" in msg


# --------------------------------------------------------------------------- 5. origins


def test_a_check_across_keys_names_the_file_of_each_value(tmp_path):
    path = write(
        tmp_path, BASE + PLANT.format(capacity=10).replace("3000000", "1000000"), "scen.toml"
    )
    msg = message_of(path)
    wage = "districts.lampung_barat.processors.h1.wage_idr_per_month"
    assert f"{path}: {wage} = 1000000" in msg
    minimum = "districts.lampung_barat.minimum_wage_idr_per_month = 2716496"
    assert f"{SHIPPED_BASELINE}: {minimum}" in msg
    assert "{" not in msg  # values, not the district printed as a table


def test_a_check_across_keys_names_an_override(tmp_path):
    path = write(tmp_path, BASE + PLANT.format(capacity=10))
    msg = message_of(path, ["districts.lampung_barat.minimum_wage_idr_per_month=4000000"])
    assert "--set: districts.lampung_barat.minimum_wage_idr_per_month = 4000000" in msg
    assert f"{path}: districts.lampung_barat.processors.h1.wage_idr_per_month = 3000000" in msg


def test_a_shock_after_the_end_names_both_keys(tmp_path):
    path = write(tmp_path, BASE + '[[shocks]]\nmonth = 70\ncommodity = "coffee"\nfactor = 0.5\n')
    msg = message_of(path, ["months=24"])
    assert f"{path}: shocks.0.month = 70" in msg and "--set: months = 24" in msg


# --------------------------------------------------------------------------- 6. scenario only


def test_set_scenario_changes_the_scenario_alone(tiny):
    key = "districts.lampung_barat.processors.huller.capacity_t_per_month"
    loaded, base = load_with_baseline(tiny.scenario, scenario_overrides=[f"{key}=10"])
    assert (
        loaded.scenario.districts["lampung_barat"].processors["huller"].capacity_t_per_month == 10
    )
    assert base is not None and not base.scenario.districts["lampung_barat"].processors


def test_set_on_a_plant_the_baseline_lacks_points_to_set_scenario(tiny):
    key = "districts.lampung_barat.processors.huller.capacity_t_per_month"
    with pytest.raises(ScenarioError) as err:
        load_with_baseline(tiny.scenario, [f"{key}=10"])
    assert "--set-scenario" in err.value.hint
    assert str(tiny.baseline) in str(err.value)


# --------------------------------------------------------------------------- 7. one error type


def test_scenario_errors_are_user_errors_with_their_hints(tmp_path):
    with pytest.raises(UserError) as err:
        load_scenario(tmp_path / "nothere.toml")
    assert isinstance(err.value, ScenarioError) and "path" in err.value.hint
    with pytest.raises(UserError) as err:
        load_scenario(write(tmp_path, BASE + "months = = 3\n"))
    assert "TOML syntax" in err.value.hint
    with pytest.raises(UserError) as err:
        load_scenario(write(tmp_path, BASE), ["months"])
    assert "--set key.path=value" in err.value.hint


@pytest.mark.parametrize("kind", ["export_tax", "marketing_cooperative"])
def test_a_programme_on_a_commodity_nobody_grows_is_refused(tmp_path, kind):
    policy = f'\n[policies.p]\nkind = "{kind}"\ncommodity = "cocoa"\n'
    with pytest.raises(ScenarioError) as err:
        load_scenario(write(tmp_path, BASE + policy))
    assert "policies.p.commodity" in str(err.value) and "'cocoa'" in str(err.value)
    load_scenario(write(tmp_path, BASE + policy.replace("cocoa", "coffee"), "ok.toml"))


def test_an_extends_cycle_names_the_file_that_closes_it(tmp_path):
    write(tmp_path, 'extends = "b.toml"\n', "a.toml")
    write(tmp_path, 'extends = "a.toml"\n', "b.toml")
    with pytest.raises(ScenarioError) as err:
        load_scenario(tmp_path / "a.toml")
    (problem,) = err.value.problems
    assert problem.source.endswith("b.toml") and problem.path == "extends"
    assert "a cycle" in problem.expected


def test_set_into_a_key_written_as_a_value_is_a_problem_not_a_crash(tmp_path):
    path = write(tmp_path, BASE + "[districts.lampung_barat]\nentry = 5\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path, ["districts.lampung_barat.entry.wage_idr_per_month=1"])
    assert "'districts.lampung_barat.entry' is 5 here, not a table" in str(err.value)


def test_a_file_that_is_not_utf8_is_a_problem_naming_it(tmp_path):
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe not text")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(path) in str(err.value) and "not a UTF-8 text file" in str(err.value)

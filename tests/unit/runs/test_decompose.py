"""Decomposition into Shapley values over levers: hand-computed values, levers, coalitions."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from valuechain.errors import ScenarioError, UserError
from valuechain.runs.decompose import (
    METADATA_KEYS,
    Lever,
    all_coalitions,
    coalition_label,
    differing_entries,
    exact_shapley,
    group_levers,
    parse_lever_option,
    permutation_shapley,
    plan_decomposition,
)
from valuechain.runs.replications import load_with_baseline

SCENARIOS = Path(__file__).resolve().parents[3] / "scenarios"
PERCEPATAN = SCENARIOS / "percepatan_2024.toml"
F = frozenset


# --------------------------------------------------------------------------- Shapley values


def test_two_levers_with_an_interaction_split_it_evenly():
    # alone a gives 1, b gives 2; together 5: the interaction 2 is shared 1 / 1
    v = {F(): 0.0, F("a"): 1.0, F("b"): 2.0, F("ab"): 5.0}
    phi = exact_shapley(v, ["a", "b"])
    assert phi == {"a": pytest.approx(2.0), "b": pytest.approx(3.0)}


def _three(base: float = 0.0):
    """v(S) = base + a 1, b 2, c 4 alone, + 6 when a and b are both in, + 3 when all three."""
    singles = {"a": 1.0, "b": 2.0, "c": 4.0}
    v = {}
    for c in all_coalitions(["a", "b", "c"]):
        v[c] = base + sum(singles[x] for x in c) + 6.0 * ({"a", "b"} <= c) + 3.0 * (len(c) == 3)
    return v


def test_three_levers_hand_computed():
    # a: 1 + 6/2 + 3/3 = 5; b: 2 + 6/2 + 3/3 = 6; c: 4 + 3/3 = 5; they add up to v(abc) = 16
    phi = exact_shapley(_three(), ["a", "b", "c"])
    assert phi == {"a": pytest.approx(5.0), "b": pytest.approx(6.0), "c": pytest.approx(5.0)}


def test_values_are_computed_per_replication_on_arrays():
    # two replications: the second has every value doubled and a baseline level of 10
    v1, v2 = _three(), _three()
    v = {c: np.array([v1[c], 10.0 + 2.0 * v2[c]]) for c in v1}
    phi = exact_shapley(v, ["a", "b", "c"])
    assert phi["a"] == pytest.approx([5.0, 10.0])
    assert phi["b"] == pytest.approx([6.0, 12.0])
    assert phi["c"] == pytest.approx([5.0, 10.0])


def test_orders_hand_computed_and_all_orders_are_exact():
    v = _three()
    # (a, b, c): a 1, b 8, c 7; (c, b, a): c 4, b 2, a 10; means a 5.5, b 5, c 5.5
    phi = permutation_shapley(v, [("a", "b", "c"), ("c", "b", "a")])
    assert phi == {"a": pytest.approx(5.5), "b": pytest.approx(5.0), "c": pytest.approx(5.5)}
    every = permutation_shapley(v, list(itertools.permutations("abc")))
    assert every == {"a": pytest.approx(5.0), "b": pytest.approx(6.0), "c": pytest.approx(5.0)}


def test_coalitions_by_size_and_labels():
    cs = all_coalitions(["x", "y", "z"])
    assert len(cs) == 8 and cs[0] == F() and cs[-1] == F("xyz")
    assert [len(c) for c in cs] == [0, 1, 1, 1, 2, 2, 2, 3]
    assert coalition_label(F({"uppb", "push"})) == "push+uppb"
    assert coalition_label(F()) == ""


# --------------------------------------------------------------------------- levers


def test_differing_entries_whole_programmes_plants_entry_and_other_keys():
    base = {
        "name": "b",
        "months": 12,
        "policies": {"pkh": {"kind": "pkh", "amount": 1}, "old": {"kind": "x"}},
        "districts": {
            "d1": {"n_households": 100, "population": {"median": 5, "sd": 1}},
        },
    }
    scen = {
        "name": "s",
        "description": "a package",
        "baseline": "b.toml",
        "replications": 3,
        "months": 12,
        "policies": {"pkh": {"kind": "pkh", "amount": 2}, "new": {"kind": "y", "n": 1}},
        "districts": {
            "d1": {
                "n_households": 100,
                "population": {"median": 6, "sd": 1},
                "processors": {"p1": {"capacity": 1}, "p2": {"capacity": 2}},
                "entry": {"wage": 3},
            },
            "d2": {"n_households": 50},
        },
    }
    assert differing_entries(scen, base) == [
        "policies.pkh",
        "policies.new",
        "policies.old",
        "districts.d1.population.median",
        "districts.d1.processors.p1",
        "districts.d1.processors.p2",
        "districts.d1.entry",
        "districts.d2",
    ]
    assert {"name", "description", "baseline", "replications"} == METADATA_KEYS


def test_percepatan_levers_are_its_programmes_and_plants():
    loaded, base = load_with_baseline(PERCEPATAN)
    paths = differing_entries(loaded.document, base.document)
    assert paths == [
        "policies.elderly_push",
        "policies.elderly_continuation",
        "policies.pkh_expansion",
        "policies.pbi_expansion",
        "policies.training",
        "policies.uppb",
        "districts.lampung_barat.processors.koperasi_huller",
        "districts.lampung_barat.processors.roastery",
        "districts.jambi_lowland.processors.smokehouse_1",
        "districts.jambi_lowland.processors.smokehouse_2",
    ]
    names = [lever.name for lever in group_levers(paths)]
    assert names[:6] == [p.removeprefix("policies.") for p in paths[:6]]
    assert names[6:] == [
        "lampung_barat.koperasi_huller",
        "lampung_barat.roastery",
        "jambi_lowland.smokehouse_1",
        "jambi_lowland.smokehouse_2",
    ]


PATHS = [
    "policies.elderly_push",
    "policies.elderly_continuation",
    "policies.training",
    "districts.a.processors.huller",
    "districts.b.processors.smokehouse",
]


def test_groups_by_patterns_then_the_rest_one_by_one():
    levers = group_levers(
        PATHS, [("hilirisasi", ["districts.*.processors.*"]), ("elderly", ["policies.elderly_*"])]
    )
    assert levers == (
        Lever("hilirisasi", ("districts.a.processors.huller", "districts.b.processors.smokehouse")),
        Lever("elderly", ("policies.elderly_push", "policies.elderly_continuation")),
        Lever("training", ("policies.training",)),
    )


def test_a_pattern_matching_nothing_is_a_clear_error():
    with pytest.raises(
        UserError, match=r"--lever push: the pattern 'policies\.pussh' matches"
    ) as e:
        group_levers(PATHS, [("push", ["policies.elderly_push", "policies.pussh"])])
    assert "policies.training" in str(e.value)  # lists what there is to match
    assert "fnmatch" in e.value.hint


def test_a_path_in_two_groups_and_a_name_used_twice_are_errors():
    with pytest.raises(UserError, match=r"policies\.elderly_push is in two levers, a and b"):
        group_levers(PATHS, [("a", ["policies.*"]), ("b", ["policies.elderly_push"])])
    with pytest.raises(UserError, match="'training' is used twice"):
        group_levers(PATHS, [("training", ["districts.*"])])
    with pytest.raises(UserError, match="not letters"):
        group_levers(PATHS, [("a+b", ["districts.*"])])


def test_lever_option_text():
    assert parse_lever_option("push=policies.a, policies.b") == (
        "push",
        ["policies.a", "policies.b"],
    )
    for bad in ("push", "=policies.a", "push="):
        with pytest.raises(UserError, match="is not NAME=PATTERN"):
            parse_lever_option(bad)


# --------------------------------------------------------------------------- coalitions


def test_empty_coalition_is_the_baseline_and_the_full_one_the_scenario():
    plan = plan_decomposition(
        PERCEPATAN,
        replications=2,
        groups=[("social", ["policies.*"]), ("hilirisasi", ["districts.*.processors.*"])],
    )
    assert plan.exact and plan.n_runs == 4 * 2
    assert plan.seeds == (20240805, 20240806)
    empty = plan.coalitions[F()]
    full = plan.coalitions[F({"social", "hilirisasi"})]
    assert empty == plan.baseline.scenario
    drop = set(METADATA_KEYS)
    assert full.model_dump(exclude=drop) == plan.scenario.scenario.model_dump(exclude=drop)
    plants = plan.coalitions[F({"hilirisasi"})]
    assert set(plants.districts["jambi_lowland"].processors) == {"smokehouse_1", "smokehouse_2"}
    assert plants.policies.keys() == empty.policies.keys()


def test_more_levers_than_max_exact_run_the_coalitions_of_random_orders():
    plan = plan_decomposition(PERCEPATAN, replications=1, max_exact=3, permutations=2)
    assert not plan.exact and len(plan.levers) == 10 and len(plan.orders) == 2
    # each order passes through 11 coalitions, two of them (none, all) shared
    assert len(plan.coalitions) == 20
    again = plan_decomposition(PERCEPATAN, replications=1, max_exact=3, permutations=2)
    assert again.orders == plan.orders  # seeded by the scenario's seed


def test_a_coalition_that_is_not_a_valid_scenario_names_its_levers(tmp_path):
    # the scenario lowers the minimum wage and adds a plant paying less than the baseline's:
    # the plant without the lower minimum wage is not a valid scenario
    (tmp_path / "base.toml").write_text(
        f'extends = "{(SCENARIOS / "baseline_coffee.toml").as_posix()}"\nname = "b"\n'
    )
    (tmp_path / "scen.toml").write_text(
        """extends = "base.toml"
baseline = "base.toml"
name = "s"
[districts.lampung_barat]
minimum_wage_idr_per_month = 1500000
[districts.lampung_barat.processors.h1]
commodity = "coffee"
process = "hull_grade"
capacity_t_per_month = 50
wage_idr_per_month = 1600000
"""
    )
    with pytest.raises(ScenarioError, match=r"with the lever\(s\) lampung_barat\.h1 of s") as e:
        plan_decomposition(tmp_path / "scen.toml", replications=1)
    assert "--lever" in e.value.hint
    plan = plan_decomposition(
        tmp_path / "scen.toml",
        replications=1,
        groups=[("plant", ["districts.lampung_barat.*"])],
    )
    assert [lever.name for lever in plan.levers] == ["plant"]


def test_a_scenario_without_a_baseline_has_nothing_to_decompose():
    with pytest.raises(UserError, match="names no baseline"):
        plan_decomposition(SCENARIOS / "baseline_2024.toml")

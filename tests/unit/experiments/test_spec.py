"""Experiment files: clear errors for bad files, and designs equal to scipy's and SALib's own."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from SALib.sample import morris as salib_morris
from SALib.sample import sobol as salib_sobol
from scipy.stats import qmc

from tests.scenario_text import BASE
from tests.sweep_cases import (
    CAPACITY,
    GRID_FACTORS,
    MORRIS_FACTORS,
    OUTPUTS,
    experiment_text,
    write_experiment,
)
from valuechain.experiments.spec import ExperimentError, load_experiment


def _error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bad.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ExperimentError) as info:
        load_experiment(path).scenarios()
    message = str(info.value)
    assert str(path) in message  # the file is named
    return message


def test_unknown_factor_key_names_the_key_and_what_is_known(tmp_path: Path) -> None:
    text = experiment_text(factors=GRID_FACTORS.replace("trader_margin_max", "trader_margn_max"))
    msg = _error(tmp_path, text)
    assert "factors.margin.key = 'chains.rubber.trader_margn_max'" in msg
    assert "unknown key 'chains.rubber.trader_margn_max'" in msg
    assert "trader_margin_max" in msg  # the known keys are listed


def test_factor_key_into_a_missing_dict_entry_is_an_error(tmp_path: Path) -> None:
    text = experiment_text(factors=GRID_FACTORS.replace(".remiller.", ".remilller."))
    msg = _error(tmp_path, text)
    assert "factors.capacity.key" in msg and "unknown entry" in msg and "remiller" in msg


def test_factor_key_naming_a_table_is_an_error(tmp_path: Path) -> None:
    text = experiment_text(
        factors=GRID_FACTORS.replace("chains.rubber.trader_margin_max", "chains.rubber")
    )
    assert "is a table, not a value" in _error(tmp_path, text)


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [("[0.4, 0.15]", "bounds reversed"), ("[0.3, 0.3]", "an empty range"), ("[0.3]", "two finite")],
)
def test_bad_bounds(tmp_path: Path, bounds: str, expected: str) -> None:
    factors = MORRIS_FACTORS.replace("bounds = [0.15, 0.4]", f"bounds = {bounds}")
    msg = _error(
        tmp_path, experiment_text(design='kind = "morris"\ntrajectories = 4', factors=factors)
    )
    assert f"factors.margin.bounds = {bounds.replace(' ', '')}: " in msg.replace(", ", ",")
    assert expected in msg


def test_unknown_design_kind(tmp_path: Path) -> None:
    msg = _error(tmp_path, experiment_text(design='kind = "factorial"'))
    assert "design.kind = 'factorial'" in msg and "'grid', 'lhs', 'morris' or 'sobol'" in msg


@pytest.mark.parametrize(
    ("design", "expected"),
    [
        ('kind = "lhs"', "needs samples"),
        ('kind = "sobol"\nbase_samples = 100', "a power of 2"),
        ('kind = "morris"\ntrajectories = 4\nlevels = 5', "must be even"),
        ('kind = "lhs"\nsamples = 4\ntrajectories = 3', "trajectories does not apply"),
    ],
)
def test_design_sizes_are_checked(tmp_path: Path, design: str, expected: str) -> None:
    assert expected in _error(tmp_path, experiment_text(design=design, factors=MORRIS_FACTORS))


def test_unknown_keys_anywhere_are_errors(tmp_path: Path) -> None:
    text = experiment_text().replace("replications = 2", "replication = 2")
    assert "replication = 2: unknown key" in _error(tmp_path, text)


def test_morris_needs_bounds_not_levels(tmp_path: Path) -> None:
    msg = _error(tmp_path, experiment_text(design='kind = "morris"\ntrajectories = 4'))
    assert "morris needs bounds for every factor" in msg


def test_unknown_output_indicator_and_district(tmp_path: Path) -> None:
    outputs = '[outputs.x]\nindicator = "poverty_rat"\ndistrict = "jambi"\n'
    msg = _error(tmp_path, experiment_text(outputs=outputs))
    assert "outputs.x.indicator = 'poverty_rat'" in msg and "poverty_rate" in msg
    assert "outputs.x.district = 'jambi'" in msg and "jambi_lowland" in msg


def test_missing_base_and_bad_base_override(tmp_path: Path) -> None:
    assert "base = 'nowhere.toml': no such scenario file" in _error(
        tmp_path, experiment_text(base="nowhere.toml")
    )
    text = experiment_text().replace("spinup_months = 6", "spinup_month = 6")
    assert "spinup_month" in _error(tmp_path, text)


def test_invalid_design_points_are_reported_before_running(tmp_path: Path) -> None:
    factors = MORRIS_FACTORS.replace("bounds = [500, 5000]", "bounds = [-1000, 5000]")
    msg = _error(
        tmp_path, experiment_text(design='kind = "morris"\ntrajectories = 4', factors=factors)
    )
    assert "factors.capacity" in msg and "design points give an invalid scenario" in msg
    assert CAPACITY in msg and "greater than 0" in msg


def test_factor_reaches_into_a_dict_entry_of_the_base(tmp_path: Path) -> None:
    loaded = load_experiment(write_experiment(tmp_path))
    caps = [
        s.districts["jambi_lowland"].processors["remiller"].capacity_t_per_month
        for s in loaded.scenarios()
    ]
    assert caps == [500, 500, 4000, 4000]
    assert loaded.base.scenario.districts["jambi_lowland"].n_households == 300  # base_overrides
    assert loaded.seeds == [11, 12]


# --------------------------------------------------------------------------- overrides and errors


def write(folder: Path, text: str, name: str) -> Path:
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def test_base_overrides_keep_lists_and_tables(tmp_path):
    text = experiment_text().replace(
        "spinup_months = 6",
        'spinup_months = 6\n"districts.jambi_lowland.population.skill_shares" = '
        '[0.5, 0.3, 0.15, 0.05]\nshocks = [{month = 2, commodity = "rubber", factor = 0.6}]',
    )
    loaded = load_experiment(write(tmp_path, text, "exp.toml"))
    s = loaded.base.scenario
    assert s.districts["jambi_lowland"].population.skill_shares == [0.5, 0.3, 0.15, 0.05]
    assert [(k.month, k.commodity, k.factor) for k in s.shocks] == [(2, "rubber", 0.6)]


def test_experiment_base_override_of_baseline_is_read_beside_the_experiment(tmp_path):
    write(tmp_path, BASE + 'name = "own_base"\n', "own_base.toml")
    text = experiment_text().replace(
        "spinup_months = 6", 'spinup_months = 6\nbaseline = "own_base.toml"'
    )
    loaded = load_experiment(write(tmp_path, text, "exp.toml"))
    assert loaded.base.baseline_path() == tmp_path / "own_base.toml"


def test_experiment_missing_key_is_named_as_missing(tmp_path):
    text = "\n".join(ln for ln in experiment_text().splitlines() if not ln.startswith("base ="))
    path = write(tmp_path, text, "exp.toml")
    with pytest.raises(ExperimentError) as err:
        load_experiment(path)
    assert f"{path}: base: missing" in str(err.value)
    assert err.value.hint


def test_experiment_base_override_errors_name_the_experiment_key(tmp_path):
    text = experiment_text().replace("spinup_months = 6", "spinup_months = -6")
    path = write(tmp_path, text, "exp.toml")
    with pytest.raises(ExperimentError) as err:
        load_experiment(path)
    assert f"{path}: base_overrides.spinup_months = -6" in str(err.value)


def test_experiment_policy_errors_drop_the_union_tag(tmp_path):
    text = experiment_text().replace(
        "spinup_months = 6", 'spinup_months = 6\n"policies.bpnt.quota_share" = 2'
    )
    path = write(tmp_path, text, "exp.toml")
    with pytest.raises(ExperimentError) as err:
        load_experiment(path)
    msg = str(err.value)
    assert "base_overrides.policies.bpnt.quota_share = 2" in msg and ".bpnt.bpnt." not in msg


# --------------------------------------------------------------------------- designs


def test_grid_is_the_product_of_levels_in_file_order(tmp_path: Path) -> None:
    loaded = load_experiment(write_experiment(tmp_path))
    pts = loaded.design.points
    assert list(zip(pts["capacity"], pts["margin"], strict=True)) == list(
        itertools.product([500, 4000], [0.2, 0.35])
    )
    assert pts["capacity"].dtype == np.int64


def test_grid_points_span_the_bounds(tmp_path: Path) -> None:
    factors = MORRIS_FACTORS.split("[factors.volatility]")[0]
    loaded = load_experiment(
        write_experiment(tmp_path, design='kind = "grid"\ngrid_points = 3', factors=factors)
    )
    assert sorted(set(loaded.design.points["capacity"])) == [500.0, 2750.0, 5000.0]
    assert len(loaded.design) == 9


def test_lhs_is_scipys_latin_hypercube_with_the_seed(tmp_path: Path) -> None:
    loaded = load_experiment(
        write_experiment(tmp_path, design='kind = "lhs"\nsamples = 8', factors=MORRIS_FACTORS)
    )
    u = qmc.LatinHypercube(d=3, rng=11).random(8)
    lo = np.array([500, 0.15, 0.02])
    hi = np.array([5000, 0.4, 0.12])
    np.testing.assert_array_equal(loaded.design.X, lo + u * (hi - lo))
    strata = np.floor((loaded.design.X - lo) / (hi - lo) * 8)  # one point per stratum
    assert all(sorted(strata[:, j]) == list(range(8)) for j in range(3))


def test_morris_is_salibs_sample(tmp_path: Path) -> None:
    loaded = load_experiment(
        write_experiment(
            tmp_path, design='kind = "morris"\ntrajectories = 5\nlevels = 6', factors=MORRIS_FACTORS
        )
    )
    expected = salib_morris.sample(loaded.problem, 5, num_levels=6, seed=11)
    np.testing.assert_array_equal(loaded.design.X, expected)
    assert len(loaded.design) == 5 * (3 + 1)


@pytest.mark.parametrize("second", [False, True])
def test_sobol_is_salibs_sample(tmp_path: Path, second: bool) -> None:
    design = f'kind = "sobol"\nbase_samples = 16\ncalc_second_order = {str(second).lower()}'
    loaded = load_experiment(write_experiment(tmp_path, design=design, factors=MORRIS_FACTORS))
    expected = salib_sobol.sample(loaded.problem, 16, calc_second_order=second, seed=11)
    np.testing.assert_array_equal(loaded.design.X, expected)
    assert len(loaded.design) == 16 * (2 * 3 + 2 if second else 3 + 2)


def test_loguniform_and_integer_factors(tmp_path: Path) -> None:
    factors = MORRIS_FACTORS.replace(
        'label = "remiller capacity"', 'dist = "loguniform"\ninteger = true'
    )
    loaded = load_experiment(
        write_experiment(tmp_path, design='kind = "morris"\ntrajectories = 4', factors=factors)
    )
    problem = dict(loaded.problem)
    assert problem["dists"] == ["logunif", "unif", "unif"]
    X = loaded.design.X
    np.testing.assert_array_equal(X, salib_morris.sample(problem, 4, num_levels=4, seed=11))
    caps = loaded.design.points["capacity"]
    assert caps.dtype == np.int64 and (caps == np.rint(X[:, 0])).all()
    assert set(np.round(np.log(X[:, 0] / 500) / np.log(10) * 3, 9)) <= {0.0, 1.0, 2.0, 3.0}


def test_content_hash_ignores_comments_but_not_values(tmp_path: Path) -> None:
    path = write_experiment(tmp_path)
    h = load_experiment(path).content_hash
    path.write_text("# another comment\n" + path.read_text(), "utf-8")
    assert load_experiment(path).content_hash == h
    path.write_text(path.read_text().replace("seed = 11", "seed = 12"), "utf-8")
    assert load_experiment(path).content_hash != h


SHIPPED = sorted((Path(__file__).resolve().parents[3] / "experiments").glob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_experiments_are_valid_at_every_point(path: Path) -> None:
    loaded = load_experiment(path)
    assert path.read_text().startswith(f"# {path.stem} — ")  # a header says what it answers
    assert len(loaded.scenarios()) == len(loaded.design) > 0
    assert loaded.spec.outputs


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("replications = 2", "replications = true", "replications = true: a number (whole)"),
        ("levels = [0.2, 0.35]", "levels = [0.2, nan]", "factors.margin.levels.1 = nan: a finite"),
        ("months = 8", "months = inf", "base_overrides.months = inf: a finite"),
    ],
)
def test_experiment_numbers_are_numbers_and_finite(tmp_path, old, new, expected):
    assert expected in _error(tmp_path, experiment_text().replace(old, new))


def test_an_experiment_file_that_is_not_utf8_is_an_experiment_error(tmp_path: Path) -> None:
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe not text")
    with pytest.raises(ExperimentError) as err:
        load_experiment(path)
    assert "not a UTF-8 text file" in str(err.value) and "experiment" in str(err.value)


def test_a_broken_base_keeps_the_base_files_hint(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text("months = = 3\n", "utf-8")
    path = tmp_path / "exp.toml"
    path.write_text(
        'base = "base.toml"\n[design]\nkind = "grid"\n'
        '[factors.m]\nkey = "months"\nlevels = [12, 24]\n'
        '[outputs.p]\nindicator = "extreme_poverty_rate"\n',
        "utf-8",
    )
    with pytest.raises(ExperimentError) as err:
        load_experiment(path)
    assert "malformed TOML" in str(err.value) and "TOML syntax" in err.value.hint


def test_an_output_may_not_take_a_per_programme_summary_name(tmp_path: Path) -> None:
    # the rubber base runs BPNT: its summary spending_bpnt_total would overwrite the output
    taken = '\n[outputs.spending_bpnt_total]\nindicator = "spending_bpnt"\naggregation = "sum"\n'
    path = write_experiment(tmp_path, outputs=OUTPUTS + taken)
    with pytest.raises(ExperimentError) as err:
        load_experiment(path)
    assert "outputs.spending_bpnt_total" in str(err.value)
    assert "a name not used by a summary indicator" in str(err.value)
    # and the programme's own column is an indicator an output may aggregate
    load_experiment(write_experiment(tmp_path, "fine", outputs=taken.replace("_total]", "]")))

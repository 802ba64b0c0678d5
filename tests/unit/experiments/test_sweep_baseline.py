"""Sweeps against a baseline: paired effects per point, the baseline run once per replication,
resume, and clear errors for a baseline that cannot be paired with the base."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tests.sweep_cases import (
    BASELINE_FACTORS,
    OUTPUTS,
    PRICE_OUTPUT,
    RUBBER,
    experiment_text,
    write_experiment,
)
from valuechain.experiments.spec import ExperimentError, load_experiment
from valuechain.experiments.sweep import EFFECTS_CSV, read_experiment, run_experiment
from valuechain.model.model import ValueChainModel
from valuechain.runs.parts import BASELINE_POINT, PARTS_DIR, part_paths


class CountingModel(ValueChainModel):
    """The model, recording the seed of every run it builds."""

    seeds: ClassVar[list[int]] = []

    def __init__(self, scenario, seed):
        CountingModel.seeds.append(seed)
        super().__init__(scenario, seed=seed)


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("baseline_sweep")
    # the baseline is the base scenario itself, so point 0 (capacity 3000, margin 0.30) is it
    path = write_experiment(
        folder,
        factors=BASELINE_FACTORS,
        outputs=OUTPUTS + PRICE_OUTPUT,
        baseline=RUBBER.as_posix(),
    )
    CountingModel.seeds.clear()
    res = run_experiment(path, workers=1, out=folder / "out", model_class=CountingModel)
    return path, res


def test_the_baseline_runs_once_per_replication_on_the_points_seeds(swept) -> None:
    _, res = swept
    # 4 points x 2 replications and the baseline's 2 (not once per point: that would be 16)
    assert Counter(CountingModel.seeds) == {11: 5, 12: 5}
    base = res.baseline_runs
    assert base["point"].tolist() == [BASELINE_POINT] * 2
    assert base["seed"].tolist() == [11, 12] and base["replication"].tolist() == [0, 1]
    m = res.manifest
    assert m["runs"] == 8 and m["baseline_runs"] == 2 and m["baseline"]["runs"] == 2
    assert m["baseline"]["scenario"] == "hilirisasi_rubber"
    assert len(res.baseline_timeseries) == len(res.timeseries) / 4  # one point's worth


def test_effects_equal_the_paired_differences_computed_from_the_runs(swept) -> None:
    _, res = swept
    runs, base = res.runs, res.baseline_runs.set_index("replication")
    effects = res.effects.set_index(["point", "output"])
    for point in range(4):
        mine = runs[runs["point"] == point].set_index("replication")
        for output in ("poverty", "jobs", "price"):
            d = (mine[output] - base[output]).to_numpy()
            row = effects.loc[(point, output)]
            assert row["n"] == 2
            assert row["difference"] == pytest.approx(d.mean(), abs=1e-12)
            se = d.std(ddof=1) / math.sqrt(2)
            half = stats.t.ppf(0.975, 1) * se
            assert row["se"] == pytest.approx(se, abs=1e-12)
            assert row["ci_low"] == pytest.approx(d.mean() - half, abs=1e-9)
            assert row["ci_high"] == pytest.approx(d.mean() + half, abs=1e-9)
            assert row["point_mean"] == pytest.approx(mine[output].mean())
    # the factors' values are on each row; the csv holds the same table
    assert effects.loc[(1, "jobs"), ["capacity", "margin"]].tolist() == [3000, 0.2]
    # the price differs between replications and between points: the check has teeth
    assert effects.loc[(3, "price"), "se"] > 0 and effects.loc[(3, "price"), "difference"] != 0
    csv = pd.read_csv(res.path / EFFECTS_CSV)
    assert len(csv) == len(res.effects)
    np.testing.assert_allclose(csv["difference"], res.effects["difference"], equal_nan=True)


def test_a_point_identical_to_the_baseline_has_an_effect_of_exactly_zero(swept) -> None:
    _, res = swept
    e = res.effects
    zero = e[(e["point"] == 0) & e["output"].isin(["poverty", "jobs", "price"])]
    assert len(zero) == 3
    assert (zero["difference"] == 0.0).all() and (zero["se"] == 0.0).all()
    assert (zero["ci_low"] == 0.0).all() and (zero["ci_high"] == 0.0).all()
    # and the larger plant is not the baseline: it has more jobs
    assert e.set_index(["point", "output"]).loc[(2, "jobs"), "difference"] > 0


def test_resume_after_a_kill_gives_the_same_effects(swept, tmp_path: Path) -> None:
    path, full = swept
    out = tmp_path / "out"
    run_experiment(path, workers=1, out=out)
    parts = out / PARTS_DIR
    # killed mid-way: no manifest, no consolidated tables, a baseline run and a point's run
    # never finished, a torn baseline part
    for f in out.glob("*.parquet"):
        if f.name != "design.parquet":
            f.unlink()
    (out / "manifest.json").unlink()
    (out / EFFECTS_CSV).unlink()
    for f in [*part_paths(parts, BASELINE_POINT, 1), *part_paths(parts, 3, 0)]:
        f.unlink()
    torn = part_paths(parts, BASELINE_POINT, 0)[0]
    torn.write_bytes(torn.read_bytes()[:40])
    with pytest.raises(Exception, match="not finished"):
        read_experiment(out)
    resumed = run_experiment(path, workers=1, out=out)
    assert resumed.manifest["runs_resumed"] == 7  # of 10: 2 baseline runs and one point redone
    pd.testing.assert_frame_equal(resumed.effects, full.effects)
    pd.testing.assert_frame_equal(resumed.baseline_runs, full.baseline_runs)
    pd.testing.assert_frame_equal(resumed.runs, full.runs)


def _error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bad.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    message = str(info.value)
    assert str(path) in message
    return message


def test_a_missing_baseline_file_is_named(tmp_path: Path) -> None:
    msg = _error(tmp_path, experiment_text(baseline="nowhere.toml"))
    assert "baseline = 'nowhere.toml'" in msg and "no such file" in msg


def test_a_baseline_without_the_base_district_is_refused(tmp_path: Path) -> None:
    coffee = (RUBBER.parent / "baseline_coffee.toml").as_posix()
    text = experiment_text(baseline=coffee).replace(
        '"districts.jambi_lowland.n_households" = 300\n', ""
    )
    msg = _error(tmp_path, text)
    assert "baseline = " in msg and "lacks jambi_lowland" in msg


def test_a_base_override_the_baseline_lacks_is_an_error_with_a_hint(tmp_path: Path) -> None:
    coffee = (RUBBER.parent / "baseline_coffee.toml").as_posix()
    path = tmp_path / "bad.toml"
    path.write_text(experiment_text(baseline=coffee), "utf-8")
    with pytest.raises(ExperimentError) as info:
        load_experiment(path)
    msg = str(info.value)
    assert "base_overrides.districts.jambi_lowland.n_households = 300" in msg
    assert "unknown entry 'districts.jambi_lowland'" in msg
    assert "base_overrides apply to the baseline too" in info.value.hint


def test_an_output_the_baseline_does_not_produce_is_refused(tmp_path: Path) -> None:
    # the base runs a training programme the baseline lacks: the baseline has no spending on it
    training = RUBBER.parents[1] / "experiments" / "bases" / "coffee_training.toml"
    text = experiment_text(
        base=training.as_posix(),
        baseline=(RUBBER.parent / "baseline_coffee.toml").as_posix(),
        factors='[factors.seats]\nkey = "policies.training.seats_per_month"\nlevels = [0, 50]\n',
        outputs='[outputs.spending]\nindicator = "spending_training"\naggregation = "sum"\n',
    ).replace("jambi_lowland", "lampung_barat")
    msg = _error(tmp_path, text)
    assert "outputs.spending.indicator = 'spending_training'" in msg
    assert "an indicator the baseline baseline_coffee produces too" in msg

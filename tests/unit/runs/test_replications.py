"""Runner: replications, seeds, paired comparison statistics, determinism across workers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from valuechain.errors import UserError
from valuechain.runs.replications import load_with_baseline, run_scenario
from valuechain.runs.statistics import compare_runs, main_indicators, summarise_runs

# Student t quantile t_{0.975, 3}, from a printed table (Fisher & Yates), to 6 decimals.
T_975_DF3 = 3.182446


def _runs(values: dict[str, list[float]], seed0: int = 100) -> pd.DataFrame:
    n = len(next(iter(values.values())))
    return pd.DataFrame(
        {"scenario": "s", "replication": range(n), "seed": [seed0 + r for r in range(n)], **values}
    )


# --------------------------------------------------------------------------- statistics


def test_paired_difference_and_interval_match_hand_computation():
    scen = _runs({"extreme_poverty_rate_march_last": [1.0, 2.0, 3.0, 4.0]})
    base = _runs({"extreme_poverty_rate_march_last": [0.5, 1.0, 2.0, 2.0]})
    comp = compare_runs(scen, base)
    row = comp.set_index("indicator").loc["extreme_poverty_rate_march_last"]
    # d = 0.5, 1, 1, 2: mean 1.125; squared deviations sum to 1.1875; sd = sqrt(1.1875/3)
    sd = math.sqrt(1.1875 / 3)
    se = sd / 2
    assert row["n"] == 4
    assert row["scenario_mean"] == pytest.approx(2.5)
    assert row["baseline_mean"] == pytest.approx(1.375)
    assert row["difference"] == pytest.approx(1.125)
    assert row["se"] == pytest.approx(0.3145764, rel=1e-6)
    assert row["se"] == pytest.approx(se)
    assert row["ci_low"] == pytest.approx(1.125 - T_975_DF3 * se, rel=1e-6)
    assert row["ci_high"] == pytest.approx(1.125 + T_975_DF3 * se, rel=1e-6)
    assert row["ci_low"] == pytest.approx(0.123877, abs=1e-5)
    assert list(comp.columns) == [
        "indicator", "label", "unit", "n", "scenario_mean", "baseline_mean",
        "difference", "se", "ci_low", "ci_high", "note",
    ]  # fmt: skip


def test_pairs_follow_replication_not_row_order_and_skip_missing_values():
    scen = _runs({"fiscal_cost_cum": [10.0, 20.0, 30.0, np.nan]})
    base = _runs({"fiscal_cost_cum": [1.0, 2.0, 3.0, 4.0]}).iloc[::-1]  # shuffled rows
    row = compare_runs(scen, base).iloc[0]
    assert row["n"] == 3  # the NaN pair is dropped
    assert row["difference"] == pytest.approx((9 + 18 + 27) / 3)
    assert row["baseline_mean"] == pytest.approx(2.0)  # over the same three pairs


def test_one_replication_gives_a_difference_but_no_interval():
    comp = compare_runs(_runs({"gini_final": [0.4]}), _runs({"gini_final": [0.3]}))
    row = comp.iloc[0]
    assert row["n"] == 1
    assert row["difference"] == pytest.approx(0.1)
    assert math.isnan(row["se"]) and math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])


def test_identical_runs_give_a_zero_width_interval():
    runs = _runs({"gini_final": [0.3, 0.4, 0.5]})
    row = compare_runs(runs, runs.copy()).iloc[0]
    assert (row["difference"], row["se"], row["ci_low"], row["ci_high"]) == (0, 0, 0, 0)


def test_runs_with_different_seeds_cannot_be_paired():
    with pytest.raises(UserError, match="share no"):
        compare_runs(_runs({"gini_final": [0.3]}, seed0=1), _runs({"gini_final": [0.3]}, seed0=2))


def test_summary_of_runs_is_a_t_interval_of_the_mean():
    s = summarise_runs(_runs({"poverty_rate_march_last": [0.1, 0.2, 0.3, 0.6]}))
    row = s.iloc[0]
    # mean 0.3; deviations -0.2, -0.1, 0, 0.3: sum of squares 0.14; sd = sqrt(0.14/3)
    se = math.sqrt(0.14 / 3) / 2
    assert row["mean"] == pytest.approx(0.3)
    assert row["se"] == pytest.approx(se)
    assert row["ci_high"] - row["mean"] == pytest.approx(T_975_DF3 * se, rel=1e-6)
    assert row["unit"] == "share of persons"


def test_main_indicators_follow_the_pattern_order_and_ignore_keys():
    cols = ["seed", "fiscal_cost_cum", "farmgate_price_rubber_last12",
            "extreme_poverty_rate_march_last",
            "farmgate_price_coffee_last12", "something_else"]  # fmt: skip
    assert main_indicators(cols) == [
        "extreme_poverty_rate_march_last",
        "farmgate_price_coffee_last12",
        "farmgate_price_rubber_last12",
        "fiscal_cost_cum",
    ]


# --------------------------------------------------------------------------- loading


def test_baseline_gets_the_scenario_seed_and_the_same_overrides(tiny):
    loaded, base = load_with_baseline(tiny.scenario, ["months=4"], seed=77)
    assert base is not None
    assert (loaded.scenario.seed, base.scenario.seed) == (77, 77)
    assert (loaded.scenario.months, base.scenario.months) == (4, 4)
    assert base.path == tiny.baseline.resolve()


def test_overrides_of_an_already_loaded_scenario_reach_the_baseline(tiny):
    from valuechain.config.loader import load_scenario

    loaded, base = load_with_baseline(load_scenario(tiny.scenario, ["months=4"]), seed=5)
    assert [str(o) for o in loaded.overrides] == ["months=4", "seed=5"]
    assert (base.scenario.months, base.scenario.seed) == (4, 5)


def test_override_unknown_to_the_baseline_is_reported(tiny):
    key = "districts.lampung_barat.processors.huller.capacity_t_per_month"
    load_with_baseline(tiny.scenario, [])  # valid without the override
    with pytest.raises(UserError) as err:
        load_with_baseline(tiny.scenario, [f"{key}=10"])
    text = str(err.value)
    assert str(tiny.baseline) in text and "huller" in text and "baseline" in text


def test_missing_baseline_file_is_reported(tiny):
    tiny.scenario.write_text(
        tiny.scenario.read_text().replace('baseline = "baseline.toml"', 'baseline = "nope.toml"')
    )
    with pytest.raises(UserError, match=r"nope\.toml.*does not exist"):
        load_with_baseline(tiny.scenario)


def test_baseline_with_another_calendar_is_refused(tiny):
    tiny.scenario.write_text("months = 5\n" + tiny.scenario.read_text())
    with pytest.raises(UserError, match="same calendar"):
        load_with_baseline(tiny.scenario)


def test_bad_arguments_are_user_errors(tiny):
    with pytest.raises(UserError, match="workers"):
        run_scenario(tiny.baseline, workers=0)
    with pytest.raises(UserError, match="replications"):
        run_scenario(tiny.baseline, replications=0)


def test_git_revision_of_the_working_directory(tmp_path, monkeypatch):
    import shutil
    import subprocess

    from valuechain.runs.provenance import git_revision

    monkeypatch.chdir(tmp_path)
    assert git_revision() == {"git_revision": None, "git_dirty": None}
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}  # fmt: skip
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    (tmp_path / "f.txt").write_text("x")
    for cmd in (["init", "-q"], ["add", "f.txt"], ["commit", "-q", "-m", "x"]):
        subprocess.run(["git", *cmd], check=True, capture_output=True)
    rev = git_revision()
    assert len(rev["git_revision"]) == 40 and rev["git_dirty"] is False
    (tmp_path / "f.txt").write_text("y")
    assert git_revision()["git_dirty"] is True


def _paired_runs(**columns: list[float]) -> pd.DataFrame:
    """Run summaries of one scenario by hand: replications 0, 1, ... with seeds 5, 6, ...,
    and the given columns."""
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"replication": range(n), "seed": [5 + r for r in range(n)], **columns})


def test_cost_per_additional_sustained_exit_by_hand():
    scen = _paired_runs(
        fiscal_cost_cum=[110.0, 130.0, 120.0], sustained_exits_final=[12.0, 14.0, 13.0]
    )
    base = _paired_runs(fiscal_cost_cum=[100.0] * 3, sustained_exits_final=[10.0] * 3)
    comp = compare_runs(scen, base, indicators=["fiscal_cost_cum"]).set_index("indicator")
    row = comp.loc["cost_per_additional_sustained_exit"]
    # mean extra cost 20 / mean extra exits 3
    assert row["difference"] == pytest.approx(20 / 3)
    # every resample's ratio lies between the pairs' ratios, 10/2 = 5 and 30/4 = 7.5, and a
    # resample of one pair three times has probability 1/27 > 2.5%: the interval is exactly both
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((5.0, 7.5))
    assert row["n"] == 3


def test_cost_per_exit_is_unbounded_above_when_a_resample_adds_no_exits():
    from valuechain.runs.statistics import compare_runs

    scen = _paired_runs(
        fiscal_cost_cum=[110.0, 130.0, 120.0], sustained_exits_final=[12.0, 10.0, 13.0]
    )
    base = _paired_runs(fiscal_cost_cum=[100.0] * 3, sustained_exits_final=[10.0] * 3)
    row = (
        compare_runs(scen, base, indicators=["fiscal_cost_cum"])
        .set_index("indicator")
        .loc["cost_per_additional_sustained_exit"]
    )
    assert row["difference"] == pytest.approx(60 / 5)  # 20 extra IDR per run, 5/3 extra exits
    assert row["ci_high"] == np.inf  # the second pair alone, drawn three times, adds no exit


def test_no_cost_per_exit_when_the_scenario_adds_no_exits():
    scen = _paired_runs(fiscal_cost_cum=[5.0, 5.0], sustained_exits_final=[1.0, 1.0])
    base = _paired_runs(fiscal_cost_cum=[1.0, 1.0], sustained_exits_final=[2.0, 2.0])
    comp = compare_runs(scen, base, indicators=["fiscal_cost_cum"]).set_index("indicator")
    assert np.isnan(comp.loc["cost_per_additional_sustained_exit", "difference"])


def test_cost_per_person_year_and_per_rupiah_of_gap_by_hand():
    scen = _paired_runs(
        fiscal_cost_cum=[1_300.0, 1_600.0, 1_900.0],  # extra 300, 600, 900
        extreme_poor_person_months=[976.0, 952.0, 928.0],  # 24, 48, 72 fewer
        extreme_poverty_gap_idr_total=[9_900.0, 9_800.0, 9_700.0],  # 100, 200, 300 less
    )
    base = _paired_runs(
        fiscal_cost_cum=[1_000.0] * 3,
        extreme_poor_person_months=[1_000.0] * 3,
        extreme_poverty_gap_idr_total=[10_000.0] * 3,
    )
    comp = compare_runs(scen, base, indicators=[]).set_index("indicator")
    assert "cost_per_additional_sustained_exit" not in comp.index  # no exits column
    per_year = comp.loc["cost_per_poverty_person_year_avoided"]
    # mean extra cost 600 / (mean 48 person-months avoided / 12 = 4 person-years) = 150;
    # each pair's ratio is 150 too, so every resample's is: the interval is [150, 150]
    assert per_year["difference"] == pytest.approx(150.0)
    assert (per_year["ci_low"], per_year["ci_high"]) == pytest.approx((150.0, 150.0))
    assert per_year["unit"] == "IDR/person-year" and per_year["note"] == ""
    per_rupiah = comp.loc["cost_per_idr_gap_closed"]
    assert per_rupiah["difference"] == pytest.approx(3.0)  # 600 / 200 rupiah of gap closed
    assert per_rupiah["unit"] == "IDR/IDR"


def test_a_ratio_with_the_wrong_sign_or_an_interval_through_zero_says_so():
    base = _paired_runs(fiscal_cost_cum=[0.0] * 3, extreme_poor_person_months=[100.0] * 3)
    worse = base.assign(fiscal_cost_cum=10.0, extreme_poor_person_months=[112.0, 100.0, 124.0])
    row = compare_runs(worse, base, indicators=[]).iloc[0]
    assert np.isnan(row["difference"]) and row["note"].startswith("no effect")
    mixed = base.assign(fiscal_cost_cum=10.0, extreme_poor_person_months=[76.0, 100.0, 88.0])
    row = compare_runs(mixed, base, indicators=[]).iloc[0]
    assert row["difference"] == pytest.approx(10.0)  # 10 / (12 person-months / 12)
    assert row["ci_high"] == np.inf and "unbounded" in row["note"]

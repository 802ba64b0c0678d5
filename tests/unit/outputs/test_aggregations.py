"""The aggregation table: every aggregation on hand-computed months, with months without data.

The rule under test: a month without data (NaN) is left out of the months an aggregation
reads, and an aggregation whose months hold no data is NaN (never 0).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from valuechain.outputs.aggregations import AGGREGATIONS, EXPERIMENT_AGGREGATIONS, aggregate
from valuechain.outputs.indicators import summarise
from valuechain.outputs.metrics import COMMODITY_SUMMARY, SUMMARY

NAN = float("nan")
# 14 months; months 1, 4 and 11 have no data
MONTHS = [4.0, NAN, 2.0, 8.0, NAN, 6.0, 1.0, 3.0, 5.0, 7.0, 9.0, NAN, 10.0, -12.0]
HARVEST = [1.0, 5.0, 0.0, 2.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0, 0.0]
# the 14 months run from February 2024 to March 2025: Marches at months 1 and 13,
# September at month 7
DATES = [f"{2024 + (1 + i) // 12}-{(1 + i) % 12 + 1:02d}" for i in range(14)]


#: each aggregation and its value on MONTHS (with HARVEST as weights), worked out by hand
CASES = [
    ("first", 4.0),
    ("final", -12.0),
    ("march_first", NAN),  # month 1, March 2024, has no data
    ("march_last", -12.0),  # month 13, March 2025
    ("september_last", 3.0),  # month 7, September 2024
    ("march_mean", -12.0),  # Marches at months 1 (no data) and 13
    # months 2..13 with data: 2 + 8 + 6 + 1 + 3 + 5 + 7 + 9 + 10 - 12 = 39 over 10 months
    ("mean_last12", 3.9),
    # every month with data: 4 + 39 = 43 over 11 months
    ("sum", 43.0),
    ("mean", 43.0 / 11),
    ("max", 10.0),
    ("min", -12.0),
    ("max_abs", 12.0),
    # months with data and harvest: (4*1 + 8*2 + 6*1 + 10*4) / (1 + 2 + 1 + 4) = 66 / 8
    ("weighted_mean", 8.25),
]


@pytest.mark.parametrize(("how", "expected"), CASES)
def test_each_aggregation_by_hand(how: str, expected: float) -> None:
    assert DATES[1] == "2024-03" and DATES[7] == "2024-09" and DATES[13] == "2025-03"
    got = aggregate(MONTHS, how, HARVEST, DATES)
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(expected, rel=1e-15)


def test_survey_months_are_nan_when_the_run_has_none() -> None:
    summer = ["2024-04", "2024-05", "2024-06"]
    for how in ("march_first", "march_last", "march_mean", "september_last"):
        assert math.isnan(aggregate([1.0, 2.0, 3.0], how, dates=summer))
    assert aggregate([1.0, 2.0, 3.0], "march_first", dates=["2024-03", "2024-09", "2025-03"]) == 1.0


def test_the_mean_of_the_marches_reads_every_march_and_no_other_month() -> None:
    # 26 months from January 2024: Marches at months 2, 14 and 26 hold 3, 5 and 10
    dates = [f"{2024 + i // 12}-{i % 12 + 1:02d}" for i in range(27)]
    values = [100.0] * 27
    values[2], values[14], values[26] = 3.0, 5.0, 10.0
    assert aggregate(values, "march_mean", dates=dates) == pytest.approx(6.0, rel=1e-15)
    assert aggregate(values[:14], "march_mean", dates=dates[:14]) == 3.0


def test_a_survey_month_needs_the_dates() -> None:
    with pytest.raises(ValueError, match="date"):
        aggregate([1.0, 2.0], "march_last")


def test_every_aggregation_is_tested_by_hand() -> None:
    assert set(AGGREGATIONS) == {how for how, _ in CASES}


@pytest.mark.parametrize("how", list(AGGREGATIONS))
def test_months_without_any_data_give_nan_never_zero(how: str) -> None:
    dates = ["2024-03", "2024-09", "2025-03"]
    assert math.isnan(aggregate([NAN, NAN, NAN], how, [1.0, 1.0, 1.0], dates))
    assert math.isnan(aggregate([], how, [], []))


def test_final_and_first_do_not_fall_back_on_other_months() -> None:
    assert math.isnan(aggregate([1.0, 2.0, NAN], "final"))
    assert math.isnan(aggregate([NAN, 2.0, 3.0], "first"))


def test_mean_last12_reads_only_the_last_twelve_months() -> None:
    assert aggregate([100.0] * 3 + [1.0] * 12, "mean_last12") == 1.0
    assert math.isnan(aggregate([5.0] + [NAN] * 12, "mean_last12"))  # month 0 is outside
    assert aggregate([1.0, 2.0, 6.0], "mean_last12") == 3.0  # a shorter run: every month


def test_a_weighted_mean_needs_weights_and_a_positive_one() -> None:
    with pytest.raises(ValueError, match="weight"):
        aggregate([1.0, 2.0], "weighted_mean")
    assert math.isnan(aggregate([1.0, 2.0], "weighted_mean", [0.0, 0.0]))


def test_unknown_aggregation_is_refused() -> None:
    with pytest.raises(KeyError):
        aggregate([1.0], "median")


def test_experiments_may_name_every_unweighted_aggregation() -> None:
    assert EXPERIMENT_AGGREGATIONS == (
        "first",
        "final",
        "march_first",
        "march_last",
        "march_mean",
        "september_last",
        "mean_last12",
        "sum",
        "mean",
        "max",
        "min",
        "max_abs",
    )


def _run(columns: dict[str, list[float]], months: int) -> pd.DataFrame:
    """A run's ``all`` rows (steps shuffled) with every summarised column, plus a district row."""
    base = {col: [1.0] * months for col, _ in SUMMARY.values()}
    for col, _ in COMMODITY_SUMMARY.values():
        base[col.format(c="coffee")] = [1.0] * months
    base["harvest_coffee"] = [1.0] * months
    base.update(columns)
    dates = [f"2024-{m + 1:02d}" for m in range(months)]
    frame = pd.DataFrame({"step": range(months), "date": dates, "district": "all", **base})
    other = frame.assign(district="a")
    other[list(base)] = 1e9  # district rows are not summarised
    return pd.concat([frame.iloc[::-1], other], ignore_index=True)


def test_run_summaries_follow_the_table_and_the_rule() -> None:
    ts = _run(
        {
            "exits": [NAN, NAN, NAN, NAN],
            "entries": [1.0, NAN, 2.0, NAN],
            "extreme_poverty_rate": [0.3, 0.2, NAN, 0.1],
            "local_processing_share_coffee": [0.5, NAN, 0.25, NAN],
            "harvest_coffee": [2.0, 0.0, 6.0, 0.0],
            "spending_training": [10.0, 20.0, 30.0, 0.0],
            "budget_exhausted_training": [0.0, 1.0, 1.0, 1.0],
            "poverty_rate": [0.4, 0.3, 0.5, 0.2],
        },
        months=4,  # January to April 2024
    )
    out = summarise(ts, ("coffee",))
    assert math.isnan(out["exits_total"])  # no month with data: NaN, not 0
    assert out["entries_total"] == 3.0
    assert out["extreme_poverty_rate_first"] == 0.3
    assert math.isnan(out["extreme_poverty_rate_march_last"])  # March has no data
    assert out["poverty_rate_march_last"] == 0.5  # the value of March, not of April
    assert out["poverty_rate_march_first"] == 0.5
    assert math.isnan(out["poverty_rate_september_last"])  # the run has no September
    assert out["extreme_poverty_rate_mean_last12"] == pytest.approx(0.2)
    # harvest-weighted over months with data: (0.5 * 2 + 0.25 * 6) / (2 + 6)
    assert out["local_processing_share_coffee_run"] == pytest.approx(2.5 / 8)
    assert out["spending_training_total"] == 60.0
    assert out["budget_exhausted_training"] == 1.0

"""Plain-text tables of results: hand-made frames, hand-written expected text."""

from __future__ import annotations

import math

import pandas as pd

from valuechain.present.tables import (
    budget_notes,
    comparison_table,
    format_number,
    sensitivity_tables,
    summary_table,
)


def test_numbers_have_four_digits_or_thousands_separators() -> None:
    assert format_number(0.123456) == "0.1235"
    assert format_number(1234567.8) == "1,234,568"
    assert format_number(math.nan) == "nan"
    assert format_number(0.123456, 3) == "0.123"


def test_summary_table_shows_shares_in_percent_with_intervals() -> None:
    summary = pd.DataFrame(
        {
            "indicator": ["poverty_rate_final", "exits_total"],
            "unit": ["share of persons", "persons"],
            "mean": [0.25, 1500.0],
            "ci_low": [0.2, math.nan],
            "ci_high": [0.3, math.nan],
        }
    )
    assert summary_table(summary).splitlines() == [
        "  indicator           unit           mean  95% CI of mean",
        "  poverty_rate_final  % of persons     25        [20, 30]",
        "  exits_total         persons       1,500             nan",
    ]


def test_comparison_table_has_scenario_baseline_and_difference() -> None:
    comparison = pd.DataFrame(
        {
            "indicator": ["gini_final"],
            "unit": ["index"],
            "scenario_mean": [0.31],
            "baseline_mean": [0.33],
            "difference": [-0.02],
            "ci_low": [-0.03],
            "ci_high": [-0.01],
            "note": [""],
        }
    )
    assert comparison_table(comparison).splitlines() == [
        "  indicator   unit   scenario  baseline  difference          95% CI",
        "  gini_final  index      0.31      0.33       -0.02  [-0.03, -0.01]",
    ]


def test_comparison_table_prints_a_ratio_s_note_below_the_table() -> None:
    comparison = pd.DataFrame(
        {
            "indicator": ["gini_final", "cost_per_idr_gap_closed"],
            "unit": ["index", "IDR/IDR"],
            "scenario_mean": [0.31, math.nan],
            "baseline_mean": [0.33, math.nan],
            "difference": [-0.02, math.nan],
            "ci_low": [-0.03, math.nan],
            "ci_high": [-0.01, math.nan],
            "note": [math.nan, "no effect"],  # an empty note reads back from CSV as NaN
        }
    )
    lines = comparison_table(comparison).splitlines()
    assert lines[-1] == "  note on cost_per_idr_gap_closed: no effect"
    assert len(lines) == 4


def test_budget_notes_name_programmes_that_ran_out() -> None:
    runs = pd.DataFrame({"budget_exhausted_training": [0.0, 1.0, 1.0], "x": [1, 2, 3]})
    (note,) = budget_notes(runs)
    assert "'training' ran out of budget in 2 of 3 replications" in note
    assert budget_notes(runs.assign(budget_exhausted_training=0.0)) == []


def test_sensitivity_tables_put_the_most_influential_factor_first() -> None:
    table = pd.DataFrame(
        {
            "output": ["y", "y"],
            "label": ["Poverty", "Poverty"],
            "unit": ["share", "share"],
            "factor": ["a", "b"],
            "mu_star": [0.1, 0.5],
            "mu_star_conf": [0.01, 0.02],
            "sigma": [0.05, 0.2],
        }
    )
    lines = sensitivity_tables(table, "morris").splitlines()
    assert lines[0] == "y: Poverty [share]"
    assert [line.split()[0] for line in lines[2:]] == ["b", "a"]

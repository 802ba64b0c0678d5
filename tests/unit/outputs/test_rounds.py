"""Poverty by BPS round: March, September and the annual mean of complete years (by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from valuechain.outputs.metrics import BPS_MEASURES
from valuechain.outputs.rounds import rounds_table
from valuechain.runs.statistics import summarise_rounds


def _timeseries(replications: int = 1) -> pd.DataFrame:
    """January 2024 to March 2025 (15 months); every measure is the month's number (1-15)
    plus 100 times the replication, in districts ``all``, ``d1`` and ``type:upland``."""
    rows = []
    for r in range(replications):
        for i in range(15):
            date = f"{2024 + i // 12}-{i % 12 + 1:02d}"
            for district in ("all", "d1", "type:upland"):
                value = i + 1 + 100 * r
                rows.append(
                    {"scenario": "s", "replication": r, "seed": 7 + r, "step": i, "date": date,
                     "district": district, **dict.fromkeys(BPS_MEASURES, float(value))}
                )  # fmt: skip
    return pd.DataFrame(rows)


def test_rounds_are_the_survey_months_and_the_mean_of_complete_years() -> None:
    table = rounds_table(_timeseries())
    assert "type:upland" not in set(table["district"])
    all_rows = table[table["district"] == "all"]
    got = {(y, r): v for y, r, v in all_rows[["year", "round", "poverty_rate"]].itertuples(False)}
    assert got == {
        (2024, "march"): 3.0,
        (2024, "september"): 9.0,
        (2024, "annual_mean"): 6.5,  # mean of 1..12
        (2025, "march"): 15.0,  # 2025 is incomplete: no annual mean
    }
    assert list(table.columns) == [
        "scenario", "replication", "seed", "district", "year", "round", *BPS_MEASURES,
    ]  # fmt: skip
    assert len(table) == 2 * 4


def test_the_rounds_summary_is_the_median_and_range_over_replications() -> None:
    summary = summarise_rounds(rounds_table(_timeseries(replications=3)), coverage=0.5)
    row = summary[
        (summary["district"] == "all")
        & (summary["year"] == 2024)
        & (summary["round"] == "march")
        & (summary["indicator"] == "poverty_rate")
    ].iloc[0]
    # March 2024 in replications 0, 1, 2: 3, 103, 203; middle half: 25th-75th percentile
    assert row["n"] == 3
    assert row["median"] == 103.0
    assert row["low"] == pytest.approx(53.0)
    assert row["high"] == pytest.approx(153.0)
    assert list(dict.fromkeys(summary["round"])) == ["march", "september", "annual_mean"]

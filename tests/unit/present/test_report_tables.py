"""The report tables' pure pieces, by hand: the efficient frontier, the goal month, the
settings that differ."""

from __future__ import annotations

import json
import math

import pandas as pd

from valuechain.present.report.tables import (
    differing_settings,
    efficient_frontier,
    flatten_settings,
    goal_reached,
)


def test_the_efficient_frontier_keeps_the_points_no_other_beats() -> None:
    # (spending, exits): A (10, 5), B (20, 8), C (20, 6) beaten by B (same spending, fewer
    # exits), D (30, 8) beaten by B (more spending, same exits), E (5, 1), F missing.
    spending = [10, 20, 20, 30, 5, math.nan]
    exits = [5, 8, 6, 8, 1, 3]
    assert efficient_frontier(spending, exits).tolist() == [True, True, False, False, True, False]


def test_two_equal_points_are_both_on_the_frontier() -> None:
    assert efficient_frontier([1, 1], [2, 2]).tolist() == [True, True]


def _series(rates: dict[int, list[float]]) -> pd.DataFrame:
    months = ["2024-08", "2024-09", "2024-10", "2024-11"]
    rows = [
        {"replication": r, "step": s, "date": months[s], "district": d, "extreme_poverty_rate": x}
        for r, values in rates.items()
        for s, x in enumerate(values)
        for d in ("all", "lampung_barat")
    ]
    return pd.DataFrame(rows)


def test_the_goal_month_is_the_lower_median_of_the_replications_reaching_it() -> None:
    # replication 0 first below 1% in month 1, 1 in month 3, 2 never: 2 of 3 reach it,
    # lower median of steps (1, 3) is 1: September 2024.
    ts = _series({0: [0.02, 0.009, 0.008, 0.001], 1: [0.03, 0.02, 0.01, 0.005], 2: [0.05] * 4})
    reached = goal_reached(ts, 0.01)
    assert reached.share == 2 / 3
    assert reached.first_month == "2024-09"


def test_no_replication_reaching_the_goal_has_no_month() -> None:
    reached = goal_reached(_series({0: [0.05] * 4}), 0.01)
    assert (reached.share, reached.first_month) == (0.0, None)


def test_settings_are_flattened_and_compared_key_by_key() -> None:
    a = {"name": "a", "months": 12, "policies": {"pkh": {"enabled": True, "k": [1, 2]}}}
    b = {"name": "b", "months": 12, "policies": {"pkh": {"enabled": False, "k": [1, 2]}, "x": {}}}
    assert flatten_settings(b) == {
        "name": "b",
        "months": 12,
        "policies.pkh.enabled": False,
        "policies.pkh.k": [1, 2],
        "policies.x": {},
    }
    assert differing_settings(json.dumps(a), json.dumps(b)) == [
        ("policies.pkh.enabled", True, False),
        ("policies.x", None, {}),
    ]

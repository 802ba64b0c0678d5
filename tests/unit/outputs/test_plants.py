"""Each plant's fate over replications, worked out by hand."""

from __future__ import annotations

import pandas as pd

from valuechain.outputs.plants import CLOSURE_COLUMNS, plant_closures


def _rows(replication: int, statuses: list[str], workers: float, profit: float) -> list[dict]:
    return [
        {
            "replication": replication,
            "step": t,
            "date": f"2025-{t + 1:02d}",
            "plant": "d/huller",
            "process": "hull_grade",
            "owner": "cooperative",
            "status": status,
            "workers": workers if status == "open" else 0.0,
            "profit_idr": profit,
        }
        for t, status in enumerate(statuses)
    ]


def test_closures_idle_months_workers_and_profit_by_hand() -> None:
    plants = pd.DataFrame(
        _rows(0, ["not_open", "open", "idle", "closed", "closed"], 10.0, -1.0)
        + _rows(1, ["not_open", "open", "open", "idle", "idle"], 20.0, 2.0)
        + _rows(2, ["not_open", "open", "closed", "closed", "closed"], 30.0, -3.0)
    )
    out = plant_closures(plants)
    assert list(out.columns) == list(CLOSURE_COLUMNS)
    row = out.iloc[0]
    assert row["replications"] == 3
    assert row["closed"] == 2  # replications 0 (step 3) and 2 (step 2)
    assert row["closed_first_date"] == "2025-03"  # step 2
    assert row["closed_median_date"] == "2025-03"  # the lower of the two
    assert row["closed_last_date"] == "2025-04"  # step 3
    assert row["idle_months_mean"] == (1 + 2 + 0) / 3
    # open months: rep 0 one at 10, rep 1 two at 20, rep 2 one at 30
    assert row["workers_mean"] == (10 + 20 + 20 + 30) / 4
    assert row["profit_idr_total_mean"] == (5 * -1.0 + 5 * 2.0 + 5 * -3.0) / 3


def test_a_run_without_plants_has_an_empty_summary_with_its_columns() -> None:
    out = plant_closures(pd.DataFrame())
    assert out.empty
    assert list(out.columns) == list(CLOSURE_COLUMNS)

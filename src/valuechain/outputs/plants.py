"""What became of each plant over the replications: how often it closed, when, and how long
it stood idle (from the per-plant table, :data:`valuechain.model.firms.PLANT_COLUMNS`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["CLOSURE_COLUMNS", "plant_closures"]

#: The closure summary: column -> meaning
CLOSURE_COLUMNS: dict[str, str] = {
    "plant": "district/plant name",
    "process": "process it runs",
    "owner": "private, cooperative or public",
    "replications": "replications in which the plant existed (entrants: where they entered)",
    "closed": "replications in which it closed (exited after sustained losses)",
    "closed_first_date": "earliest month it closed in any replication (YYYY-MM; empty: never)",
    "closed_median_date": "median month of closing, over the replications where it closed",
    "closed_last_date": "latest month it closed in any replication",
    "idle_months_mean": "months open but idle (planning nothing), mean over replications",
    "workers_mean": "workers employed in the months it was open, mean",
    "profit_idr_total_mean": "profit over the run (IDR), mean over replications",
}


def plant_closures(plants: pd.DataFrame) -> pd.DataFrame:
    """One row per plant: in how many replications it existed and closed, when it closed
    (first, median, last month), idle months, workers and profit (:data:`CLOSURE_COLUMNS`).

    ``plants`` is the per-plant table of several replications (a ``replication`` column beside
    the columns of :data:`valuechain.model.firms.PLANT_COLUMNS`). A plant closes once and
    stays closed, so its closing month in a replication is its first ``closed`` row.
    """
    if plants.empty:
        return pd.DataFrame(columns=list(CLOSURE_COLUMNS))
    rows = []
    for plant, rows_of_plant in plants.groupby("plant", sort=True):
        first = rows_of_plant.iloc[0]
        per_rep = rows_of_plant.groupby("replication")
        closed_at = (
            rows_of_plant[rows_of_plant["status"] == "closed"].groupby("replication")["step"].min()
        )
        dates = dict(zip(rows_of_plant["step"], rows_of_plant["date"], strict=False))
        steps = np.sort(closed_at.to_numpy())
        open_rows = rows_of_plant[rows_of_plant["status"] == "open"]
        idle = (rows_of_plant["status"] == "idle").groupby(rows_of_plant["replication"]).sum()
        rows.append(
            {
                "plant": plant,
                "process": first["process"],
                "owner": first["owner"],
                "replications": per_rep.ngroups,
                "closed": int(steps.size),
                "closed_first_date": dates[steps[0]] if steps.size else "",
                "closed_median_date": dates[steps[(steps.size - 1) // 2]] if steps.size else "",
                "closed_last_date": dates[steps[-1]] if steps.size else "",
                "idle_months_mean": float(idle.mean()),
                "workers_mean": float(open_rows["workers"].mean()) if len(open_rows) else 0.0,
                "profit_idr_total_mean": float(per_rep["profit_idr"].sum().mean()),
            }
        )
    return pd.DataFrame(rows, columns=list(CLOSURE_COLUMNS))

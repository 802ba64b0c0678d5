"""Poverty by BPS survey round: March, September and the annual mean of each year.

BPS publishes poverty from the Susenas rounds of March and September; the model records every
month. :func:`rounds_table` picks, for each replication, district and calendar year, the
March and September months and the mean of the year's twelve months (only for a year the run
covers entirely), for the poverty measures of
:data:`valuechain.outputs.metrics.BPS_MEASURES`.
"""

from __future__ import annotations

import pandas as pd

from valuechain.outputs.aggregations import MONTHS_IN_A_YEAR
from valuechain.outputs.metrics import BPS_MEASURES

__all__ = ["ROUNDS", "ROUND_KEYS", "rounds_table"]

#: the rounds, in the order of the table: the survey months and the calendar year's mean
ROUNDS: dict[str, int | None] = {"march": 3, "september": 9, "annual_mean": None}

#: columns that identify a row of the rounds table (those of the time series present)
ROUND_KEYS = ("scenario", "replication", "seed", "district", "year", "round")


def rounds_table(timeseries: pd.DataFrame) -> pd.DataFrame:
    """One row per replication x district x year x round with each poverty measure.

    Args:
        timeseries: rows with ``date`` (``YYYY-MM``), ``district`` and the measures, and the
            run's keys (scenario, replication, seed) when there are several runs. District
            types (``type:...``) are left out: ``all`` and each district remain.

    Returns:
        Columns: the keys of :data:`ROUND_KEYS` present, then the measures. ``march`` and
        ``september`` are the values of those months; ``annual_mean`` the mean of a year's
        twelve months, for years with all twelve in the run.
    """
    ts = timeseries[~timeseries["district"].astype(str).str.startswith("type:")]
    keys = [c for c in ROUND_KEYS[:3] if c in ts.columns] + ["district", "year"]
    ts = ts.assign(
        year=ts["date"].str[:4].astype("int64"), month=ts["date"].str[5:7].astype("int64")
    )
    parts = []
    for name, month in ROUNDS.items():
        if month is not None:
            part = ts.loc[ts["month"] == month, [*keys, *BPS_MEASURES]]
        else:
            grouped = ts.groupby(keys, sort=False)
            means = grouped[list(BPS_MEASURES)].mean()
            complete = grouped["month"].nunique() == MONTHS_IN_A_YEAR
            part = means[complete].reset_index()
        parts.append(part.assign(round=name))
    columns = [*keys, "round", *BPS_MEASURES]
    table = pd.concat(parts, ignore_index=True)[columns]
    order = {name: i for i, name in enumerate(ROUNDS)}
    table = table.sort_values(
        [*keys, "round"], key=lambda c: c.map(order) if c.name == "round" else c, kind="stable"
    )
    return table.reset_index(drop=True)

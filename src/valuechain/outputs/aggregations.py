"""Aggregations of an indicator over the months of a run: one table, one rule for missing data.

Run summaries (:func:`valuechain.outputs.indicators.summarise`), the outputs of a sweep
(:func:`valuechain.experiments.sweep.aggregate`), the aggregations an experiment file may
name and the labels of tables and figures all come from :data:`AGGREGATIONS`.

**Months without data.** A month whose value is NaN has no data (a ratio whose denominator
is zero: the local processing share in a month without harvest, the cost per sustained exit
before the first exit). Each aggregation reads a window of months (:attr:`Aggregation.window`);
the months without data in that window are left out, and an aggregation whose window holds
no month with data is NaN, never zero. So ``final`` is NaN when the final month has no data
(it does not fall back on an earlier month), ``mean_last12`` is the mean of the months with
data among the last twelve, and ``sum`` over months that all lack data is NaN.

**Survey months.** BPS publishes poverty for March and September (Susenas rounds).
``march_first``, ``march_last`` and ``september_last`` read the one month of that name
(the first or last in the run); they need the months' dates (``YYYY-MM``), and are NaN when
the run has no such month.

Example:
    >>> aggregate([1.0, float("nan"), 3.0], "mean")
    2.0
    >>> aggregate([1.0, 2.0, float("nan")], "final")
    nan
    >>> aggregate([1.0, 2.0, 3.0], "march_last", dates=["2024-02", "2024-03", "2024-04"])
    2.0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

__all__ = [
    "AGGREGATIONS",
    "EXPERIMENT_AGGREGATIONS",
    "MONTHS_IN_A_YEAR",
    "Aggregation",
    "Window",
    "aggregate",
]

#: Months in the trailing window of ``mean_last12``.
MONTHS_IN_A_YEAR = 12


class Window(Protocol):
    """The months an aggregation reads, from the run's length and its months' dates."""

    def __call__(self, n: int, dates: np.ndarray | None) -> slice: ...


@dataclass(frozen=True)
class Aggregation:
    """One way of turning an indicator's monthly values into one number.

    Attributes:
        name: the name used in summaries, experiment files and manifests.
        label: how tables and figures say it, after the indicator's label
            ("Poverty, at the final month").
        window: which months it reads, in words.
        months: the slice of those months, given the number of months in the run and
            their dates (``YYYY-MM``; None for an aggregation that does not need them).
        reduce: ``reduce(x, has_data, w)``: the number from the window's values ``x``, where
            ``has_data`` marks the months with data (at least one) and ``w`` holds their
            weights (None unless weighted).
        weighted: it needs a weight per month (given by the caller).
        adds_months: it adds monthly flows up, so a ``/month`` unit becomes a total.
        dated: it needs the months' dates (a calendar month of the run).
    """

    name: str
    label: str
    window: str
    months: Window
    reduce: Callable[[np.ndarray, np.ndarray, np.ndarray | None], float]
    weighted: bool = False
    adds_months: bool = False
    dated: bool = False


def _sum(x: np.ndarray, has_data: np.ndarray, _w: np.ndarray | None) -> float:
    # A month without data adds nothing. Adding 0.0 in its place, rather than dropping it,
    # keeps numpy's order of additions, so the months with data sum to the same bits as
    # pandas' ``Series.sum`` (which the run summaries used before this table).
    return float(np.where(has_data, x, 0.0).sum())


def _mean(x: np.ndarray, has_data: np.ndarray, w: np.ndarray | None) -> float:
    return _sum(x, has_data, w) / float(np.count_nonzero(has_data))


def _first(x: np.ndarray, has_data: np.ndarray, _w: np.ndarray | None) -> float:
    return float(x[0])  # the window is the one month; it has data (else the result is NaN)


def _final(x: np.ndarray, has_data: np.ndarray, _w: np.ndarray | None) -> float:
    return float(x[-1])


def _max(x: np.ndarray, has_data: np.ndarray, _w: np.ndarray | None) -> float:
    return float(x[has_data].max())


def _min(x: np.ndarray, has_data: np.ndarray, _w: np.ndarray | None) -> float:
    return float(x[has_data].min())


def _max_abs(x: np.ndarray, has_data: np.ndarray, _w: np.ndarray | None) -> float:
    return float(np.abs(x[has_data]).max())


def _weighted_mean(x: np.ndarray, has_data: np.ndarray, w: np.ndarray | None) -> float:
    if w is None:
        raise ValueError("a weighted mean needs weights")
    xs, ws = x[has_data], w[has_data]
    return float((xs * ws).sum() / ws.sum())


def _table(*rows: Aggregation) -> dict[str, Aggregation]:
    return {a.name: a for a in rows}


def _first_month(n: int, _dates: np.ndarray | None) -> slice:
    return slice(0, 1)


def _final_month(n: int, _dates: np.ndarray | None) -> slice:
    return slice(max(0, n - 1), n)


def _last_year(n: int, _dates: np.ndarray | None) -> slice:
    return slice(max(0, n - MONTHS_IN_A_YEAR), n)


def _every_month(n: int, _dates: np.ndarray | None) -> slice:
    return slice(0, n)


def _calendar_month(month_of_year: int, which: str) -> Window:
    """The window of the ``first``, the ``last`` or ``every`` month of the run in
    ``month_of_year`` (1-12; every: one a year, as the run's months follow one another);
    empty when the run has none."""
    suffix = f"-{month_of_year:02d}"

    def window(n: int, dates: np.ndarray | None) -> slice:
        if dates is None:
            raise ValueError("a calendar-month aggregation needs the months' dates")
        hits = np.flatnonzero(np.char.endswith(dates.astype(str), suffix))
        if hits.size == 0:
            return slice(0, 0)
        first, last = int(hits[0]), int(hits[-1])
        if which == "every":
            return slice(first, last + 1, MONTHS_IN_A_YEAR)
        i = last if which == "last" else first
        return slice(i, i + 1)

    return window


_EVERY = "every month"

#: Every aggregation, by name.
AGGREGATIONS: dict[str, Aggregation] = _table(
    Aggregation("first", "at the first month", "the first month", _first_month, _first),
    Aggregation("final", "at the final month", "the final month", _final_month, _final),
    Aggregation(
        "march_first",
        "in the first March",
        "the first March of the run (BPS's March round)",
        _calendar_month(3, "first"),
        _first,
        dated=True,
    ),
    Aggregation(
        "march_last",
        "in the last March",
        "the last March of the run (BPS's March round)",
        _calendar_month(3, "last"),
        _first,
        dated=True,
    ),
    Aggregation(
        "march_mean",
        "mean of the Marches",
        "every March of the run (BPS's March rounds)",
        _calendar_month(3, "every"),
        _mean,
        dated=True,
    ),
    Aggregation(
        "september_last",
        "in the last September",
        "the last September of the run (BPS's September round)",
        _calendar_month(9, "last"),
        _first,
        dated=True,
    ),
    Aggregation(
        "mean_last12",
        f"mean of the last {MONTHS_IN_A_YEAR} months",
        f"the last {MONTHS_IN_A_YEAR} months (every month, if the run is shorter)",
        _last_year,
        _mean,
    ),
    Aggregation("sum", "sum over the run", _EVERY, _every_month, _sum, adds_months=True),
    Aggregation("mean", "mean over the run", _EVERY, _every_month, _mean),
    Aggregation("max", "maximum over the run", _EVERY, _every_month, _max),
    Aggregation("min", "minimum over the run", _EVERY, _every_month, _min),
    Aggregation("max_abs", "largest absolute value over the run", _EVERY, _every_month, _max_abs),
    Aggregation(
        "weighted_mean",
        "harvest-weighted mean over the run",
        "every month with a positive weight (the month's harvest of the commodity)",
        _every_month,
        _weighted_mean,
        weighted=True,
    ),
)

#: Aggregations an experiment's outputs may name (those that need no weights).
EXPERIMENT_AGGREGATIONS: tuple[str, ...] = tuple(
    name for name, a in AGGREGATIONS.items() if not a.weighted
)


def aggregate(
    values: Sequence[float] | np.ndarray,
    how: str,
    weights: Sequence[float] | np.ndarray | None = None,
    dates: Sequence[str] | np.ndarray | None = None,
) -> float:
    """One number from an indicator's monthly values (in month order).

    Months without data (NaN) in the aggregation's window are left out; with no month of
    data left (or no positive weight, for a weighted aggregation) the result is NaN.

    Args:
        values: the indicator, one value per month, first month first.
        how: a name in :data:`AGGREGATIONS`.
        weights: one weight per month; needed by weighted aggregations, ignored otherwise.
        dates: each month as ``YYYY-MM``; needed by dated aggregations (``march_last``...),
            ignored otherwise.

    Raises:
        KeyError: ``how`` is not an aggregation.
        ValueError: a weighted aggregation without weights, or a dated one without dates.
    """
    agg = AGGREGATIONS[how]
    x = np.asarray(values, dtype=np.float64)
    if agg.dated and dates is None:
        raise ValueError(f"aggregation {how!r} needs each month's date")
    window = agg.months(x.size, None if dates is None else np.asarray(dates))
    x = x[window]
    has_data = ~np.isnan(x)
    w = None
    if agg.weighted:
        if weights is None:
            raise ValueError(f"aggregation {how!r} needs a weight per month")
        w = np.asarray(weights, dtype=np.float64)[window]
        has_data &= w > 0
    if not has_data.any():
        return float("nan")
    return agg.reduce(x, has_data, w)

"""Statistics over replications: summaries with t-intervals, paired comparisons against a
baseline, three cost-effectiveness ratios with paired bootstrap intervals, and the BPS rounds
across replications.

Every function takes the ``runs`` tables (one row per replication, summary indicators as
columns) and returns tidy frames with a label and unit per indicator.
"""

from __future__ import annotations

import fnmatch
import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from valuechain.errors import UserError
from valuechain.outputs.aggregations import MONTHS_IN_A_YEAR

__all__ = [
    "BOOTSTRAP_RESAMPLES",
    "COST_EFFECTIVENESS",
    "KEY_COLUMNS",
    "MAIN_INDICATORS",
    "ROUNDS_INTERVAL",
    "CostRatio",
    "compare_runs",
    "cost_effectiveness",
    "describe_indicator",
    "main_indicators",
    "summarise_rounds",
    "summarise_runs",
    "t_interval",
]

T = TypeVar("T")

#: Columns that identify a run in ``runs`` and ``timeseries`` (before the indicators).
KEY_COLUMNS = ("scenario", "replication", "seed")

#: Summary indicators reported and compared by default, in this order (``fnmatch`` patterns
#: over the columns of ``runs``; keys of :data:`valuechain.outputs.metrics.SUMMARY`).
MAIN_INDICATORS: tuple[str, ...] = (
    "extreme_poverty_rate_march_last",
    "extreme_poverty_rate_september_last",
    "extreme_poverty_rate_mean_last12",
    "extreme_poverty_rate_215_march_last",
    "extreme_poverty_rate_215_september_last",
    "poverty_rate_march_last",
    "poverty_rate_september_last",
    "poverty_gap_march_last",
    "poverty_gap_national_march_last",
    "poverty_severity_national_march_last",
    "extreme_poor_person_months",
    "extreme_poverty_gap_idr_total",
    "sustained_exits_final",
    "exits_total",
    "entries_total",
    "processing_jobs_last12",
    "processing_jobs_poor_last12",
    "processing_jobs_women_last12",
    "jobs_displaced_elsewhere_last12",
    "net_processing_jobs_last12",
    "farmgate_price_*_last12",
    "farmgate_share_*_last12",
    "local_processing_share_*_run",
    "mean_consumption_pc_last12",
    "gini_final",
    "fiscal_cost_cum",
    "cohort_income_change_*",
)


def main_indicators(columns: Iterable[str], patterns: Sequence[str] = MAIN_INDICATORS) -> list[str]:
    """The columns matching ``patterns``, in the order of the patterns."""
    columns = [c for c in columns if c not in KEY_COLUMNS]
    chosen: list[str] = []
    for pat in patterns:
        for c in sorted(fnmatch.filter(columns, pat)):
            if c not in chosen:
                chosen.append(c)
    return chosen


def _fill(key: str, templates: dict[str, T], placeholder: str) -> tuple[str, T] | None:
    """The name ``key`` puts in place of ``placeholder`` in a template, and its entry."""
    for template, entry in templates.items():
        head, _, tail = template.partition(placeholder)
        if key.startswith(head) and key.endswith(tail) and len(key) > len(head) + len(tail):
            return key[len(head) : len(key) - len(tail)], entry
    return None


def _describe_column(column: str) -> tuple[str, str] | None:
    """A label and unit for a time-series column, or None if unknown."""
    from valuechain.outputs import metrics

    if column in metrics.INDICATORS:
        return metrics.INDICATORS[column].label, metrics.INDICATORS[column].unit
    for table, placeholder in (
        (metrics.COMMODITY_INDICATORS, "{c}"),
        (metrics.PROGRAMME_INDICATORS, "{p}"),
    ):
        found = _fill(column, table, placeholder)
        if found is not None:
            name, ind = found
            return f"{ind.label}, {name}", ind.unit
    return None


def _summary_of(key: str) -> tuple[str, str] | None:
    """(time-series column, aggregation) of a summary key, or None if it is not one."""
    from valuechain.outputs import metrics

    if key in metrics.SUMMARY:
        return metrics.SUMMARY[key]
    for table, placeholder in (
        (metrics.COMMODITY_SUMMARY, "{c}"),
        (metrics.PROGRAMME_SUMMARY, "{p}"),
    ):
        found = _fill(key, table, placeholder)
        if found is not None:
            name, (column, how) = found
            return column.replace(placeholder, name), how
    return None


def describe_indicator(key: str) -> tuple[str, str]:
    """A label and unit for a summary key or time-series column (the key and no unit if unknown).

    A summary's label is its column's label followed by its aggregation's label
    (:data:`valuechain.outputs.aggregations.AGGREGATIONS`); a sum over the run turns a
    per-month unit into a total.
    """
    from valuechain.outputs.aggregations import AGGREGATIONS
    from valuechain.outputs.metrics import CHANNEL_SUMMARY

    channel = _fill(key, CHANNEL_SUMMARY, "{channel}")
    if channel is not None:
        name, ind = channel
        return f"{ind.label}: {name}", ind.unit
    summary = _summary_of(key)
    if summary is None:
        return _describe_column(key) or (key, "")
    column, how = summary
    described = _describe_column(column)
    if described is None:
        return key, ""
    text, unit = described
    aggregation = AGGREGATIONS[how]
    if aggregation.adds_months:
        unit = unit.removesuffix("/month")
        text = text.replace(" this month", "")
    return f"{text}, {aggregation.label}", unit


@functools.lru_cache(maxsize=256)
def _t_quantile(p: float, dof: int) -> float:
    """Student's t quantile (cached: a report asks it thousands of times for a few n)."""
    from scipy import stats  # deferred: scipy.stats takes a second to import

    return float(stats.t.ppf(p, dof))


def t_interval(values: np.ndarray, confidence: float) -> tuple[int, float, float, float, float]:
    """n, mean, standard error, and the t confidence interval of the mean of the finite
    ``values`` (NaN where fewer than two)."""
    values = values[np.isfinite(values)]
    n = int(values.size)
    if n == 0:
        return 0, math.nan, math.nan, math.nan, math.nan
    mean = float(values.mean())
    if n < 2:
        return n, mean, math.nan, math.nan, math.nan
    se = float(values.std(ddof=1) / math.sqrt(n))
    half = _t_quantile(0.5 + confidence / 2, n - 1) * se
    return n, mean, se, mean - half, mean + half


def summarise_runs(
    runs: pd.DataFrame,
    indicators: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Mean of each indicator over replications with a t confidence interval of the mean.

    Columns: indicator, label, unit, n, mean, sd, se, ci_low, ci_high. With one replication
    the interval is NaN (a variance needs two).
    """
    indicators = main_indicators(runs.columns) if indicators is None else list(indicators)
    rows = []
    for key in indicators:
        values = runs[key].to_numpy(dtype=float)
        n, mean, se, lo, hi = t_interval(values, confidence)
        label, unit = describe_indicator(key)
        rows.append(
            {
                "indicator": key,
                "label": label,
                "unit": unit,
                "n": n,
                "mean": mean,
                "sd": se * math.sqrt(n) if n >= 2 else math.nan,
                "se": se,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    return pd.DataFrame(rows, columns=_SUMMARY_COLUMNS)


_SUMMARY_COLUMNS = ["indicator", "label", "unit", "n", "mean", "sd", "se", "ci_low", "ci_high"]
_COMPARISON_COLUMNS = [
    "indicator",
    "label",
    "unit",
    "n",
    "scenario_mean",
    "baseline_mean",
    "difference",
    "se",
    "ci_low",
    "ci_high",
    "note",
]


def compare_runs(
    runs: pd.DataFrame,
    baseline_runs: pd.DataFrame,
    indicators: Sequence[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Paired differences scenario - baseline over replications with the same seed.

    For each indicator, ``d_r = scenario_r - baseline_r`` over the replications present in
    both (paired on replication and seed; pairs with a missing value are dropped). The
    standard error is ``sd(d) / sqrt(n)`` and the interval ``mean(d) ± t_{n-1} · se``
    (Student t, scipy.stats.t). With one pair the standard error and interval are NaN.

    Columns: indicator, label, unit, n, scenario_mean, baseline_mean, difference, se,
    ci_low, ci_high (means over the same pairs), note. Then the cost-effectiveness rows of
    :data:`COST_EFFECTIVENESS` (:func:`cost_effectiveness`), when both sets of runs have
    their columns.

    Raises:
        UserError: the two sets of runs share no (replication, seed) pair.
    """
    if indicators is None:
        common = [c for c in runs.columns if c in set(baseline_runs.columns)]
        indicators = main_indicators(common)
    keys = ["replication", "seed"]
    paired = runs.merge(baseline_runs, on=keys, suffixes=("__s", "__b"), how="inner")
    if paired.empty:
        raise UserError(
            "the scenario and baseline runs share no (replication, seed) pair",
            hint="run both with the same seeds (valuechain run does this)",
        )
    rows = []
    for key in indicators:
        s = paired[f"{key}__s"].to_numpy(dtype=float)
        b = paired[f"{key}__b"].to_numpy(dtype=float)
        ok = np.isfinite(s) & np.isfinite(b)
        n, diff, se, lo, hi = t_interval(s[ok] - b[ok], confidence)
        label, unit = describe_indicator(key)
        rows.append(
            {
                "indicator": key,
                "label": label,
                "unit": unit,
                "n": n,
                "scenario_mean": float(s[ok].mean()) if n else math.nan,
                "baseline_mean": float(b[ok].mean()) if n else math.nan,
                "difference": diff,
                "se": se,
                "ci_low": lo,
                "ci_high": hi,
                "note": "",
            }
        )
    for ratio in COST_EFFECTIVENESS:
        row = cost_effectiveness(paired, ratio, confidence)
        if row is not None:
            rows.append(row)
    return pd.DataFrame(rows, columns=_COMPARISON_COLUMNS)


#: resamples of the paired bootstrap for ratios of differences (fixed seed: reproducible)
BOOTSTRAP_RESAMPLES = 2000


@dataclass(frozen=True)
class CostRatio:
    """Extra public spending per unit of an effect, scenario against baseline.

    Attributes:
        name: the comparison row's indicator.
        label: how the row says it.
        unit: the ratio's unit.
        effect: the run summary whose paired difference is the effect.
        per_unit: the effect is ``per_unit x (scenario - baseline)`` (negative for a
            quantity the scenario should lower; 1/12 turns person-months into person-years).
    """

    name: str
    label: str
    unit: str
    effect: str
    per_unit: float


#: the cost column every ratio divides
COST = "fiscal_cost_cum"

#: The comparison's cost-effectiveness rows (docs/ODD.md, "Cost-effectiveness").
COST_EFFECTIVENESS: tuple[CostRatio, ...] = (
    CostRatio(
        "cost_per_additional_sustained_exit",
        "Extra public spending per extra sustained exit (ratio of mean paired differences; "
        "paired bootstrap interval)",
        "IDR/person",
        "sustained_exits_final",
        1.0,
    ),
    CostRatio(
        "cost_per_poverty_person_year_avoided",
        "Extra public spending per person-year of extreme poverty avoided over the run (ratio "
        "of mean paired differences; paired bootstrap interval)",
        "IDR/person-year",
        "extreme_poor_person_months",
        -1.0 / MONTHS_IN_A_YEAR,
    ),
    CostRatio(
        "cost_per_idr_gap_closed",
        "Extra public spending per rupiah of extreme poverty gap closed over the run (ratio "
        "of mean paired differences; paired bootstrap interval)",
        "IDR/IDR",
        "extreme_poverty_gap_idr_total",
        -1.0,
    ),
)

NO_EFFECT = "no effect: the scenario does not improve this on average, so there is no cost per unit"
UNBOUNDED = (
    "interval unbounded above: in some bootstrap resamples the scenario does not improve this"
)


def cost_effectiveness(paired: pd.DataFrame, ratio: CostRatio, confidence: float) -> dict | None:
    """A cost-effectiveness row: ``mean(d cost) / mean(d effect)`` over replication pairs.

    ``d cost`` is the paired difference of ``fiscal_cost_cum`` (scenario - baseline) and
    ``d effect = per_unit x`` the paired difference of the effect's summary. The interval is
    the percentile interval of the same ratio over a paired bootstrap (replications resampled
    with their pairs, :data:`BOOTSTRAP_RESAMPLES` times, numpy seed 0). One rule for every
    ratio: when the mean effect is not positive (no improvement, or the wrong sign) the ratio
    is NaN and the note says so; a resample whose effect is not positive counts as an
    unbounded ratio, so an interval of the effect that includes zero gives an upper end of
    ``inf`` (and a note). None when either set of runs lacks the columns.

    Args:
        paired: scenario and baseline runs merged on replication and seed, columns suffixed
            ``__s`` and ``__b``.
        ratio: which ratio.
        confidence: the interval's coverage.
    """
    cols = (COST, ratio.effect)
    if not all(f"{c}__s" in paired and f"{c}__b" in paired for c in cols):
        return None
    d_cost = (paired[f"{COST}__s"] - paired[f"{COST}__b"]).to_numpy(float)
    d_effect = ratio.per_unit * (
        paired[f"{ratio.effect}__s"] - paired[f"{ratio.effect}__b"]
    ).to_numpy(float)
    ok = np.isfinite(d_cost) & np.isfinite(d_effect)
    d_cost, d_effect = d_cost[ok], d_effect[ok]
    n = int(d_cost.size)
    value = lo = hi = math.nan
    note = NO_EFFECT if n else ""
    if n and d_effect.mean() > 0:
        value = float(d_cost.mean() / d_effect.mean())
        note = ""
        if n >= 2:
            rng = np.random.default_rng(0)
            idx = rng.integers(0, n, size=(BOOTSTRAP_RESAMPLES, n))
            effects = d_effect[idx].mean(axis=1)
            ratios = np.where(
                effects > 0, d_cost[idx].mean(axis=1) / np.where(effects > 0, effects, 1), np.inf
            )
            tail = (1 - confidence) / 2 * 100
            # no interpolation: resamples without an effect give an unbounded (inf) end
            pct = np.percentile(ratios, [tail, 100 - tail], method="inverted_cdf")
            lo, hi = (float(x) for x in pct)
            if math.isinf(hi):
                note = UNBOUNDED
    return {
        "indicator": ratio.name,
        "label": ratio.label,
        "unit": ratio.unit,
        "n": n,
        "scenario_mean": math.nan,
        "baseline_mean": math.nan,
        "difference": value,
        "se": math.nan,
        "ci_low": lo,
        "ci_high": hi,
        "note": note,
    }


#: the coverage of the across-replication interval of the rounds table
ROUNDS_INTERVAL = 0.90


def summarise_rounds(rounds: pd.DataFrame, coverage: float = ROUNDS_INTERVAL) -> pd.DataFrame:
    """Median over replications and the central ``coverage`` interval of each poverty measure,
    per district, year and round (BPS's March and September rounds and the annual mean).

    The interval is the range of the middle ``coverage`` of replications (percentiles, linear
    interpolation): where a replication falls, not an interval of the median.

    Args:
        rounds: a table of :func:`valuechain.outputs.rounds.rounds_table` over replications.
        coverage: share of replications inside the interval.

    Returns:
        Columns: district, year, round, indicator, label, unit, n, median, low, high.
    """
    from valuechain.outputs.metrics import BPS_MEASURES
    from valuechain.outputs.rounds import ROUNDS

    tail = (1 - coverage) / 2
    rows = []
    for (district, year, rnd), part in rounds.groupby(["district", "year", "round"], sort=False):
        for key in BPS_MEASURES:
            values = part[key].to_numpy(dtype=float)
            values = values[np.isfinite(values)]
            n = int(values.size)
            q = np.quantile(values, [0.5, tail, 1 - tail]) if n else [math.nan] * 3
            label, unit = describe_indicator(key)
            rows.append(
                {
                    "district": district,
                    "year": year,
                    "round": rnd,
                    "indicator": key,
                    "label": label,
                    "unit": unit,
                    "n": n,
                    "median": float(q[0]),
                    "low": float(q[1]),
                    "high": float(q[2]),
                }
            )
    out = pd.DataFrame(rows, columns=_ROUNDS_SUMMARY_COLUMNS)
    order = {name: i for i, name in enumerate(ROUNDS)}
    out = out.sort_values(
        ["district", "year", "round"],
        key=lambda c: c.map(order) if c.name == "round" else c,
        kind="stable",
    )
    return out.reset_index(drop=True)


_ROUNDS_SUMMARY_COLUMNS = [
    "district",
    "year",
    "round",
    "indicator",
    "label",
    "unit",
    "n",
    "median",
    "low",
    "high",
]

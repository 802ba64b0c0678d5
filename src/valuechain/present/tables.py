"""Plain-text tables of results, as the ``valuechain`` command prints them.

Every function returns a string (no printing), so the command, a notebook or a test can use
it. Shares are shown in percent; numbers of a thousand or more with thousands separators and
no decimals; others with four significant digits.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from valuechain.experiments.sensitivity import MORRIS_COLUMNS, SOBOL_COLUMNS

if TYPE_CHECKING:
    from valuechain.experiments.sweep import ExperimentResults
    from valuechain.runs.decompose import Decomposition
    from valuechain.runs.replications import ScenarioRuns

__all__ = [
    "SWEEP_POINTS_SHOWN",
    "budget_notes",
    "comparison_table",
    "decomposition_report",
    "format_number",
    "rounds_table_text",
    "run_report",
    "sensitivity_tables",
    "summary_table",
    "sweep_outputs_table",
]

#: Design points shown by :func:`sweep_outputs_table` before "... more points".
SWEEP_POINTS_SHOWN = 20


def format_number(x: float | None, digits: int = 4) -> str:
    """``x`` with ``digits`` significant digits, or with thousands separators from 1,000 up."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "nan"
    if abs(x) >= 1_000:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def _short(x: float) -> str:
    return f"{x:.4g}"


def _scaled(unit: str) -> tuple[str, float]:
    """Shares are printed in percent."""
    if unit.startswith("share"):
        return "%" + unit[len("share") :], 100.0
    return unit, 1.0


def _aligned(rows: list[list[str]], header: list[str]) -> str:
    """Two left-aligned text columns, then right-aligned numbers."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        cells += [c.rjust(w) for c, w in zip(row[2:], widths[2:], strict=True)]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines)


def _interval(lo: float, hi: float, scale: float) -> str:
    if math.isnan(lo) or math.isnan(hi):
        return "nan"
    return f"[{format_number(lo * scale, 3)}, {format_number(hi * scale, 3)}]"


def decomposition_report(dec: Decomposition) -> str:
    """A decomposition as text: per indicator, each lever's Shapley value, its interval and
    its share of the package's mean paired effect."""
    plan = dec.plan
    lines = [
        f"{plan.describe()}; {dec.wall_time_s:.1f} s on {dec.workers} worker(s)",
        "Shapley value of each lever: mean over replications of the per-replication value, "
        "95% t-interval, share of the package's mean paired effect",
    ]
    for key, rows in dec.table.groupby("indicator", sort=False):
        first = rows.iloc[0]
        unit, scale = _scaled(str(first["unit"]))
        lines.append(f"\n{key} ({first['label']}{', ' + unit if unit else ''})")
        body = [
            [
                str(row.lever),
                "",
                format_number(scale * row.shapley),
                _interval(row.ci_low, row.ci_high, scale),
                "nan" if math.isnan(row.share) else f"{row.share:.1%}",
            ]
            for row in rows.itertuples()
        ]
        lines.append(_aligned(body, ["lever", "", "value", "95% CI", "share"]))
    if dec.skipped:
        lines.append(f"\nnot decomposed (not in every coalition): {', '.join(dec.skipped)}")
    return "\n".join(lines)


def summary_table(summary: pd.DataFrame) -> str:
    """Mean and 95% interval per indicator.

    Args:
        summary: a frame of :func:`valuechain.runs.statistics.summarise_runs`.
    """
    rows = []
    for r in summary.itertuples(index=False):
        unit, scale = _scaled(r.unit)
        rows.append(
            [
                r.indicator,
                unit,
                format_number(r.mean * scale),
                _interval(r.ci_low, r.ci_high, scale),
            ]
        )
    return _aligned(rows, ["indicator", "unit", "mean", "95% CI of mean"])


def comparison_table(comparison: pd.DataFrame) -> str:
    """Scenario and baseline means, paired difference and its 95% interval per indicator,
    then the cost-effectiveness ratios (in the difference column) and their notes.

    Args:
        comparison: a frame of :func:`valuechain.runs.statistics.compare_runs`.
    """
    rows = []
    notes = []
    for r in comparison.itertuples(index=False):
        unit, scale = _scaled(r.unit)
        rows.append(
            [
                r.indicator,
                unit,
                format_number(r.scenario_mean * scale),
                format_number(r.baseline_mean * scale),
                format_number(r.difference * scale, 3),
                _interval(r.ci_low, r.ci_high, scale),
            ]
        )
        if isinstance(r.note, str) and r.note:  # read back from CSV, an empty note is NaN
            notes.append(f"  note on {r.indicator}: {r.note}")
    table = _aligned(rows, ["indicator", "unit", "scenario", "baseline", "difference", "95% CI"])
    return "\n".join([table, *notes])


def rounds_table_text(summary: pd.DataFrame, district: str = "all") -> str:
    """Poverty by BPS round for one district: median over replications [90% range] of each
    measure, one line per year and round.

    Args:
        summary: a frame of :func:`valuechain.runs.statistics.summarise_rounds`.
        district: which district's rows (``all``: the whole scenario).
    """
    part = summary[summary["district"] == district]
    if part.empty:
        return "  (no March, September or complete year in the run)"
    measures = list(dict.fromkeys(part["indicator"]))
    rows = []
    for (year, rnd), g in part.groupby(["year", "round"], sort=False):
        cells = [str(year), str(rnd)]
        for r in g.set_index("indicator").loc[measures].itertuples():
            scale = _scaled(r.unit)[1]
            cells.append(f"{format_number(r.median * scale, 3)} {_interval(r.low, r.high, scale)}")
        rows.append(cells)
    header = ["year", "round", *measures]
    units = sorted({_scaled(u)[0] for u in part["unit"]})
    return _aligned(rows, header) + f"\n  (units: {', '.join(units)})"


def budget_notes(runs: pd.DataFrame) -> list[str]:
    """Lines saying which programmes ran out of budget, and in how many replications."""
    notes = []
    for col in sorted(c for c in runs.columns if c.startswith("budget_exhausted_")):
        hit = int((runs[col] > 0).sum())
        if hit:
            name = col.removeprefix("budget_exhausted_")
            notes.append(
                f"note: programme {name!r} ran out of budget in {hit} of {len(runs)} "
                f"replications and stopped (see budget_exhausted_{name} in timeseries.parquet)"
            )
    return notes


def plant_lines(closures: pd.DataFrame) -> list[str]:
    """One line per plant: how many replications it closed in and when, or its idle months
    (from :func:`valuechain.outputs.plants.plant_closures`)."""
    lines = []
    for r in closures.itertuples():
        if r.closed:
            when = (
                f"in {r.closed_first_date}"
                if r.closed_first_date == r.closed_last_date
                else f"between {r.closed_first_date} and {r.closed_last_date} (median "
                f"{r.closed_median_date})"
            )
            fate = f"closed in {r.closed} of {r.replications} replications, {when}"
        else:
            fate = f"never closed in {r.replications} replications"
        lines.append(
            f"  {r.plant} ({r.process}, {r.owner}): {fate}; idle {r.idle_months_mean:.1f} "
            f"months on average; {r.workers_mean:,.0f} workers while open"
        )
    return lines


def run_report(sr: ScenarioRuns, out: Path, figures: list[Path]) -> str:
    """What ``valuechain run`` prints: the runs, where they went, main indicators, comparison."""
    from valuechain.runs.statistics import ROUNDS_INTERVAL, summarise_rounds, summarise_runs

    n = sr.replications
    seeds = f"seed {sr.seeds[0]}" if n == 1 else f"seeds {sr.seeds[0]}..{sr.seeds[-1]}"
    lines = [
        f"{sr.name}: {n} replication{'s' if n != 1 else ''} ({seeds}), "
        f"{sr.loaded.scenario.months} months, {sr.total_wall_time_s:.1f} s on "
        f"{sr.workers} worker{'s' if sr.workers != 1 else ''}",
        f"results written to {out}/ (manifest.json, runs.parquet, timeseries.parquet, "
        "rounds.parquet, rounds.csv, plants.parquet, plant_closures.csv"
        + (", comparison.csv, baseline/)" if sr.baseline is not None else ")"),
        "",
        f"Main indicators ({sr.name}; mean over replications, 95% t-interval of the mean):",
        summary_table(summarise_runs(sr.runs)),
        "",
        f"Poverty by BPS round ({sr.name}, all districts; median over replications "
        f"[{ROUNDS_INTERVAL:.0%} of replications]; annual mean of complete years):",
        rounds_table_text(summarise_rounds(sr.rounds)),
    ]
    if not sr.plant_closures.empty:
        lines += ["", f"Plants ({sr.name}; per month in plants.parquet):"]
        lines += plant_lines(sr.plant_closures)
    if sr.comparison is not None and sr.baseline is not None:
        lines += [
            "",
            f"Compared with baseline {sr.baseline.name} (paired over the same {n} seeds; "
            "difference = scenario - baseline):",
            comparison_table(sr.comparison),
        ]
    notes = budget_notes(sr.runs)
    if notes:
        lines += ["", *notes]
    if n < 2:
        lines += [
            "",
            "note: with 1 replication the 95% intervals are nan: a standard error needs at "
            "least 2 replications (use --replications 2 or more).",
        ]
    if figures:
        lines += ["", "figures:"] + [f"  {p}" for p in figures if p.suffix == ".png"]
        lines.append("  (and an .svg beside each)")
    return "\n".join(lines)


def sweep_outputs_table(res: ExperimentResults, points: int = SWEEP_POINTS_SHOWN) -> str:
    """Factors and outputs by design point (mean over replications), the first ``points``."""
    table = res.runs.groupby("point")[[*res.factors, *res.outputs]].mean()
    lines = [
        "Outputs by design point (mean over replications):",
        table.head(points).to_string(float_format=_short),
    ]
    if len(table) > points:
        lines.append(f"... {len(table) - points} more points (read {res.path / 'runs.parquet'})")
    return "\n".join(lines)


def sensitivity_tables(table: pd.DataFrame, kind: str) -> str:
    """Morris or Sobol indices per output, most influential factor first (``sensitivity.csv``)."""
    cols = MORRIS_COLUMNS[1:] if kind == "morris" else SOBOL_COLUMNS  # mu* first, not mu
    order = cols[0] if kind == "morris" else "ST"
    blocks = []
    for name, part in table.groupby("output", sort=False):
        part = part.sort_values(order, ascending=False)
        blocks.append(
            f"{name}: {part['label'].iloc[0]} [{part['unit'].iloc[0]}]\n"
            + part[["factor", *cols]].to_string(index=False, float_format=_short)
        )
    return "\n\n".join(blocks)

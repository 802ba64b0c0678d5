"""Figures from results tables (never from a model).

Every function takes DataFrames in the layout of ``timeseries.parquet`` (or a results
directory) and returns a :class:`matplotlib.figure.Figure`. Figures are built on the
object-oriented API without pyplot, so nothing is kept in a global figure registry and no
display backend is needed; PNG is rendered by Agg. :func:`save_figure` writes PNG (300 dpi)
and SVG atomically, with no timestamp in the files, so the same results give the same bytes.

Example:
    >>> from valuechain.present.figures import write_figures   # doctest: +SKIP
    >>> write_figures("results/huller_coffee")          # -> results/huller_coffee/figures/
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure

from valuechain.present.style import (
    BAND_ALPHA,
    BASELINE_COLOUR,
    FIGURE_SIZES_IN,
    MEDIAN_LINEWIDTH,
    PNG_DPI,
    REPORT_RC,
    SCENARIO_COLOUR,
)
from valuechain.runs.results import FIGURES_DIR, Results, atomic_write_bytes, read_results

__all__ = [
    "FIGSIZE_IN",
    "REPORT_STYLE",
    "extreme_poverty_figure",
    "net_processing_jobs_figure",
    "processing_jobs_figure",
    "report_style",
    "save_figure",
    "standard_figures",
    "trajectory_figure",
    "write_figures",
]

#: Report size: as wide as :mod:`.style`'s full-width figure (an A4 text block), a little
#: taller for the legend drawn under the axes.
FIGSIZE_IN = (FIGURE_SIZES_IN["full"][0], 4.5)
DPI = PNG_DPI
#: Decimals of the axes' positions (shares of the figure) in saved files: far below a pixel,
#: above the floating-point noise of the layout.
LAYOUT_DIGITS = 9
#: The matplotlib style of every report figure (also those of :mod:`.sensitivity_figures`
#: and :mod:`.calibration_figures`): :data:`valuechain.present.style.REPORT_RC`.
REPORT_STYLE = REPORT_RC


def report_style() -> contextlib.AbstractContextManager[None]:
    """A context in which matplotlib draws and saves in :data:`REPORT_STYLE`."""
    return mpl.rc_context(REPORT_STYLE)


#: How a unit of :mod:`valuechain.outputs.metrics` is shown on an axis: (axis label, multiplier).
_AXIS_UNITS = {
    "share of persons": ("% of persons", 100.0),
    "share": ("%", 100.0),
    "workers": ("jobs (workers)", 1.0),
    "persons": ("persons", 1.0),
}


def _label_unit(indicator: str) -> tuple[str, str]:
    from valuechain.runs.statistics import describe_indicator

    return describe_indicator(indicator)


def _bands(ts: pd.DataFrame, indicator: str, district: str, scale: float) -> pd.DataFrame:
    """Median and 5th/95th percentiles across replications, per month."""
    if indicator not in ts.columns:
        raise KeyError(f"the timeseries has no column {indicator!r}")
    sub = ts.loc[ts["district"] == district, ["step", "date", indicator]]
    if sub.empty:
        have = sorted(ts["district"].unique())
        raise KeyError(f"no rows for district {district!r} (districts: {have})")
    g = sub.groupby(["step", "date"], sort=True)[indicator]
    out = pd.DataFrame(
        {
            "q05": g.quantile(0.05) * scale,
            "median": g.median() * scale,
            "q95": g.quantile(0.95) * scale,
        }
    ).reset_index()
    out["when"] = pd.to_datetime(out["date"], format="%Y-%m")
    return out


def _n_reps(ts: pd.DataFrame) -> int:
    return int(ts["replication"].nunique()) if "replication" in ts.columns else 1


def _name(ts: pd.DataFrame, fallback: str) -> str:
    if "scenario" in ts.columns and len(ts):
        return str(ts["scenario"].iloc[0])
    return fallback


def trajectory_figure(
    timeseries: pd.DataFrame,
    indicator: str,
    *,
    baseline: pd.DataFrame | None = None,
    district: str = "all",
    title: str | None = None,
    ylabel: str | None = None,
    scale: float | None = None,
) -> Figure:
    """An indicator over time: median across replications with a shaded 5–95% band.

    Args:
        timeseries: rows of ``timeseries.parquet`` (scenario, replication, step, date,
            district, indicators).
        indicator: the column to plot.
        baseline: the baseline's timeseries, drawn beside the scenario in a second colour.
        district: a district name, or ``"all"`` for the whole area.
        title: the headline (default: the indicator's label).
        ylabel: the y-axis label (default: from the indicator's unit).
        scale: multiplier of the values (default: 100 for shares, shown in %).

    Returns:
        The figure (not shown, not saved).
    """
    label, unit = _label_unit(indicator)
    default_ylabel, default_scale = _AXIS_UNITS.get(unit, (unit or indicator, 1.0))
    ylabel = ylabel or default_ylabel
    scale = default_scale if scale is None else scale
    name = _name(timeseries, "scenario")
    n = _n_reps(timeseries)
    with report_style():
        fig = Figure(figsize=FIGSIZE_IN, layout="constrained")
        ax = fig.add_subplot()
        series = [(timeseries, name, SCENARIO_COLOUR)]
        if baseline is not None:
            series.append((baseline, f"baseline {_name(baseline, 'baseline')}", BASELINE_COLOUR))
        lowest, highest = 0.0, 0.0
        for ts, who, colour in series:
            b = _bands(ts, indicator, district, scale)
            lowest = min(lowest, float(b["q05"].min()))
            highest = max(highest, float(b["q95"].max()))
            ax.fill_between(
                b["when"],
                b["q05"],
                b["q95"],
                color=colour,
                alpha=BAND_ALPHA,
                linewidth=0,
                label=f"{who}, 5–95% of runs",
            )
            ax.plot(
                b["when"],
                b["median"],
                color=colour,
                linewidth=MEDIAN_LINEWIDTH,
                label=f"{who}, median",
                clip_on=False,
                zorder=3,
            )
        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.set_xlabel("month")
        ax.set_ylabel(ylabel)
        if lowest >= 0:  # counts, rates and prices: start the axis at zero
            ax.set_ylim(0.0, ax.get_ylim()[1] if highest > 0 else 1.0)
        where = "all districts" if district == "all" else f"district {district}"
        reps = f"{n} replication{'s' if n != 1 else ''}"
        ax.set_title(f"{title or label}\n{name}, {where}, {reps}", loc="left")
        # below the plot: a band over the whole run leaves no free corner inside the axes
        fig.legend(loc="outside lower center", ncol=2, frameon=False)
    return fig


def extreme_poverty_figure(
    timeseries: pd.DataFrame, baseline: pd.DataFrame | None = None, district: str = "all"
) -> Figure:
    """Extreme-poverty headcount (USD 1.90 line) over time, in % of persons."""
    return trajectory_figure(
        timeseries,
        "extreme_poverty_rate",
        baseline=baseline,
        district=district,
        title="Extreme poverty headcount (USD 1.90/day, 2011 PPP)",
        ylabel="% of persons",
    )


def processing_jobs_figure(
    timeseries: pd.DataFrame, baseline: pd.DataFrame | None = None, district: str = "all"
) -> Figure:
    """Processing jobs over time, in workers."""
    return trajectory_figure(
        timeseries,
        "processing_jobs",
        baseline=baseline,
        district=district,
        title="Jobs in local processing",
        ylabel="jobs (workers)",
    )


def net_processing_jobs_figure(
    timeseries: pd.DataFrame, baseline: pd.DataFrame | None = None, district: str = "all"
) -> Figure:
    """Processing jobs less the work plants elsewhere lose (net national jobs), in workers."""
    return trajectory_figure(
        timeseries,
        "net_processing_jobs",
        baseline=baseline,
        district=district,
        title="Processing jobs, net of work lost at plants elsewhere in Indonesia",
        ylabel="jobs (workers)",
    )


def standard_figures(results: Results | str | Path) -> dict[str, Figure]:
    """The standard figure set of a results directory, by file stem.

    ``extreme_poverty`` and ``processing_jobs`` always; ``net_processing_jobs`` when some
    work is displaced from plants elsewhere; ``farmgate_price_<commodity>`` for
    each commodity in the timeseries. The baseline (``DIR/baseline``) is drawn beside the
    scenario when present.
    """
    if not isinstance(results, Results):
        results = read_results(results)
    ts = results.timeseries
    base = results.baseline.timeseries if results.baseline is not None else None
    figs = {
        "extreme_poverty": extreme_poverty_figure(ts, base),
        "processing_jobs": processing_jobs_figure(ts, base),
    }
    if "jobs_displaced_elsewhere" in ts.columns and (ts["jobs_displaced_elsewhere"] > 0).any():
        figs["net_processing_jobs"] = net_processing_jobs_figure(ts, base)
    for col in sorted(c for c in ts.columns if c.startswith("farmgate_price_")):
        if base is not None and col not in base.columns:
            continue
        figs[col] = trajectory_figure(ts, col, baseline=base)
    return figs


def save_figure(
    fig: Figure, path_stem: str | Path, formats: Sequence[str] = ("png", "svg"), dpi: int = DPI
) -> list[Path]:
    """Write ``fig`` as ``<path_stem>.png`` and ``.svg`` (atomically; no timestamps).

    The layout is computed once, its axes' positions rounded to :data:`LAYOUT_DIGITS`
    decimals (of the figure's size), then held while every format is written. Run again by
    each save, the constrained layout moves the axes by a few floating-point bits, and the
    SVG's clip-path ids (hashes of the clip box) with them, so the same figure would give
    different bytes.
    """
    stem = Path(path_stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    engine = fig.get_layout_engine()
    with report_style():
        fig.draw_without_rendering()
    fig.set_layout_engine("none")
    for ax in fig.axes:
        ax.set_position([round(v, LAYOUT_DIGITS) for v in ax.get_position().bounds])
    try:
        for fmt in formats:
            path = stem.with_name(f"{stem.name}.{fmt}")
            metadata = {"Date": None} if fmt == "svg" else {"Software": None}

            def write(fh, fmt=fmt, metadata=metadata):
                with report_style():
                    fig.savefig(fh, format=fmt, dpi=dpi, metadata=metadata)

            written.append(atomic_write_bytes(path, write))
    finally:
        fig.set_layout_engine(engine)
    return written


def write_figures(results_dir: str | Path, out_dir: str | Path | None = None) -> list[Path]:
    """Draw :func:`standard_figures` of a results directory into ``DIR/figures``.

    Returns:
        The files written (PNG and SVG of each figure).
    """
    results = read_results(results_dir)
    out = Path(out_dir) if out_dir is not None else Path(results_dir) / FIGURES_DIR
    written: list[Path] = []
    for stem, fig in standard_figures(results).items():
        written += save_figure(fig, out / stem)
        fig.clear()
    return written

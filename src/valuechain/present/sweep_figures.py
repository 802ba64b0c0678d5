"""Figures of a sweep: paired effects against the design factors, and one band per point.

A sweep runs many scenarios, one per design point; a figure that pooled every point's runs
into one band and labelled it as one scenario would show nothing true. So:

- **effects** (a sweep whose experiment names a baseline): for each output, the paired
  effect of each point against the baseline (:func:`valuechain.experiments.sweep.
  paired_effects`, same seeds) against the design factors, with 95% intervals. One factor: a
  line with its interval as a band. Two factors on a grid (or any design whose second factor
  takes at most :data:`MAX_BANDS` values): one line and band per value of the second. Other
  designs (``lhs``, ``morris``, ``sobol``, or more factors): one panel per factor, each
  point's effect with its interval as an error bar.
- **trajectories**: an indicator over time with one band (5–95% of replications) per design
  point and one for the baseline, when that makes at most :data:`MAX_BANDS` bands; beyond
  that, one band per level of the factor named by ``by`` (pooled over the other factors, and
  labelled so), or none, and :attr:`SweepFigures.skipped` says why.

Every figure is in the report style (:mod:`valuechain.present.style`) and the report's
language (:mod:`valuechain.present.language`, English by default), saved as PNG and SVG into
the sweep's ``figures/`` folder: ``effects_<output>``, ``over_time_<indicator>``.

Example:
    >>> from valuechain.present.sweep_figures import write_sweep_figures   # doctest: +SKIP
    >>> drawn = write_sweep_figures("results/remiller_capacity_effects", lang="id")
    >>> drawn.written, drawn.skipped

API: :func:`write_sweep_figures` ``(directory, out_dir=None, *, lang="en", by=None) ->
SweepFigures``; :func:`effects_figure` ``(results, output, lang) -> Figure``;
:func:`trajectories_figure` ``(results, indicator, lang, by=None) -> Figure`` (raises
:class:`TooManyBands`); :func:`is_sweep_folder` ``(directory) -> bool``.
"""

from __future__ import annotations

import json
import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from valuechain.errors import UserError
from valuechain.experiments.spec import OutputSpec
from valuechain.experiments.sweep import ExperimentResults, read_experiment
from valuechain.outputs.aggregations import AGGREGATIONS
from valuechain.present.figures import save_figure
from valuechain.present.language import Language, indicator_scale, language
from valuechain.present.style import (
    BAND_ALPHA,
    FIGURE_SIZES_IN,
    INTERVAL_LINEWIDTH,
    MEDIAN_LINEWIDTH,
    PALETTE,
    SERIES,
    axis_label,
    date_axis,
    draw_band,
    legend_above,
    number_axis,
    report_style,
    set_title,
    source_note,
    source_text,
)
from valuechain.runs.results import FIGURES_DIR, MANIFEST

__all__ = [
    "HEADLINE_OUTPUTS",
    "MAX_BANDS",
    "TRAJECTORY_INDICATORS",
    "SweepFigures",
    "TooManyBands",
    "difference_unit",
    "effects_figure",
    "factor_label",
    "is_sweep_folder",
    "output_text",
    "sweep_outputs",
    "trajectories_figure",
    "value_text",
    "write_sweep_figures",
]

#: The most bands (or lines) one figure holds and stays readable, the baseline's included.
MAX_BANDS = 8
#: Time series drawn with one band per design point, before the outputs' own indicators.
TRAJECTORY_INDICATORS = ("extreme_poverty_rate", "processing_jobs")
#: Effects drawn when the experiment declares no outputs (summary key -> what it is).
HEADLINE_OUTPUTS: dict[str, OutputSpec] = {
    "extreme_poverty_rate_mean_last12": OutputSpec(
        indicator="extreme_poverty_rate", aggregation="mean_last12"
    ),
    "sustained_exits_final": OutputSpec(indicator="sustained_exits", aggregation="final"),
    "processing_jobs_last12": OutputSpec(indicator="processing_jobs", aggregation="mean_last12"),
}
#: Characters of an axis label before it wraps (the unit then on a line of its own).
AXIS_LABEL_CHARS = 40
#: Markers of the lines of an effects figure, one per line: lines that coincide stay
#: visible, and the figure reads in grey print.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
#: Colours of the design points (black is the baseline's).
POINT_COLOURS = tuple(c for c in SERIES if c != PALETTE["black"])
BASELINE_LINE = {"color": PALETTE["black"], "linestyle": "--"}


class TooManyBands(UserError):
    """A trajectory figure would need more than :data:`MAX_BANDS` bands."""


@dataclass
class SweepFigures:
    """What :func:`write_sweep_figures` drew.

    Attributes:
        written: the files (PNG and SVG of each figure).
        skipped: why a figure was not drawn (one sentence each).
    """

    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def is_sweep_folder(directory: str | Path) -> bool:
    """Whether ``directory`` holds a finished sweep (its manifest's kind is ``sweep``)."""
    path = Path(directory) / MANIFEST
    if not path.is_file():
        return False
    try:
        return json.loads(path.read_text("utf-8")).get("kind") == "sweep"
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False


# --------------------------------------------------------------------------- labels


def _spec(results: ExperimentResults) -> dict[str, Any]:
    return results.manifest["experiment_spec"]


def sweep_outputs(results: ExperimentResults) -> dict[str, OutputSpec]:
    """The outputs of a sweep by name (the experiment's, or the headline indicators)."""
    declared = _spec(results)["outputs"]
    if declared:
        return {n: OutputSpec(**o) for n, o in declared.items()}
    return dict(HEADLINE_OUTPUTS)


def output_text(lang: Language, output: OutputSpec) -> str:
    """An output's label in the report's language (its own label when the file gives one)."""
    if output.label:
        return output.label
    return lang.t(
        "summary.label",
        indicator=lang.indicator_label(output.indicator),
        aggregation=lang.t(f"aggregation.{output.aggregation}"),
    )


def difference_unit(lang: Language, output: OutputSpec) -> str:
    """The unit of a paired difference: percentage points for a share (drawn x 100)."""
    if indicator_scale(output.indicator) != 1.0:
        return lang.t("figure.axis.points_unit")
    total = f"indicator.{output.indicator}.unit_total"
    if AGGREGATIONS[output.aggregation].adds_months and lang.has(total):
        return lang.t(total)
    return lang.indicator_unit(output.indicator)


def factor_label(results: ExperimentResults, name: str, with_unit: bool = False) -> str:
    """A factor's label (as the experiment file names it), with its unit in brackets."""
    f = _spec(results)["factors"][name]
    label = f.get("label") or name
    return f"{label} ({f['unit']})" if with_unit and f.get("unit") else label


def value_text(lang: Language, value: Any) -> str:
    """A factor's value as a legend shows it: as many decimals as it has (up to four
    significant digits), in the language's format."""
    if isinstance(value, bool | str | np.bool_):
        return str(value)
    x = float(value)
    text = f"{x:.4g}"
    digits = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    return lang.number(x, digits)


def _source(lang: Language, results: ExperimentResults) -> str:
    m = results.manifest
    return source_text(lang, m["package_version"], m["experiment"], int(m["replications"]))


def _numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _positions(values: pd.Series) -> tuple[np.ndarray, list[str] | None]:
    """x positions of factor values: the values when numeric, else 0, 1, ... with labels."""
    if _numeric(values):
        return values.to_numpy(dtype=float), None
    levels = list(dict.fromkeys(values))
    return np.array([levels.index(v) for v in values], dtype=float), [str(v) for v in levels]


# --------------------------------------------------------------------------- effects


def effects_figure(results: ExperimentResults, output: str, lang: Language) -> Figure:
    """The paired effect of each design point on ``output`` against the design factors.

    Raises:
        ResultsError: the sweep has no baseline (so no effects).
        KeyError: the effects table has no such output.
    """
    spec = sweep_outputs(results)[output]
    rows = results.effects[results.effects["output"] == output]
    if rows.empty:
        raise KeyError(f"no effects of {output!r} in {results.path}")
    scale = indicator_scale(spec.indicator)
    factors = results.factors
    second = factors[1] if len(factors) == 2 else None
    lines = second is not None and rows[second].nunique() <= MAX_BANDS
    label = output_text(lang, spec)
    # the axis names the indicator and the unit; the title says how months are aggregated
    short = spec.label or lang.indicator_label(spec.indicator)
    ylabel = lang.t(
        "figure.axis.label_unit",
        label=lang.t("figure.axis.difference", label=short),
        unit=difference_unit(lang, spec),
    )
    if len(ylabel) > AXIS_LABEL_CHARS:
        ylabel = "\n".join(
            [
                *textwrap.wrap(lang.t("figure.axis.difference", label=short), AXIS_LABEL_CHARS),
                f"({difference_unit(lang, spec)})",
            ]
        )
    with report_style():
        if len(factors) == 1 or lines:
            fig = Figure(figsize=FIGURE_SIZES_IN["full"], layout="constrained")
            ax = fig.add_subplot()
            _effect_lines(ax, results, rows, factors[0], second, scale, lang)
            axes = [ax]
        else:
            n = len(factors)
            size = FIGURE_SIZES_IN["full_tall" if n > 2 else "full"]
            fig = Figure(figsize=size, layout="constrained")
            grid = fig.subplots(math.ceil(n / 2), min(n, 2), squeeze=False, sharey=True)
            axes = list(grid.flat)
            for ax, name in zip(axes, factors, strict=False):
                _effect_points(ax, results, rows, name, scale, lang)
            for ax in axes[n:]:
                ax.set_visible(False)
            axes = axes[:n]
        for ax in axes:
            ax.axhline(0.0, color=PALETTE["black"], linewidth=0.8, zorder=1)
            number_axis(ax, lang)
        set_title(fig, lang.t("figure.title.sweep_effect_on", indicator=label))
        note = _source(lang, results)
        if len(factors) == 1 or lines:
            axes[0].set_ylabel(ylabel)
            legend_above(axes[0], ncol=2)
            note += "\n" + lang.t("figure.legend.band_interval")
        else:  # panels: each titled by its factor; what a point and a bar are, in the note
            for i, ax in enumerate(axes):
                if i % 2 == 0:
                    ax.set_ylabel(ylabel)
            note += "\n" + lang.t("figure.legend.effect_interval")
        source_note(fig, note)
    return fig


def _effect_lines(
    ax: Axes,
    results: ExperimentResults,
    rows: pd.DataFrame,
    x_factor: str,
    by: str | None,
    scale: float,
    lang: Language,
) -> None:
    """One line and band per value of ``by`` (one line when None), effect against x."""
    groups = [(None, rows)] if by is None else list(rows.groupby(by, sort=True))
    x_all, ticks = _positions(rows[x_factor])
    for i, (value, part) in enumerate(groups):
        part = part.assign(_x=x_all[rows.index.get_indexer(part.index)]).sort_values("_x")
        colour = POINT_COLOURS[i % len(POINT_COLOURS)]
        text = (
            lang.t("figure.legend.effect_interval")
            if by is None
            else lang.t(
                "figure.legend.factor_value",
                factor=factor_label(results, by),
                value=value_text(lang, value),
            )
        )
        d = part["difference"].to_numpy(float) * scale
        lo = part["ci_low"].to_numpy(float) * scale
        hi = part["ci_high"].to_numpy(float) * scale
        ax.fill_between(part["_x"], lo, hi, color=colour, alpha=BAND_ALPHA, linewidth=0)
        ax.plot(
            part["_x"],
            d,
            color=colour,
            marker=MARKERS[i % len(MARKERS)],
            markersize=5 if i == 0 else 4,
            linewidth=MEDIAN_LINEWIDTH,
            label=text,
            zorder=3 + i,
        )
    ax.set_xlabel(factor_label(results, x_factor, with_unit=True))
    if ticks is not None:
        ax.set_xticks(range(len(ticks)), ticks)
    else:
        number_axis(ax, lang, axis="x")


def _effect_points(
    ax: Axes,
    results: ExperimentResults,
    rows: pd.DataFrame,
    factor: str,
    scale: float,
    lang: Language,
) -> None:
    """Each point's effect and interval against one factor (an error bar per point)."""
    x, ticks = _positions(rows[factor])
    d = rows["difference"].to_numpy(float) * scale
    lo = rows["ci_low"].to_numpy(float) * scale
    hi = rows["ci_high"].to_numpy(float) * scale
    yerr = np.vstack([d - lo, hi - d])
    yerr = np.where(np.isfinite(yerr), yerr, 0.0)
    ax.errorbar(
        x,
        d,
        yerr=yerr,
        fmt="o",
        color=POINT_COLOURS[0],
        markersize=3.5,
        elinewidth=INTERVAL_LINEWIDTH * 0.6,
        alpha=0.8,
        label=lang.t("figure.legend.effect_interval"),
    )
    ax.set_title(lang.t("figure.title.sweep_effects", factor=factor_label(results, factor)))
    ax.set_xlabel(factor_label(results, factor, with_unit=True))
    if ticks is not None:
        ax.set_xticks(range(len(ticks)), ticks)
    else:
        number_axis(ax, lang, axis="x")


# --------------------------------------------------------------------------- over time


def _band_groups(
    results: ExperimentResults, lang: Language, by: str | None
) -> list[tuple[str, list[int]]]:
    """(legend label, points) of each band: one per point, or one per level of ``by``.

    Raises:
        TooManyBands: more bands than :data:`MAX_BANDS` (the baseline's counted).
        UserError: ``by`` is not a factor of the sweep.
    """
    points = results.points
    room = MAX_BANDS - (1 if results.has_baseline else 0)
    factors = results.factors
    if by is None and len(points) <= room:
        out = []
        for _, row in points.iterrows():
            parts = [
                lang.t(
                    "figure.legend.factor_value",
                    factor=factor_label(results, f),
                    value=value_text(lang, row[f]),
                )
                for f in factors
            ]
            out.append((", ".join(parts), [int(row["point"])]))
        return out
    if by is not None and by not in factors:
        raise UserError(
            f"--by {by}: not a factor of {results.manifest['experiment']}",
            hint=f"choose one of {', '.join(factors)}",
        )
    few = [f for f in factors if points[f].nunique() <= room]
    if by is None or by not in few:
        what = f"{len(points)} design points" if by is None else f"{by} takes more values"
        raise TooManyBands(
            f"{what}: more than {room} bands in one figure cannot be told apart, so the "
            "trajectories are not drawn (the effects are)",
            hint=(
                f"draw one band per level of a factor with --by FACTOR ({', '.join(few)})"
                if few
                else "read the time series of a few points with ExperimentResults."
                "read_timeseries(points=[...])"
            ),
        )
    out = []
    for value, part in points.groupby(by, sort=True):
        text = lang.t(
            "figure.legend.factor_value",
            factor=factor_label(results, by),
            value=value_text(lang, value),
        )
        out.append((text, [int(p) for p in part["point"]]))
    return out


def _pooled_note(results: ExperimentResults, lang: Language, by: str | None) -> str | None:
    """What the bands pool over when they are drawn per level of ``by``."""
    others = [factor_label(results, f) for f in results.factors if f != by]
    if by is None or not others:
        return None
    label = factor_label(results, by)
    return lang.t("figure.legend.pooled", label=label, factors=", ".join(others))


def _quantiles(ts: pd.DataFrame, indicator: str, scale: float) -> pd.DataFrame:
    """Median and 5th/95th percentiles across runs, per month, for the whole area."""
    sub = ts.loc[ts["district"] == "all", ["date", indicator]]
    g = sub.groupby("date", sort=True)[indicator]
    out = pd.DataFrame(
        {"q05": g.quantile(0.05), "median": g.median(), "q95": g.quantile(0.95)}
    ).mul(scale)
    out["when"] = pd.to_datetime(out.index, format="%Y-%m")
    return out


def trajectories_figure(
    results: ExperimentResults, indicator: str, lang: Language, by: str | None = None
) -> Figure:
    """``indicator`` over time: one band per design point (or per level of ``by``), and
    the baseline's band when the sweep has one.

    Raises:
        TooManyBands: more bands than :data:`MAX_BANDS` would be needed.
    """
    groups = _band_groups(results, lang, by)
    scale = indicator_scale(indicator)
    ts = results.read_timeseries(["date", "district", indicator])
    name = lang.indicator_label(indicator)
    with report_style():
        fig = Figure(figsize=FIGURE_SIZES_IN["full_tall"], layout="constrained")
        ax = fig.add_subplot()
        if results.has_baseline:
            b = _quantiles(results.baseline_timeseries, indicator, scale)
            ax.fill_between(b["when"], b["q05"], b["q95"], color="#000000", alpha=BAND_ALPHA / 2)
            scenario = results.manifest["baseline"]["scenario"]
            ax.plot(
                b["when"],
                b["median"],
                linewidth=MEDIAN_LINEWIDTH,
                label=lang.t("figure.legend.baseline_named", scenario=scenario),
                zorder=4,
                **BASELINE_LINE,
            )
        for i, (text, points) in enumerate(groups):
            q = _quantiles(ts[ts["point"].isin(points)], indicator, scale)
            colour = POINT_COLOURS[i % len(POINT_COLOURS)]
            draw_band(ax, q["when"], q["q05"], q["median"], q["q95"], colour, text)
        date_axis(ax, lang)
        number_axis(ax, lang)
        ax.set_ylabel(axis_label(lang, indicator))
        if ax.get_ylim()[0] > 0 or (ax.get_ylim()[0] < 0 and (ts[indicator] >= 0).all()):
            ax.set_ylim(bottom=0.0)
        title = "sweep_over_time_baseline" if results.has_baseline else "sweep_over_time"
        set_title(fig, lang.t(f"figure.title.{title}", indicator=name))
        legend_above(ax, ncol=1 if len(groups) > 4 else 2)
        band = lang.t("figure.legend.band", low=lang.integer(5), high=lang.integer(95))
        pooled = _pooled_note(results, lang, by if len(groups) < len(results.points) else None)
        note = _source(lang, results) + "\n" + band + (f"\n{pooled}" if pooled else "")
        source_note(fig, note)
    return fig


# --------------------------------------------------------------------------- writing


def write_sweep_figures(
    directory: str | Path,
    out_dir: str | Path | None = None,
    *,
    lang: str = "en",
    by: str | None = None,
) -> SweepFigures:
    """Draw a sweep's figures into ``DIR/figures``: the effects of each output (when the
    experiment names a baseline) and the trajectories, one band per point or per level of
    ``by`` (or none, and why, when they would be too many).

    Raises:
        ResultsError: ``directory`` is not a finished sweep.
        UserError: ``lang`` is not a language of the report, or ``by`` not a factor.
    """
    results = read_experiment(directory)
    language_ = language(lang)
    out = Path(out_dir) if out_dir is not None else Path(directory) / FIGURES_DIR
    drawn = SweepFigures()
    if results.has_baseline:
        for output in sweep_outputs(results):
            fig = effects_figure(results, output, language_)
            drawn.written += save_figure(fig, out / f"effects_{output}")
            fig.clear()
    else:
        drawn.skipped.append(
            'effects: the experiment names no baseline (add baseline = "SCENARIO.toml" to '
            "compare every point with it on the same seeds)"
        )
    indicators = list(TRAJECTORY_INDICATORS)
    for o in sweep_outputs(results).values():
        if o.indicator not in indicators and o.indicator in results.timeseries_columns:
            indicators.append(o.indicator)
    for indicator in indicators:
        if indicator not in results.timeseries_columns:
            continue
        try:
            fig = trajectories_figure(results, indicator, language_, by)
        except TooManyBands as exc:
            drawn.skipped.append(f"over time: {exc} ({exc.hint})")
            break
        drawn.written += save_figure(fig, out / f"over_time_{indicator}")
        fig.clear()
    return drawn

"""The report's figures: a study's scenarios against their baselines, in the report's language.

Every figure is drawn from a :class:`~valuechain.experiments.study.StudyRuns` (each scenario's
results folder with ``comparison.csv``, ``timeseries``, ``plants`` and its baseline's), in one
style (:mod:`valuechain.present.style`) and one language
(:class:`~valuechain.present.language.Language`); each function returns a matplotlib
:class:`~matplotlib.figure.Figure` (nothing shown, nothing saved).

Figures (file name → what it shows; issue 13's sections):

- ``effects_extreme_poverty``, ``effects_sustained_exits`` (effects): forest plots of the
  paired effects with 95% intervals, scenarios by group and sorted within it, a zero line;
  the wider interval with parameter uncertainty (``ci_low_total``) behind when the results
  carry it.
- ``cost_per_exit`` (cost-effectiveness): scenarios ranked by cost per additional sustained
  exit with intervals; those without one named in the note. ``spending_vs_exits``: Δ public
  spending against Δ sustained exits, both intervals, the efficient frontier marked
  (:func:`efficient_frontier`).
- ``over_time_<id>`` (over time): extreme poverty of a scenario and its baseline, medians and
  5–95% bands over replications, the scenario's own policy windows shaded
  (:func:`policy_windows`), the goal line and the share of replications reaching it.
- ``jobs_<id>`` (jobs, scenarios with processing): jobs by plant, who holds them, farmgate
  prices and the share processed locally, scenario against baseline.
- ``budgets_<id>`` (budgets): spending by programme and by funding source, stacked, and the
  months a budget had run out.
- ``targeting`` (targeting): exclusion and inclusion errors of each scenario and its
  baseline, where the results carry them.

Example:
    >>> from valuechain.experiments.study import load_study, run_study   # doctest: +SKIP
    >>> runs = run_study(load_study("studies/levers_2024.toml"), "results/levers_2024")
    >>> written = write_report_figures(runs, "results/levers_2024/report", "id")

API:
    :func:`report_figures` ``(runs, lang) -> list[ReportFigure]`` (every figure the results
    allow, in the report's order: name, section, caption id and values, Figure);
    :func:`write_report_figures` ``(runs, out_dir, lang) -> list[Path]`` (PNG and SVG under
    ``out_dir/figures/``). One figure each: :func:`effects_forest`,
    :func:`cost_effectiveness_ranking`, :func:`spending_vs_exits`, :func:`over_time`,
    :func:`jobs`, :func:`budgets`, :func:`targeting`. Pure helper: :func:`policy_windows`
    (the efficient frontier and the goal come from :mod:`.tables`, which the tables share).
"""

from __future__ import annotations

import json
import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from valuechain.experiments.study import StudyResult, StudyRuns
from valuechain.present.figures import save_figure
from valuechain.present.language import Language, indicator_scale, language
from valuechain.present.report.tables import efficient_frontier, goal_reached
from valuechain.present.style import (
    BASELINE_COLOUR,
    FIGURE_SIZES_IN,
    FUNDING_COLOURS,
    INTERVAL_LINEWIDTH,
    MIN_FONT_PT,
    NOTE_COLOUR,
    PALETTE,
    SCENARIO_COLOUR,
    SERIES,
    axis_label,
    date_axis,
    draw_band,
    legend_above,
    line_chars,
    month_dates,
    number_axis,
    report_style,
    series_colour,
    set_title,
    shade_window,
    source_note,
    source_text,
)
from valuechain.runs.results import FIGURES_DIR, Results
from valuechain.runs.statistics import summarise_runs

__all__ = [
    "EXITS",
    "EXTREME_POVERTY",
    "MAX_PROGRAMMES",
    "PolicyWindow",
    "ReportFigure",
    "budgets",
    "cost_effectiveness_ranking",
    "effects_forest",
    "jobs",
    "over_time",
    "policy_windows",
    "report_figures",
    "spending_vs_exits",
    "study_source",
    "targeting",
    "write_report_figures",
]

#: The paired effects of the forest plots (summary keys of ``comparison.csv``).
EXTREME_POVERTY = "extreme_poverty_rate_march_last"
EXITS = "sustained_exits_final"
SPENDING = "fiscal_cost_cum"
COST_PER_EXIT = "cost_per_additional_sustained_exit"
#: Programmes drawn one by one in a budget figure; the rest are drawn together as "other".
MAX_PROGRAMMES = 7
#: Characters of a scenario's label on a line of a forest plot or a ranking.
LABEL_CHARS = 34
#: Height of one row of a forest plot or ranking, and of their frame (inches).
ROW_IN, FRAME_IN = 0.34, 1.7
#: A cost axis spanning more than this ratio (largest / smallest) is drawn on a log scale.
LOG_RATIO = 20.0
OTHER_COLOUR = "#999999"
ZERO_LINE = {"color": PALETTE["black"], "linewidth": 0.8, "zorder": 1}
BASELINE_LINE = {"color": BASELINE_COLOUR, "linestyle": "--", "linewidth": 1.4}
GOAL_LINE = {"color": PALETTE["black"], "linestyle": ":", "linewidth": 1.2}


@dataclass(frozen=True)
class ReportFigure:
    """A figure of the report.

    Attributes:
        name: its file name (without extension), stable.
        section: the report section it belongs to (``report.section.<section>``).
        caption: the catalog id of its caption (``figure.caption.<kind>``).
        caption_values: the values of the caption's placeholders (e.g. ``scenario``).
        figure: the figure.
    """

    name: str
    section: str
    caption: str
    figure: Figure = field(repr=False)
    caption_values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PolicyWindow:
    """Months in which programmes new or changed in a scenario act.

    Attributes:
        first_month: ``YYYY-MM``, the first month they act.
        last_month: ``YYYY-MM``, the last; None when they act to the end of the run.
        programmes: their names in the scenario.
    """

    first_month: str
    last_month: str | None
    programmes: tuple[str, ...]


# --------------------------------------------------------------------------- helpers


def _lang(lang: Language | str) -> Language:
    return lang if isinstance(lang, Language) else language(lang)


def study_source(runs: StudyRuns, lang: Language) -> str:
    """The source line of the study's figures and pages: version, study, replications."""
    first = runs.scenarios[0].results()
    reps = min(s.results().replications for s in runs.scenarios)
    return source_text(lang, str(first.manifest["package_version"]), runs.name, reps)


def _wrap(text: str, width: int = LABEL_CHARS) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _note(fig: Figure, parts: Sequence[str]) -> None:
    """The source note: each part on its own lines, wrapped to the figure's width."""
    width = line_chars(fig.get_size_inches()[0] * 0.95, MIN_FONT_PT)
    source_note(fig, "\n".join(_wrap(p, width) for p in parts))


def _scale(key: str) -> float:
    """The multiplier of a summary key's values as shown: 100 when its column is a share."""
    from valuechain.outputs import metrics

    column = metrics.SUMMARY[key][0] if key in metrics.SUMMARY else key
    return indicator_scale(column)


def _row(results: Results, indicator: str) -> pd.Series | None:
    """The row of ``comparison.csv`` for ``indicator``, or None."""
    comp = results.comparison
    if comp is None:
        return None
    rows = comp[comp["indicator"] == indicator]
    return None if rows.empty else rows.iloc[0]


def _idr_axis(ax: Axes, lang: Language, axis: str = "y") -> None:
    """Tick labels in rupiah with words of scale ("Rp 10 billion", "Rp10 miliar")."""
    fmt = FuncFormatter(lambda v, _pos: lang.idr(v, 1) if v else "0")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _ordered(runs: StudyRuns, values: Mapping[str, float], higher_first: bool) -> list[tuple]:
    """(group id or None, scenario) in the study's group order, sorted within each group by
    ``values`` (missing last)."""
    groups = [*runs.groups, None]
    out = []
    for g in groups:
        members = [s for s in runs.scenarios if (s.group if s.group in runs.groups else None) == g]
        sign = -1.0 if higher_first else 1.0

        def key(s: StudyResult, sign: float = sign) -> tuple[bool, float]:
            v = values.get(s.id, math.nan)
            return (not math.isfinite(v), sign * v if math.isfinite(v) else 0.0)

        out += [(g, s) for s in sorted(members, key=key)]
    return out


def _figure(height_in: float) -> Figure:
    width = FIGURE_SIZES_IN["full"][0]
    return Figure(figsize=(width, min(height_in, 9.0)), layout="constrained")


def _month(start: str, index: int) -> str:
    """The ``YYYY-MM`` of month ``index`` of a run that starts in ``start``."""
    year, month = (int(x) for x in start.split("-"))
    total = year * 12 + month - 1 + index
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def _quantiles(ts: pd.DataFrame, column: str, scale: float) -> pd.DataFrame:
    """Median and 5th/95th percentiles over replications per month, whole area."""
    sub = ts.loc[ts["district"] == "all", ["date", column]]
    g = sub.groupby("date", sort=True)[column]
    out = pd.DataFrame({"q05": g.quantile(0.05), "median": g.median(), "q95": g.quantile(0.95)})
    out = out.mul(scale)
    out["when"] = month_dates(list(out.index))
    return out


def _scenario_json(manifest: Mapping[str, Any]) -> dict[str, Any]:
    return json.loads(manifest.get("scenario_text") or "{}")


def _baseline_json(manifest: Mapping[str, Any]) -> dict[str, Any] | None:
    base = manifest.get("baseline") or {}
    text = base.get("scenario_text")
    return json.loads(text) if text else None


# --------------------------------------------------------------------------- effects


def effects_forest(
    runs: StudyRuns, lang: Language | str, indicator: str = EXTREME_POVERTY
) -> Figure:
    """A forest plot of each scenario's paired effect on ``indicator`` (a summary key of
    ``comparison.csv``) with its 95% interval: scenarios by group (the study's order), sorted
    within each group with the largest improvement first, a zero line. Shares are drawn in
    percentage points. When ``comparison.csv`` carries ``ci_low_total``/``ci_high_total``
    (with parameter uncertainty), that wider interval is drawn behind, thinner and lighter.
    """
    lang = _lang(lang)
    scale = _scale(indicator)
    rows = {s.id: _row(s.results(), indicator) for s in runs.scenarios}
    diff = {k: float(r["difference"]) * scale for k, r in rows.items() if r is not None}
    lower_better = "poverty" in indicator
    order = _ordered(runs, diff, higher_first=not lower_better)
    grouped = len(runs.groups) > 0
    ticks: list[tuple[float, str, bool]] = []
    y, last_group = 0.0, object()
    has_total = False
    with report_style():
        n_rows = len(order) + (len({g for g, _ in order}) if grouped else 0)
        fig = _figure(FRAME_IN + ROW_IN * n_rows)
        ax = fig.add_subplot()
        for g, s in order:
            if grouped and g != last_group:
                name = runs.groups.get(g, lang.t("group.other")) if g else lang.t("group.other")
                ticks.append((y, _wrap(name), True))
                y -= 1.0
                last_group = g
            r = rows[s.id]
            ticks.append((y, _wrap(s.label), False))
            if r is not None and math.isfinite(float(r["difference"])):
                if "ci_low_total" in r.index and math.isfinite(float(r["ci_low_total"])):
                    has_total = True
                    ax.hlines(
                        y,
                        float(r["ci_low_total"]) * scale,
                        float(r["ci_high_total"]) * scale,
                        color=SCENARIO_COLOUR,
                        alpha=0.35,
                        linewidth=INTERVAL_LINEWIDTH * 3,
                        zorder=2,
                    )
                ax.hlines(
                    y,
                    float(r["ci_low"]) * scale,
                    float(r["ci_high"]) * scale,
                    color=SCENARIO_COLOUR,
                    linewidth=INTERVAL_LINEWIDTH,
                    zorder=3,
                )
                ax.plot(diff[s.id], y, "o", color=SCENARIO_COLOUR, markersize=5, zorder=4)
            y -= 1.0
        ax.axvline(0.0, **ZERO_LINE)
        ax.set_yticks([t[0] for t in ticks], [t[1] for t in ticks])
        for label, (_, _, bold) in zip(ax.get_yticklabels(), ticks, strict=True):
            if bold:
                label.set_fontweight("bold")
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        ax.set_ylim(y + 0.4, 0.6)
        unit = lang.t("figure.axis.points_unit") if scale == 100.0 else lang.summary_unit(indicator)
        ax.set_xlabel(
            _wrap(
                lang.t(
                    "figure.axis.label_unit",
                    label=lang.t("figure.axis.difference", label=lang.summary_label(indicator)),
                    unit=unit,
                ),
                70,
            )
        )
        number_axis(ax, lang, "x")
        handles = [
            Line2D([], [], color=SCENARIO_COLOUR, marker="o", markersize=5),
        ]
        labels = [lang.t("figure.legend.effect_interval")]
        if has_total:
            handles.append(
                Line2D([], [], color=SCENARIO_COLOUR, alpha=0.35, linewidth=INTERVAL_LINEWIDTH * 3)
            )
            labels.append(lang.t("figure.legend.interval_parameters"))
        ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2)
        set_title(fig, lang.t("figure.title.effects", indicator=lang.summary_label(indicator)))
        note = [study_source(runs, lang), lang.t("report.note.paired")]
        if lower_better:
            note.append(lang.t("report.note.lower_is_better"))
        _note(fig, note)
    return fig


# --------------------------------------------------------------------------- cost


def cost_effectiveness_ranking(runs: StudyRuns, lang: Language | str) -> Figure:
    """Scenarios ranked by cost per additional sustained exit (Rp per person), cheapest at
    the top, with 95% intervals (an interval unbounded above ends in an arrow); a log axis
    when the costs span more than :data:`LOG_RATIO`. Scenarios without a cost (no additional
    sustained exits on average) are named in the note."""
    lang = _lang(lang)
    costs, undefined = [], []
    for s in runs.scenarios:
        r = _row(s.results(), COST_PER_EXIT)
        if r is None or not math.isfinite(float(r["difference"])):
            undefined.append(s.label)
        else:
            costs.append((s, float(r["difference"]), float(r["ci_low"]), float(r["ci_high"])))
    costs.sort(key=lambda c: c[1])
    with report_style():
        fig = _figure(FRAME_IN + ROW_IN * max(len(costs), 2))
        ax = fig.add_subplot()
        finite = [v for c in costs for v in c[1:] if math.isfinite(v) and v > 0]
        log = bool(finite) and max(finite) / min(finite) > LOG_RATIO
        if log:
            ax.set_xscale("log")
        top = max(finite) * (3.0 if log else 1.15) if finite else 1.0
        for i, (_, mid, lo, hi) in enumerate(costs):
            y = -float(i)
            end = hi if math.isfinite(hi) else top
            ax.hlines(y, lo, end, color=SCENARIO_COLOUR, linewidth=INTERVAL_LINEWIDTH, zorder=3)
            if not math.isfinite(hi):
                ax.plot(end, y, ">", color=SCENARIO_COLOUR, markersize=6, zorder=3)
            ax.plot(mid, y, "o", color=SCENARIO_COLOUR, markersize=5, zorder=4)
        ax.set_yticks([-float(i) for i in range(len(costs))], [_wrap(c[0].label) for c in costs])
        ax.set_ylim(-len(costs) + 0.4, 0.6)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        if finite:
            ax.set_xlim(min(finite) / (2.0 if log else 1.0) if log else 0.0, top * 1.05)
        ax.set_xlabel(lang.t("figure.axis.cost_per_exit"))
        _idr_axis(ax, lang, "x")
        set_title(fig, lang.t("figure.title.cost_ranking"))
        note = [study_source(runs, lang), lang.t("figure.legend.effect_interval")]
        if any(not math.isfinite(c[3]) for c in costs):
            note.append(lang.t("report.note.unbounded"))
        if undefined:
            note.append(lang.t("figure.note.no_cost", scenarios="; ".join(undefined)))
        if not costs:
            ax.text(
                0.5,
                0.5,
                lang.t("report.note.none_available"),
                transform=ax.transAxes,
                ha="center",
                va="center",
                color=NOTE_COLOUR,
            )
            ax.set_yticks([])
        _note(fig, note)
    return fig


def spending_vs_exits(runs: StudyRuns, lang: Language | str) -> Figure:
    """Δ public spending (Rp) against Δ sustained exits (persons), each scenario a numbered
    point with both 95% intervals as cross bars; the efficient frontier
    (:func:`efficient_frontier`) ringed and joined. The numbers are named in the note."""
    lang = _lang(lang)
    pts = []
    for s in runs.scenarios:
        e, c = _row(s.results(), EXITS), _row(s.results(), SPENDING)
        if e is None or c is None:
            continue
        pts.append(
            (
                s,
                *(float(e[k]) for k in ("difference", "ci_low", "ci_high")),
                *(float(c[k]) for k in ("difference", "ci_low", "ci_high")),
            )
        )
    on = efficient_frontier([p[4] for p in pts], [p[1] for p in pts])
    with report_style():
        fig, ax = _full_tall_short()
        for i, (_, x, xlo, xhi, y, ylo, yhi) in enumerate(pts):
            colour = series_colour(i)
            ax.errorbar(
                x,
                y,
                xerr=[[x - xlo], [xhi - x]],
                yerr=[[y - ylo], [yhi - y]],
                fmt="o",
                color=colour,
                markersize=5,
                elinewidth=INTERVAL_LINEWIDTH,
                capsize=3,
                zorder=3,
            )
            ax.annotate(
                lang.integer(i + 1),
                (x, y),
                xytext=(5, 5),
                textcoords="offset points",
                fontsize=MIN_FONT_PT,
                fontweight="bold",
                color=colour,
            )
        front = sorted((p[4], p[1]) for p, f in zip(pts, on, strict=True) if f)
        if front:
            ax.plot(
                [f[1] for f in front],
                [f[0] for f in front],
                "o",
                markersize=13,
                markerfacecolor="none",
                markeredgecolor=PALETTE["black"],
                zorder=4,
                label=lang.t("figure.legend.efficient_frontier"),
            )
            if len(front) > 1:
                ax.plot(
                    [f[1] for f in front],
                    [f[0] for f in front],
                    color=PALETTE["black"],
                    linewidth=0.9,
                    linestyle="--",
                    zorder=2,
                )
        ax.axvline(0.0, **ZERO_LINE)
        ax.axhline(0.0, **ZERO_LINE)
        ax.set_xlabel(lang.t("figure.axis.delta_exits"))
        ax.set_ylabel(lang.t("figure.axis.delta_spending"))
        number_axis(ax, lang, "x")
        _idr_axis(ax, lang, "y")
        set_title(fig, lang.t("figure.title.frontier"))
        if front:
            legend_above(ax, ncol=1)
        names = "; ".join(f"{lang.integer(i + 1)} = {p[0].label}" for i, p in enumerate(pts))
        note = [
            study_source(runs, lang),
            lang.t("figure.legend.effect_interval"),
            names,
            lang.t("report.note.frontier"),
        ]
        _note(fig, note)
    return fig


def _full_tall_short() -> tuple[Figure, Axes]:
    fig = Figure(figsize=(FIGURE_SIZES_IN["full"][0], 4.8), layout="constrained")
    return fig, fig.add_subplot()


# --------------------------------------------------------------------------- over time


def policy_windows(
    scenario: Mapping[str, Any], baseline: Mapping[str, Any] | None
) -> list[PolicyWindow]:
    """The windows of the programmes a scenario adds or changes against its baseline that act
    for part of the run (a ``start_month`` after 0 or an ``end_month``), merged by window,
    in order of their first month.

    Args:
        scenario: the resolved scenario (``manifest["scenario_text"]`` read as JSON), with
            ``start`` (``YYYY-MM``) and ``policies``.
        baseline: the resolved baseline, or None.
    """
    base = (baseline or {}).get("policies", {})
    start = str(scenario["start"])
    windows: dict[tuple[int, int | None], list[str]] = {}
    for name, p in scenario.get("policies", {}).items():
        if not p.get("enabled", True) or base.get(name) == p:
            continue
        first, last = int(p.get("start_month", 0)), p.get("end_month")
        if first == 0 and last is None:
            continue
        windows.setdefault((first, last), []).append(name)
    out = []
    for (first, last), names in sorted(windows.items(), key=lambda w: (w[0][0], w[0][1] or 1e9)):
        end = None if last is None else _month(start, int(last))
        out.append(PolicyWindow(_month(start, first), end, tuple(names)))
    return out


def over_time(runs: StudyRuns, scenario: StudyResult, lang: Language | str) -> Figure:
    """Extreme poverty (USD 1.90, whole area) of a scenario and of its baseline over time:
    medians and 5–95% bands over replications, the windows of the programmes the scenario
    adds or changes shaded (a programme that starts later and runs to the end marked by a
    dotted line), and the goal (:attr:`StudyRuns.goal_extreme_poverty`) as a line, the share
    of replications reaching it in the legend."""
    lang = _lang(lang)
    res = scenario.results()
    column = "extreme_poverty_rate"
    scale = indicator_scale(column)
    goal = runs.goal_extreme_poverty
    with report_style():
        fig, ax = _full_tall_short()
        if res.baseline is not None:
            b = _quantiles(res.baseline.timeseries, column, scale)
            draw_band(
                ax,
                b["when"],
                b["q05"],
                b["median"],
                b["q95"],
                BASELINE_COLOUR,
                lang.t("figure.legend.baseline"),
            )
        q = _quantiles(res.timeseries, column, scale)
        draw_band(
            ax,
            q["when"],
            q["q05"],
            q["median"],
            q["q95"],
            SCENARIO_COLOUR,
            lang.t("figure.legend.scenario"),
        )
        windows = policy_windows(_scenario_json(res.manifest), _baseline_json(res.manifest))
        shaded = started = False
        for w in windows:
            if w.last_month is None:
                ax.axvline(
                    month_dates([w.first_month])[0],
                    color=NOTE_COLOUR,
                    linestyle=":",
                    linewidth=1.0,
                    zorder=1,
                    label=None if started else lang.t("figure.legend.programme_start"),
                )
                started = True
            else:
                shade_window(ax, w.first_month, w.last_month, lang, label=not shaded)
                for edge in (w.first_month, _month(w.last_month, 1)):
                    ax.axvline(month_dates([edge])[0], color=NOTE_COLOUR, linewidth=0.6, zorder=1)
                shaded = True
        reached = goal_reached(res.timeseries, goal)
        share, first = reached.share, reached.first_month
        base_share = (
            goal_reached(res.baseline.timeseries, goal).share
            if res.baseline is not None
            else math.nan
        )
        ax.axhline(
            goal * scale,
            **GOAL_LINE,
            label=lang.t("figure.legend.goal", threshold=lang.percent(goal, 0)),
        )
        ax.set_xlim(q["when"].iloc[0], q["when"].iloc[-1])
        ax.set_ylim(bottom=0.0)
        date_axis(ax, lang)
        number_axis(ax, lang)
        ax.set_ylabel(axis_label(lang, column))
        set_title(
            fig,
            lang.t(
                "figure.title.over_time",
                indicator=lang.indicator_label(column),
                scenario=scenario.label,
            ),
        )
        legend_above(ax, ncol=2)
        note = [study_source(runs, lang), lang.t("report.note.bands")]
        if windows:
            note.append(
                lang.t("report.note.policy_windows")
                + " "
                + "; ".join(
                    f"{lang.month(w.first_month, short=True)}–"
                    f"{lang.month(w.last_month, short=True) if w.last_month else '…'}: "
                    + ", ".join(_programme_name(lang, n, res) for n in w.programmes)
                    for w in windows
                )
            )
        note.append(
            lang.t(
                "figure.note.goal_share",
                share=lang.percent(share, 0),
                baseline_share=lang.percent(base_share, 0),
            )
        )
        note.append(
            lang.t("report.note.goal", threshold=lang.percent(goal, 0))
            + (" " + lang.t("figure.note.goal_first", month=lang.month(first)) if first else "")
        )
        _note(fig, note)
    return fig


def _programme_name(lang: Language, name: str, res: Results) -> str:
    """A programme's name in the report's language: its catalog entry, else its kind's with
    its id ("elderly and disability allowance (elderly_push)")."""
    shown = lang.programme(name)
    if shown != name:
        return shown
    kind = _scenario_json(res.manifest).get("policies", {}).get(name, {}).get("kind")
    if kind and lang.has(f"programme_kind.{kind}"):
        return f"{lang.programme_kind(kind)} ({name})"
    return name


# --------------------------------------------------------------------------- jobs


def has_processing(res: Results) -> bool:
    """Whether a scenario's results hold processing jobs (plants that employed someone)."""
    return not res.plants.empty and bool((res.timeseries["processing_jobs"] > 0).any())


def _median_by_month(df: pd.DataFrame, column: str, by: str | None = None) -> pd.DataFrame:
    keys = ["date"] + ([by] if by else [])
    per = df.groupby([*keys, "replication"], sort=True)[column].sum().reset_index()
    return per.groupby(keys, sort=True)[column].median().reset_index()


def jobs(runs: StudyRuns, scenario: StudyResult, lang: Language | str) -> Figure:
    """Processing jobs of a scenario over time: by plant, who holds them (all, initially
    poor, women, trained), the farmgate price and the share processed locally of each
    commodity the plants process (scenario against baseline); medians over replications."""
    lang = _lang(lang)
    res = scenario.results()
    ts = res.timeseries[res.timeseries["district"] == "all"]
    base = res.baseline.timeseries if res.baseline is not None else None
    base = base[base["district"] == "all"] if base is not None else None
    commodities = sorted(res.plants["commodity"].unique())
    with report_style():
        fig = Figure(figsize=(FIGURE_SIZES_IN["full"][0], 7.6), layout="constrained")
        axes = fig.subplots(2, 2, sharex=True).flat
        ax = axes[0]
        by_plant = _median_by_month(res.plants, "workers", "plant")
        for i, (plant, part) in enumerate(by_plant.groupby("plant", sort=True)):
            ax.plot(
                month_dates(part["date"]),
                part["workers"],
                color=series_colour(i),
                label=_wrap(plant.split("/")[-1].replace("_", " "), 18),
            )
        ax.set_title(lang.t("figure.title.jobs_by_plant"))
        ax.set_ylabel(axis_label(lang, "processing_jobs", 22))
        ax.legend(loc="best", fontsize=MIN_FONT_PT - 1)
        ax = axes[1]
        holders = [
            ("processing_jobs", lang.t("figure.legend.all_jobs")),
            ("processing_jobs_poor", lang.t("group.initially_poor")),
            ("processing_jobs_women", lang.t("group.women")),
            ("processing_jobs_trained", lang.t("group.trained")),
        ]
        for i, (col, text) in enumerate(holders):
            if col in ts.columns:
                m = _median_by_month(ts, col)
                ax.plot(month_dates(m["date"]), m[col], color=series_colour(i), label=text)
        ax.set_title(lang.t("figure.title.jobs_holders"))
        ax.set_ylabel(axis_label(lang, "processing_jobs", 22))
        ax.legend(loc="best", fontsize=MIN_FONT_PT - 1)
        for ax, stem, title in (
            (axes[2], "farmgate_price_", "farmgate_prices"),
            (axes[3], "local_processing_share_", "local_processing"),
        ):
            for i, c in enumerate(commodities):
                col = f"{stem}{c}"
                if col not in ts.columns:
                    continue
                scale = indicator_scale(col)
                q = _quantiles(res.timeseries, col, scale)
                draw_band(
                    ax,
                    q["when"],
                    q["q05"],
                    q["median"],
                    q["q95"],
                    series_colour(i),
                    lang.t("figure.legend.scenario_commodity", commodity=lang.commodity(c)),
                )
                if base is not None and col in base.columns:
                    b = _quantiles(res.baseline.timeseries, col, scale)
                    ax.plot(
                        b["when"],
                        b["median"],
                        color=series_colour(i),
                        linestyle="--",
                        linewidth=1.2,
                        label=lang.t(
                            "figure.legend.baseline_commodity", commodity=lang.commodity(c)
                        ),
                    )
                unit = lang.indicator_unit(col)
                ax.set_ylabel(
                    lang.t(
                        "figure.axis.label_unit", label=lang.t(f"figure.title.{title}"), unit=unit
                    )
                )
            ax.set_title(lang.t(f"figure.title.{title}"))
            ax.legend(loc="best", fontsize=MIN_FONT_PT - 1)
        for ax in axes:
            date_axis(ax, lang, max_ticks=5)
            number_axis(ax, lang)
            ax.set_ylim(bottom=0.0)
            ax.set_title(ax.get_title(), fontsize=MIN_FONT_PT + 0.5)
        for ax in axes[:2]:
            ax.set_xlabel("")
        set_title(fig, lang.t("figure.title.jobs", scenario=scenario.label))
        note = [study_source(runs, lang), lang.t("figure.note.jobs")]
        _note(fig, note)
    return fig


# --------------------------------------------------------------------------- budgets


def budgets(runs: StudyRuns, scenario: StudyResult, lang: Language | str) -> Figure:
    """Spending of a scenario over time (whole area, mean over replications, so the parts add
    up), stacked by programme (the :data:`MAX_PROGRAMMES` largest, the rest together) and by
    funding source, the baseline's total as a dashed line, and the months in which a
    programme's budget had run out (in any replication) marked above the stack."""
    lang = _lang(lang)
    res = scenario.results()
    ts = res.timeseries[res.timeseries["district"] == "all"]
    mean = (
        ts.drop(columns=["scenario", "district"]).groupby("date", sort=True).mean(numeric_only=True)
    )
    when = month_dates(list(mean.index))
    funding_cols = {"central", "district", "processing"}
    progs = [
        c.removeprefix("spending_")
        for c in mean.columns
        if c.startswith("spending_") and c.removeprefix("spending_") not in funding_cols
    ]
    totals = {p: float(mean[f"spending_{p}"].sum()) for p in progs}
    progs = [p for p in sorted(totals, key=lambda p: -totals[p]) if totals[p] > 0]
    if "spending_processing" in mean.columns and mean["spending_processing"].sum() > 0:
        progs.append("processing")
        totals["processing"] = float(mean["spending_processing"].sum())
    shown, rest = progs[:MAX_PROGRAMMES], progs[MAX_PROGRAMMES:]
    base_total = None
    if res.baseline is not None:
        bts = res.baseline.timeseries
        base_total = bts[bts["district"] == "all"].groupby("date", sort=True)["fiscal_cost"].mean()
    with report_style():
        fig = Figure(figsize=(FIGURE_SIZES_IN["full"][0], 7.6), layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True)
        layers = [mean[f"spending_{p}"].to_numpy() for p in shown]
        labels = [
            lang.funding("processing") if p == "processing" else _programme_name(lang, p, res)
            for p in shown
        ]
        if rest:
            layers.append(sum(mean[f"spending_{p}"].to_numpy() for p in rest))
            labels.append(lang.t("group.other"))
        colours = [SERIES[i % (len(SERIES) - 1)] for i in range(len(shown))]
        colours += [OTHER_COLOUR] * (len(layers) - len(shown))
        if layers:
            top.stackplot(
                when, *layers, labels=[_wrap(t, 30) for t in labels], colors=colours, linewidth=0
            )
        fund = [s for s in ("central", "district", "processing") if f"spending_{s}" in mean]
        bottom.stackplot(
            when,
            *[mean[f"spending_{s}"].to_numpy() for s in fund],
            labels=[lang.funding(s) for s in fund],
            colors=[FUNDING_COLOURS[s] for s in fund],
            linewidth=0,
        )
        for ax in (top, bottom):
            if base_total is not None:
                ax.plot(
                    month_dates(list(base_total.index)),
                    base_total.to_numpy(),
                    **{**BASELINE_LINE, "color": PALETTE["black"]},
                    label=lang.t("figure.legend.baseline_total"),
                )
            ax.set_ylabel(axis_label(lang, "fiscal_cost", 24))
            _idr_axis(ax, lang)
            date_axis(ax, lang, max_ticks=8)
            ax.set_xlim(when[0], when[-1])
            ax.set_ylim(bottom=0.0)
        top.set_xlabel("")
        exhausted = _exhausted_months(ts)
        if exhausted:
            ymax = top.get_ylim()[1]
            dates = month_dates(exhausted)
            top.plot(
                dates,
                [ymax * 0.98] * len(dates),
                "v",
                color=PALETTE["vermillion"],
                markersize=5,
                clip_on=False,
                label=lang.t("figure.legend.budget_exhausted"),
            )
        for ax, title in ((top, "spending_programme"), (bottom, "spending_funding")):
            handles, labels = ax.get_legend_handles_labels()
            ax.legend(
                handles,
                [_wrap(t, 24) for t in labels],
                loc="lower left",
                bbox_to_anchor=(0.0, 1.0),
                ncol=3,
                title=lang.t(f"figure.title.{title}"),
                alignment="left",
                fontsize=MIN_FONT_PT - 1,
            )
        set_title(fig, lang.t("figure.title.budgets", scenario=scenario.label))
        note = [study_source(runs, lang), lang.t("figure.note.spending_mean")]
        note.append(
            lang.t("report.note.budget_exhausted")
            if exhausted
            else lang.t("figure.note.no_budget_exhausted")
        )
        _note(fig, note)
    return fig


def _exhausted_months(ts: pd.DataFrame) -> list[str]:
    """Months (``YYYY-MM``) in which some programme's budget had run out in a replication."""
    cols = [c for c in ts.columns if c.startswith("budget_exhausted_")]
    if not cols:
        return []
    flag = ts[cols].fillna(0).to_numpy().max(axis=1) > 0
    return sorted(set(ts.loc[flag, "date"].astype(str)))


# --------------------------------------------------------------------------- targeting

TARGETING = ("exclusion_error_last12", "inclusion_error_last12")


def targeting(runs: StudyRuns, lang: Language | str) -> Figure | None:
    """Exclusion and inclusion errors (mean of the last 12 months, whole area) of each
    scenario and its baseline, bars with 95% intervals over replications; None when no
    results carry them."""
    lang = _lang(lang)
    rows = []
    for s in runs.scenarios:
        res = s.results()
        if res.baseline is None or not all(
            k in res.runs and k in res.baseline.runs for k in TARGETING
        ):
            continue
        rows.append(
            (
                s,
                summarise_runs(res.runs, TARGETING).set_index("indicator"),
                summarise_runs(res.baseline.runs, TARGETING).set_index("indicator"),
            )
        )
    if not rows:
        return None
    with report_style():
        fig = _figure(FRAME_IN + 0.55 * len(rows) + 0.6)
        axes = fig.subplots(1, 2, sharey=True)
        y = -np.arange(len(rows), dtype=float)
        h = 0.36
        for ax, key in zip(axes, TARGETING, strict=True):
            scale = 100.0
            for offset, which, colour, text in (
                (-h / 2, 1, SCENARIO_COLOUR, "scenario"),
                (h / 2, 2, BASELINE_COLOUR, "baseline"),
            ):
                mid = np.array([r[which].loc[key, "mean"] for r in rows]) * scale
                lo = np.array([r[which].loc[key, "ci_low"] for r in rows]) * scale
                hi = np.array([r[which].loc[key, "ci_high"] for r in rows]) * scale
                err = np.nan_to_num(np.vstack([mid - lo, hi - mid]))
                ax.barh(
                    y + offset,
                    mid,
                    height=h,
                    color=colour,
                    xerr=err,
                    error_kw={"elinewidth": 1.0, "capsize": 2},
                    label=lang.t(f"figure.legend.{text}"),
                )
            ax.set_title(lang.summary_label(key), fontsize=MIN_FONT_PT + 0.5)
            ax.set_xlabel(
                lang.t(
                    "figure.axis.label_unit",
                    label=lang.indicator_label(key.removesuffix("_last12")),
                    unit=lang.indicator_unit(key.removesuffix("_last12")),
                )
            )
            number_axis(ax, lang, "x")
            ax.grid(axis="y", visible=False)
            ax.set_xlim(0.0, 100.0)
        axes[0].set_yticks(y, [_wrap(r[0].label, 26) for r in rows])
        axes[0].tick_params(axis="y", length=0)
        legend_above(axes[0], ncol=2)
        set_title(fig, lang.t("figure.title.targeting"))
        note = [study_source(runs, lang), lang.t("figure.note.targeting")]
        _note(fig, note)
    return fig


# --------------------------------------------------------------------------- all


def report_figures(runs: StudyRuns, lang: Language | str) -> list[ReportFigure]:
    """Every figure the study's results allow, in the report's order."""
    lang = _lang(lang)
    out = [
        ReportFigure(
            "effects_extreme_poverty",
            "effects",
            "figure.caption.effects_poverty",
            effects_forest(runs, lang, EXTREME_POVERTY),
        ),
        ReportFigure(
            "effects_sustained_exits",
            "effects",
            "figure.caption.effects_exits",
            effects_forest(runs, lang, EXITS),
        ),
        ReportFigure(
            "cost_per_exit",
            "cost_effectiveness",
            "figure.caption.cost_ranking",
            cost_effectiveness_ranking(runs, lang),
        ),
        ReportFigure(
            "spending_vs_exits",
            "cost_effectiveness",
            "figure.caption.frontier",
            spending_vs_exits(runs, lang),
        ),
    ]
    for s in runs.scenarios:
        values = {"scenario": s.label}
        out.append(
            ReportFigure(
                f"over_time_{s.id}",
                "over_time",
                "figure.caption.over_time",
                over_time(runs, s, lang),
                values,
            )
        )
    for s in runs.scenarios:
        if has_processing(s.results()):
            out.append(
                ReportFigure(
                    f"jobs_{s.id}",
                    "jobs",
                    "figure.caption.jobs",
                    jobs(runs, s, lang),
                    {"scenario": s.label},
                )
            )
    for s in runs.scenarios:
        out.append(
            ReportFigure(
                f"budgets_{s.id}",
                "budgets",
                "figure.caption.budgets",
                budgets(runs, s, lang),
                {"scenario": s.label},
            )
        )
    fig = targeting(runs, lang)
    if fig is not None:
        out.append(ReportFigure("targeting", "targeting", "figure.caption.targeting", fig))
    return out


def write_report_figures(
    runs: StudyRuns, out_dir: str | Path, lang: Language | str = "en"
) -> list[Path]:
    """Draw :func:`report_figures` and save each as PNG and SVG in ``out_dir/figures/``
    (reproducible bytes: :func:`valuechain.present.figures.save_figure`).

    Returns:
        The files written.
    """
    folder = Path(out_dir) / FIGURES_DIR
    written: list[Path] = []
    for f in report_figures(runs, lang):
        written += save_figure(f.figure, folder / f.name)
        f.figure.clear()
    return written

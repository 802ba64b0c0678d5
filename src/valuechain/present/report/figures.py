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
  exit with intervals, coloured by group; those without one in rows of their own at the end.
  ``spending_vs_exits``: Δ public spending against Δ sustained exits, both intervals, the
  efficient frontier marked (:func:`efficient_frontier`), the numbered points named in a key
  under the axes.
- ``over_time`` (over time; per group ``over_time_<group>`` and in parts beyond
  :data:`MAX_PANELS`): one panel per scenario, extreme poverty of the scenario and its
  baseline, medians and 5–95% bands over replications, the scenario's own policy windows
  shaded (:func:`policy_windows`), the goal line, and in the panel's title the share of
  replications reaching the goal (scenario and baseline).
- ``jobs_<id>`` (jobs, scenarios with processing): jobs by plant, who holds them, farmgate
  prices and the share processed locally, scenario against baseline.
- ``budgets_<id>`` (budgets): spending by programme (the scenario's own programmes always by
  name) and by funding source, stacked, and the months a budget had run out.
- ``targeting`` (targeting): exclusion and inclusion errors of each scenario and its
  baseline, where the results carry them.

Every figure is as wide as the page's text (6.3 in), at most :data:`MAX_HEIGHT_IN` tall,
its text at least :data:`~valuechain.present.style.MIN_FONT_PT` and a scenario's label on
at most :data:`LABEL_LINES` lines. A study with more rows than fit (:data:`MAX_ROWS`,
:data:`MAX_POINTS`, :data:`MAX_TARGETING_ROWS`) has its forest plots, its frontier and its
targeting figure drawn per group (``effects_extreme_poverty_<group>``, the scenarios in no
group as ``..._ungrouped``; a longer group in parts, ``..._<group>_1``) or, without groups,
in consecutive parts (``effects_extreme_poverty_1``, ``_2``); the ranking in parts by rank
(``cost_per_exit_1``, ``_2``). Their captions (``figure.caption.<kind>_group``,
``_group_part``, ``_ungrouped``, ``_part``) name the group and the part.

Example:
    >>> from valuechain.experiments.study import load_study, run_study   # doctest: +SKIP
    >>> runs = run_study(load_study("studies/levers_2024.toml"), "results/levers_2024")
    >>> written = write_report_figures(runs, "results/levers_2024/report", "id")

API:
    :func:`figure_plan` ``(runs) -> list[FigureSpec]`` (every figure the results allow, in
    the report's order, undrawn: name, section, caption id and values, kind and arguments;
    picklable) and :func:`draw_figure` ``(runs, spec, lang) -> Figure`` (one figure from the
    results alone, so specs can be drawn in a process pool whose workers open the runs);
    :func:`report_figures` ``(runs, lang) -> list[ReportFigure]`` (both, drawn in order);
    :func:`write_report_figures` ``(runs, out_dir, lang) -> list[Path]`` (PNG and SVG under
    ``out_dir/figures/``). One figure each: :func:`effects_forest`,
    :func:`cost_effectiveness_ranking`, :func:`spending_vs_exits`, :func:`over_time_panels`,
    :func:`jobs`, :func:`budgets`, :func:`targeting`. Pure helpers: :func:`policy_windows`,
    :func:`label_lines`, :func:`budget_programmes`, :func:`own_programmes` (the efficient
    frontier and the goal come from :mod:`.tables`, which the tables share).
"""

from __future__ import annotations

import json
import math
import textwrap
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator

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
    REPORT_RC,
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
    "KINDS",
    "LABEL_LINES",
    "MAX_HEIGHT_IN",
    "MAX_POINTS",
    "MAX_PROGRAMMES",
    "MAX_ROWS",
    "MAX_TARGETING_ROWS",
    "UNGROUPED",
    "FigureSpec",
    "PolicyWindow",
    "ReportFigure",
    "budget_programmes",
    "budgets",
    "cost_effectiveness_ranking",
    "cost_ranking_order",
    "draw_figure",
    "effect_order",
    "effects_forest",
    "figure_plan",
    "has_processing",
    "jobs",
    "label_lines",
    "over_time_panels",
    "own_programmes",
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
#: Programmes drawn one by one in a budget figure (one colour of :data:`SERIES` each); the
#: rest are drawn together as "other". Those the scenario adds or changes are always drawn
#: one by one, even beyond this number.
MAX_PROGRAMMES = len(SERIES)
#: Characters of a scenario's label on a line of a forest plot or a ranking, and its lines
#: (a longer label is cut and ends in "…").
LABEL_CHARS, LABEL_LINES = 34, 2
#: Rows of a forest plot or a ranking (group headers included), and numbered points of a
#: spending-against-exits figure, in one figure; more are split over several figures (one
#: per group when the study has groups, else consecutive parts).
MAX_ROWS, MAX_POINTS = 14, 12
#: Panels of an over-time figure (two columns), the height of a row of them and of the
#: figure's frame (title, legend, note), in inches.
MAX_PANELS, PANEL_IN, PANELS_FRAME_IN = 8, 1.65, 2.3
#: Height of the over-time figure's legend row, relative to a row of panels; most intervals
#: on a panel's y axis.
LEGEND_ROW, PANEL_Y_TICKS = 0.12, 3
#: The tallest figure (inches, at :data:`FIGURE_SIZES_IN` ``full`` width): it fits the
#: report's page with its caption, so its text is printed at its size.
MAX_HEIGHT_IN = 9.0
#: Height of one row of a forest plot or ranking, of their frame (legend, x axis and its
#: label), and of a line of text in a note or key (inches).
ROW_IN, FRAME_IN, LINE_IN = 0.4, 1.1, MIN_FONT_PT * 1.3 / 72.0
#: Characters of a line of a forest plot's x-axis label (it is centred under the axes).
AXIS_LABEL_CHARS = 44
#: Rows of a targeting figure in one figure, and the height of one (inches).
MAX_TARGETING_ROWS, TARGETING_ROW_IN = 12, 0.45
#: A budget figure's height without its programmes' legend (inches), and the characters of
#: a line of that legend (two columns).
BUDGETS_IN, BUDGET_LABEL_CHARS = 6.3, 36
#: Room for a point's number before its name in the key of a spending-against-exits figure.
KEY_NUMBER_PT = 16.0
#: Height of the axes of a spending-against-exits figure (inches).
SCATTER_IN = 3.6
#: The group of the scenarios outside the study's groups, in a :class:`FigureSpec`.
UNGROUPED = ""
#: The kinds of figure (:attr:`FigureSpec.kind`).
KINDS = ("effects", "cost_ranking", "frontier", "over_time", "jobs", "budgets", "targeting")
#: Most major ticks of a log cost axis (its labels, "Rp 100 million", are long).
LOG_TICKS = 3
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


def label_lines(text: str, width: int = LABEL_CHARS, lines: int = LABEL_LINES) -> str:
    """``text`` wrapped to ``width`` characters on at most ``lines`` lines, the last cut and
    ended by "…" when it runs longer."""
    return "\n".join(textwrap.wrap(text, width, max_lines=lines, placeholder=" …")) or text


def _note_text(parts: Sequence[str]) -> str:
    """The source note: each part on its own lines, wrapped to a full-width figure."""
    width = line_chars(FIGURE_SIZES_IN["full"][0] * 0.95, MIN_FONT_PT)
    return "\n".join(_wrap(p, width) for p in parts)


def _note(fig: Figure, parts: Sequence[str]) -> None:
    """Write the source note (:func:`_note_text`) under the figure."""
    source_note(fig, _note_text(parts))


def _height(body_in: float, title: str, note: str) -> float:
    """A full-width figure's height: ``body_in`` (its rows or axes), its frame, its title's
    and its note's lines; at most :data:`MAX_HEIGHT_IN`."""
    size_pt = float(REPORT_RC["figure.titlesize"])
    width = line_chars(FIGURE_SIZES_IN["full"][0] * 0.95, size_pt)
    title_in = len(textwrap.wrap(title, width)) * size_pt * 1.3 / 72.0
    lines = note.count("\n") + 1
    return min(MAX_HEIGHT_IN, FRAME_IN + body_in + title_in + lines * LINE_IN)


def _titled(
    lang: Language,
    runs: StudyRuns,
    title: str,
    group: str | None,
    part: tuple[int, int] | None,
) -> str:
    """A figure's title with the group it shows (``group``: an id of ``runs.groups``, or
    :data:`UNGROUPED`) and its part ("(1 of 2)")."""
    if group == UNGROUPED:
        title = lang.t("figure.title.ungrouped", title=title)
    elif group is not None:
        title = lang.t("figure.title.of_group", title=title, group=runs.groups[group])
    if part is not None and part[1] > 1:
        n, of = (lang.integer(k) for k in part)
        title = lang.t("figure.title.part", title=title, part=n, parts=of)
    return title


def _scale(key: str) -> float:
    """The multiplier of a summary key's values as shown: 100 when its column is a share."""
    from valuechain.outputs import metrics

    column = metrics.SUMMARY[key][0] if key in metrics.SUMMARY else key
    return indicator_scale(column)


#: The rows of each ``comparison.csv`` read, by indicator (built once per table: every
#: summary figure looks up a few indicators of every scenario; dropped with the table).
_COMPARISON_ROWS: dict[int, tuple[weakref.ref, dict[str, pd.Series]]] = {}


def _row(results: Results, indicator: str) -> pd.Series | None:
    """The (first) row of ``comparison.csv`` for ``indicator``, or None."""
    comp = results.comparison
    if comp is None:
        return None
    key = id(comp)
    hit = _COMPARISON_ROWS.get(key)
    if hit is None or hit[0]() is not comp:
        rows: dict[str, pd.Series] = {}
        for i, name in enumerate(comp["indicator"]):
            rows.setdefault(str(name), comp.iloc[i])
        _COMPARISON_ROWS[key] = hit = (weakref.ref(comp), rows)
        weakref.finalize(comp, _COMPARISON_ROWS.pop, key, None)
    return hit[1].get(indicator)


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
    return Figure(figsize=(width, min(height_in, MAX_HEIGHT_IN)), layout="constrained")


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


def _effect_rows(runs: StudyRuns, indicator: str) -> dict[str, pd.Series | None]:
    return {s.id: _row(s.results(), indicator) for s in runs.scenarios}


def effect_order(runs: StudyRuns, indicator: str) -> list[tuple[str | None, StudyResult]]:
    """(group id or None, scenario) in a forest plot's order: by group, the largest
    improvement first within each (a fall for poverty, a rise otherwise)."""
    scale = _scale(indicator)
    rows = _effect_rows(runs, indicator)
    diff = {k: float(r["difference"]) * scale for k, r in rows.items() if r is not None}
    return _ordered(runs, diff, higher_first="poverty" not in indicator)


def effects_forest(
    runs: StudyRuns,
    lang: Language | str,
    indicator: str = EXTREME_POVERTY,
    scenarios: Sequence[str] | None = None,
    *,
    group: str | None = None,
    part: tuple[int, int] | None = None,
) -> Figure:
    """A forest plot of each scenario's paired effect on ``indicator`` (a summary key of
    ``comparison.csv``) with its 95% interval: scenarios by group (the study's order), sorted
    within each group with the largest improvement first, a zero line. Shares are drawn in
    percentage points. When ``comparison.csv`` carries ``ci_low_total``/``ci_high_total``
    (with parameter uncertainty), that wider interval is drawn behind, thinner and lighter.

    Args:
        runs: the study's results.
        lang: the report's language.
        indicator: a summary key of ``comparison.csv``.
        scenarios: the ids of the scenarios drawn (None: all), in the plot's order either way.
        group: the group they belong to (an id of ``runs.groups`` or :data:`UNGROUPED`),
            named in the title instead of group headers; None: headers when the study has
            groups.
        part: (part, of parts), named in the title when a plot is split.
    """
    lang = _lang(lang)
    scale = _scale(indicator)
    rows = _effect_rows(runs, indicator)
    diff = {k: float(r["difference"]) * scale for k, r in rows.items() if r is not None}
    lower_better = "poverty" in indicator
    order = effect_order(runs, indicator)
    if scenarios is not None:
        keep = set(scenarios)
        order = [(g, s) for g, s in order if s.id in keep]
    headers = len(runs.groups) > 0 and group is None
    ticks: list[tuple[float, str, bool]] = []
    y, last_group = 0.0, object()
    has_total = False
    title = _titled(
        lang,
        runs,
        lang.t("figure.title.effects", indicator=lang.summary_label(indicator)),
        group,
        part,
    )
    note = [study_source(runs, lang), lang.t("report.note.paired")]
    if lower_better:
        note.append(lang.t("report.note.lower_is_better"))
    note_text = _note_text(note)
    with report_style():
        n_rows = len(order) + (len({g for g, _ in order}) if headers else 0)
        fig = _figure(_height(ROW_IN * max(n_rows, 3), title, note_text))
        ax = fig.add_subplot()
        for g, s in order:
            if headers and g != last_group:
                name = runs.groups.get(g, lang.t("group.other")) if g else lang.t("group.other")
                ticks.append((y, label_lines(name), True))
                y -= 1.0
                last_group = g
            r = rows[s.id]
            ticks.append((y, label_lines(s.label), False))
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
                AXIS_LABEL_CHARS,
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
        set_title(fig, title)
        source_note(fig, note_text)
    return fig


# --------------------------------------------------------------------------- cost


def _group_colours(runs: StudyRuns, scenarios: Sequence[StudyResult]) -> dict[str, str]:
    """A colour for each group of ``scenarios`` (the study's order; :data:`UNGROUPED` last);
    empty when the study has no groups."""
    if not runs.groups:
        return {}
    present = {s.group if s.group in runs.groups else UNGROUPED for s in scenarios}
    order = [g for g in [*runs.groups, UNGROUPED] if g in present]
    return {g: series_colour(i) for i, g in enumerate(order)}


def cost_ranking_order(runs: StudyRuns) -> tuple[list[tuple], list[StudyResult]]:
    """The scenarios with a cost per additional sustained exit, cheapest first, as
    (scenario, cost, interval's low, interval's high); and those without one (no additional
    sustained exits on average), in the study's order."""
    costs, undefined = [], []
    for s in runs.scenarios:
        r = _row(s.results(), COST_PER_EXIT)
        if r is None or not math.isfinite(float(r["difference"])):
            undefined.append(s)
        else:
            costs.append((s, float(r["difference"]), float(r["ci_low"]), float(r["ci_high"])))
    costs.sort(key=lambda c: c[1])
    return costs, undefined


def cost_effectiveness_ranking(
    runs: StudyRuns,
    lang: Language | str,
    scenarios: Sequence[str] | None = None,
    *,
    part: tuple[int, int] | None = None,
) -> Figure:
    """Scenarios ranked by cost per additional sustained exit (Rp per person), cheapest at
    the top and numbered by rank, with 95% intervals (an interval unbounded above ends in an
    arrow); a log axis when the costs span more than :data:`LOG_RATIO` (a cost below zero,
    less spending and more exits, is then written in its row). Scenarios without a cost (no
    additional sustained exits on average) follow the ranked ones, unnumbered, with a note in
    their row. With groups, each group has a colour.

    Args:
        runs: the study's results.
        lang: the report's language.
        scenarios: the ids drawn (None: all), in rank order either way; a part
            (:func:`figure_plan`) keeps the x axis of the whole ranking.
        part: (part, of parts), named in the title when the ranking is split.
    """
    lang = _lang(lang)
    ranked, undefined = cost_ranking_order(runs)
    all_costs = ranked
    nan = math.nan
    costs = [(i + 1, *c) for i, c in enumerate(ranked)] + [(0, s, nan, nan, nan) for s in undefined]
    if scenarios is not None:
        keep = set(scenarios)
        costs = [c for c in costs if c[1].id in keep]
    title = _titled(lang, runs, lang.t("figure.title.cost_ranking"), None, part)
    note = [study_source(runs, lang), lang.t("figure.legend.effect_interval")]
    if part is not None and part[1] > 1:
        note.append(lang.t("figure.note.ranked", n=lang.integer(len(ranked))))
    if any(c[0] and not math.isfinite(c[4]) for c in costs):
        note.append(lang.t("report.note.unbounded"))
    note_text = _note_text(note)
    with report_style():
        legend_in = len(_group_colours(runs, [c[0] for c in ranked])) * LINE_IN
        fig = _figure(_height(ROW_IN * max(len(costs), 3) + legend_in, title, note_text))
        ax = fig.add_subplot()
        finite = [v for c in all_costs for v in c[1:] if math.isfinite(v) and v > 0]
        log = bool(finite) and max(finite) / min(finite) > LOG_RATIO
        if log:
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(LogLocator(numticks=LOG_TICKS))
        top = max(finite) * (3.0 if log else 1.15) if finite else 1.0
        colours = _group_colours(runs, [c[0] for c in ranked])
        for i, (rank, s, mid, lo, hi) in enumerate(costs):
            y = -float(i)
            if not rank or (log and mid <= 0.0):
                text = (
                    lang.t("figure.note.no_cost_row")
                    if not rank
                    else lang.t("figure.note.negative_cost", cost=lang.idr(mid, 1))
                )
                ax.text(
                    0.01,
                    y,
                    text,
                    transform=ax.get_yaxis_transform(),
                    va="center",
                    fontsize=MIN_FONT_PT,
                    color=NOTE_COLOUR,
                )
                continue
            end = hi if math.isfinite(hi) else top
            group = s.group if s.group in runs.groups else UNGROUPED
            colour = colours.get(group, SCENARIO_COLOUR)
            ax.hlines(y, lo, end, color=colour, linewidth=INTERVAL_LINEWIDTH, zorder=3)
            if not math.isfinite(hi):
                ax.plot(end, y, ">", color=colour, markersize=6, zorder=3)
            ax.plot(mid, y, "o", color=colour, markersize=5, zorder=4)
        if colours:
            names = {**runs.groups, UNGROUPED: lang.t("group.other")}
            handles = [Line2D([], [], color=c, marker="o", markersize=5) for c in colours.values()]
            ax.legend(
                handles,
                [names[g] for g in colours],
                loc="lower left",
                ncol=1,
                bbox_to_anchor=(0.0, 1.0),
            )
        ax.set_yticks(
            [-float(i) for i in range(len(costs))],
            [
                label_lines(f"{lang.integer(c[0])}. {c[1].label}" if c[0] else c[1].label)
                for c in costs
            ],
        )
        ax.set_ylim(-len(costs) + 0.4, 0.6)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        if finite:
            ax.set_xlim(min(finite) / (2.0 if log else 1.0) if log else 0.0, top * 1.05)
        ax.set_xlabel(lang.t("figure.axis.cost_per_exit"))
        _idr_axis(ax, lang, "x")
        set_title(fig, title)
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
        source_note(fig, note_text)
    return fig


def spending_vs_exits(
    runs: StudyRuns,
    lang: Language | str,
    scenarios: Sequence[str] | None = None,
    *,
    group: str | None = None,
    part: tuple[int, int] | None = None,
) -> Figure:
    """Δ public spending (Rp) against Δ sustained exits (persons), each scenario a numbered
    point with both 95% intervals as cross bars; the efficient frontier
    (:func:`efficient_frontier`) ringed and joined. The numbers are named in a key under the
    axes, in two columns.

    Args:
        runs: the study's results.
        lang: the report's language.
        scenarios: the ids drawn (None: all).
        group: the group they belong to (an id of ``runs.groups`` or :data:`UNGROUPED`),
            named in the title; the frontier is then the one among the figure's scenarios
            (else among all of the study's).
        part: (part, of parts), named in the title when the points are split.
    """
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
    on = list(efficient_frontier([p[4] for p in pts], [p[1] for p in pts]))
    if scenarios is not None:
        keep = set(scenarios)
        chosen = [i for i, p in enumerate(pts) if p[0].id in keep]
        pts, on = [pts[i] for i in chosen], [on[i] for i in chosen]
        if group is not None:
            on = list(efficient_frontier([p[4] for p in pts], [p[1] for p in pts]))
    title = _titled(lang, runs, lang.t("figure.title.frontier"), group, part)
    frontier_note = lang.t(
        "figure.note.frontier_group" if group is not None else "report.note.frontier"
    )
    note_text = _note_text(
        [study_source(runs, lang), lang.t("figure.legend.effect_interval"), frontier_note]
    )
    key_width_in = FIGURE_SIZES_IN["full"][0] * 0.5 - (KEY_NUMBER_PT + 6.0) / 72.0
    names = [label_lines(p[0].label, line_chars(key_width_in, MIN_FONT_PT)) for p in pts]
    per_column = math.ceil(len(names) / 2)
    columns = [names[:per_column], names[per_column:]]
    key_lines = max((sum(n.count("\n") + 1 for n in c) for c in columns), default=1)
    key_in = key_lines * LINE_IN + 0.1
    with report_style():
        fig = _figure(_height(SCATTER_IN + key_in, title, note_text))
        ax, key = fig.subplots(2, 1, height_ratios=[SCATTER_IN, key_in])
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
        set_title(fig, title)
        if front:
            legend_above(ax, ncol=1)
        _number_key(key, lang, columns)
        source_note(fig, note_text)
    return fig


def _number_key(ax: Axes, lang: Language, columns: Sequence[Sequence[str]]) -> None:
    """The key of numbered points under the figure's other axes, in ``ax`` (its frame
    hidden): two columns, each half the figure's width, the names from the axes' top, the
    numbers in their points' colours. Lines are placed in points from the axes' top, so the
    key keeps its spacing whatever room the layout gives it."""
    ax.set_axis_off()
    line_pt = LINE_IN * 72.0
    i = 0
    for c, names in enumerate(columns):
        down = 0.0
        for name in names:
            for dx, text, colour, weight in (
                (0.0, lang.integer(i + 1), series_colour(i), "bold"),
                (KEY_NUMBER_PT, name, PALETTE["black"], "normal"),
            ):
                ax.annotate(
                    text,
                    (0.01 + 0.5 * c, 1.0),
                    xycoords=("figure fraction", "axes fraction"),
                    xytext=(dx, -down),
                    textcoords="offset points",
                    va="top",
                    ha="left",
                    fontsize=MIN_FONT_PT,
                    fontweight=weight,
                    color=colour,
                    linespacing=1.1,
                    annotation_clip=False,
                ).set_in_layout(False)
            down += (name.count("\n") + 1) * line_pt
            i += 1


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


def _over_time_panel(ax: Axes, runs: StudyRuns, res: Results, lang: Language) -> str:
    """One scenario's panel of :func:`over_time_panels`: its baseline and it (medians, 5-95%
    bands), its policy windows shaded, the goal line; returns the goal's text for the panel
    ("goal 100% | baseline 0%")."""
    column = "extreme_poverty_rate"
    scale = indicator_scale(column)
    goal = runs.goal_extreme_poverty
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
    shaded = False
    for w in policy_windows(_scenario_json(res.manifest), _baseline_json(res.manifest)):
        if w.last_month is None:
            ax.axvline(
                month_dates([w.first_month])[0],
                color=NOTE_COLOUR,
                linestyle=":",
                linewidth=1.0,
                zorder=1,
            )
        else:
            shade_window(ax, w.first_month, w.last_month, lang, label=not shaded)
            shaded = True
    ax.axhline(
        goal * scale,
        **GOAL_LINE,
        label=lang.t("figure.legend.goal", threshold=lang.percent(goal, 0)),
    )
    ax.set_xlim(q["when"].iloc[0], q["when"].iloc[-1])
    ax.set_ylim(bottom=0.0)
    date_axis(ax, lang, max_ticks=5)
    ax.set_xlabel("")
    number_axis(ax, lang)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=PANEL_Y_TICKS))  # a short axis: few ticks
    share = goal_reached(res.timeseries, goal).share
    base = (
        goal_reached(res.baseline.timeseries, goal).share if res.baseline is not None else math.nan
    )
    return lang.t(
        "figure.note.goal_panel", share=lang.percent(share, 0), baseline_share=lang.percent(base, 0)
    )


def over_time_panels(
    runs: StudyRuns,
    lang: Language | str,
    scenarios: Sequence[str] | None = None,
    group: str | None = None,
    part: tuple[int, int] | None = None,
) -> Figure:
    """Extreme poverty (USD 1.90, whole area) over time, one panel per scenario (at most
    :data:`MAX_PANELS`, two columns): the scenario and its baseline (medians, 5–95% bands
    over replications), the windows of the programmes it adds or changes shaded (a dotted
    line where one starts and runs to the end), the goal line, and in the panel's title the
    share of replications reaching the goal in the scenario and in its baseline."""
    lang = _lang(lang)
    by_id = {s.id: s for s in runs.scenarios}
    members = [by_id[i] for i in scenarios] if scenarios else list(runs.scenarios)
    ncols = 1 if len(members) == 1 else 2
    nrows = math.ceil(len(members) / ncols)
    column = "extreme_poverty_rate"
    with report_style():
        fig = _figure(PANELS_FRAME_IN + nrows * PANEL_IN)
        # a thin first row holds the legend (above the panels, under the title)
        grid = fig.add_gridspec(nrows + 1, ncols, height_ratios=[LEGEND_ROW, *[1.0] * nrows])
        axes = [fig.add_subplot(grid[1 + k // ncols, k % ncols]) for k in range(len(members))]
        width = line_chars(FIGURE_SIZES_IN["full"][0] / ncols * 0.8, MIN_FONT_PT)
        for ax, s in zip(axes, members, strict=True):
            goal_text = _over_time_panel(ax, runs, s.results(), lang)
            title = _wrap(s.label, width).split("\n")
            if len(title) > 2:
                title = [title[0], title[1][: max(width - 1, 1)] + "…"]
            ax.set_title("\n".join([*title, goal_text]), fontsize=MIN_FONT_PT, loc="left")
        fig.supylabel(axis_label(lang, column), fontsize=MIN_FONT_PT)
        key = fig.add_subplot(grid[0, :], xticks=[], yticks=[])
        key.axis("off")
        entries: dict[str, Any] = {}  # every panel's entries once (a window in some panels)
        for ax in axes:
            for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
                entries.setdefault(label, handle)
        key.legend(
            list(entries.values()), list(entries), loc="center left", ncol=4, fontsize=MIN_FONT_PT
        )
        title = lang.t("figure.title.over_time_panels", indicator=lang.indicator_label(column))
        set_title(fig, _titled(lang, runs, title, group, part))
        goal = lang.percent(runs.goal_extreme_poverty, 0)
        _note(
            fig,
            [
                study_source(runs, lang),
                lang.t("report.note.bands"),
                lang.t("figure.note.over_time_panels"),
                lang.t("report.note.goal", threshold=goal),
            ],
        )
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
        ax.legend(
            loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=MIN_FONT_PT
        )  # above: off the lines
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
        ax.legend(
            loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=MIN_FONT_PT
        )  # above: off the lines
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
            ax.legend(
                loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=MIN_FONT_PT
            )  # above: off the lines
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
    up), stacked by programme (:func:`budget_programmes`: the scenario's own first, then the
    largest, up to :data:`MAX_PROGRAMMES`; the rest together) and by
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
    if "spending_processing" in mean.columns:
        totals["processing"] = float(mean["spending_processing"].sum())
    shown, rest = budget_programmes(totals, own_programmes(res.manifest))
    base_total = None
    if res.baseline is not None:
        bts = res.baseline.timeseries
        base_total = bts[bts["district"] == "all"].groupby("date", sort=True)["fiscal_cost"].mean()
    labels = [
        lang.funding("processing") if p == "processing" else _programme_name(lang, p, res)
        for p in shown
    ]
    if rest:
        labels.append(lang.t("group.other"))
    labels = [_wrap(t, BUDGET_LABEL_CHARS) for t in labels]
    exhausted = _exhausted_months(ts)
    legend_lines = sum(t.count("\n") + 1 for t in labels) + 1 + bool(exhausted)
    height_in = BUDGETS_IN + math.ceil(legend_lines / 2) * LINE_IN
    with report_style():
        fig = _figure(height_in)
        top, bottom = fig.subplots(2, 1, sharex=True)
        layers = [mean[f"spending_{p}"].to_numpy() for p in shown]
        if rest:
            layers.append(sum(mean[f"spending_{p}"].to_numpy() for p in rest))
        colours = [series_colour(i) for i in range(len(shown))]
        colours += [OTHER_COLOUR] * (len(layers) - len(shown))
        if layers:
            top.stackplot(when, *layers, labels=labels, colors=colours, linewidth=0)
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
                [_wrap(t, BUDGET_LABEL_CHARS) for t in labels],
                loc="lower left",
                bbox_to_anchor=(0.0, 1.0),
                ncol=2,
                title=lang.t(f"figure.title.{title}"),
                alignment="left",
                fontsize=MIN_FONT_PT,
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


def own_programmes(manifest: Mapping[str, Any]) -> set[str]:
    """The programmes a scenario adds or changes against its baseline (enabled ones)."""
    base = (_baseline_json(manifest) or {}).get("policies", {})
    return {
        name
        for name, p in _scenario_json(manifest).get("policies", {}).items()
        if p.get("enabled", True) and base.get(name) != p
    }


def budget_programmes(
    totals: Mapping[str, float], own: set[str], limit: int = MAX_PROGRAMMES
) -> tuple[list[str], list[str]]:
    """The programmes of a budget figure drawn one by one and those drawn together as
    "other", among those that spent something (``totals``: spending by programme).

    The scenario's own programmes (``own``: added or changed) come first, all of them drawn
    by name; then the others by size, as many as ``limit`` leaves room for.
    """
    spent = [p for p in totals if totals[p] > 0]
    by_size = sorted(spent, key=lambda p: (-totals[p], p))
    first = [p for p in by_size if p in own]
    others = [p for p in by_size if p not in own]
    room = max(0, limit - len(first))
    return first + others[:room], others[room:]


def _exhausted_months(ts: pd.DataFrame) -> list[str]:
    """Months (``YYYY-MM``) in which some programme's budget had run out in a replication."""
    cols = [c for c in ts.columns if c.startswith("budget_exhausted_")]
    if not cols:
        return []
    flag = ts[cols].fillna(0).to_numpy().max(axis=1) > 0
    return sorted(set(ts.loc[flag, "date"].astype(str)))


# --------------------------------------------------------------------------- targeting

TARGETING = ("exclusion_error_last12", "inclusion_error_last12")


def _targeting_scenarios(runs: StudyRuns) -> list[StudyResult]:
    """The scenarios whose results (and their baseline's) carry the targeting errors."""
    out = []
    for s in runs.scenarios:
        res = s.results()
        if res.baseline is not None and all(
            k in res.runs and k in res.baseline.runs for k in TARGETING
        ):
            out.append(s)
    return out


def targeting(
    runs: StudyRuns,
    lang: Language | str,
    scenarios: Sequence[str] | None = None,
    *,
    group: str | None = None,
    part: tuple[int, int] | None = None,
) -> Figure | None:
    """Exclusion and inclusion errors (mean of the last 12 months, whole area) of each
    scenario and its baseline, bars with 95% intervals over replications; None when no
    results carry them.

    Args:
        runs: the study's results.
        lang: the report's language.
        scenarios: the ids drawn (None: all that carry them), in the study's order.
        group: the group they belong to (an id of ``runs.groups`` or :data:`UNGROUPED`),
            named in the title.
        part: (part, of parts), named in the title when the scenarios are split.
    """
    lang = _lang(lang)
    rows = []
    keep = None if scenarios is None else set(scenarios)
    for s in _targeting_scenarios(runs):
        if keep is not None and s.id not in keep:
            continue
        res = s.results()
        rows.append(
            (
                s,
                summarise_runs(res.runs, TARGETING).set_index("indicator"),
                summarise_runs(res.baseline.runs, TARGETING).set_index("indicator"),
            )
        )
    if not rows:
        return None
    title = _titled(lang, runs, lang.t("figure.title.targeting"), group, part)
    note_text = _note_text([study_source(runs, lang), lang.t("figure.note.targeting")])
    with report_style():
        fig = _figure(_height(TARGETING_ROW_IN * len(rows) + 0.6, title, note_text))
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
            ax.set_xlabel(
                _wrap(
                    lang.t(
                        "figure.axis.label_unit",
                        label=lang.indicator_label(key.removesuffix("_last12")),
                        unit=lang.indicator_unit(key.removesuffix("_last12")),
                    ),
                    32,
                )
            )
            number_axis(ax, lang, "x")
            ax.grid(axis="y", visible=False)
            ax.set_xlim(0.0, 100.0)
        axes[0].set_yticks(y, [label_lines(r[0].label, 26) for r in rows])
        axes[0].tick_params(axis="y", length=0)
        legend_above(axes[0], ncol=2)
        set_title(fig, title)
        source_note(fig, note_text)
    return fig


# --------------------------------------------------------------------------- all

#: The forest plots: (summary key, file name, caption id's stem).
EFFECTS = (
    (EXTREME_POVERTY, "effects_extreme_poverty", "figure.caption.effects_poverty"),
    (EXITS, "effects_sustained_exits", "figure.caption.effects_exits"),
)


@dataclass(frozen=True)
class FigureSpec:
    """What one report figure shows, without drawing it (picklable: :func:`draw_figure`
    draws it from the study's results alone, so specs can be drawn in other processes).

    Attributes:
        name: its file name (without extension), stable.
        section: the report section it belongs to (``report.section.<section>``).
        caption: the catalog id of its caption.
        kind: what it draws, one of :data:`KINDS`.
        caption_values: the values of the caption's placeholders (scenario and group labels
            as the study gives them, part numbers).
        indicator: the summary key of an ``effects`` figure.
        scenario: the scenario id of an ``over_time``, ``jobs`` or ``budgets`` figure.
        group: the group an ``effects`` or ``frontier`` figure shows (an id of the study's
            groups, or :data:`UNGROUPED`); None when not split by group.
        scenarios: the ids of the scenarios drawn, when not all of them.
        part: (part, of parts) when a figure is split in consecutive parts.
    """

    name: str
    section: str
    caption: str
    kind: str
    caption_values: Mapping[str, str] = field(default_factory=dict, hash=False)
    indicator: str | None = None
    scenario: str | None = None
    group: str | None = None
    scenarios: tuple[str, ...] | None = None
    part: tuple[int, int] | None = None


def _chunks(ids: Sequence[str], size: int) -> list[list[str]]:
    """``ids`` in consecutive parts of nearly equal length, none longer than ``size``."""
    n = max(1, math.ceil(len(ids) / size))
    step = math.ceil(len(ids) / n) if ids else size
    return [list(ids[i : i + step]) for i in range(0, len(ids), step)] or [[]]


def _split(
    runs: StudyRuns,
    stem: str,
    caption: str,
    order: Sequence[tuple[str | None, StudyResult]],
    limit: int,
    headers: bool = True,
    **spec: Any,
) -> list[FigureSpec]:
    """The specs of a figure of ``order``'s scenarios: one when they fit in ``limit`` rows
    (with ``headers``, a header per group included), else one per group (in parts when a
    group is longer), else consecutive parts."""
    ids = [s.id for _, s in order]
    n_headers = len({g for g, _ in order}) if runs.groups and headers else 0
    if len(ids) + n_headers <= limit:
        return [FigureSpec(stem, caption=caption, **spec)]
    if not runs.groups:
        chunks = _chunks(ids, limit)
        n = len(chunks)
        return [
            FigureSpec(
                f"{stem}_{k}",
                caption=f"{caption}_part",
                caption_values={"part": str(k), "parts": str(n)},
                scenarios=tuple(c),
                part=(k, n),
                **spec,
            )
            for k, c in enumerate(chunks, 1)
        ]
    out = []
    for g in [*runs.groups, UNGROUPED]:
        members = [s.id for h, s in order if (h or UNGROUPED) == g]
        if not members:
            continue
        chunks = _chunks(members, limit)
        n = len(chunks)
        for k, c in enumerate(chunks, 1):
            part = (k, n) if n > 1 else None
            values = {"part": str(k), "parts": str(n)} if part else {}
            if g == UNGROUPED:
                cap = f"{caption}_part" if part else f"{caption}_ungrouped"
            else:
                cap = f"{caption}_group_part" if part else f"{caption}_group"
                values["group"] = runs.groups[g]
            name = f"{stem}_{g or 'ungrouped'}" + (f"_{k}" if part else "")
            out.append(
                FigureSpec(
                    name,
                    caption=cap,
                    caption_values=values,
                    group=g,
                    scenarios=tuple(c),
                    part=part,
                    **spec,
                )
            )
    return out


def _grouped(runs: StudyRuns, ids: Sequence[str]) -> list[tuple[str | None, StudyResult]]:
    by_id = {s.id: s for s in runs.scenarios}
    return [(by_id[i].group if by_id[i].group in runs.groups else None, by_id[i]) for i in ids]


def figure_plan(runs: StudyRuns) -> list[FigureSpec]:
    """Every figure the study's results allow, in the report's order, undrawn.

    A forest plot or a spending-against-exits figure with more rows or points than
    :data:`MAX_ROWS` or :data:`MAX_POINTS` is drawn per group (``<name>_<group>``) when the
    study has groups, else in consecutive parts (``<name>_1``, ``<name>_2``); the ranking by
    cost in parts by rank (``cost_per_exit_1``, ...).
    """
    specs: list[FigureSpec] = []
    for indicator, stem, caption in EFFECTS:
        order = effect_order(runs, indicator)
        specs += _split(
            runs,
            stem,
            caption,
            order,
            MAX_ROWS,
            section="effects",
            kind="effects",
            indicator=indicator,
        )
    ranked, undefined = cost_ranking_order(runs)
    chunks = _chunks([c[0].id for c in ranked] + [s.id for s in undefined], MAX_ROWS)
    for k, c in enumerate(chunks, 1):
        split = len(chunks) > 1
        specs.append(
            FigureSpec(
                f"cost_per_exit_{k}" if split else "cost_per_exit",
                "cost_effectiveness",
                "figure.caption.cost_ranking_part" if split else "figure.caption.cost_ranking",
                "cost_ranking",
                {"part": str(k), "parts": str(len(chunks))} if split else {},
                scenarios=tuple(c) if split else None,
                part=(k, len(chunks)) if split else None,
            )
        )
    points = [
        s.id
        for s in runs.scenarios
        if _row(s.results(), EXITS) is not None and _row(s.results(), SPENDING) is not None
    ]
    order = [gs for gs in _ordered(runs, {}, True) if gs[1].id in set(points)]
    specs += _split(
        runs,
        "spending_vs_exits",
        "figure.caption.frontier",
        order,
        MAX_POINTS,
        section="cost_effectiveness",
        kind="frontier",
    )
    specs += _split(
        runs,
        "over_time",
        "figure.caption.over_time",
        _ordered(runs, {}, True),
        MAX_PANELS,
        headers=False,
        section="over_time",
        kind="over_time",
    )
    for kind in ("jobs", "budgets"):
        for s in runs.scenarios:
            if kind == "jobs" and not has_processing(s.results()):
                continue
            specs.append(
                FigureSpec(
                    f"{kind}_{s.id}",
                    kind,
                    f"figure.caption.{kind}",
                    kind,
                    {"scenario": s.label},
                    scenario=s.id,
                )
            )
    with_errors = {s.id for s in _targeting_scenarios(runs)}
    if with_errors:
        order = [gs for gs in _ordered(runs, {}, True) if gs[1].id in with_errors]
        specs += _split(
            runs,
            "targeting",
            "figure.caption.targeting",
            order,
            MAX_TARGETING_ROWS,
            section="targeting",
            kind="targeting",
            headers=False,
        )
    return specs


def draw_figure(runs: StudyRuns, spec: FigureSpec, lang: Language | str) -> Figure:
    """Draw one figure of :func:`figure_plan` (it needs only the study's results).

    Raises:
        ValueError: ``spec.kind`` is not one of :data:`KINDS`, or it names a scenario the
            study does not hold, or the results no longer allow it.
    """
    lang = _lang(lang)
    if spec.kind == "effects":
        return effects_forest(
            runs,
            lang,
            spec.indicator or EXTREME_POVERTY,
            spec.scenarios,
            group=spec.group,
            part=spec.part,
        )
    if spec.kind == "cost_ranking":
        return cost_effectiveness_ranking(runs, lang, spec.scenarios, part=spec.part)
    if spec.kind == "frontier":
        return spending_vs_exits(runs, lang, spec.scenarios, group=spec.group, part=spec.part)
    if spec.kind == "over_time":
        return over_time_panels(runs, lang, spec.scenarios, group=spec.group, part=spec.part)
    if spec.kind == "targeting":
        fig = targeting(runs, lang, spec.scenarios, group=spec.group, part=spec.part)
        if fig is None:
            raise ValueError("no scenario's results carry targeting errors")
        return fig
    by_id = {s.id: s for s in runs.scenarios}
    if spec.scenario not in by_id:
        raise ValueError(f"no scenario {spec.scenario!r} in the study (figure {spec.name})")
    scenario = by_id[spec.scenario]
    if spec.kind == "jobs":
        return jobs(runs, scenario, lang)
    if spec.kind == "budgets":
        return budgets(runs, scenario, lang)
    raise ValueError(f"no figure kind {spec.kind!r} (kinds: {', '.join(KINDS)})")


def report_figures(runs: StudyRuns, lang: Language | str) -> list[ReportFigure]:
    """Every figure the study's results allow, in the report's order, drawn
    (:func:`figure_plan`, :func:`draw_figure`)."""
    lang = _lang(lang)
    return [
        ReportFigure(
            s.name, s.section, s.caption, draw_figure(runs, s, lang), dict(s.caption_values)
        )
        for s in figure_plan(runs)
    ]


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

"""The report's tables: what a study's runs computed, in one language, as DataFrames and files.

Every number comes from what the runs already computed: each scenario's ``comparison.csv``
(paired differences against the baseline with 95% intervals, cost ratios with bootstrap
intervals and, after ``--posterior``, the total interval), its ``runs.parquet`` and
``timeseries.parquet``. Paired differences the comparison lacks (spending by funding source and
programme) and means of levels are computed by :func:`valuechain.runs.statistics.compare_runs`
and :func:`~valuechain.runs.statistics.t_interval`, as the comparison itself is.

Public API:

- :func:`report_tables` ``(runs, lang) -> dict[str, ReportTable]``: the tables of
  :data:`TABLE_NAMES`, in that order;
- :class:`ReportTable`: ``name`` (the sheet and CSV name), ``caption`` (translated),
  ``frame`` (translated headers with units, formatted cells: "−0.33 [−0.36; −0.31]"),
  ``numeric`` (machine column names, raw numbers: shares as shares, rupiah as rupiah),
  ``headers`` (numeric column → translated header) and ``number_formats`` (numeric column →
  Excel number format);
- :func:`write_tables` ``(tables, out_dir) -> list[Path]``: ``tables.xlsx`` (one sheet per
  table, ``definitions`` last) and ``csv/<name>.csv``;
- :func:`efficient_frontier` ``(spending, effect) -> bool array``, :func:`goal_reached`
  ``(timeseries, threshold) -> GoalReached``, :func:`flatten_settings` and
  :func:`differing_settings`: the small pure pieces the tables (and figures) share.
"""

from __future__ import annotations

import io
import json
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from valuechain.experiments.study import StudyResult, StudyRuns
from valuechain.present.language import MISSING, Language
from valuechain.runs.results import Results, atomic_write_bytes, check_writable, write_csv_atomic
from valuechain.runs.statistics import NO_EFFECT, UNBOUNDED, compare_runs, t_interval

__all__ = [
    "SUMMARY_MEASURES",
    "TABLE_NAMES",
    "GoalReached",
    "ReportTable",
    "differing_settings",
    "efficient_frontier",
    "flatten_settings",
    "goal_reached",
    "report_tables",
    "write_tables",
]

#: The tables, in the order of the report (``definitions`` is the workbook's last sheet).
TABLE_NAMES = (
    "summary",
    "effects",
    "cost_effectiveness",
    "goal",
    "budgets",
    "targeting",
    "methods",
    "definitions",
)
#: The summary's paired differences: (comparison indicator, ``table.header`` id), in order.
SUMMARY_MEASURES: tuple[tuple[str, str], ...] = (
    ("extreme_poverty_rate_march_last", "delta_extreme_190_march"),
    ("extreme_poverty_rate_september_last", "delta_extreme_190_september"),
    ("extreme_poverty_rate_215_march_last", "delta_extreme_215_march"),
    ("extreme_poverty_rate_215_september_last", "delta_extreme_215_september"),
    ("poverty_rate_march_last", "delta_national"),
    ("sustained_exits_final", "delta_sustained_exits"),
    ("processing_jobs_last12", "delta_processing_jobs"),
    ("processing_jobs_poor_last12", "delta_processing_jobs_poor"),
    ("fiscal_cost_cum", "delta_spending"),
    ("spending_central_total", "delta_spending_central"),
    ("spending_district_total", "delta_spending_district"),
    ("cost_per_additional_sustained_exit", "cost_per_exit"),
    ("cost_per_poverty_person_year_avoided", "cost_per_person_year"),
)
COST_PER_EXIT, SPENDING, EXITS = (
    "cost_per_additional_sustained_exit",
    "fiscal_cost_cum",
    ("sustained_exits_final"),
)
GOAL_INDICATOR = "extreme_poverty_rate"
#: The timeseries' district of the whole scenario.
ALL_DISTRICTS = "all"
FUNDING_SOURCES = ("central", "district", "processing")
TARGETING = ("exclusion_error", "inclusion_error", "coverage_extreme_poor", "coverage_poorest")
_TARGETING_COLUMN = {"coverage_poorest": "coverage_poorest_decile"}
#: Settings every scenario differs in from its baseline by nature: not listed under methods.
META_KEYS = frozenset({"name", "description", "baseline"})
#: Excel number formats by kind of value (shares stay shares: Excel shows them in %).
EXCEL_FORMATS = {"share": "0.00%", "points": "0.00%", "idr": "#,##0", "number": "#,##0.000"}
EXCEL_FORMATS |= {"int": "0"}
_WIDTH_MIN, _WIDTH_MAX = 8, 60
#: Coverage of every interval the tables compute (the comparisons' own).
CONFIDENCE = 0.95
_EFFECT_KEYS = ("scenario", "label", "group", "indicator", "indicator_label", "unit")


@dataclass(frozen=True)
class ReportTable:
    """One table of the report, shown (``frame``) and as numbers (``numeric``).

    Attributes:
        name: stable name: the workbook's sheet and the CSV file.
        caption: what the table shows, translated.
        frame: translated headers with units, cells formatted in the language.
        numeric: the same rows, machine column names, raw numbers (shares as shares).
        headers: numeric column → translated header (with the unit of the raw number).
        number_formats: numeric column → Excel number format.
    """

    name: str
    caption: str
    frame: pd.DataFrame
    numeric: pd.DataFrame
    headers: Mapping[str, str] = field(default_factory=dict)
    number_formats: Mapping[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- pure pieces


def efficient_frontier(spending: Sequence[float], effect: Sequence[float]) -> np.ndarray:
    """Which points are on the efficient frontier of spending (lower is better) against an
    effect (higher is better): no other point has at least the effect at no more spending,
    with one of the two strictly better. A point with a missing value is not on it."""
    s, e = np.asarray(spending, dtype=float), np.asarray(effect, dtype=float)
    ok = np.isfinite(s) & np.isfinite(e)
    out = np.zeros(s.size, dtype=bool)
    for i in np.flatnonzero(ok):
        dominated = ok & (e >= e[i]) & (s <= s[i]) & ((e > e[i]) | (s < s[i]))
        out[i] = not dominated.any()
    return out


@dataclass(frozen=True)
class GoalReached:
    """Whether a goal threshold is reached: share of replications, and when (median)."""

    share: float
    first_month: str | None


def goal_reached(timeseries: pd.DataFrame, threshold: float) -> GoalReached:
    """The share of replications whose extreme poverty (USD 1.90, all districts) falls below
    ``threshold`` in some month, and the first such month (the lower median over the
    replications reaching it, so a month that occurred; None when none does)."""
    ts = timeseries[timeseries["district"] == ALL_DISTRICTS]
    n = ts["replication"].nunique()
    first = ts[ts[GOAL_INDICATOR] < threshold].groupby("replication")["step"].min()
    if n == 0 or first.empty:
        return GoalReached(0.0 if n else math.nan, None)
    step = statistics.median_low(first.tolist())
    return GoalReached(len(first) / n, str(ts.loc[ts["step"] == step, "date"].iloc[0]))


def flatten_settings(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested mapping as dotted keys → leaf values (lists and empty tables are leaves)."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            out |= flatten_settings(value, f"{path}.")
        else:
            out[path] = value
    return out


def differing_settings(scenario_text: str, baseline_text: str) -> list[tuple[str, Any, Any]]:
    """(dotted key, scenario value, baseline value) of every resolved setting that differs,
    sorted by key; a key only one side has gives None on the other. :data:`META_KEYS` are
    left out."""
    a = flatten_settings(json.loads(scenario_text))
    b = flatten_settings(json.loads(baseline_text))
    keys = sorted((a.keys() | b.keys()) - META_KEYS)
    return [(k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)]


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class _Col:
    """A column of a wide table: one key, or (mean, low, high[, low_total, high_total])."""

    keys: tuple[str, ...]
    label: str
    kind: str = "text"  # text | setting | int | bool | month | months | share | points | idr
    #                     | number
    unit: str = ""  # as shown in ``frame``
    shown: bool = True  # a column of ``frame`` too (machine ids are ``numeric`` only)


def _kind(raw_unit: str, difference: bool) -> str:
    if raw_unit.startswith("share"):
        return "points" if difference else "share"
    if raw_unit.startswith("IDR"):
        return "idr"
    if raw_unit == "flag":
        return "share"
    return "number"


def _digits(*xs: Any) -> int:
    """Decimals for numbers of this size: 3 below 1, 2 below 100, none above (or all zero)."""
    size = max((abs(float(x)) for x in xs if _finite(x)), default=0.0)
    return 0 if size == 0 else 3 if size < 1 else 2 if size < 100 else 0


def _cell(lang: Language, kind: str, x: Any, digits: int | None = None) -> str:
    if kind == "text":
        return "" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)
    if kind == "setting":  # a setting one side lacks
        return MISSING if x is None else str(x)
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return MISSING
    if kind == "bool":
        return lang.t("table.header.yes" if x else "table.header.no")
    if kind == "month":
        return lang.month(str(x))
    if kind == "int":
        return lang.integer(x)
    if kind == "months":
        return lang.number(x, 1)
    if kind == "idr":
        return lang.idr(x)
    if kind in ("share", "points"):
        return lang.number(100.0 * x, 2)
    return lang.number(x, _digits(x) if digits is None else digits)


def _shown_unit(lang: Language, key: str, kind: str, fallback: str) -> str:
    if kind == "points":
        return lang.t("table.unit.points")
    try:
        return lang.summary_unit(key)
    except KeyError:
        return fallback


def _raw_unit(lang: Language, kind: str, shown: str) -> str:
    return lang.t("table.unit.share") if kind in ("share", "points") else shown


def _label(lang: Language, key: str, fallback: str) -> str:
    try:
        return lang.summary_label(key)
    except KeyError:
        return fallback


def _wide(name: str, lang: Language, cols: list[_Col], rows: list[dict[str, Any]]) -> ReportTable:
    """A table from columns and rows of numeric values (keys of the columns)."""
    numeric_keys = [k for c in cols for k in c.keys]
    numeric = pd.DataFrame(rows, columns=numeric_keys)
    frame: dict[str, list[str]] = {}
    headers: dict[str, str] = {}
    formats: dict[str, str] = {}
    parts = ("mean", "ci_low", "ci_high", "ci_low_total", "ci_high_total")
    for c in cols:
        shown = f"{c.label}, {c.unit}" if c.unit else c.label
        raw = _raw_unit(lang, c.kind, c.unit)
        raw_head = f"{c.label}, {raw}" if raw else c.label
        if len(c.keys) == 1:
            headers[c.keys[0]] = raw_head
        else:
            for key, part in zip(c.keys, parts, strict=False):
                headers[key] = f"{raw_head}, {lang.t(f'table.header.{part}')}"
        for key in c.keys:
            if c.kind in EXCEL_FORMATS:
                formats[key] = EXCEL_FORMATS[c.kind]
        values = [[r.get(k) for k in c.keys] for r in rows]
        if not c.shown:
            continue
        if len(c.keys) == 1:
            frame[shown] = [_cell(lang, c.kind, v[0]) for v in values]
            continue
        frame[shown] = [_interval(lang, c.kind, *v[:3]) for v in values]
        if len(c.keys) == 5:
            frame[f"{shown}, {lang.t('table.header.interval_total')}"] = [
                _range(lang, c.kind, v[0], *v[3:]) for v in values
            ]
    _check_unique(name, [c.label for c in cols if c.shown], list(headers.values()))
    caption = lang.t(f"table.caption.{name}")
    return ReportTable(name, caption, pd.DataFrame(frame), numeric, headers, formats)


def _check_unique(name: str, *header_lists: list[str]) -> None:
    """Two columns under one header would overwrite or confuse each other: a bug here."""
    for headers in header_lists:
        twice = {h for h in headers if headers.count(h) > 1}
        if twice:
            raise ValueError(f"table {name!r} has the headers {sorted(twice)} twice")


def _interval(lang: Language, kind: str, mid: Any, lo: Any, hi: Any) -> str:
    if kind == "idr":
        return lang.idr_interval(mid, lo, hi)
    digits = _digits(mid, lo, hi)
    return lang.interval(mid, lo, hi, fmt=lambda x: _cell(lang, kind, x, digits))


def _range(lang: Language, kind: str, mid: Any, lo: Any, hi: Any) -> str:
    if not (_finite(lo) or _finite(hi)):
        return MISSING
    digits = _digits(mid, lo, hi)
    return lang.t(
        "format.range", lo=_cell(lang, kind, lo, digits), hi=_cell(lang, kind, hi, digits)
    )


def _finite(x: Any) -> bool:
    return x is not None and isinstance(x, (int, float, np.number)) and bool(np.isfinite(x))


def _scenario_cols(lang: Language) -> list[_Col]:
    return [
        _Col(("scenario",), lang.t("table.header.scenario")),
        _Col(("label",), lang.t("table.header.description")),
        _Col(("group",), lang.t("table.header.group")),
    ]


def _scenario_row(runs: StudyRuns, s: StudyResult) -> dict[str, Any]:
    return {"scenario": s.id, "label": s.label, "group": runs.groups.get(s.group or "", "")}


# --------------------------------------------------------------------------- comparisons


def _comparison(res: Results) -> pd.DataFrame:
    """The scenario's comparison, indexed by indicator, with the paired differences of the
    spending totals it lacks (by funding source and programme) added by ``compare_runs``."""
    comp = res.comparison.set_index("indicator")
    base = res.baseline.runs if res.baseline is not None else None
    if base is None:
        return comp
    missing = [
        c
        for c in res.runs.columns
        if c.startswith("spending_") and c.endswith("_total") and c in base.columns
    ]
    missing = [c for c in missing if c not in comp.index]
    if not missing:
        return comp
    extra = compare_runs(res.runs, base, indicators=missing).set_index("indicator")
    extra = extra.loc[[c for c in missing if c in extra.index]]
    return pd.concat([comp, extra])


def _triple(comp: pd.DataFrame, key: str, total: bool) -> list[float]:
    """difference, ci_low, ci_high (and the total interval) of an indicator, NaN if absent."""
    cols = ["difference", "ci_low", "ci_high"] + (["ci_low_total", "ci_high_total"] * total)
    if key not in comp.index:
        return [math.nan] * len(cols)
    row = comp.loc[key]
    return [float(row[c]) if c in row.index else math.nan for c in cols]


def _has_total(comps: Mapping[str, pd.DataFrame]) -> bool:
    return any("ci_low_total" in c.columns for c in comps.values())


def _measure_col(
    lang: Language, key: str, label: str, comps: Mapping[str, pd.DataFrame], total: bool
) -> _Col:
    raw = next((str(c.loc[key, "unit"]) for c in comps.values() if key in c.index), "")
    kind = _kind(raw, difference=True)
    suffix = ("_mean", "_low", "_high") + (("_low_total", "_high_total") if total else ())
    return _Col(tuple(f"{key}{s}" for s in suffix), label, kind, _shown_unit(lang, key, kind, raw))


# --------------------------------------------------------------------------- tables


def _summary(runs: StudyRuns, lang: Language, comps: Mapping[str, pd.DataFrame]) -> ReportTable:
    total = _has_total(comps)
    present = [(k, h) for k, h in SUMMARY_MEASURES if any(k in c.index for c in comps.values())]
    cols = _scenario_cols(lang)
    cols += [_measure_col(lang, k, lang.t(f"table.header.{h}"), comps, total) for k, h in present]
    rows = []
    for s in runs.scenarios:
        row = _scenario_row(runs, s)
        for col, (key, _) in zip(cols[3:], present, strict=True):
            row |= dict(zip(col.keys, _triple(comps[s.id], key, total), strict=True))
        rows.append(row)
    return _wide("summary", lang, cols, rows)


def _note(lang: Language, note: str) -> str:
    known = {NO_EFFECT: "report.note.no_effect", UNBOUNDED: "report.note.unbounded"}
    return lang.t(known[note]) if note in known else note


def _effects(runs: StudyRuns, lang: Language, comps: Mapping[str, pd.DataFrame]) -> ReportTable:
    """Long form: every scenario x every indicator of its comparison.csv."""
    total = _has_total(comps)
    extra = ["ci_low_total", "ci_high_total"] if total else []
    rows, shown = [], []
    for s in runs.scenarios:
        comp = s.results().comparison
        for r in comp.itertuples(index=False):
            values = _triple(comps[s.id], r.indicator, total)
            kind = _kind(str(r.unit), difference=True)
            note = "" if not isinstance(r.note, str) else r.note
            rows.append(
                _scenario_row(runs, s)
                | {"indicator": r.indicator, "indicator_label": _label(lang, r.indicator, r.label)}
                | {"unit": r.unit}
                | dict(zip(["difference", "ci_low", "ci_high", *extra], values, strict=True))
                | {"note": note}
            )
            cells = {
                "unit": _shown_unit(lang, r.indicator, kind, str(r.unit)),
                "change": _interval(lang, kind, *values[:3]),
                "note": _note(lang, note),
            }
            if total:
                cells["total"] = _range(lang, kind, *values[:1], *values[3:])
            shown.append(cells)
    numeric = pd.DataFrame(
        rows,
        columns=[*_EFFECT_KEYS, "difference", "ci_low", "ci_high", *extra, "note"],
    )
    h = {k: lang.t(f"table.header.{k}") for k in ("scenario", "group", "unit", "note", "change")}
    headers = {
        "scenario": h["scenario"],
        "label": lang.t("table.header.description"),
        "group": h["group"],
        "indicator": lang.t("table.header.indicator_id"),
        "indicator_label": lang.t("table.header.indicator"),
        "unit": h["unit"],
        "difference": h["change"],
        "ci_low": lang.t("table.header.ci_low"),
        "ci_high": lang.t("table.header.ci_high"),
        "ci_low_total": lang.t("table.header.ci_low_total"),
        "ci_high_total": lang.t("table.header.ci_high_total"),
        "note": h["note"],
    }
    frame = pd.DataFrame(
        {
            headers["label"]: numeric["label"],
            h["group"]: numeric["group"],
            headers["indicator_label"]: numeric["indicator_label"],
            h["unit"]: [c["unit"] for c in shown],
            f"{h['change']} [{lang.t('table.header.interval_95')}]": [c["change"] for c in shown],
        }
    )
    if total:
        frame[lang.t("table.header.interval_total")] = [c["total"] for c in shown]
    frame[h["note"]] = [c["note"] for c in shown]
    headers = {k: v for k, v in headers.items() if k in numeric.columns}
    return ReportTable("effects", lang.t("table.caption.effects"), frame, numeric, headers, {})


def _cost_effectiveness(
    runs: StudyRuns, lang: Language, comps: Mapping[str, pd.DataFrame]
) -> ReportTable:
    """Scenarios ranked by cost per additional sustained exit; the efficient frontier of
    Δ spending against Δ exits."""
    measures = [
        (COST_PER_EXIT, "cost_per_exit"),
        (SPENDING, "delta_spending"),
        (EXITS, "delta_sustained_exits"),
    ]
    cols = [_measure_col(lang, k, lang.t(f"table.header.{h}"), comps, False) for k, h in measures]
    rows = []
    for s in runs.scenarios:
        row = _scenario_row(runs, s)
        for col, (key, _) in zip(cols, measures, strict=True):
            row |= dict(zip(col.keys, _triple(comps[s.id], key, False), strict=True))
        rows.append(row)
    efficient = efficient_frontier(
        [r[f"{SPENDING}_mean"] for r in rows], [r[f"{EXITS}_mean"] for r in rows]
    )
    for r, e in zip(rows, efficient, strict=True):
        r["efficient"] = bool(e)
    cost = np.array([r[f"{COST_PER_EXIT}_mean"] for r in rows], dtype=float)
    order = sorted(range(len(rows)), key=lambda i: (not np.isfinite(cost[i]), cost[i], i))
    rows = [rows[i] | {"rank": n + 1} for n, i in enumerate(order)]
    head = [_Col(("rank",), lang.t("table.header.rank"), "int"), *_scenario_cols(lang)]
    tail = [_Col(("efficient",), lang.t("table.header.efficient"), "bool")]
    return _wide("cost_effectiveness", lang, head + cols + tail, rows)


def _world_col(lang: Language) -> _Col:
    return _Col(("world",), lang.t("table.header.world"))


def _worlds(lang: Language, res: Results) -> list[tuple[str, Results]]:
    out = [(lang.t("table.header.scenario_value"), res)]
    if res.baseline is not None:
        out.append((lang.t("table.header.baseline_value"), res.baseline))
    return out


def _goal(runs: StudyRuns, lang: Language) -> ReportTable:
    """Per scenario and its baseline: share of replications reaching the goal, and when."""
    rows = []
    for s in runs.scenarios:
        for world, res in _worlds(lang, s.results()):
            reached = goal_reached(res.timeseries, runs.goal_extreme_poverty)
            rows.append(
                _scenario_row(runs, s)
                | {"world": world, "share_reaching_goal": reached.share}
                | {"first_month_goal": reached.first_month}
            )
    cols = [
        *_scenario_cols(lang),
        _world_col(lang),
        _Col(("share_reaching_goal",), lang.t("table.header.share_reaching_goal"), "share", "%"),
        _Col(("first_month_goal",), lang.t("table.header.first_month_goal"), "month"),
    ]
    return _wide("goal", lang, cols, rows)


def _level(res: Results | None, column: str) -> list[float]:
    """Mean over replications with its 95% t interval (as summarise_runs), NaN if absent."""
    if res is None or column not in res.runs.columns:
        return [math.nan] * 3
    _, mean, _, lo, hi = t_interval(res.runs[column].to_numpy(dtype=float), CONFIDENCE)
    return [mean, lo, hi]


def _exhausted(res: Results, programme: str) -> tuple[float, float, str | None]:
    """Share of replications in which a programme's budget ran out, mean months it was out,
    and the first month it was (lower median over the replications where it ran out)."""
    column = f"budget_exhausted_{programme}"
    ts = res.timeseries
    if column not in ts.columns:
        return math.nan, math.nan, None
    ts = ts[ts["district"] == ALL_DISTRICTS]
    out = ts[ts[column] > 0]
    n = ts["replication"].nunique()
    months = out.groupby("replication")["step"].count().reindex(ts["replication"].unique())
    first = out.groupby("replication")["step"].min()
    month = None
    if not first.empty:
        step = statistics.median_low(first.tolist())
        month = str(ts.loc[ts["step"] == step, "date"].iloc[0])
    return len(first) / n, float(months.fillna(0).mean()), month


def _budget_items(res: Results) -> list[tuple[str, str]]:
    """(kind, name) of the funding sources then the programmes with a spending total."""
    names = [
        c[len("spending_") : -len("_total")]
        for c in res.runs.columns
        if c.startswith("spending_") and c.endswith("_total")
    ]
    funding = [("funding", n) for n in FUNDING_SOURCES if n in names]
    return funding + [("programme", n) for n in names if n not in FUNDING_SOURCES]


def _budgets(runs: StudyRuns, lang: Language, comps: Mapping[str, pd.DataFrame]) -> ReportTable:
    """Per scenario: spending by funding source and programme over the run (scenario,
    baseline, paired difference), and when a programme's budget ran out."""
    rows = []
    for s in runs.scenarios:
        res = s.results()
        for kind, name in _budget_items(res):
            column = f"spending_{name}_total"
            mine, theirs = _level(res, column), _level(res.baseline, column)
            if kind == "programme" and not any(_finite(x) and x != 0 for x in mine + theirs):
                continue
            share, months, first = (
                _exhausted(res, name) if kind == "programme" else (math.nan, math.nan, None)
            )
            label = lang.funding(name) if kind == "funding" else lang.programme(name)
            rows.append(
                _scenario_row(runs, s)
                | {"kind": lang.t(f"table.kind.{kind}"), "item": name, "item_label": label}
                | dict(zip(("scenario_mean", "scenario_low", "scenario_high"), mine, strict=True))
                | dict(zip(("baseline_mean", "baseline_low", "baseline_high"), theirs, strict=True))
                | dict(
                    zip(
                        ("difference", "ci_low", "ci_high"),
                        _triple(comps[s.id], column, False),
                        strict=True,
                    )
                )
                | {"share_exhausted": share, "months_exhausted": months}
                | {"first_month_exhausted": first}
            )
    unit = lang.summary_unit("fiscal_cost_cum")
    value = lang.t("table.header.value")
    cols = [
        *_scenario_cols(lang),
        _Col(("kind",), lang.t("table.header.kind")),
        _Col(("item",), f"{lang.t('table.header.item')}, {lang.t('table.header.id')}", shown=False),
        _Col(("item_label",), lang.t("table.header.item")),
        _Col(
            ("scenario_mean", "scenario_low", "scenario_high"),
            f"{value}, {lang.t('table.header.scenario_value')}",
            "idr",
            unit,
        ),
        _Col(
            ("baseline_mean", "baseline_low", "baseline_high"),
            f"{value}, {lang.t('table.header.baseline_value')}",
            "idr",
            unit,
        ),
        _Col(("difference", "ci_low", "ci_high"), lang.t("table.header.change"), "idr", unit),
        _Col(("share_exhausted",), lang.t("table.header.share_exhausted"), "share", "%"),
        _Col(("months_exhausted",), lang.t("table.header.months_exhausted"), "months"),
        _Col(("first_month_exhausted",), lang.t("table.header.first_month_exhausted"), "month"),
    ]
    return _wide("budgets", lang, cols, rows)


def _targeting_rows(res: Results) -> list[tuple[str, dict[str, str]]]:
    """(programme, measure -> runs column) of the registry as a whole and of each programme
    with recipients; measures a run lacks are left out."""
    cols = set(res.runs.columns)
    out = [("", {m: f"{m}_last12" for m in TARGETING[:2] if f"{m}_last12" in cols})]
    programmes = [
        c[len("recipients_") : -len("_last12")]
        for c in res.runs.columns
        if c.startswith("recipients_") and c.endswith("_last12")
    ]
    for p in programmes:
        found = {m: f"{_TARGETING_COLUMN.get(m, m)}_{p}_last12" for m in TARGETING}
        out.append((p, {m: c for m, c in found.items() if c in cols}))
    return out


def _targeting(runs: StudyRuns, lang: Language) -> ReportTable:
    """Per scenario and its baseline: exclusion and inclusion errors and coverage (means of
    the last 12 months with 95% intervals), for the registry and each programme with
    recipients."""
    rows = []
    for s in runs.scenarios:
        for world, res in _worlds(lang, s.results()):
            for programme, measures in _targeting_rows(res):
                recipients = _level(res, f"recipients_{programme}_last12")[0]
                if programme and not (_finite(recipients) and recipients > 0):
                    continue
                row = _scenario_row(runs, s) | {"world": world, "programme": programme}
                row["programme_label"] = (
                    lang.programme(programme) if programme else lang.t("table.kind.registry")
                )
                for m in TARGETING:
                    values = _level(res, measures[m]) if m in measures else [math.nan] * 3
                    row |= dict(zip((f"{m}_mean", f"{m}_low", f"{m}_high"), values, strict=True))
                rows.append(row)
    unit = lang.indicator_unit("exclusion_error")
    cols = [
        *_scenario_cols(lang),
        _world_col(lang),
        _Col(
            ("programme",),
            f"{lang.t('table.header.programme')}, {lang.t('table.header.id')}",
            shown=False,
        ),
        _Col(("programme_label",), lang.t("table.header.programme")),
    ]
    cols += [
        _Col(
            (f"{m}_mean", f"{m}_low", f"{m}_high"),
            lang.t(f"table.header.{m}"),
            "share",
            unit,
        )
        for m in TARGETING
    ]
    return _wide("targeting", lang, cols, rows)


def _setting(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _methods(runs: StudyRuns, lang: Language) -> ReportTable:
    """Per scenario: each resolved setting that differs from its baseline, replications,
    seeds, package version and scenario file."""
    rows = []
    for s in runs.scenarios:
        m = s.results().manifest
        seeds = list(m["seeds"])
        common = _scenario_row(runs, s) | {
            "replications": int(m["replications"]),
            "seed_first": seeds[0] if seeds else None,
            "seed_last": seeds[-1] if seeds else None,
            "package_version": str(m["package_version"]),
            "scenario_file": str(m.get("scenario_file", "")),
        }
        differ = differing_settings(m["scenario_text"], m["baseline"]["scenario_text"])
        if not differ:
            rows.append(common | {"key": "", "scenario_value": lang.t("report.note.no_difference")})
        for key, mine, theirs in differ:
            rows.append(
                common
                | {"key": key, "scenario_value": _setting(mine)}
                | {"baseline_value": _setting(theirs)}
            )
    value = lang.t("table.header.value")
    cols = [
        *_scenario_cols(lang),
        _Col(("key",), lang.t("table.header.key")),
        _Col(("scenario_value",), f"{value}, {lang.t('table.header.scenario_value')}", "setting"),
        _Col(("baseline_value",), f"{value}, {lang.t('table.header.baseline_value')}", "setting"),
        _Col(("replications",), lang.t("table.header.replications"), "int"),
        _Col(("seed_first",), f"{lang.t('table.header.seeds')} (1)", "text"),
        _Col(("seed_last",), f"{lang.t('table.header.seeds')} ({lang.t('table.header.n')})"),
        _Col(("package_version",), lang.t("table.header.package_version")),
        _Col(("scenario_file",), lang.t("table.header.scenario_file")),
    ]
    return _wide("methods", lang, cols, rows)


def _definitions(lang: Language, tables: Mapping[str, ReportTable], runs: StudyRuns) -> ReportTable:
    """Every indicator the tables use (label, unit, definition), then the source of every
    setting that differs (the scenario file and the key)."""
    used: dict[str, str] = {}  # indicator -> English label of the comparison (fallback)
    for s in runs.scenarios:
        comp = s.results().comparison
        used |= {k: v for k, v in zip(comp["indicator"], comp["label"], strict=True)}
    used |= {k: k for k, _ in SUMMARY_MEASURES}
    budgets = tables["budgets"].numeric
    used |= {f"spending_{n}_total": n for n in budgets["item"]}
    used[GOAL_INDICATOR] = GOAL_INDICATOR
    used |= {f"{m}": m for m in TARGETING[:2]}
    rows = []
    for key, fallback in used.items():
        try:
            definition = lang.summary_definition(key)
            unit = lang.summary_unit(key)
        except KeyError:
            definition, unit = fallback, ""
        rows.append(
            {
                "kind": lang.t("table.kind.indicator"),
                "name": key,
                "label": _label(lang, key, fallback),
                "unit": unit,
                "definition": definition,
                "source": "",
            }
        )
    methods = tables["methods"].numeric
    for r in methods[methods["key"] != ""].itertuples(index=False):
        rows.append(
            {
                "kind": lang.t("table.kind.parameter"),
                "name": r.key,
                "label": r.label,
                "unit": "",
                "definition": "",
                "source": lang.t("table.source.parameter", file=r.scenario_file, key=r.key),
            }
        )
    cols = [
        _Col(("kind",), lang.t("table.header.kind")),
        _Col(("name",), lang.t("table.header.indicator_id")),
        _Col(("label",), lang.t("table.header.label")),
        _Col(("unit",), lang.t("table.header.unit")),
        _Col(("definition",), lang.t("table.header.definition")),
        _Col(("source",), lang.t("table.header.source")),
    ]
    return _wide("definitions", lang, cols, rows)


def report_tables(runs: StudyRuns, lang: Language) -> dict[str, ReportTable]:
    """The report's tables of a study's runs, in ``lang``, by name in :data:`TABLE_NAMES`'s
    order (every scenario appears in every table but ``definitions``)."""
    comps = {s.id: _comparison(s.results()) for s in runs.scenarios}
    tables = {
        "summary": _summary(runs, lang, comps),
        "effects": _effects(runs, lang, comps),
        "cost_effectiveness": _cost_effectiveness(runs, lang, comps),
        "goal": _goal(runs, lang),
        "budgets": _budgets(runs, lang, comps),
        "targeting": _targeting(runs, lang),
        "methods": _methods(runs, lang),
    }
    tables["definitions"] = _definitions(lang, tables, runs)
    return tables


# --------------------------------------------------------------------------- files


def _excel_value(x: Any) -> Any:
    if x is None or x is pd.NA:
        return None
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(x) else None
    return str(x)


def _sheet(workbook: Any, table: ReportTable) -> None:
    """One sheet: translated headers (bold, frozen), the numeric values with number formats,
    columns as wide as their text."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = workbook.create_sheet(table.name[:31])
    columns = list(table.numeric.columns)
    ws.append([table.headers.get(c, c) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in table.numeric.itertuples(index=False):
        ws.append([_excel_value(x) for x in row])
    for j, c in enumerate(columns, start=1):
        letter = get_column_letter(j)
        fmt = table.number_formats.get(c)
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                cell.number_format = fmt
        texts = [str(table.headers.get(c, c))] + [
            f"{x:,.3f}" if isinstance(x, float) else str(x) for x in table.numeric[c]
        ]
        width = max(len(t) for t in texts) + 2
        ws.column_dimensions[letter].width = min(max(width, _WIDTH_MIN), _WIDTH_MAX)
    ws.freeze_panes = "A2"


def write_tables(tables: Mapping[str, ReportTable], out_dir: str | Path) -> list[Path]:
    """Write ``tables.xlsx`` (one sheet per table, ``definitions`` last; the numeric values
    under translated headers, so a reader can compute) and ``csv/<name>.csv`` (the same,
    UTF-8) into ``out_dir``, each file atomically. Returns the paths written.

    Raises:
        ResultsError: ``out_dir`` cannot be written.
    """
    from openpyxl import Workbook

    out = check_writable(out_dir)
    order = [t for n, t in tables.items() if n != "definitions"]
    order += [t for n, t in tables.items() if n == "definitions"]
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in order:
        _sheet(workbook, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    written = [atomic_write_bytes(out / "tables.xlsx", lambda fh: fh.write(data))]
    csv_dir = check_writable(out / "csv")
    for table in order:
        frame = table.numeric.rename(columns=dict(table.headers))
        written.append(write_csv_atomic(frame, csv_dir / f"{table.name}.csv"))
    return written

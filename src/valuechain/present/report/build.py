"""The whole report of a study: tables, figures, ``report.html`` and ``report.pdf``.

:func:`write_report` is what ``valuechain report`` calls once the study's runs exist. It
computes the tables (:mod:`.tables`) and draws the figures (:mod:`.figures`, and the sweep
figures of :mod:`valuechain.present.sweep_figures` for an experiment of the study), writes
them as files, assembles one :class:`~.document.Document` (:func:`build_document`) and
renders it as HTML (:mod:`.html`) and PDF (:mod:`.pdf`)::

    <out>/report/
        report.html     one self-contained page (figures as inline SVG)
        report.pdf      the same content, numbered pages, figures as vectors
        tables.xlsx     one sheet per table (units in the headers), definitions last
        csv/            the same tables as CSV
        figures/        every figure as PNG and SVG, named for what it shows

The document follows the issue's order: summary, effects, cost-effectiveness, over time,
jobs, budgets, targeting and distribution, effects across a sweep's design (when the study
has an experiment), methods, then definitions and sources. Every table of the document is
a view of a workbook table (same rows and numbers, fewer columns or rows where the whole
table would not fit a page); the note under it says which sheet holds all of it.

Example:
    >>> from valuechain.experiments.study import load_study, run_study   # doctest: +SKIP
    >>> runs = run_study(load_study("studies/hilirisasi.toml"), "results/hilirisasi")
    >>> files = write_report(runs, "results/hilirisasi", "id")
    >>> files.html, files.pdf

API: :func:`write_report` ``(runs, out_dir, lang, *, progress) -> ReportFiles``;
:func:`build_document` ``(runs, lang, tables, figures, sweeps) -> Document``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from valuechain.experiments.study import StudyExperiment, StudyRuns
from valuechain.present.figures import save_figure
from valuechain.present.language import Language, indicator_scale, language
from valuechain.present.report.document import (
    Block,
    Document,
    FigureBlock,
    Paragraph,
    Section,
    TableBlock,
)
from valuechain.present.report.figures import (
    FigureSpec,
    draw_figure,
    figure_plan,
    has_processing,
    study_source,
)
from valuechain.present.report.html import write_html
from valuechain.present.report.pdf import svg_drawing, write_pdf
from valuechain.present.report.tables import (
    SUMMARY_MEASURES,
    ReportTable,
    report_tables,
    write_tables,
)
from valuechain.runs.pool import run_tasks
from valuechain.runs.progress import progress_bar
from valuechain.runs.results import FIGURES_DIR, Results

__all__ = [
    "JOB_INDICATORS",
    "REPORT_DIR",
    "SECTIONS",
    "ReportFiles",
    "build_document",
    "document_tables",
    "write_report",
]

#: The folder of the report under the study's output folder.
REPORT_DIR = "report"
#: The sections, in order (``report.section.<key>``); ``sweep`` only when the study has one.
SECTIONS = (
    "summary",
    "effects",
    "cost_effectiveness",
    "over_time",
    "jobs",
    "budgets",
    "targeting",
    "sweep",
    "methods",
    "definitions",
)
#: The summary's columns split over two tables of the document (a page is too narrow for one):
#: poverty and exits, then jobs and money (numeric column stems of the summary table).
SUMMARY_POVERTY = (
    "extreme_poverty_rate_march_last",
    "extreme_poverty_rate_september_last",
    "extreme_poverty_rate_215_march_last",
    "extreme_poverty_rate_215_september_last",
    "poverty_rate_march_last",
    "sustained_exits_final",
)
SUMMARY_MONEY = (
    "processing_jobs_last12",
    "processing_jobs_poor_last12",
    "fiscal_cost_cum",
    "spending_central_total",
    "spending_district_total",
    "cost_per_additional_sustained_exit",
    "cost_per_poverty_person_year_avoided",
)
#: The effects the forest plots draw: the rows of the effects table the document shows.
EFFECTS_SHOWN = ("extreme_poverty_rate_march_last", "sustained_exits_final")
#: Comparison indicators of the jobs section (prefixes: one per commodity for prices).
JOB_INDICATORS = (
    "processing_jobs_last12",
    "processing_jobs_poor_last12",
    "processing_jobs_women_last12",
    "net_processing_jobs_last12",
    "jobs_displaced_elsewhere_last12",
    "farmgate_price_",
    "farmgate_share_",
    "local_processing_share_",
)
#: The targeting rows the document shows: the registry (all programmes) of each run.
REGISTRY_ROW = ""


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`write_report` wrote.

    Attributes:
        folder: ``<out>/report``.
        html, pdf, xlsx: the report, its PDF and the workbook.
        csv: one file per table.
        figures: PNG and SVG of every figure.
        seconds: wall time by step (tables, figures, html, pdf).
    """

    folder: Path
    html: Path
    pdf: Path
    xlsx: Path
    csv: tuple[Path, ...]
    figures: tuple[Path, ...]
    seconds: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class DrawnFigure:
    """A figure as written: its name, section, caption (translated), files, and its SVG as
    a ReportLab drawing for the PDF (converted where it was drawn; None: not yet)."""

    name: str
    section: str
    caption: str
    svg: Path
    png: Path
    drawing: Any = field(default=None, repr=False, compare=False)


# --------------------------------------------------------------------------- table views


def _view(
    table: ReportTable,
    lang: Language,
    rows: np.ndarray | None = None,
    drop: Iterable[str] = (),
    keep: Callable[[str], bool] | None = None,
) -> pd.DataFrame:
    """A document view of a table: chosen rows, the scenario id column dropped and the
    label column headed "scenario", the group column dropped when no row has a group."""
    frame = table.frame if rows is None else table.frame[rows]
    sid, label, group = (lang.t(f"table.header.{k}") for k in ("scenario", "description", "group"))
    gone = set(drop)
    if label in frame.columns and sid in frame.columns:
        gone.add(sid)
    if group in frame.columns and not frame[group].astype(str).str.strip().any():
        gone.add(group)
    columns = [c for c in frame.columns if c not in gone and (keep is None or keep(c))]
    return frame[columns].rename(columns={label: sid}).reset_index(drop=True)


def _summary_views(table: ReportTable, lang: Language) -> list[tuple[str, pd.DataFrame]]:
    """The summary as two tables: poverty and exits; jobs, spending and costs."""
    header = dict(SUMMARY_MEASURES)
    out = []
    for part, other in (("summary_poverty", SUMMARY_MONEY), ("summary_money", SUMMARY_POVERTY)):
        # a measure's shown header is its catalog header followed by its unit
        prefixes = tuple(f"{lang.t(f'table.header.{header[s]}')}, " for s in other)
        dropped = [c for c in table.frame.columns if str(c).startswith(prefixes)]
        out.append((part, _view(table, lang, drop=dropped)))
    return out


def _is_job_indicator(key: str) -> bool:
    return any(key == j or (j.endswith("_") and key.startswith(j)) for j in JOB_INDICATORS)


def document_tables(
    tables: Mapping[str, ReportTable], lang: Language, processing: Iterable[str] = ()
) -> dict[str, tuple[str, pd.DataFrame, str]]:
    """The tables the document shows, by name: (workbook sheet it is a view of, frame,
    note). Every row of a view is a row of the sheet with the same numbers; the jobs table
    holds the scenarios in ``processing`` (those with plants, as the jobs figures)."""
    out: dict[str, tuple[str, pd.DataFrame, str]] = {}
    for name, frame in _summary_views(tables["summary"], lang):
        out[name] = ("summary", frame, "")
    eff = tables["effects"]
    indicator = eff.numeric["indicator"].to_numpy()
    out["effects_shown"] = (
        "effects",
        _view(eff, lang, np.isin(indicator, EFFECTS_SHOWN)),
        _full_note(lang, "effects"),
    )
    jobs = np.array([_is_job_indicator(str(k)) for k in indicator], dtype=bool)
    jobs &= eff.numeric["scenario"].isin(list(processing)).to_numpy()
    if jobs.any():
        out["jobs"] = ("effects", _view(eff, lang, jobs), _full_note(lang, "effects"))
    out["cost_effectiveness"] = (
        "cost_effectiveness",
        _view(tables["cost_effectiveness"], lang),
        "",
    )
    out["goal"] = ("goal", _view(tables["goal"], lang), "")
    bud = tables["budgets"]
    # funding sources (programmes are in the workbook; those whose budget ran out shown too)
    funding = bud.numeric["kind"].to_numpy() == lang.t("table.kind.funding")
    shown = funding | (bud.numeric["share_exhausted"].fillna(0.0).to_numpy() > 0)
    out["budgets_shown"] = ("budgets", _view(bud, lang, shown), _full_note(lang, "budgets"))
    tgt = tables["targeting"]
    registry = tgt.numeric["programme"].fillna("").astype(str).to_numpy() == REGISTRY_ROW
    if registry.any():
        out["targeting_shown"] = (
            "targeting",
            _view(tgt, lang, registry),
            _full_note(lang, "targeting"),
        )
    met = tables["methods"]
    out["methods"] = ("methods", _view(met, lang, keep=_not_common(lang)), _methods_note(met, lang))
    dfn = tables["definitions"]
    is_indicator = dfn.numeric["kind"].to_numpy() == lang.t("table.kind.indicator")
    out["definitions_shown"] = (
        "definitions",
        _view(dfn, lang, is_indicator),
        _full_note(lang, "definitions"),
    )
    return out


def _not_common(lang: Language) -> Callable[[str], bool]:
    """Methods columns shown per row (replications, seeds and version go to the note)."""
    common = {
        lang.t("table.header.replications"),
        f"{lang.t('table.header.seeds')} (1)",
        f"{lang.t('table.header.seeds')} ({lang.t('table.header.n')})",
        lang.t("table.header.package_version"),
        lang.t("table.header.scenario_file"),
    }
    return lambda c: c not in common


def _methods_note(table: ReportTable, lang: Language) -> str:
    """Replications, seeds, package version and scenario file of each scenario, as text."""
    first = table.numeric.drop_duplicates("scenario")
    parts = []
    for r in first.itertuples(index=False):
        parts.append(
            lang.t(
                "report.note.methods_scenario",
                scenario=r.label,
                replications=lang.plural("format.replications", int(r.replications)),
                first=r.seed_first,
                last=r.seed_last,
                version=r.package_version,
                file=Path(str(r.scenario_file)).name,
            )
        )
    return " ".join([lang.t("report.note.differs"), *parts, _full_note(lang, "methods")])


def _full_note(lang: Language, sheet: str) -> str:
    return lang.t("report.note.full_table", sheet=sheet)


# --------------------------------------------------------------------------- sweeps


def sweep_table(experiment: StudyExperiment, lang: Language) -> ReportTable:
    """The paired effects of every design point of a study's experiment against its
    baseline (``effects.parquet``: mean of the paired differences, 95% interval), one row
    per point and output, the factors' values first: sheet ``sweep_<id>``."""
    from valuechain.present.sweep_figures import (
        difference_unit,
        factor_label,
        output_text,
        sweep_outputs,
        value_text,
    )

    results = experiment.results()
    outputs = sweep_outputs(results)
    effects = results.effects[results.effects["output"].isin(list(outputs))]
    factors = results.factors
    numeric = effects[["point", *factors, "output", "difference", "ci_low", "ci_high"]].copy()
    numeric.insert(0, "experiment", experiment.id)
    numeric["output_label"] = [output_text(lang, outputs[o]) for o in effects["output"]]
    scale = np.array([indicator_scale(outputs[o].indicator) for o in effects["output"]])
    shown_unit = [difference_unit(lang, outputs[o]) for o in effects["output"]]
    # the sheet keeps shares as shares (as the other sheets): its unit is a share's, not "pp"
    numeric["unit"] = [
        lang.t("table.unit.share") if k != 1.0 else u
        for k, u in zip(scale, shown_unit, strict=True)
    ]
    head = {f: factor_label(results, f, with_unit=True) for f in factors}
    frame = pd.DataFrame({head[f]: [value_text(lang, v) for v in effects[f]] for f in factors})
    frame[lang.t("table.header.indicator")] = numeric["output_label"].to_numpy()
    frame[lang.t("table.header.unit")] = shown_unit
    shown = numeric[["difference", "ci_low", "ci_high"]].to_numpy() * scale[:, None]
    frame[f"{lang.t('table.header.change')} [{lang.t('table.header.interval_95')}]"] = [
        lang.interval(*row) for row in shown
    ]
    headers = {
        "experiment": lang.t("table.header.experiment"),
        "point": lang.t("table.header.design_point"),
        **head,
        "output": lang.t("table.header.indicator_id"),
        "difference": f"{lang.t('table.header.change')}, {lang.t('table.header.mean')}",
        "ci_low": lang.t("table.header.ci_low"),
        "ci_high": lang.t("table.header.ci_high"),
        "output_label": lang.t("table.header.indicator"),
        "unit": lang.t("table.header.unit"),
    }
    caption = lang.t("table.caption.sweep", experiment=experiment.label)
    return ReportTable(f"sweep_{experiment.id}", caption, frame, numeric, headers, {})


def _sweep_items(
    runs: StudyRuns, lang: Language
) -> Iterable[tuple[str, str, str, Mapping[str, str], plt.Figure]]:
    """The effects of each experiment of the study against its design factors."""
    from valuechain.present.sweep_figures import effects_figure, output_text, sweep_outputs

    for e in runs.experiments:
        results = e.results()
        for name, output in sweep_outputs(results).items():
            fig = effects_figure(results, name, lang)
            values = {"experiment": e.label, "output": output_text(lang, output)}
            yield f"sweep_{e.id}_{name}", "sweep", "figure.caption.sweep", values, fig


# --------------------------------------------------------------------------- figures


def _draw(
    items: Iterable[tuple[str, str, str, Mapping[str, str], plt.Figure]],
    folder: Path,
    lang: Language,
) -> list[tuple[DrawnFigure, list[Path]]]:
    out = []
    for name, section, caption, values, fig in items:
        assert isinstance(fig, plt.Figure), name
        written = save_figure(fig, folder / name)
        plt.close(fig)
        by_suffix = {p.suffix: p for p in written}
        svg = by_suffix[".svg"]
        drawn = DrawnFigure(
            name, section, lang.t(caption, **values), svg, by_suffix[".png"], svg_drawing(svg)
        )
        out.append((drawn, written))
    return out


#: Results read by this (worker) process, by folder: a worker draws several figures of the
#: same scenarios and reads each folder once.
_READ: dict[Path, Results] = {}


def _stripped(runs: StudyRuns) -> StudyRuns:
    """The runs without what they have read or loaded: what a figure worker needs (ids,
    labels, groups, folders), cheap to send; each worker reads the folders itself."""
    return dataclasses.replace(
        runs,
        study=None,
        scenarios=tuple(dataclasses.replace(s, read=None, scenario=None) for s in runs.scenarios),
        experiments=(),
    )


def _draw_one(task: tuple[FigureSpec, StudyRuns, str, Path]) -> tuple[DrawnFigure, list[Path]]:
    """Draw and save one planned figure (in a worker process or here)."""
    spec, runs, code, folder = task
    lang = language(code)
    for s in runs.scenarios:
        s.read = _READ.get(s.path, s.read)
    fig = draw_figure(runs, spec, lang)
    for s in runs.scenarios:
        if s.read is not None:
            _READ[s.path] = s.read
    return _draw([(spec.name, spec.section, spec.caption, spec.caption_values, fig)], folder, lang)[
        0
    ]


def _draw_report_figures(
    runs: StudyRuns, lang: Language, folder: Path, workers: int, progress: bool
) -> list[tuple[DrawnFigure, list[Path]]]:
    """Every figure of :func:`~.figures.figure_plan`, drawn by ``workers`` processes (the
    figures are independent; each worker reads the result folders it needs), in plan order."""
    plan = figure_plan(runs)
    light = _stripped(runs) if workers > 1 else runs
    tasks = [(spec, light, lang.code, folder) for spec in plan]
    drawn: dict[str, tuple[DrawnFigure, list[Path]]] = {}
    bar = progress_bar(len(tasks), "figures", show=progress, unit="figure")

    def keep(out: tuple[DrawnFigure, list[Path]]) -> None:
        drawn[out[0].name] = out
        bar.update()

    try:
        run_tasks(tasks, _draw_one, min(workers, len(tasks)), keep)
    finally:
        bar.close()
        _READ.clear()
    return [drawn[spec.name] for spec in plan]


# --------------------------------------------------------------------------- document


def build_document(
    runs: StudyRuns,
    lang: Language,
    tables: Mapping[str, ReportTable],
    figures: Sequence[DrawnFigure],
    *,
    version: str,
    written_on: dt.date,
) -> Document:
    """The report's document: sections in :data:`SECTIONS` order, each with its notes,
    tables (views of ``tables``, numbered) and figures (numbered, captions translated)."""
    views = document_tables(
        tables, lang, [s.id for s in runs.scenarios if has_processing(s.results())]
    )
    counter = {"table": 0, "figure": 0}
    sweep_names = [n for n in tables if n.startswith("sweep_")]

    def table(name: str) -> list[Block]:
        if name not in views:
            return []
        sheet, frame, note = views[name]
        counter["table"] += 1
        caption = lang.t(f"table.caption.{name}") if name != sheet else tables[sheet].caption
        number = lang.t("report.table_number", n=counter["table"])
        return [TableBlock(name, f"{number}. {caption}", frame, note)]

    def figs(section: str) -> list[Block]:
        out: list[Block] = []
        for f in figures:
            if f.section == section:
                counter["figure"] += 1
                number = lang.t("report.figure_number", n=counter["figure"])
                out.append(FigureBlock(f.name, f"{number}. {f.caption}", f.svg, f.png))
        return out

    def notes(*ids: str, **values: object) -> list[Block]:
        return [Paragraph(lang.t(f"report.note.{i}", **values)) for i in ids]

    def sweep(name: str) -> list[Block]:
        counter["table"] += 1
        number = lang.t("report.table_number", n=counter["table"])
        t = tables[name]
        note = lang.t("report.note.full_table", sheet=name)
        return [TableBlock(name, f"{number}. {t.caption}", t.frame, note)]

    goal = lang.percent(runs.goal_extreme_poverty, 0)
    body: dict[str, list[Block]] = {
        "summary": [
            *notes("intro", scenarios=len(runs.scenarios)),
            *notes("paired", "interval", "lower_is_better", "survey_months", "cost_ratio"),
            *table("summary_poverty"),
            *table("summary_money"),
        ],
        "effects": [*figs("effects"), *table("effects_shown")],
        "cost_effectiveness": [
            *notes("frontier"),
            *figs("cost_effectiveness"),
            *table("cost_effectiveness"),
        ],
        "over_time": [
            *notes("bands", "policy_windows"),
            *notes("goal", threshold=goal),
            *table("goal"),
            *figs("over_time"),
        ],
        "jobs": [*figs("jobs"), *table("jobs")],
        "budgets": [*notes("budget_exhausted"), *table("budgets_shown"), *figs("budgets")],
        "targeting": [*figs("targeting"), *table("targeting_shown")],
        "sweep": [
            *notes("sweep_point"),
            *figs("sweep"),
            *[b for name in sweep_names for b in sweep(name)],
        ]
        if sweep_names
        else [],
        "methods": table("methods"),
        "definitions": table("definitions_shown"),
    }
    sections = []
    for key in SECTIONS:
        blocks = body[key]
        if key == "sweep" and not blocks:
            continue
        if not any(isinstance(b, TableBlock | FigureBlock) for b in blocks):
            blocks = [*blocks, *notes("none_available")]
        sections.append(Section(key, lang.t(f"report.section.{key}"), tuple(blocks)))
    source = study_source(runs, lang)
    subtitle = " · ".join(
        [
            lang.t("report.subtitle"),
            lang.t("report.generated", version=version, date=lang.day(written_on)),
        ]
    )
    return Document(
        lang=lang.code,
        title=lang.t("report.title", study=runs.name),
        subtitle=subtitle,
        sections=tuple(sections),
        contents_label=lang.t("report.contents"),
        page_label=lang.messages["report.page"],
        source=source,
    )


# --------------------------------------------------------------------------- files


def write_report(
    runs: StudyRuns,
    out_dir: str | Path,
    lang: Language | str = "en",
    *,
    workers: int | None = None,
    progress: bool = False,
) -> ReportFiles:
    """Write the whole report of ``runs`` under ``out_dir/report/``.

    Args:
        runs: the study's runs (:func:`~valuechain.experiments.study.run_study` or
            :func:`~valuechain.experiments.study.open_result_folders`).
        out_dir: the study's output folder.
        lang: ``en`` or ``id`` (or a :class:`~valuechain.present.language.Language`).
        workers: processes drawing the figures (default: every CPU; 1 draws them here).
        progress: print each step and its time, and a bar while the figures are drawn.

    Returns:
        The files written and the time each step took.
    """
    lang = lang if isinstance(lang, Language) else language(lang)
    folder = Path(out_dir) / REPORT_DIR
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()

    def step(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        seconds[name] = now - t0
        t0 = now
        if progress:
            print(f"  {name}: {seconds[name]:.1f} s", flush=True)

    tables = report_tables(runs, lang)
    with_sweeps = dict(tables)
    for e in runs.experiments:
        table = sweep_table(e, lang)
        with_sweeps[table.name] = table
    table_files = write_tables(with_sweeps, folder)
    step("tables")
    workers = workers or os.cpu_count() or 1
    drawn = _draw_report_figures(runs, lang, folder / FIGURES_DIR, workers, progress)
    drawn += _draw(_sweep_items(runs, lang), folder / FIGURES_DIR, lang)
    step("figures")
    version = str(runs.scenarios[0].results().manifest["package_version"])
    doc = build_document(
        runs,
        lang,
        with_sweeps,
        [d for d, _ in drawn],
        version=version,
        written_on=dt.date.today(),
    )
    html = write_html(doc, folder / "report.html")
    step("html")
    pdf = write_pdf(doc, folder / "report.pdf", {d.svg: d.drawing for d, _ in drawn})
    step("pdf")
    xlsx = next(p for p in table_files if p.suffix == ".xlsx")
    return ReportFiles(
        folder=folder,
        html=html,
        pdf=pdf,
        xlsx=xlsx,
        csv=tuple(p for p in table_files if p.suffix == ".csv"),
        figures=tuple(p for _, written in drawn for p in written),
        seconds=seconds,
    )

"""The report's figures, drawn from a small study run once for the module."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import pickle
import warnings

import matplotlib.dates as mdates
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.text import Text

from valuechain.experiments.study import load_study, run_study
from valuechain.present.figures import save_figure
from valuechain.present.language import catalog, language
from valuechain.present.report import figures as rf
from valuechain.present.report.tables import efficient_frontier
from valuechain.present.style import FIGURE_SIZES_IN, MIN_FONT_PT

ROOT = __import__("pathlib").Path(__file__).resolve().parents[3]
STUDY = f"""
name = "figs"
[settings]
replications = 2
seed = 20240805
households = 600
goal_extreme_poverty = 0.01
[groups.processing]
label = "Processing"
[groups.package]
label = "Package"
[scenarios.hilirisasi_coffee]
file = "{ROOT}/scenarios/hilirisasi_coffee.toml"
group = "processing"
[scenarios.percepatan_2024]
file = "{ROOT}/scenarios/percepatan_2024.toml"
group = "package"
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("study")
    (folder / "figs.toml").write_text(STUDY)
    return run_study(load_study(folder / "figs.toml"), folder / "out", workers=1)


def test_policy_windows_of_the_push():
    scenario = {
        "start": "2024-08",
        "policies": {
            "push": {"start_month": 0, "end_month": 4, "enabled": True},
            "later": {"start_month": 5, "end_month": None, "enabled": True},
            "same": {"start_month": 0, "end_month": 4, "enabled": True},
            "always": {"start_month": 0, "end_month": None, "enabled": True},
        },
    }
    baseline = {"policies": {"same": scenario["policies"]["same"]}}
    windows = rf.policy_windows(scenario, baseline)
    assert windows == [
        rf.PolicyWindow("2024-08", "2024-12", ("push",)),
        rf.PolicyWindow("2025-01", None, ("later",)),
    ]


def _rows(ax):
    return [line for line in ax.collections if line.__class__.__name__ == "LineCollection"]


def test_forest_draws_one_interval_per_scenario_and_a_zero_line(runs):
    fig = rf.effects_forest(runs, "en")
    ax = fig.axes[0]
    assert len(_rows(ax)) == len(runs.scenarios)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Processing" in labels and "Package" in labels  # group headers
    assert any(line.get_xdata()[0] == 0.0 for line in ax.get_lines())


def test_spending_vs_exits_rings_the_frontier(runs):
    fig = rf.spending_vs_exits(runs, "en")
    ax = fig.axes[0]
    ring = [line for line in ax.get_lines() if line.get_markersize() == 13]
    spend, exits = [], []
    for s in runs.scenarios:
        c = s.results().comparison.set_index("indicator")
        spend.append(c.loc[rf.SPENDING, "difference"])
        exits.append(c.loc[rf.EXITS, "difference"])
    on = efficient_frontier(spend, exits)
    assert len(ring[0].get_xdata()) == int(on.sum())


def test_over_time_shades_the_push_and_draws_the_goal(runs):
    fig = rf.over_time_panels(runs, "en", ("percepatan_2024",))
    ax = fig.axes[0]  # the one panel (the legend's row comes after)
    assert "goal reached" in ax.get_title(loc="left")
    spans = [p for p in ax.patches if p.get_label() == "policy window"] or [p for p in ax.patches]
    x0 = [mdates.num2date(p.get_x()).date() for p in spans]
    assert dt.date(2024, 8, 1) in x0
    push = spans[x0.index(dt.date(2024, 8, 1))]
    end = mdates.num2date(push.get_x() + push.get_width()).date()
    assert end == dt.date(2025, 1, 1)  # August to December, whole months
    goal = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert any(np.allclose(line.get_ydata(), 1.0) for line in goal)  # 1% in % of persons
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) >= 2  # scenario and baseline


def test_jobs_and_budgets(runs):
    s = next(s for s in runs.scenarios if s.id == "hilirisasi_coffee")
    assert rf.has_processing(s.results())
    fig = rf.jobs(runs, s, "en")
    n_plants = s.results().plants["plant"].nunique()
    assert len(fig.axes[0].get_lines()) == n_plants
    fig = rf.budgets(runs, s, "en")
    assert len(fig.axes) == 2


def test_every_figure_written_as_png_and_svg(runs, tmp_path):
    written = rf.write_report_figures(runs, tmp_path, "en")
    names = {p.stem for p in written}
    assert any(n.startswith("over_time") for n in names)
    for name in (
        "effects_extreme_poverty",
        "effects_sustained_exits",
        "cost_per_exit",
        "spending_vs_exits",
        "jobs_hilirisasi_coffee",
        "budgets_percepatan_2024",
    ):
        assert name in names
    for name in names:
        assert (tmp_path / "figures" / f"{name}.png").is_file()
        assert (tmp_path / "figures" / f"{name}.svg").is_file()


def _texts(fig):
    out = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    return [t for t in out if t]


def test_indonesian_figures_hold_no_english_catalog_text(runs):
    en, id_ = catalog("en"), catalog("id")
    english = {v for k, v in en.items() if v != id_[k] and "{" not in v and len(v) > 3}
    for f in rf.report_figures(runs, "id"):
        # every title, label, legend entry and note (scenario labels are the study's own)
        lines = {line for t in _texts(f.figure) for line in [t, *t.split("\n")]}
        left = sorted(lines & english)
        assert left == [], (f.name, left)
        assert id_[f.caption]


# --------------------------------------------------------------------------- many scenarios

LONG = (
    "scenario {k}: a label long enough to need three lines or more at the width of a "
    "forest plot's labels, so it must be cut"
)


def _many(runs, groups: bool):
    """A study of 36 scenarios made of the fixture's two (sharing their results read once):
    17 in each group and 2 in none (with ``groups``), or 36 without groups."""
    out = []
    for k in range(36):
        s = runs.scenarios[k % 2]
        group = ("processing", "package")[k % 2] if groups and k < 34 else None
        out.append(dataclasses.replace(s, id=f"{s.id}_{k}", label=LONG.format(k=k), group=group))
    return dataclasses.replace(
        runs, scenarios=tuple(out), groups=dict(runs.groups) if groups else {}
    )


def test_label_lines_cuts_beyond_two_lines():
    assert rf.label_lines("short label", 20) == "short label"
    assert rf.label_lines("one two three four five six", 10) == "one two\nthree …"
    assert rf.label_lines("one two three", 10) == "one two\nthree"


def test_budget_programmes_name_the_scenarios_own_first():
    totals = {"big": 10.0, "mid": 5.0, "small": 1.0, "tiny": 0.5, "push": 0.1, "idle": 0.0}
    shown, rest = rf.budget_programmes(totals, {"push", "idle"}, limit=3)
    assert shown == ["push", "big", "mid"]  # own first; "idle" spent nothing
    assert rest == ["small", "tiny"]
    shown, rest = rf.budget_programmes(totals, {"push", "tiny", "small", "mid"}, limit=3)
    assert shown == ["mid", "small", "tiny", "push"]  # own beyond the limit still named
    assert rest == ["big"]


def test_budgets_draw_the_push_by_name(runs):
    s = next(s for s in runs.scenarios if s.id == "percepatan_2024")
    en = language("en")
    ts = s.results().timeseries
    ts = ts[ts["district"] == "all"]
    own = ("elderly_push", "elderly_continuation", "pkh_expansion", "pbi_expansion")
    spent = [p for p in own if ts[f"spending_{p}"].sum() > 0]
    assert "elderly_push" in spent  # the five-month push
    legend = rf.budgets(runs, s, "en").axes[0].get_legend()
    texts = [t.get_text().replace("\n", " ") for t in legend.get_texts()]
    for p in spent:
        name = en.programme(p) if en.programme(p) != p else f"({p})"
        assert any(name in t for t in texts), (p, texts)


def test_figure_plan_splits_by_group_and_in_parts(runs):
    plan = rf.figure_plan(_many(runs, groups=True))
    names = [s.name for s in plan]
    for stem in ("effects_extreme_poverty", "effects_sustained_exits", "spending_vs_exits"):
        # 17 per group: two parts each; the 2 scenarios in no group in one figure
        for g in ("processing", "package"):
            assert f"{stem}_{g}_1" in names and f"{stem}_{g}_2" in names
            assert f"{stem}_{g}_3" not in names
        assert f"{stem}_ungrouped" in names
        assert stem not in names
    ranking = [s for s in plan if s.kind == "cost_ranking"]
    ids = [i for s in ranking for i in s.scenarios]
    assert len(ids) == len(set(ids)) and all(len(s.scenarios) <= rf.MAX_ROWS for s in ranking)
    assert pickle.loads(pickle.dumps(plan)) == plan  # drawn in other processes
    for code in ("en", "id"):
        for s in plan:
            assert language(code).t(s.caption, **s.caption_values)
    plain = rf.figure_plan(_many(runs, groups=False))
    forest = [s for s in plain if s.kind == "effects" and s.indicator == rf.EXITS]
    assert [s.name for s in forest] == [f"effects_sustained_exits_{k}" for k in (1, 2, 3)]
    assert [len(s.scenarios) for s in forest] == [12, 12, 12]  # 36 in three even parts


def _overlaps(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _check_page_fit(fig, name):
    width, height = fig.get_size_inches()
    assert width == pytest.approx(FIGURE_SIZES_IN["full"][0]), name
    assert height <= rf.MAX_HEIGHT_IN + 1e-9, name
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
    assert min(t.get_fontsize() for t in texts) >= MIN_FONT_PT, name
    for ax in fig.axes:
        labels = [t for t in ax.get_yticklabels() if t.get_visible() and t.get_text()]
        for t in labels:
            assert t.get_text().count("\n") < rf.LABEL_LINES, (name, t.get_text())
        boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.y0)
        for low, high in itertools.pairwise(boxes):
            assert low.y1 <= high.y0 + 0.5, (name, "row labels overlap")
    framed = [ax for ax in fig.axes if ax.axison]
    page = fig.bbox
    for ax in fig.axes:
        if ax.axison:
            continue  # a key: its names stay in the figure, off the other axes
        for t in ax.texts:
            box = t.get_window_extent(renderer)
            assert page.x0 - 1 <= box.x0 and box.x1 <= page.x1 + 1, (name, t.get_text())
            assert not any(_overlaps(box, f.bbox) for f in framed), (name, t.get_text())
    for t in fig.texts:  # the title and the source note
        box = t.get_window_extent(renderer)
        assert not any(_overlaps(box, f.bbox) for f in framed), (name, t.get_text()[:60])


def test_every_figure_of_many_scenarios_fits_the_page_and_warns_nothing(runs, tmp_path):
    grouped, plain = _many(runs, groups=True), _many(runs, groups=False)
    # one figure of each scenario's kinds is enough: they do not depend on the others
    first = {grouped.scenarios[0].id, grouped.scenarios[1].id}
    todo = [(grouped, s) for s in rf.figure_plan(grouped) if s.scenario in {None, *first}]
    todo += [(plain, s) for s in rf.figure_plan(plain) if s.name.endswith("_1")]
    assert {s.kind for _, s in todo} >= {"effects", "cost_ranking", "frontier", "budgets"}
    for study, spec in todo:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig = rf.draw_figure(study, spec, "en")
            # the layout as saved (an SVG is enough: the PNG is the same layout, rasterised)
            save_figure(fig, tmp_path / spec.name, formats=("svg",))
        _check_page_fit(fig, spec.name)


def test_a_spec_is_drawn_alone_from_runs_opened_again(runs):
    """As in a worker process: the spec pickled, the results read again, no other spec."""
    plan = rf.figure_plan(runs)
    again = dataclasses.replace(
        runs, scenarios=tuple(dataclasses.replace(s, read=None) for s in runs.scenarios)
    )
    for spec in (plan[0], next(s for s in plan if s.kind == "budgets")):
        fig = rf.draw_figure(again, pickle.loads(pickle.dumps(spec)), "en")
        assert sorted(_texts(fig)) == sorted(_texts(rf.draw_figure(runs, spec, "en")))
    assert [f.name for f in rf.report_figures(runs, "en")] == [s.name for s in plan]

"""The report's figures, drawn from a small study run once for the module."""

from __future__ import annotations

import datetime as dt

import matplotlib.dates as mdates
import numpy as np
import pytest
from matplotlib.collections import PolyCollection

from valuechain.experiments.study import load_study, run_study
from valuechain.present.language import catalog
from valuechain.present.report import figures as rf
from valuechain.present.report.tables import efficient_frontier

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
    s = next(s for s in runs.scenarios if s.id == "percepatan_2024")
    ax = rf.over_time(runs, s, "en").axes[0]
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
    for name in (
        "effects_extreme_poverty",
        "effects_sustained_exits",
        "cost_per_exit",
        "spending_vs_exits",
        "over_time_percepatan_2024",
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

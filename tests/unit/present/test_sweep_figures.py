"""Figures of a sweep: one band per design point (never one pooled band), effects against the
design factors, and a clear message when the bands would be too many."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.collections import PolyCollection

from tests.sweep_cases import BASELINE_FACTORS, MORRIS_FACTORS, RUBBER, write_experiment
from valuechain.cli import main
from valuechain.experiments.sweep import run_experiment
from valuechain.present import sweep_figures
from valuechain.present.language import language
from valuechain.present.sweep_figures import (
    TooManyBands,
    effects_figure,
    trajectories_figure,
    write_sweep_figures,
)


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep_figures")
    path = write_experiment(folder, factors=BASELINE_FACTORS, baseline=RUBBER.as_posix())
    return run_experiment(path, workers=1, out=folder / "out")


def _bands(ax) -> list[PolyCollection]:
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def _labelled_lines(ax) -> list:
    return [line for line in ax.get_lines() if not line.get_label().startswith("_")]


def test_effects_draw_one_line_and_band_per_level_of_the_second_factor(swept) -> None:
    fig = effects_figure(swept, "jobs", language("en"))
    ax = fig.axes[0]
    lines = _labelled_lines(ax)
    assert [line.get_label() for line in lines] == ["margin = 0.2", "margin = 0.3"]
    assert len(_bands(ax)) == 2
    for line in lines:  # effect against capacity: one point per capacity
        assert list(line.get_xdata()) == [3000.0, 6000.0]
    # margin 0.3 at capacity 3000 is the baseline itself: an effect of exactly zero
    assert lines[1].get_ydata()[0] == 0.0


def test_trajectories_draw_one_band_per_point_and_one_for_the_baseline(swept) -> None:
    fig = trajectories_figure(swept, "processing_jobs", language("id"))
    ax = fig.axes[0]
    labels = [line.get_label() for line in _labelled_lines(ax)]
    assert len(labels) == 4 + 1 and len(_bands(ax)) == 4 + 1
    assert labels[0] == "skenario dasar: hilirisasi_rubber"
    assert "capacity = 6.000, margin = 0,2" in labels  # Indonesian number format


def test_too_many_bands_are_refused_with_a_message_or_drawn_per_level(swept, monkeypatch) -> None:
    monkeypatch.setattr(sweep_figures, "MAX_BANDS", 4)  # 4 points + the baseline: 5 bands
    with pytest.raises(TooManyBands, match="4 design points") as info:
        trajectories_figure(swept, "processing_jobs", language("en"))
    assert "--by FACTOR (capacity, margin)" in info.value.hint
    fig = trajectories_figure(swept, "processing_jobs", language("en"), by="capacity")
    ax = fig.axes[0]
    labels = [line.get_label() for line in _labelled_lines(ax)]
    assert labels[1:] == ["capacity = 3,000", "capacity = 6,000"] and len(_bands(ax)) == 3
    note = fig.get_supxlabel()  # the pooling is said
    assert "pooled over margin" in note
    drawn = write_sweep_figures(swept.path, swept.path / "few")
    assert any("not drawn" in why or "cannot be told apart" in why for why in drawn.skipped)
    assert {p.name for p in drawn.written} >= {"effects_jobs.png", "effects_poverty.png"}
    assert not [p for p in drawn.written if p.name.startswith("over_time")]


def test_the_figures_command_on_a_sweep_folder(swept, capsys) -> None:
    assert main(["figures", str(swept.path), "--out", str(swept.path / "cli"), "--lang", "id"]) == 0
    names = {p.name for p in (swept.path / "cli").iterdir()}
    assert {"effects_jobs.png", "over_time_extreme_poverty_rate.svg"} <= names
    assert main(["figures", str(swept.path), "--by", "colour"]) == 2
    assert "not a factor" in capsys.readouterr().err


def test_a_sweep_without_a_baseline_draws_bands_and_says_why_no_effects(tmp_path: Path) -> None:
    path = write_experiment(tmp_path, replications=1, months=7)
    res = run_experiment(path, workers=1, out=tmp_path / "out")
    drawn = write_sweep_figures(res.path)
    assert [p.name for p in drawn.written if p.suffix == ".png"] == [
        "over_time_extreme_poverty_rate.png",
        "over_time_processing_jobs.png",
    ]
    assert "names no baseline" in drawn.skipped[0]
    fig = trajectories_figure(res, "processing_jobs", language("en"))
    assert len(_bands(fig.axes[0])) == 4  # one per point, none pooled, no baseline


def test_effects_of_a_sampled_design_get_one_panel_per_factor(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path,
        design='kind = "lhs"\nsamples = 3',
        factors=MORRIS_FACTORS,
        months=7,
        baseline=RUBBER.as_posix(),
    )
    res = run_experiment(path, workers=1, out=tmp_path / "out")
    fig = effects_figure(res, "jobs", language("en"))
    panels = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title(loc="left") for ax in panels] == [
        "Effects against remiller capacity",
        "Effects against margin",
        "Effects against volatility",
    ]
    for ax in panels:  # every point once per panel, none pooled
        assert len(ax.containers) == 1 and len(ax.containers[0].lines[0].get_xdata()) == 3

"""Figures from hand-made results tables: titles, units, files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from valuechain.config.loader import load_scenario
from valuechain.outputs.metrics import BPS_MEASURES
from valuechain.present.figures import (
    extreme_poverty_figure,
    processing_jobs_figure,
    save_figure,
    standard_figures,
    trajectory_figure,
    write_figures,
)
from valuechain.runs.replications import ScenarioRuns
from valuechain.runs.results import ResultsError


def timeseries(name: str, reps: int = 5, months: int = 8, level: float = 0.1) -> pd.DataFrame:
    """A hand-made timeseries: replication r has rate level + r/100 in every month."""
    rows = []
    for r in range(reps):
        for t in range(months):
            date = f"{2024 + (7 + t) // 12}-{(7 + t) % 12 + 1:02d}"
            for district in ("d1", "all"):
                rows.append(
                    {"scenario": name, "replication": r, "seed": 10 + r, "step": t, "date": date,
                     "district": district, "extreme_poverty_rate": level + r / 100,
                     "processing_jobs": 100.0 * t, "farmgate_price_coffee": 45_000.0}
                )  # fmt: skip
    return pd.DataFrame(rows)


def test_extreme_poverty_figure_has_title_units_and_both_series():
    fig = extreme_poverty_figure(timeseries("plant"), timeseries("base", level=0.2))
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    title = ax.get_title(loc="left")
    assert "Extreme poverty" in title and "plant" in title and "5 replications" in title
    assert ax.get_ylabel() == "% of persons"
    assert ax.get_xlabel() == "month"
    labels = [t.get_text() for t in fig.legends[0].get_texts()]  # below the plot
    assert any("plant" in t and "median" in t for t in labels)
    assert any("baseline base" in t for t in labels)
    assert any("5–95%" in t for t in labels)
    median = ax.get_lines()[0].get_ydata()
    assert np.allclose(median, 12.0)  # median of 10..14 % of persons


def test_processing_jobs_figure_says_workers():
    fig = processing_jobs_figure(timeseries("plant", reps=1))
    ax = fig.axes[0]
    assert ax.get_ylabel() == "jobs (workers)"
    assert "1 replication" in ax.get_title(loc="left")
    assert "Jobs" in ax.get_title(loc="left")


def test_a_district_can_be_drawn_and_unknown_ones_are_named():
    fig = trajectory_figure(timeseries("plant"), "extreme_poverty_rate", district="d1")
    assert "district d1" in fig.axes[0].get_title(loc="left")
    with pytest.raises(KeyError, match="d1"):
        trajectory_figure(timeseries("plant"), "extreme_poverty_rate", district="nowhere")


def test_save_figure_writes_png_and_svg_reproducibly(tmp_path):
    fig = extreme_poverty_figure(timeseries("plant"))
    first = save_figure(fig, tmp_path / "a" / "ep")
    assert [p.name for p in first] == ["ep.png", "ep.svg"]
    png, svg = first
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in svg.read_bytes()[:500]
    width_px = int.from_bytes(png.read_bytes()[16:20], "big")
    assert width_px >= 6.5 * 150  # at least 150 dpi at report size
    second = save_figure(fig, tmp_path / "b" / "ep")
    for p, q in zip(first, second, strict=True):
        assert p.read_bytes() == q.read_bytes()


def test_write_figures_reads_a_results_directory(tiny, tmp_path):
    def sr(path, name, level):
        ts = timeseries(name, reps=2, level=level).assign(**dict.fromkeys(BPS_MEASURES, level))
        runs = ts[["scenario", "replication", "seed"]].drop_duplicates().reset_index(drop=True)
        return ScenarioRuns(load_scenario(path), runs, ts, [10, 11], [0.1, 0.1], 0.2, 1)

    runs = sr(tiny.scenario, "plant", 0.1)
    runs.baseline = sr(tiny.baseline, "base", 0.2)
    out = runs.write(tmp_path / "res")
    figs = standard_figures(out)
    assert set(figs) == {"extreme_poverty", "processing_jobs", "farmgate_price_coffee"}
    assert "baseline base" in " ".join(
        t.get_text() for t in figs["extreme_poverty"].legends[0].get_texts()
    )
    written = write_figures(out)
    assert sorted(p.name for p in written) == sorted(
        f"{stem}.{ext}" for stem in figs for ext in ("png", "svg")
    )
    assert all(p.parent == out / "figures" for p in written)


def test_figures_refuse_an_incomplete_directory(tmp_path):
    with pytest.raises(ResultsError, match="manifest"):
        write_figures(tmp_path)

"""Sensitivity figures from hand-made indices tables: what is drawn, labelled and written."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from valuechain.present.sensitivity_figures import (
    morris_figure,
    read_sensitivity,
    sobol_figure,
    write_sensitivity_figures,
)


def morris_rows(output: str, unit: str = "workers") -> pd.DataFrame:
    """Two factors of one output, in the layout of ``sensitivity.csv`` (Morris)."""
    return pd.DataFrame(
        {
            "output": output,
            "label": f"{output} label",
            "unit": unit,
            "method": "morris",
            "factor": ["capacity", "margin"],
            "key": ["a.capacity", "b.margin"],
            "mu": [2.0, -0.5],
            "mu_star": [2.0, 0.5],
            "mu_star_conf": [0.5, 0.1],
            "sigma": [1.0, 3.0],
        }
    )


def sobol_rows() -> pd.DataFrame:
    """Three factors of one output, in the layout of ``sensitivity.csv`` (Sobol)."""
    return pd.DataFrame(
        {
            "output": "y",
            "label": "Ishigami",
            "unit": "share of variance",
            "method": "sobol",
            "factor": ["x1", "x2", "x3"],
            "key": ["k1", "k2", "k3"],
            "S1": [0.31, 0.44, 0.0],
            "S1_conf": [0.05, 0.04, 0.02],
            "ST": [0.56, 0.44, 0.24],
            "ST_conf": [0.06, 0.04, 0.03],
        }
    )


def test_morris_figure_plots_mu_star_against_sigma_with_labels() -> None:
    fig = morris_figure(morris_rows("jobs"), {"capacity": "remiller capacity"})
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Morris screening: jobs label"
    assert ax.get_xlabel() == "mu* (mean |elementary effect|), workers"
    assert ax.get_ylabel() == "sigma (spread of effects), workers"
    assert [t.get_text() for t in ax.texts] == ["remiller capacity", "margin"]
    # the sigma = mu* diagonal reaches the largest of mu* + interval (2.5) and sigma (3)
    diagonal = next(line for line in ax.lines if line.get_label() == "sigma = mu*")
    np.testing.assert_allclose(diagonal.get_xdata(), [0.0, 3.0])
    np.testing.assert_allclose(diagonal.get_ydata(), [0.0, 3.0])


def test_sobol_figure_draws_first_order_and_total_bars() -> None:
    fig = sobol_figure(sobol_rows(), {"x1": "first"})
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Sobol indices: Ishigami"
    heights = [p.get_height() for p in ax.patches]
    np.testing.assert_allclose(heights, [0.31, 0.44, 0.0, 0.56, 0.44, 0.24])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["first", "x2", "x3"]


def _sweep_folder(tmp_path: Path, table: pd.DataFrame, kind: str) -> Path:
    """A finished sweep's folder holding only what the figures need."""
    manifest = {
        "kind": "sweep",
        "experiment_spec": {
            "design": {"kind": kind},
            "factors": {"capacity": {"label": "remiller capacity"}, "margin": {}},
        },
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    table.to_csv(tmp_path / "sensitivity.csv", index=False)
    return tmp_path


def test_write_sensitivity_figures_draws_each_output_into_figures(tmp_path: Path) -> None:
    table = pd.concat([morris_rows("poverty"), morris_rows("jobs")], ignore_index=True)
    written = write_sensitivity_figures(_sweep_folder(tmp_path, table, "morris"))
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "figures/morris_poverty.png",
        "figures/morris_poverty.svg",
        "figures/morris_jobs.png",
        "figures/morris_jobs.svg",
    ]
    assert all(p.is_file() for p in written)


def test_the_table_is_read_back_as_written(tmp_path: Path) -> None:
    """Indices exact to the last bit; an empty unit stays empty; a numeric name stays text."""
    table = morris_rows("2030", unit="")
    table["mu_star"] = [0.1 + 0.2, 1 / 3]
    _sweep_folder(tmp_path, table, "morris")
    back = read_sensitivity(tmp_path / "sensitivity.csv")
    pd.testing.assert_frame_equal(back, table)
    written = write_sensitivity_figures(tmp_path)
    assert written[0].name == "morris_2030.png"

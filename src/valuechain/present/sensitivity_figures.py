"""Figures of a sweep's sensitivity indices: Morris ``mu*``-``sigma`` and Sobol bars.

They are drawn from ``sensitivity.csv``, the indices table (one row per output x factor)
that :func:`~valuechain.experiments.sensitivity.write_sensitivity` writes, one figure per
output, in the report style of :mod:`valuechain.present.figures`, and saved as PNG and SVG
into the sweep's ``figures/`` folder as ``morris_<output>`` or ``sobol_<output>``.

Example:
    >>> from valuechain.experiments.sensitivity import write_sensitivity   # doctest: +SKIP
    >>> from valuechain.experiments.sweep import read_experiment
    >>> from valuechain.present.sensitivity_figures import write_sensitivity_figures
    >>> res = read_experiment("results/screening_morris")
    >>> write_sensitivity(res)              # -> sensitivity.csv
    >>> write_sensitivity_figures(res)      # -> figures/morris_<output>.png and .svg
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from valuechain.experiments.sensitivity import SENSITIVITY
from valuechain.experiments.sweep import ExperimentResults, read_experiment
from valuechain.present.figures import FIGSIZE_IN, report_style, save_figure
from valuechain.runs.results import FIGURES_DIR

__all__ = ["morris_figure", "read_sensitivity", "sobol_figure", "write_sensitivity_figures"]

#: The text columns of ``sensitivity.csv`` (an empty unit stays empty, a name stays a string).
TEXT_COLUMNS = ["output", "label", "unit", "method", "factor", "key"]


#: characters per title line: a long indicator label wraps instead of running off the figure
TITLE_WIDTH = 68


def _title(kind: str, table: pd.DataFrame) -> str:
    """``kind: label``, wrapped to lines that fit the figure's width."""
    return textwrap.fill(f"{kind}: {table['label'].iloc[0]}", TITLE_WIDTH)


def morris_figure(table: pd.DataFrame, labels: dict[str, str] | None = None) -> Figure:
    """``mu*`` against ``sigma`` for one output, each factor labelled, ``mu*`` intervals.

    Args:
        table: the rows of one output in ``sensitivity.csv`` of a Morris sweep.
        labels: factor name -> the label to print beside its point (default: the name).
    """
    labels = labels or {}
    with report_style():
        fig = Figure(figsize=FIGSIZE_IN, layout="constrained")
        ax = fig.add_subplot()
        mu, sd, conf = table["mu_star"], table["sigma"], table["mu_star_conf"]
        ax.errorbar(mu, sd, xerr=conf, fmt="o", color="#1f5fa8", ecolor="#9db7d9", capsize=3)
        top = float(np.nanmax(np.r_[mu + conf, sd, 1e-12]))
        ax.plot([0, top], [0, top], ls="--", lw=0.8, color="grey", label="sigma = mu*")
        for f, x, y in zip(table["factor"], mu, sd, strict=True):
            ax.annotate(
                labels.get(f, f), (x, y), xytext=(4, 3), textcoords="offset points", fontsize=9
            )
        unit = table["unit"].iloc[0]
        ax.set_xlabel(f"mu* (mean |elementary effect|), {unit}")
        ax.set_ylabel(f"sigma (spread of effects), {unit}")
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper left", frameon=False)
        ax.set_title(_title("Morris screening", table), loc="left")
    return fig


def sobol_figure(table: pd.DataFrame, labels: dict[str, str] | None = None) -> Figure:
    """First-order and total Sobol indices for one output, with confidence intervals.

    Args:
        table: the rows of one output in ``sensitivity.csv`` of a Sobol sweep.
        labels: factor name -> its tick label (default: the name).
    """
    labels = labels or {}
    with report_style():
        fig = Figure(figsize=FIGSIZE_IN, layout="constrained")
        ax = fig.add_subplot()
        x = np.arange(len(table))
        w = 0.38
        ax.bar(
            x - w / 2,
            table["S1"],
            w,
            yerr=table["S1_conf"],
            capsize=3,
            color="#1f5fa8",
            label="first order S1",
        )
        ax.bar(
            x + w / 2,
            table["ST"],
            w,
            yerr=table["ST_conf"],
            capsize=3,
            color="#d9822b",
            label="total ST",
        )
        ax.set_xticks(x, [labels.get(f, f) for f in table["factor"]], rotation=20, ha="right")
        ax.set_ylabel("share of output variance")
        ax.axhline(0, color="black", lw=0.6)
        ax.legend(frameon=False)
        ax.set_title(_title("Sobol indices", table), loc="left")
    return fig


def read_sensitivity(path: str | Path) -> pd.DataFrame:
    """Read ``sensitivity.csv`` as it was written: indices exact, text columns as strings."""
    table = pd.read_csv(path, dtype={c: str for c in TEXT_COLUMNS})
    table[TEXT_COLUMNS] = table[TEXT_COLUMNS].fillna("")
    return table


def write_sensitivity_figures(results: ExperimentResults | str | Path) -> list[Path]:
    """Draw the indices in a sweep's ``sensitivity.csv`` into its ``figures/`` folder.

    Args:
        results: a finished sweep (or its folder) on which
            :func:`~valuechain.experiments.sensitivity.write_sensitivity` has run.

    Returns:
        The files written: ``figures/<kind>_<output>.png`` and ``.svg`` per output, ``kind``
        being ``morris`` or ``sobol``.
    """
    if not isinstance(results, ExperimentResults):
        results = read_experiment(results)
    table = read_sensitivity(results.path / SENSITIVITY)
    spec = results.manifest["experiment_spec"]
    kind = spec["design"]["kind"]
    labels = {name: (factor.get("label") or name) for name, factor in spec["factors"].items()}
    draw = morris_figure if kind == "morris" else sobol_figure
    written: list[Path] = []
    for name, part in table.groupby("output", sort=False):
        fig = draw(part.reset_index(drop=True), labels)
        written += save_figure(fig, results.path / FIGURES_DIR / f"{kind}_{name}")
        fig.clear()
    return written

"""Figures of a calibration: posterior marginals against the priors, the pairs plot, and
the targets against their simulated intervals.

Drawn from a finished calibration folder (:func:`valuechain.experiments.abc.read_calibration`:
``posterior.parquet``, ``fit.csv`` and the priors in ``manifest.json``) in the report style of
:mod:`valuechain.present.figures`, and saved as PNG and SVG into its ``figures/`` folder.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from scipy import stats

from valuechain.experiments.abc import CalibrationResults, read_calibration
from valuechain.present.figures import FIGSIZE_IN, report_style, save_figure
from valuechain.runs.results import FIGURES_DIR

__all__ = [
    "fit_figure",
    "marginals_figure",
    "pairs_figure",
    "prior_density",
    "write_calibration_figures",
]

POSTERIOR_COLOUR = "#1f5fa8"
PRIOR_COLOUR = "#d9822b"
HELD_OUT_COLOUR = "#7b3294"


def prior_density(prior: dict, x: np.ndarray) -> np.ndarray:
    """The prior's density at ``x`` (uniform, log-uniform, or normal truncated to bounds)."""
    lo, hi = prior["bounds"]
    if prior["prior"] == "uniform":
        return stats.uniform(lo, hi - lo).pdf(x)
    if prior["prior"] == "loguniform":
        return stats.loguniform(lo, hi).pdf(x)
    a, b = (lo - prior["mean"]) / prior["sd"], (hi - prior["mean"]) / prior["sd"]
    return stats.truncnorm(a, b, prior["mean"], prior["sd"]).pdf(x)


#: plain numbers with thousands separators (no "1e6" offset above the axis)
PLAIN = FuncFormatter(lambda v, _pos: f"{v:,.6g}" if abs(v) < 1000 else f"{v:,.0f}")


def _label(name: str, prior: dict) -> str:
    label = prior.get("label") or name
    return f"{label} ({prior['unit']})" if prior.get("unit") else label


def marginals_figure(res: CalibrationResults) -> Figure:
    """Each parameter: the last generation's weighted histogram over its prior's density."""
    post, priors = res.posterior, res.manifest["priors"]
    names = list(priors)
    cols = min(2, len(names))
    rows = math.ceil(len(names) / cols)
    with report_style():
        fig = Figure(figsize=(FIGSIZE_IN[0], 2.6 * rows + 0.6), layout="constrained")
        axes = fig.subplots(rows, cols, squeeze=False).ravel()
        for ax, n in zip(axes, names, strict=False):
            pr = priors[n]
            lo, hi = pr["bounds"]
            bins = np.linspace(lo, hi, 21)
            ax.hist(
                post[n],
                bins=bins,
                weights=post.weight,
                density=True,
                color=POSTERIOR_COLOUR,
                alpha=0.75,
                label="posterior",
            )
            x = np.linspace(lo, hi, 200)
            ax.plot(x, prior_density(pr, x), color=PRIOR_COLOUR, lw=1.6, label="prior")
            ax.set_xlabel(textwrap.fill(_label(n, pr), 40))
            ax.xaxis.set_major_formatter(PLAIN)
            ax.tick_params(axis="x", labelrotation=20)
            ax.set_ylabel("density")
            ax.set_yticklabels([])  # a density's scale says nothing here
        for ax in axes[len(names) :]:
            ax.set_visible(False)
        axes[0].legend(loc="best")
        fig.suptitle(
            f"Calibration {res.manifest['calibration']}: posterior against prior\n"
            f"(generation {res.manifest['generations']}, "
            f"{res.manifest['method']['population_size']} weighted particles)"
        )
    return fig


def pairs_figure(res: CalibrationResults) -> Figure:
    """Every pair of parameters: the last generation's particles (size: weight)."""
    post, priors = res.posterior, res.manifest["priors"]
    names = list(priors)
    k = len(names)
    size = 40.0 * post.weight / post.weight.max()
    with report_style():
        fig = Figure(figsize=(FIGSIZE_IN[0], FIGSIZE_IN[0]), layout="constrained")
        axes = fig.subplots(k, k, squeeze=False)
        for i, a in enumerate(names):
            for j, b in enumerate(names):
                ax = axes[i, j]
                if j > i:  # the lower triangle says it all
                    ax.set_visible(False)
                    continue
                ax.xaxis.set_major_formatter(PLAIN)
                ax.yaxis.set_major_formatter(PLAIN)
                if i == j:
                    ax.hist(post[a], bins=15, weights=post.weight, color=POSTERIOR_COLOUR)
                else:
                    ax.scatter(post[b], post[a], s=size, color=POSTERIOR_COLOUR, alpha=0.6)
                if i == k - 1:
                    ax.set_xlabel(textwrap.fill(_label(b, priors[b]), 24))
                    ax.tick_params(axis="x", labelrotation=20)
                if j == 0 and i != j:
                    ax.set_ylabel(textwrap.fill(_label(a, priors[a]), 24))
        fig.suptitle(f"Calibration {res.manifest['calibration']}: posterior particles by pair")
    return fig


def fit_figure(res: CalibrationResults) -> Figure:
    """Each target: the simulated median and 90% interval at the posterior, relative to the
    observed value (1), with the observed value's 95% interval (or tolerance); held-out
    targets apart."""
    fit = res.fit
    n = len(fit)
    with report_style():
        fig = Figure(figsize=(FIGSIZE_IN[0], 2.0 + 0.6 * n), layout="constrained")
        ax = fig.add_subplot()
        for y, (_, r) in enumerate(fit.iterrows()):
            obs = r.observed
            half = 1.96 * r.sd if pd.notna(r.sd) else r.tolerance
            ax.barh(
                y,
                2 * half / obs,
                left=1 - half / obs,
                height=0.5,
                color="#dddddd",
                label="observed ± 95% (or tolerance)" if y == 0 else None,
            )
            colour = HELD_OUT_COLOUR if r.held_out else POSTERIOR_COLOUR
            ax.plot([r.simulated_p05 / obs, r.simulated_p95 / obs], [y, y], color=colour, lw=2)
            ax.plot(r.simulated_median / obs, y, "o", color=colour)
        ax.axvline(1.0, color="black", lw=0.8)
        labels = [
            f"{r.target}{' (held out)' if r.held_out else ''}\n{r.indicator}, {r.aggregation}"
            for _, r in fit.iterrows()
        ]
        ax.set_yticks(range(n), labels)
        ax.invert_yaxis()
        ax.set_xlabel("simulated ÷ observed")
        ax.plot([], [], "o-", color=POSTERIOR_COLOUR, label="fitted: median, 90% at posterior")
        if fit.held_out.any():
            ax.plot([], [], "o-", color=HELD_OUT_COLOUR, label="held out")
        fig.legend(loc="outside lower center", ncols=2)
        fig.suptitle(f"Calibration {res.manifest['calibration']}: targets against the model")
    return fig


def write_calibration_figures(
    directory: str | Path, out_dir: str | Path | None = None
) -> list[Path]:
    """Write the calibration's figures (PNG and SVG) into ``out_dir`` (default:
    ``<directory>/figures``); returns the files written."""
    res = read_calibration(directory)
    out = Path(out_dir) if out_dir is not None else Path(directory) / FIGURES_DIR
    written = save_figure(marginals_figure(res), out / "posterior_marginals")
    if len(res.manifest["priors"]) > 1:
        written += save_figure(pairs_figure(res), out / "posterior_pairs")
    written += save_figure(fit_figure(res), out / "targets_fit")
    return written

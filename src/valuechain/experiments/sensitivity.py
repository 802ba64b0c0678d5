"""Global sensitivity analysis of a sweep: Morris elementary effects and Sobol indices (SALib).

For each output of the experiment, the replications of each design point are **averaged
first** (replication r has seed ``seed + r`` at every point, so the averages share their
random shocks), and SALib analyses the point means against the design as it was sampled:

- Morris (``SALib.analyze.morris.analyze``): ``mu`` (mean elementary effect), ``mu_star``
  (mean absolute effect: the factor's importance), its bootstrap confidence half-width
  ``mu_star_conf`` and ``sigma`` (spread: interactions or non-linearity). An elementary
  effect is the change of the output when one factor moves by ``p / (2 (p - 1))`` of its
  range (``p`` grid levels), so ``mu_star`` and ``sigma`` are in the output's unit.
- Sobol (``SALib.analyze.sobol.analyze``): first-order ``S1`` and total ``ST`` indices (shares
  of the output's variance) with bootstrap confidence half-widths, and ``S2`` when the design
  was sampled with ``calc_second_order``.

:func:`analyse_samples` is the layer that talks to SALib: it takes a problem, the design and
one output vector, so it can be checked against analytic functions (Ishigami) without the
model. :func:`write_sensitivity` writes the indices as CSV; their figures (a Morris
``mu*``-``sigma`` scatter, Sobol ``S1``/``ST`` bars with intervals) are drawn from that file by
:mod:`valuechain.present.sensitivity_figures`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from valuechain.errors import UserError
from valuechain.runs.results import write_csv_atomic

if TYPE_CHECKING:
    from valuechain.experiments.sweep import ExperimentResults

__all__ = [
    "SENSITIVITY",
    "SENSITIVITY_S2",
    "analyse",
    "analyse_samples",
    "write_sensitivity",
]

SENSITIVITY = "sensitivity.csv"
SENSITIVITY_S2 = "sensitivity_s2.csv"
MORRIS_COLUMNS = ["mu", "mu_star", "mu_star_conf", "sigma"]
SOBOL_COLUMNS = ["S1", "S1_conf", "ST", "ST_conf"]


def analyse_samples(
    kind: str,
    problem: dict[str, Any],
    X: np.ndarray,
    Y: np.ndarray,
    *,
    num_levels: int = 4,
    calc_second_order: bool = False,
    conf_level: float = 0.95,
    num_resamples: int = 1000,
    seed: int | None = 0,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Morris or Sobol indices of one output ``Y`` over the design ``X`` (SALib).

    Returns:
        One row per factor (``factor`` then the indices), and for Sobol with
        ``calc_second_order`` a table of ``S2`` per pair of factors (else None).
    """
    Y = np.asarray(Y, dtype=float)
    names = list(problem["names"])
    if kind == "morris":
        from SALib.analyze import morris

        res = morris.analyze(
            problem,
            np.asarray(X, dtype=float),
            Y,
            num_resamples=num_resamples,
            conf_level=conf_level,
            num_levels=num_levels,
            seed=seed,
        )
        table = pd.DataFrame({"factor": names, **{c: np.asarray(res[c]) for c in MORRIS_COLUMNS}})
        return table, None
    if kind != "sobol":
        raise UserError(
            f"sensitivity indices need a morris or sobol design, not {kind!r}",
            hint="set [design] kind = 'morris' (screening) or 'sobol' (variance shares)",
        )
    from SALib.analyze import sobol

    res = sobol.analyze(
        problem,
        Y,
        calc_second_order=calc_second_order,
        num_resamples=num_resamples,
        conf_level=conf_level,
        seed=seed,
    )
    table = pd.DataFrame({"factor": names, **{c: np.asarray(res[c]) for c in SOBOL_COLUMNS}})
    s2 = None
    if calc_second_order:
        pairs = [(i, j) for i in range(len(names)) for j in range(i + 1, len(names))]
        s2 = pd.DataFrame(
            {
                "factor_i": [names[i] for i, _ in pairs],
                "factor_j": [names[j] for _, j in pairs],
                "S2": [res["S2"][i, j] for i, j in pairs],
                "S2_conf": [res["S2_conf"][i, j] for i, j in pairs],
            }
        )
    return table, s2


def _output_meta(spec: dict[str, Any], name: str) -> tuple[str, str]:
    from valuechain.outputs.aggregations import AGGREGATIONS
    from valuechain.runs.statistics import describe_indicator

    out = spec["outputs"][name]
    label, unit = describe_indicator(out["indicator"])
    how = AGGREGATIONS[out["aggregation"]].label
    where = "" if out["district"] == "all" else f", {out['district']}"
    return out.get("label") or f"{label} ({how}{where})", unit


def analyse(
    results: ExperimentResults,
    outputs: list[str] | None = None,
    *,
    conf_level: float = 0.95,
    num_resamples: int = 1000,
    second_order: bool = False,
) -> pd.DataFrame:
    """Indices for each output of a Morris or Sobol sweep (replications averaged per point).

    Returns:
        One row per output x factor: output, label, unit, method, factor, key, then
        ``mu, mu_star, mu_star_conf, sigma`` (Morris) or ``S1, S1_conf, ST, ST_conf``
        (Sobol); with ``second_order=True`` the ``S2`` table instead (output, factor_i,
        factor_j, S2, S2_conf).
    """
    table, s2 = _analyse(results, outputs, conf_level=conf_level, num_resamples=num_resamples)
    if not second_order:
        return table
    if s2 is None:
        raise UserError(
            "no second-order indices: the design was not sampled for them",
            hint="set [design] calc_second_order = true in a sobol experiment",
        )
    return s2


def _analyse(
    results: ExperimentResults,
    outputs: list[str] | None,
    *,
    conf_level: float,
    num_resamples: int,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The first-order/total (or Morris) table and, when sampled, the S2 table, in one pass
    over the outputs (each bootstrap runs once)."""
    spec = results.manifest["experiment_spec"]
    kind = spec["design"]["kind"]
    outputs = list(spec["outputs"]) if outputs is None else outputs
    if not outputs:
        raise UserError(
            "the experiment names no [outputs.*] to analyse",
            hint="add e.g. [outputs.exits] indicator = 'sustained_exits' to the file",
        )
    from valuechain.experiments.spec import ExperimentSpec, salib_problem

    problem = salib_problem(ExperimentSpec.model_validate(spec))
    design = results.design.sort_values("point")
    X = design[problem["names"]].to_numpy(dtype=float)
    means = results.runs.groupby("point")[outputs].mean().reindex(design["point"])
    tables, s2s = [], []
    for name in outputs:
        table, s2 = analyse_samples(
            kind,
            problem,
            X,
            means[name].to_numpy(dtype=float),
            num_levels=spec["design"].get("levels") or 4,
            calc_second_order=bool(spec["design"].get("calc_second_order")),
            conf_level=conf_level,
            num_resamples=num_resamples,
            seed=results.manifest.get("seed", 0),
        )
        label, unit = _output_meta(spec, name)
        for t in (table, s2):
            if t is not None:
                t.insert(0, "method", kind)
                t.insert(0, "unit", unit if kind == "morris" else "share of variance")
                t.insert(0, "label", label)
                t.insert(0, "output", name)
        table.insert(5, "key", [spec["factors"][f]["key"] for f in table["factor"]])
        tables.append(table)
        if s2 is not None:
            s2s.append(s2)
    return (
        pd.concat(tables, ignore_index=True),
        pd.concat(s2s, ignore_index=True) if s2s else None,
    )


def write_sensitivity(
    results: ExperimentResults,
    outputs: list[str] | None = None,
    *,
    conf_level: float = 0.95,
    num_resamples: int = 1000,
) -> list[Path]:
    """Write the indices into the sweep's folder and return the paths.

    ``sensitivity.csv`` holds the table of :func:`analyse`; ``sensitivity_s2.csv`` the ``S2``
    table when the Sobol design was sampled for it (from the same bootstrap). Draw them with
    :func:`valuechain.present.sensitivity_figures.write_sensitivity_figures`.
    """
    table, s2 = _analyse(results, outputs, conf_level=conf_level, num_resamples=num_resamples)
    written = [write_csv_atomic(table, results.path / SENSITIVITY)]
    if s2 is not None:
        written.append(write_csv_atomic(s2, results.path / SENSITIVITY_S2))
    return written

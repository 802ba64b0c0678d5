"""Design generation: grid, Latin hypercube, Morris and Sobol samples of an experiment's factors.

- ``grid``: every combination of the factors' levels (or ``grid_points`` values spanning each
  factor's bounds), in the file's factor order, by :func:`itertools.product`;
- ``lhs``: :class:`scipy.stats.qmc.LatinHypercube` seeded with the experiment's seed, scaled
  to the bounds (a factor with levels takes level ``floor(u * n_levels)``);
- ``morris`` / ``sobol``: ``SALib.sample.morris.sample`` and ``SALib.sample.sobol.sample``
  with the seed, so a design equals SALib's own sample for the same problem and seed.

``dist = "loguniform"`` spaces a factor evenly in its logarithm (SALib's ``logunif``).
Integer factors are rounded when they are run; the design as sampled (``Design.X``) is what
the sensitivity analysis uses, so rounding never hides a Morris step.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from valuechain.experiments.spec import ExperimentSpec, FactorSpec

__all__ = ["Design", "design_points", "salib_problem", "sample_design"]


@dataclass(frozen=True)
class Design:
    """Design points: ``X`` as sampled (what SALib analyses) and ``points`` as run.

    Attributes:
        factors: factor names, in the file's order.
        X: one row per point; for grid designs over levels, the level index.
        points: ``point`` plus one column per factor with the value set in the scenario
            (rounded when the factor is an integer, the level itself for levels); in
            :attr:`valuechain.experiments.spec.LoadedExperiment.design`, then one column per
            linked key (named by the key) with the value it is set to.
    """

    factors: list[str]
    X: np.ndarray
    points: pd.DataFrame

    def __len__(self) -> int:
        return len(self.points)


def salib_problem(spec: ExperimentSpec) -> dict[str, Any]:
    """The SALib problem of the factors (names, bounds, distributions)."""
    names = list(spec.factors)
    return {
        "num_vars": len(names),
        "names": names,
        "bounds": [list(spec.factors[n].bounds or [0.0, 1.0]) for n in names],
        "dists": ["logunif" if spec.factors[n].dist == "loguniform" else "unif" for n in names],
    }


def _scale(u: np.ndarray, f: FactorSpec) -> np.ndarray:
    lo, hi = f.bounds  # type: ignore[misc]
    if f.dist == "loguniform":
        return np.exp(np.log(lo) + u * (np.log(hi) - np.log(lo)))
    return lo + u * (hi - lo)


def sample_design(spec: ExperimentSpec, seed: int) -> np.ndarray:
    """The raw design matrix (points x factors) for ``spec.design``."""
    d, names = spec.design, list(spec.factors)
    if d.kind == "grid":
        axes = []
        for n in names:
            f = spec.factors[n]
            if f.levels is not None:
                axes.append(np.arange(len(f.levels), dtype=float))
            else:
                axes.append(_scale(np.linspace(0.0, 1.0, d.grid_points or 2), f))
        return np.array(list(itertools.product(*axes)), dtype=float).reshape(-1, len(names))
    if d.kind == "lhs":
        from scipy.stats import qmc

        u = qmc.LatinHypercube(d=len(names), rng=seed).random(d.samples or 1)
        cols = []
        for j, n in enumerate(names):
            f = spec.factors[n]
            if f.levels is not None:
                cols.append(np.minimum(np.floor(u[:, j] * len(f.levels)), len(f.levels) - 1))
            else:
                cols.append(_scale(u[:, j], f))
        return np.column_stack(cols)
    problem = salib_problem(spec)
    if d.kind == "morris":
        from SALib.sample import morris

        return morris.sample(problem, d.trajectories, num_levels=d.levels or 4, seed=seed)
    from SALib.sample import sobol

    second = bool(d.calc_second_order)
    return sobol.sample(problem, d.base_samples, calc_second_order=second, seed=seed)


def design_points(spec: ExperimentSpec, X: np.ndarray) -> pd.DataFrame:
    """The values run at each point: levels looked up, integer factors rounded."""
    cols: dict[str, Any] = {"point": np.arange(len(X), dtype=np.int64)}
    for j, (n, f) in enumerate(spec.factors.items()):
        if f.levels is not None and spec.design.kind in ("grid", "lhs"):
            cols[n] = [f.levels[int(i)] for i in X[:, j]]
        elif f.integer:
            cols[n] = np.rint(X[:, j]).astype(np.int64)
        else:
            cols[n] = X[:, j].astype(float)
    return pd.DataFrame(cols)

"""The mean-one log-normal shock shared by weather, harvests and incomes."""

from __future__ import annotations

import numpy as np

__all__ = ["mean_one_lognormal"]


def mean_one_lognormal(z: np.ndarray | float, sd: float) -> np.ndarray | float:
    """``exp(sd z - sd^2 / 2)``: a log-normal shock with mean one from standard normals."""
    return np.exp(sd * z - 0.5 * sd * sd)

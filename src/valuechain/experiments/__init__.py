"""Experiments: designs over scenario keys, sweeps that run them, and sensitivity analysis.

- :mod:`.spec`: the experiment file (base scenario, factors, design, outputs) and its loader;
- :mod:`.designs`: grid, Latin hypercube, Morris and Sobol samples;
- :mod:`.sweep`: :func:`~.sweep.run_experiment` (resumable, on a pool or Dask) and
  :func:`~.sweep.read_experiment`;
- :mod:`.sensitivity`: Morris and Sobol indices (SALib), written as CSV (their figures are
  drawn by :mod:`valuechain.present.sensitivity_figures`).
"""

from valuechain.experiments.spec import load_experiment
from valuechain.experiments.sweep import ExperimentResults, read_experiment, run_experiment

__all__ = ["ExperimentResults", "load_experiment", "read_experiment", "run_experiment"]

"""Runs: replications of a scenario, the process pool and Dask backend that execute them,
statistics over them, and the results directories they are written to.

- :mod:`.replications`: :func:`~.replications.run_scenario` (a scenario and its baseline,
  paired under common random numbers);
- :mod:`.decompose`: the share of each lever of a package in its paired effect (Shapley values
  over coalitions of levers, under common random numbers);
- :mod:`.pool`: the one local process pool (spawn, one BLAS thread per run, clean-up);
- :mod:`.backends`: runs of a sweep on a Dask cluster;
- :mod:`.progress`: the progress bar of runs and sweeps;
- :mod:`.statistics`: summaries and paired comparisons with intervals;
- :mod:`.results`: results folders (atomic writes, manifests, :func:`~.results.read_results`);
- :mod:`.parts`: the part files a sweep writes as it goes;
- :mod:`.provenance`: package and library versions and the git checkout, for manifests.
"""

from valuechain.runs.replications import ScenarioRuns, run_scenario
from valuechain.runs.results import Results, read_results

__all__ = ["Results", "ScenarioRuns", "read_results", "run_scenario"]

"""Runs: replications of a scenario, the backends that execute them, statistics over them,
and the results directories they are written to.

- :mod:`.replications`: :func:`~.replications.run_scenario` (a scenario and its baseline,
  paired under common random numbers);
- :mod:`.backends`: the local process pool and Dask;
- :mod:`.statistics`: summaries and paired comparisons with intervals;
- :mod:`.results`: results folders (atomic writes, manifests, :func:`~.results.read_results`);
- :mod:`.parts`: the part files a sweep writes as it goes.
"""

from valuechain.runs.replications import ScenarioRuns, run_scenario
from valuechain.runs.results import Results, read_results

__all__ = ["Results", "ScenarioRuns", "read_results", "run_scenario"]

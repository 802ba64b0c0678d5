"""Compiled household kernels: the loops over households of the monthly step, fused.

Each kernel is one pass (or two) over the households of a district, compiled by numba on
first use and cached on disk (``__pycache__``), so a new process loads it in milliseconds.
A kernel takes arrays and numbers and never the model; it writes its results into arrays it
is given or returns numbers. The arithmetic is that of the equations in ``docs/ODD.md``
section 7, in the same order as the plain formulas it replaced, so results agree with the
per-agent reference (``benchmarks/mesa_reference.py``) household by household; the tests
check each kernel against a plain numpy statement of the same equation
(:func:`valuechain.outputs.metrics.fgt`, :func:`valuechain.outputs.metrics.weighted_gini`,
hand-computed numbers).

Why compiled: a month of 10,000 households is some thirty array operations; as numpy calls
each makes a pass over memory and pays a call overhead, and together they cost several
times what one fused loop does (``benchmarks/README.md``).

One rule for editing: a kernel may call only kernels of its own file. Numba's disk cache is
refreshed when the file that defines a function changes, not when a function it calls in
another file does; calls across files would run stale machine code after an edit.

- :mod:`~valuechain.model.kernels.households`: harvest, work, budgets, ageing;
- :mod:`~valuechain.model.kernels.markets`: selling queue, cooperative intake, hiring;
- :mod:`~valuechain.model.kernels.measures`: indicator sums, dot products, sorting, Gini;
- :mod:`~valuechain.model.kernels.targeting`: the proxy-means fit and the targeting sums.
"""

from valuechain.model.kernels.households import (
    HOUSEHOLD_FLOWS,
    binomial_by_inversion,
    budget_month,
    consume_one,
    harvest_month,
    work_month,
)
from valuechain.model.kernels.markets import (
    gather,
    gather_wages,
    hire_in_queue,
    lay_off_in_queue,
    promote_second_jobs,
    sell_in_queue,
    sell_to_traders,
    separate,
    take_in_order,
)
from valuechain.model.kernels.measures import (
    SUMS,
    argsort,
    dot,
    gini,
    indicator_sums,
    sort_keys,
)
from valuechain.model.kernels.targeting import (
    MAX_PROGRAMMES,
    TARGETING_COMMON,
    TARGETING_PER_PROGRAMME,
    normal_equations,
    pack_bits,
    predict,
    targeting_sums,
)

__all__ = [
    "HOUSEHOLD_FLOWS",
    "MAX_PROGRAMMES",
    "SUMS",
    "TARGETING_COMMON",
    "TARGETING_PER_PROGRAMME",
    "argsort",
    "binomial_by_inversion",
    "budget_month",
    "consume_one",
    "dot",
    "gather",
    "gather_wages",
    "gini",
    "harvest_month",
    "hire_in_queue",
    "indicator_sums",
    "lay_off_in_queue",
    "normal_equations",
    "pack_bits",
    "predict",
    "promote_second_jobs",
    "sell_in_queue",
    "sell_to_traders",
    "separate",
    "sort_keys",
    "take_in_order",
    "targeting_sums",
    "work_month",
    "wsum",
]


def wsum(w, x) -> float:
    """``sum(w * x)`` in one compiled pass, bool and integer ``x`` included
    (:func:`~valuechain.model.kernels.measures.dot`: the same bits whatever the CPU, no BLAS
    threads). The model's weighted totals all go through it."""
    return float(dot(w, x))

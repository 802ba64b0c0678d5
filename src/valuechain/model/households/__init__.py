"""Households: their arrays and synthetic population (:mod:`.state`), their state at the
start (:mod:`.init`), work and job matching (:mod:`.labour`), monthly budgets
(:mod:`.budgets`) and yearly ageing (:mod:`.demography`).

The loops over households are compiled kernels in :mod:`valuechain.model.kernels.households`
and :mod:`valuechain.model.kernels.markets`.
"""

from valuechain.model.households.state import FIELDS, Households, generate_population

__all__ = ["FIELDS", "Households", "generate_population"]

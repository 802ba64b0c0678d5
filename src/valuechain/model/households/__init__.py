"""The household state: arrays, the synthetic population, and yearly ageing.

The monthly mechanisms that update households (harvest, work, budgets and poverty spells)
are compiled kernels in :mod:`valuechain.model.kernels.households`.
"""

from valuechain.model.households.labour import mean_one_lognormal
from valuechain.model.households.state import FIELDS, Households, generate_population

__all__ = ["FIELDS", "Households", "generate_population", "mean_one_lognormal"]

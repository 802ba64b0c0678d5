"""The household state: arrays, the synthetic population, and yearly ageing.

The monthly mechanisms that update households (harvest, work, budgets and poverty spells)
are compiled kernels in :mod:`valuechain.kernels.households`.
"""

from valuechain.households.labour import mean_one_lognormal
from valuechain.households.state import FIELDS, Households, generate_population

__all__ = ["FIELDS", "Households", "generate_population", "mean_one_lognormal"]

"""The vectorised household core: state arrays and the functions that update them."""

from valuechain.households.budget import consume
from valuechain.households.labour import farm_and_informal_work, harvest, mean_one_lognormal
from valuechain.households.state import FIELDS, Households, generate_population

__all__ = [
    "FIELDS",
    "Households",
    "consume",
    "farm_and_informal_work",
    "generate_population",
    "harvest",
    "mean_one_lognormal",
]

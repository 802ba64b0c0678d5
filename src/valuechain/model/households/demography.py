"""Yearly demography: children grow up, adults grow old, births and deaths (vectorised)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valuechain.model.kernels import binomial_by_inversion

__all__ = ["COUNTS", "AgeingResult", "age_one_year"]

#: the household member counts a year of ageing moves (the household fields of that name)
COUNTS = ("n_young", "n_primary", "n_junior", "n_senior", "n_adults", "n_elderly", "n_disabled")


@dataclass(frozen=True)
class AgeingResult:
    """What a year of ageing did to each household."""

    new_adults: np.ndarray  # children who reached working age
    births: np.ndarray
    new_elderly: np.ndarray  # adults who reached old age
    deaths: np.ndarray  # elderly who died


def age_one_year(
    counts: dict[str, np.ndarray],
    rng: np.random.Generator,
    *,
    p_birth: float,
    p_adult_to_elderly: float,
    p_elderly_death: float,
) -> AgeingResult:
    """Move one year of ages through the household counts, in place.

    Each child moves up an age group with probability one over the years the group spans
    (0-6: 1/7, primary: 1/6, junior: 1/3, senior: 1/3, senior to working age); a household
    with a working-age adult has a birth with ``p_birth``; each adult reaches old age with
    ``p_adult_to_elderly`` and each elderly member dies with ``p_elderly_death``. Each
    binomial draw inverts its distribution function at one uniform per household
    (:func:`valuechain.model.kernels.binomial_by_inversion`), the uniforms taken in a fixed order:
    equal counts get equal outcomes in any scenario, and nearly equal counts nearly equal
    ones.
    """
    young, primary = counts["n_young"], counts["n_primary"]
    junior, senior = counts["n_junior"], counts["n_senior"]
    adults, elderly = counts["n_adults"], counts["n_elderly"]
    n = adults.size
    up_young = binomial_by_inversion(young, 1 / 7, rng.random(n))
    up_primary = binomial_by_inversion(primary, 1 / 6, rng.random(n))
    up_junior = binomial_by_inversion(junior, 1 / 3, rng.random(n))
    new_adults = binomial_by_inversion(senior, 1 / 3, rng.random(n))
    births = (rng.random(n) < p_birth) & (adults > 0)
    new_elderly = binomial_by_inversion(adults, p_adult_to_elderly, rng.random(n))
    deaths = binomial_by_inversion(elderly, p_elderly_death, rng.random(n))
    young += births - up_young
    primary += up_young - up_primary
    junior += up_primary - up_junior
    senior += up_junior - new_adults
    adults += new_adults - new_elderly
    others = young + primary + junior + senior + adults + counts["n_disabled"]
    deaths = np.minimum(deaths, np.maximum(elderly + new_elderly + others - 1, 0))  # no empty homes
    elderly += new_elderly - deaths
    return AgeingResult(new_adults, births.astype(np.int64), new_elderly, deaths)

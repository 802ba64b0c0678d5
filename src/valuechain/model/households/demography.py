"""Yearly demography: children grow up, adults grow old, births and deaths (vectorised).

:func:`age_one_year` moves the counts; :func:`age_district` does a district's year (ageing
and new workers' skill); :func:`settle_after_ageing` updates what follows from the counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valuechain.config.behaviour import Demography
from valuechain.config.schema import MAX_SKILL
from valuechain.model.households.state import Households
from valuechain.model.kernels import binomial_by_inversion

__all__ = [
    "COUNTS",
    "AgeingResult",
    "age_district",
    "age_one_year",
    "settle_after_ageing",
    "women_after_ageing",
]

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


def age_district(
    hh: Households,
    district: slice,
    rng: np.random.Generator,
    demography: Demography,
    skill_shares: list[float],
    education_gain: np.ndarray | int,
    sex_rng: np.random.Generator | None = None,
    women_share: float = 0.5,
) -> None:
    """A year of ageing in one district (:func:`age_one_year`), and new workers' skill.

    A new worker's skill is drawn from the district's ``skill_shares`` plus
    ``education_gain`` (per household, at most ``MAX_SKILL``); the household's skill (and
    hiring priority) becomes the better of its own and the new worker's. Draws from ``rng``
    in a fixed order: the ageing uniforms, then one skill per household. With ``sex_rng``
    (the ``sex/<district>`` stream), the women among the adults follow
    (:func:`women_after_ageing`).
    """
    s = district
    counts = {name: getattr(hh, name)[s].astype(np.int64) for name in COUNTS}
    adults_before = counts["n_adults"].copy()
    res = age_one_year(
        counts,
        rng,
        p_birth=demography.p_birth_year,
        p_adult_to_elderly=demography.p_adult_to_elderly_year,
        p_elderly_death=demography.p_elderly_death_year,
    )
    for name in COUNTS:
        getattr(hh, name)[s] = counts[name]
    if sex_rng is not None:
        hh.n_women[s] = women_after_ageing(
            hh.n_women[s], adults_before, res.new_adults, res.new_elderly, women_share, sex_rng
        )
    drawn = rng.choice(len(skill_shares), size=s.stop - s.start, p=skill_shares)
    new_skill = np.minimum(drawn + education_gain, MAX_SKILL)
    delta = np.where((res.new_adults > 0) & (new_skill > hh.skill[s]), new_skill - hh.skill[s], 0)
    hh.skill[s] += delta.astype(hh.skill.dtype)
    hh.labour_priority[s] += delta


def women_after_ageing(
    women: np.ndarray,
    adults_before: np.ndarray,
    new_adults: np.ndarray,
    new_elderly: np.ndarray,
    women_share: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Women among the adults after a year: of the ``new_elderly`` adults who reached old age
    as many are women as a draw without replacement from the household's adults gives
    (hypergeometric); each new adult is a woman with ``women_share``. Draws for the
    households where adults left, then for those where adults arrived (a few in a hundred
    each year), in household order."""
    out = women.copy()
    left = np.flatnonzero(new_elderly > 0)
    w = women[left]
    out[left] -= rng.hypergeometric(w, adults_before[left] - w, new_elderly[left])
    came = np.flatnonzero(new_adults > 0)
    out[came] += rng.binomial(new_adults[came], women_share)
    return out


def settle_after_ageing(hh: Households) -> None:
    """After a year of ageing: a worker who reached old age leaves the job (a second earner's
    job first); children, sizes and person weights follow the counts; the hiring queue
    follows the skills."""
    hh.job_firm2[hh.n_adults < 2] = -1
    hh.job_firm[hh.n_adults == 0] = -1
    hh.n_children[:] = hh.n_young + hh.n_primary + hh.n_junior + hh.n_senior
    hh.size[:] = hh.n_adults + hh.n_children + hh.n_elderly + hh.n_disabled
    hh.persons[:] = hh.weight * hh.size
    hh.refresh_labour_queue()

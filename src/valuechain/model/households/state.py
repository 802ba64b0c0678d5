"""Households as a struct of numpy arrays, and the synthetic population they are drawn from.

Each simulated household stands for ``weight`` real households. Households of one district
are contiguous (``district_slices``), so district-level work is done on array views.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from valuechain.config.scenario import District, Scenario
from valuechain.model import kernels

__all__ = ["FIELDS", "Households", "generate_population"]

#: name -> (dtype, unit, meaning); the ODD's state-variable table is generated from this.
FIELDS: dict[str, tuple[str, str, str]] = {
    "district": ("int16", "index", "district the household lives in"),
    "weight": ("float64", "households", "real households this simulated household stands for"),
    "n_adults": ("int16", "persons", "working-age adults able to work"),
    "n_women": ("int16", "persons", "women among the working-age adults"),
    "n_children": ("int16", "persons", "children under working age"),
    "n_young": ("int16", "persons", "children aged 0-6 (of n_children)"),
    "n_primary": ("int16", "persons", "children of primary-school age (of n_children)"),
    "n_junior": ("int16", "persons", "children of junior-secondary age (of n_children)"),
    "n_senior": ("int16", "persons", "children of senior-secondary age (of n_children)"),
    "n_elderly": ("int16", "persons", "members aged 60 or more (do not work)"),
    "n_disabled": ("int16", "persons", "members with a severe disability (do not work)"),
    "size": ("float64", "persons", "household size"),
    "persons": ("float64", "persons", "real persons this household stands for: weight x size"),
    "skill": ("int16", "level", "skill of the household's workers (0 = none)"),
    "land_ha": ("float64", "ha", "land in each commodity (column per commodity)"),
    "tied": ("bool", "flag", "sells the commodity to its trader only (column per commodity)"),
    "knows_quality": (
        "bool",
        "flag",
        "knows the crop's quality practice (column per commodity)",
    ),
    "practises_quality": (
        "bool",
        "flag",
        "uses the quality practice this month: knows it and expects a grading buyer (column "
        "per commodity)",
    ),
    "other_income_idr": ("float64", "IDR/month", "median non-farm, non-wage income"),
    "has_insurance": ("bool", "flag", "health costs covered by insurance of its own (JKN)"),
    "subsidised_cover": ("bool", "flag", "health costs covered by a subsidised programme now"),
    "savings_idr": ("float64", "IDR", "savings (negative: debt)"),
    "permanent_income_idr": ("float64", "IDR/month", "smoothed income the household expects"),
    "income_idr": ("float64", "IDR/month", "net income this month"),
    "consumption_idr": ("float64", "IDR/month", "consumption this month"),
    "harvest_kg": ("float64", "kg", "harvest this month (column per commodity)"),
    "farm_revenue_idr": ("float64", "IDR/month", "sales of the harvest this month"),
    "job_firm": ("int32", "index", "processor employing one member (-1: none)"),
    "job_firm2": (
        "int32",
        "index",
        "processor employing a second earner (-1: none; with max_workers_per_household 2)",
    ),
    "coop": ("int32", "index", "cooperative processor the household is a member of (-1: none)"),
    "u_enum": ("float64", "uniform", "drawn once: enumerated while u_enum >= the miss share"),
    "enumerated": ("bool", "flag", "visited by the registry's enumeration (DTKS/P3KE-like)"),
    "registered": ("bool", "flag", "in the targeting registry (DTKS/P3KE-like)"),
    "registry_score": ("float64", "log IDR", "proxy-means score at last certification"),
    "registry_rank": (
        "float64",
        "share",
        "rank by score among the enumerated, over the district's households (0 = poorest; "
        "1 if not enumerated)",
    ),
    "in_training": ("bool", "flag", "a member is on a training course"),
    "trained": ("bool", "flag", "a member has completed a training course"),
    "reservation_idr": (
        "float64",
        "IDR/worker-month",
        "the lowest wage a member takes a processing job for (0: any)",
    ),
    "is_extreme_poor": ("bool", "flag", "per-capita consumption below the USD 1.90 line"),
    "extreme_poor_at_start": ("bool", "flag", "extreme poor at the end of the spin-up (cohort)"),
    "months_out_run": ("int32", "months", "consecutive months out of extreme poverty"),
    "poor_at_start": ("bool", "flag", "below the national (or district) line at the spin-up's end"),
    "market_rank": ("float64", "rank", "position in the queue to local buyers (fixed)"),
    "labour_priority": ("float64", "score", "skill + fixed random tie-break for hiring"),
}


@dataclass
class Households:
    """The household population; every field is a numpy array of length ``n`` (or n x C)."""

    commodities: tuple[str, ...]
    district_slices: list[slice]
    district: np.ndarray
    weight: np.ndarray
    n_adults: np.ndarray
    n_women: np.ndarray
    n_children: np.ndarray
    n_young: np.ndarray
    n_primary: np.ndarray
    n_junior: np.ndarray
    n_senior: np.ndarray
    n_elderly: np.ndarray
    n_disabled: np.ndarray
    size: np.ndarray
    persons: np.ndarray
    skill: np.ndarray
    land_ha: np.ndarray
    tied: np.ndarray
    knows_quality: np.ndarray
    practises_quality: np.ndarray
    other_income_idr: np.ndarray
    has_insurance: np.ndarray
    subsidised_cover: np.ndarray
    savings_idr: np.ndarray
    permanent_income_idr: np.ndarray
    income_idr: np.ndarray
    consumption_idr: np.ndarray
    harvest_kg: np.ndarray
    farm_revenue_idr: np.ndarray
    job_firm: np.ndarray
    job_firm2: np.ndarray
    coop: np.ndarray
    u_enum: np.ndarray
    enumerated: np.ndarray
    registered: np.ndarray
    registry_score: np.ndarray
    registry_rank: np.ndarray
    in_training: np.ndarray
    trained: np.ndarray
    reservation_idr: np.ndarray
    is_extreme_poor: np.ndarray
    extreme_poor_at_start: np.ndarray
    months_out_run: np.ndarray
    poor_at_start: np.ndarray
    market_rank: np.ndarray
    labour_priority: np.ndarray
    labour_queue: list[np.ndarray] = field(default_factory=list)
    labour_queue_open: list[np.ndarray] = field(default_factory=list)
    market_queue: list[np.ndarray] = field(default_factory=list)

    @property
    def n(self) -> int:
        """Number of simulated households."""
        return int(self.weight.shape[0])

    def refresh_labour_queue(self) -> None:
        """Order each district's households by hiring priority (call after skills change):
        ``labour_queue`` by skill, then the fixed random rank (employers who screen on
        skill); ``labour_queue_open`` by the fixed random rank alone (those who do not)."""
        self.labour_queue = [
            s.start + kernels.argsort(-self.labour_priority[s]) for s in self.district_slices
        ]
        luck = self.labour_priority - self.skill
        self.labour_queue_open = [s.start + kernels.argsort(-luck[s]) for s in self.district_slices]

    def to_frame(self) -> pd.DataFrame:
        """A pandas view for inspection and tests: one row per simulated household."""
        data: dict[str, np.ndarray] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, np.ndarray):
                continue
            if value.ndim == 2:
                for j, c in enumerate(self.commodities):
                    data[f"{f.name}_{c}"] = value[:, j]
            else:
                data[f.name] = value
        return pd.DataFrame(data)


def _district_population(
    d: District, commodities: tuple[str, ...], rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Draw one district's households (composition, land, skill, other income)."""
    n = d.n_households
    pop = d.population
    n_adults = 1 + rng.poisson(pop.adults_mean - 1, n)
    n_children = rng.poisson(pop.children_mean, n)
    n_elderly = (rng.random(n) < pop.p_elderly) * (1 + (rng.random(n) < pop.p_second_elderly))
    n_disabled = (rng.random(n) < pop.p_disabled).astype(np.int64)
    # elderly-only households: no working-age member, one or two elderly
    elderly_only = rng.random(n) < pop.p_elderly_only
    n_adults = np.where(elderly_only, 0, n_adults)
    n_children = np.where(elderly_only, 0, n_children)
    n_elderly = np.where(elderly_only, np.maximum(n_elderly, 1), n_elderly)
    skill = rng.choice(len(pop.skill_shares), size=n, p=pop.skill_shares)
    land = np.zeros((n, len(commodities)))
    for j, c in enumerate(commodities):
        grows = rng.random(n)
        z = rng.standard_normal(n)
        crop = d.crops.get(c)
        if crop is not None:
            plot = crop.land_ha_median * np.exp(crop.land_ha_log_sd * z)
            land[:, j] = np.where(grows < crop.share_growing, plot, 0.0)
    other = rng.lognormal(
        np.log(max(pop.other_income_idr_per_month_median, 1.0)), pop.other_income_log_sd, n
    )
    if pop.other_income_idr_per_month_median == 0:
        other[:] = 0.0
    other *= np.where(land.sum(axis=1) > 0, pop.other_income_grower_factor, 1.0)
    return {
        "n_adults": n_adults,
        "n_children": n_children,
        "n_elderly": n_elderly,
        "n_disabled": n_disabled,
        "skill": skill,
        "land_ha": land,
        "other_income_idr": other,
        "market_u": rng.random(n),
        "labour_u": rng.random(n),
        **_school_ages(n_children, rng),
    }


def _school_ages(n_children: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Split children by age group in proportion to the years each group spans:
    0-6 (7 years), primary 7-12 (6), junior 13-15 (3), senior 16-18 (3)."""
    young = rng.binomial(n_children, 7 / 19)
    primary = rng.binomial(n_children - young, 6 / 12)
    junior = rng.binomial(n_children - young - primary, 3 / 6)
    senior = n_children - young - primary - junior
    return {"n_young": young, "n_primary": primary, "n_junior": junior, "n_senior": senior}


def generate_population(scenario: Scenario, rng: np.random.Generator) -> Households:
    """Draw the synthetic households of every district from the scenario's distributions.

    Households of district k occupy one contiguous block, in the scenario's district order.
    Household weight = real households / simulated households of the district.
    """
    commodities = tuple(scenario.commodities)
    parts = []
    slices = []
    start = 0
    for k, d in enumerate(scenario.districts.values()):
        p = _district_population(d, commodities, rng)
        p["district"] = np.full(d.n_households, k)
        p["weight"] = np.full(d.n_households, d.real_households / d.n_households)
        parts.append(p)
        slices.append(slice(start, start + d.n_households))
        start += d.n_households
    cat = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    n = start
    size = (cat["n_adults"] + cat["n_children"] + cat["n_elderly"] + cat["n_disabled"]).astype(
        np.float64
    )
    # market rank: uniform order within the district; labour priority: skill first, then luck
    hh = Households(
        commodities=commodities,
        district_slices=slices,
        district=cat["district"].astype(np.int16),
        weight=cat["weight"].astype(np.float64),
        n_adults=cat["n_adults"].astype(np.int16),
        n_women=np.zeros(n, dtype=np.int16),
        n_children=cat["n_children"].astype(np.int16),
        n_young=cat["n_young"].astype(np.int16),
        n_primary=cat["n_primary"].astype(np.int16),
        n_junior=cat["n_junior"].astype(np.int16),
        n_senior=cat["n_senior"].astype(np.int16),
        n_elderly=cat["n_elderly"].astype(np.int16),
        n_disabled=cat["n_disabled"].astype(np.int16),
        size=size,
        persons=cat["weight"] * size,
        skill=cat["skill"].astype(np.int16),
        land_ha=cat["land_ha"],
        tied=np.zeros(cat["land_ha"].shape, dtype=bool),
        knows_quality=np.zeros(cat["land_ha"].shape, dtype=bool),
        practises_quality=np.zeros(cat["land_ha"].shape, dtype=bool),
        other_income_idr=cat["other_income_idr"],
        has_insurance=np.zeros(n, dtype=bool),
        subsidised_cover=np.zeros(n, dtype=bool),
        savings_idr=np.zeros(n),
        permanent_income_idr=np.zeros(n),
        income_idr=np.zeros(n),
        consumption_idr=np.zeros(n),
        harvest_kg=np.zeros((n, len(commodities))),
        farm_revenue_idr=np.zeros(n),
        job_firm=np.full(n, -1, dtype=np.int32),
        job_firm2=np.full(n, -1, dtype=np.int32),
        coop=np.full(n, -1, dtype=np.int32),
        u_enum=np.zeros(n),
        enumerated=np.zeros(n, dtype=bool),
        registered=np.zeros(n, dtype=bool),
        registry_score=np.zeros(n),
        registry_rank=np.ones(n),
        in_training=np.zeros(n, dtype=bool),
        trained=np.zeros(n, dtype=bool),
        reservation_idr=np.zeros(n),
        is_extreme_poor=np.zeros(n, dtype=bool),
        extreme_poor_at_start=np.zeros(n, dtype=bool),
        months_out_run=np.zeros(n, dtype=np.int32),
        poor_at_start=np.zeros(n, dtype=bool),
        market_rank=cat["market_u"],
        labour_priority=cat["skill"] + cat["labour_u"],
    )
    hh.refresh_labour_queue()
    # positions within each district in selling order (ranks are fixed: so is the queue)
    hh.market_queue = [np.argsort(hh.market_rank[s], kind="stable") for s in slices]
    return hh

"""Household production and the informal side of the labour market (vectorised)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FarmWork", "farm_and_informal_work", "harvest", "mean_one_lognormal"]


def mean_one_lognormal(z: np.ndarray | float, sd: float) -> np.ndarray | float:
    """``exp(sd z - sd^2 / 2)``: a log-normal shock with mean one from standard normals."""
    return np.exp(sd * z - 0.5 * sd * sd)


def harvest(
    land_ha: np.ndarray,
    yield_kg_per_ha_year: float,
    season_share: float,
    weather: float,
    idiosyncratic: np.ndarray,
) -> np.ndarray:
    """Harvest this month (kg) = land x annual yield x season share x weather x own shock."""
    return land_ha * (yield_kg_per_ha_year * season_share * weather) * idiosyncratic


@dataclass(frozen=True)
class FarmWork:
    """Outcome of hired farm work and informal work for one district and month."""

    farm_earnings_idr: np.ndarray  # per household
    informal_earnings_idr: np.ndarray  # per household
    idle_worker_months: np.ndarray  # per household
    share_demand_filled: float  # hired farm labour actually found / wanted
    farm_worker_months: float  # real worker-months of hired farm work


def farm_and_informal_work(
    free_workers: np.ndarray,
    weight: np.ndarray,
    demand_worker_months: float,
    *,
    farm_wage: float,
    informal_income: float,
    p_informal: float,
    u: np.ndarray,
) -> FarmWork:
    """Allocate hired farm work, then informal work, among workers without a processing job.

    Farm work is shared pro rata: each free worker gets ``f = min(1, D / S)`` worker-months,
    with ``D`` the district's hired-labour demand and ``S`` its free workers (real). Of the
    remaining time, ``k = floor(free x p + u)`` workers of a household find informal work
    (stochastic rounding with one uniform ``u`` per household keeps draws aligned across
    scenarios); the rest is idle.
    """
    supply = float(np.dot(weight, free_workers))
    f = min(1.0, demand_worker_months / supply) if supply > 0 else 0.0
    filled = min(1.0, supply / demand_worker_months) if demand_worker_months > 0 else 1.0
    k = np.floor(free_workers * p_informal + u)
    rest = 1.0 - f
    return FarmWork(
        farm_earnings_idr=f * free_workers * farm_wage,
        informal_earnings_idr=k * rest * informal_income,
        idle_worker_months=(free_workers - k) * rest,
        share_demand_filled=filled,
        farm_worker_months=f * supply,
    )

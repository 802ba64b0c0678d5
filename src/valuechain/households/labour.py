"""Household production and the informal side of the labour market (vectorised)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valuechain import kernels

__all__ = ["FarmWork", "farm_and_informal_work", "harvest", "mean_one_lognormal"]


def mean_one_lognormal(z: np.ndarray | float, sd: float) -> np.ndarray | float:
    """``exp(sd z - sd^2 / 2)``: a log-normal shock with mean one from standard normals."""
    return np.exp(sd * z - 0.5 * sd * sd)


def harvest(
    land_ha: np.ndarray,
    yield_kg_per_ha_year: float,
    season_share: float,
    weather: float,
    z: np.ndarray,
    idiosyncratic_sd: float,
) -> np.ndarray:
    """Harvest this month (kg) = land x annual yield x season share x weather x own shock,
    the own shock ``exp(sd z - sd^2 / 2)`` (:func:`valuechain.kernels.harvest_month`)."""
    out = np.empty(land_ha.size)
    scale = yield_kg_per_ha_year * season_share * weather
    kernels.harvest_month(land_ha, z, scale, idiosyncratic_sd, out)
    return out


@dataclass(frozen=True)
class FarmWork:
    """Outcome of hired farm work and informal work for one district and month."""

    farm_earnings_idr: np.ndarray  # per household
    informal_earnings_idr: np.ndarray  # per household
    idle_worker_months: float  # real worker-months without work
    share_demand_filled: float  # hired farm labour actually found / wanted
    farm_worker_months: float  # real worker-months of hired farm work


def farm_and_informal_work(
    n_adults: np.ndarray,
    job_firm: np.ndarray,
    weight: np.ndarray,
    demand_worker_months: float,
    *,
    farm_wage: float,
    informal_income: float,
    p_informal: float,
    u: np.ndarray,
) -> FarmWork:
    """Allocate hired farm work, then informal work, among workers without a processing job.

    A household's free workers are its adults less one if a member has a processing job
    (``job_firm >= 0``). Farm work is shared pro rata: each free worker gets
    ``f = min(1, D / S)`` worker-months, with ``D`` the district's hired-labour demand and
    ``S`` its free workers (real). Of the remaining time, ``k = floor(free x p + u)``
    workers of a household find informal work (stochastic rounding with one uniform ``u``
    per household keeps draws aligned across scenarios); the rest is idle. The model calls
    :func:`valuechain.kernels.work_month` directly, writing into its ledger.
    """
    farm = np.empty(n_adults.size)
    informal = np.empty(n_adults.size)
    filled, farm_months, idle = kernels.work_month(
        n_adults,
        job_firm,
        weight,
        u,
        demand_worker_months,
        p_informal,
        farm_wage,
        informal_income,
        farm,
        informal,
    )
    return FarmWork(
        farm_earnings_idr=farm,
        informal_earnings_idr=informal,
        idle_worker_months=idle,
        share_demand_filled=filled,
        farm_worker_months=farm_months,
    )

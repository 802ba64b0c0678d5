"""Work in a district: processing jobs, hired farm work and informal work; and the mean-one
log-normal shock.

The loops over households are the compiled kernels of :mod:`valuechain.model.kernels`
(:func:`~valuechain.model.kernels.hire_in_queue`, :func:`~valuechain.model.kernels.work_month`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from valuechain.config.chains import Chain
from valuechain.config.districts import Labour
from valuechain.model import kernels
from valuechain.model.households.state import Households
from valuechain.model.kernels import wsum

__all__ = ["Employers", "farm_and_informal_work", "match_jobs", "reservation_wages"]


@dataclass(frozen=True)
class Employers:
    """A district's plants in the job market, in plant order.

    Attributes:
        plant: each plant's index (the value of ``job_firm`` for its workers).
        vacancies: workers (real) each plant wants this month.
        wage_idr: each plant's wage (IDR/month).
        skill_required: the lowest skill each plant hires.
        n_plants: plants in the model (``job_firm`` values are below it).
        screens_skill: whether each plant picks by skill first (else by the random rank).
    """

    plant: np.ndarray
    vacancies: np.ndarray
    wage_idr: np.ndarray
    skill_required: np.ndarray
    n_plants: int
    screens_skill: np.ndarray | None = None


def reservation_wages(hh: Households, s: slice, share: float) -> None:
    """Set the district's households' reservation wage (IDR a worker-month): ``share x
    permanent income / working-age adults`` (what a worker of that household earns
    otherwise); zero (any job) when ``share`` is zero."""
    if share <= 0:
        hh.reservation_idr[s] = 0.0
        return
    adults = np.maximum(hh.n_adults[s], 1)
    np.multiply(hh.permanent_income_idr[s], share, out=hh.reservation_idr[s])
    hh.reservation_idr[s] /= adults


def match_jobs(
    hh: Households,
    district: int,
    u_separation: np.ndarray,
    p_separation: float,
    employers: Employers,
    u_separation2: np.ndarray | None = None,
) -> np.ndarray:
    """Separations, lay-offs and hiring at a district's plants; returns each plant's workers.

    Each worker leaves with ``p_separation`` (``u_separation < p_separation``, one uniform
    per household of the district; a second earner by ``u_separation2``) and the household
    is not rehired this month; a plant with more workers than ``vacancies`` lets the
    lowest-priority ones go (everyone when it has no vacancy; a household's second earner
    before its first); a household whose first job ended keeps its second earner's as its
    first. Then plants fill their vacancies, highest wage first (then plant order), from
    households with a free working-age adult (no processing job; or, with
    ``u_separation2`` given, where second earners may work, one job and two adults or more),
    skill at least the plant's requirement and a reservation wage (``hh.reservation_idr``)
    no higher than its wage, best priority first: by skill then a fixed random rank
    (``labour_queue``) for a plant that screens on skill, by the random rank alone
    (``labour_queue_open``) for one that does not. Each household hired or let go brings
    ``weight`` workers (:func:`~valuechain.model.kernels.hire_in_queue`).

    Args:
        hh: the households; ``job_firm`` and ``job_firm2`` are updated.
        district: the district's index.
        employers: the district's plants.
        u_separation2: one uniform per household for second earners' separations; ``None``
            where a household holds one job at most.

    Returns:
        Workers (real) employed by each plant of ``employers`` after matching.
    """
    job_firm, job_firm2, weight = hh.job_firm, hh.job_firm2, hh.weight
    queue, s = hh.labour_queue[district], hh.district_slices[district]
    firms, vacancies = employers.plant, employers.vacancies
    second = u_separation2 is not None
    left = np.zeros(u_separation.size, dtype=bool)
    employed = np.zeros(employers.n_plants)
    kernels.separate(job_firm[s], u_separation, p_separation, weight[s], left, employed)
    if second:
        kernels.separate(job_firm2[s], u_separation2, p_separation, weight[s], left, employed)

    def queue_of(f: int) -> np.ndarray:
        screens = employers.screens_skill is None or employers.screens_skill[f]
        return queue if screens else hh.labour_queue_open[district]

    for f, plant in enumerate(firms):
        excess = employed[plant] - vacancies[f]
        if excess > 0:  # a plant planning nothing lets everyone go
            everyone = math.inf if vacancies[f] == 0 else excess
            if second:
                shed = kernels.lay_off_in_queue(queue_of(f), job_firm2, plant, weight, everyone)
                employed[plant] -= shed
                everyone -= shed
            employed[plant] -= kernels.lay_off_in_queue(
                queue_of(f), job_firm, plant, weight, everyone
            )
    if second:
        kernels.promote_second_jobs(job_firm[s], job_firm2[s])
    for f in sorted(range(firms.size), key=lambda f: (-employers.wage_idr[f], firms[f])):
        plant = firms[f]
        employed[plant] += kernels.hire_in_queue(
            queue_of(f),
            job_firm,
            hh.skill,
            hh.n_adults,
            left,
            s.start,
            weight,
            plant,
            employers.skill_required[f],
            vacancies[f] - employed[plant],
            hh.reservation_idr,
            float(employers.wage_idr[f]),
            job_firm2,
            second,
        )
    return employed[firms]


def farm_and_informal_work(
    hh: Households,
    district: slice,
    u: np.ndarray,
    labour: Labour,
    chains: Iterable[Chain],
    farm_wage_earned: np.ndarray,
    informal: np.ndarray,
    farm_wage_paid: np.ndarray,
) -> tuple[float, float]:
    """Hired farm work and informal work of one district's free workers this month.

    Hired-farm-labour demand ``D = sum_c hired_c x sum_i w_i harvest_ic / 1000``
    worker-months (``hired_c``: the ``hired_labour_worker_months_per_t`` of each chain of
    ``chains``, in commodity order); free workers share it pro rata and the rest find
    informal work with ``p_informal_work`` (:func:`~valuechain.model.kernels.work_month`, one
    uniform ``u`` per household). Each farm pays for the hired labour it gets: ``harvest x
    hired / 1000 x farm wage x filled``, where ``filled`` is the share of the demand met. Adds
    to the district's ledger rows ``farm_wage_earned``, ``informal`` and ``farm_wage_paid``.

    Returns:
        Hired farm work done and idle time of free workers (real worker-months).
    """
    s = district
    hired_worker_months_per_t = [ch.hired_labour_worker_months_per_t for ch in chains]
    demand = 0.0
    for j, per_t in enumerate(hired_worker_months_per_t):
        demand += per_t * wsum(hh.weight[s], hh.harvest_kg[s, j]) / 1000.0
    filled, farm_months, idle = kernels.work_month(
        hh.n_adults[s],
        hh.job_firm[s],
        hh.job_firm2[s],
        hh.weight[s],
        u,
        demand,
        labour.p_informal_work,
        labour.farm_wage_idr_per_month,
        labour.informal_income_idr_per_month,
        farm_wage_earned,
        informal,
    )
    for j, per_t in enumerate(hired_worker_months_per_t):
        cost_per_kg = per_t / 1000.0 * labour.farm_wage_idr_per_month
        farm_wage_paid += hh.harvest_kg[s, j] * (cost_per_kg * filled)
    return farm_months, idle

"""Households at the start (ODD 5): expected income, savings, insurance, cooperative membership.

Functions on the household arrays; :func:`initialise_households` calls them once, after the
population is drawn and the plants created, with uniforms from the named streams.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from valuechain.config.scenario import Scenario
from valuechain.model.households.state import Households
from valuechain.model.kernels import wsum
from valuechain.model.rng import Streams

if TYPE_CHECKING:
    from valuechain.model.firms import Processor

__all__ = [
    "Cooperatives",
    "cooperative_members",
    "initial_budgets",
    "initial_insurance",
    "initialise_households",
    "join_cooperative",
    "mean_monthly_harvest_kg",
    "permanent_income",
]


def permanent_income(hh: Households, scenario: Scenario) -> np.ndarray:
    """What each household expects to earn in a month (IDR/month) before anything happens.

    ``P0 = other income + adults x p_informal x informal income + sum_c land_c x yield_c / 12
    x farm price_c x (1 - trader margin max_c) x (1 - farm cost share_c)``: informal work at
    its expected rate, and the average harvest sold to traders with no local buyer.
    """
    perm = hh.other_income_idr.copy()
    for k, d in enumerate(scenario.districts.values()):
        s = hh.district_slices[k]
        lab = d.labour
        perm[s] += hh.n_adults[s] * lab.p_informal_work * lab.informal_income_idr_per_month
        for j, c in enumerate(hh.commodities):
            ch = scenario.chains[c]
            net = (1 - ch.trader_margin_max) * (1 - ch.farm_cost_share)
            value = ch.yield_kg_per_ha_year / 12 * ch.stages[ch.farm_stage].price_idr_per_kg
            perm[s] += hh.land_ha[s, j] * value * net
    return perm


def initial_budgets(hh: Households, scenario: Scenario, u_savings: np.ndarray) -> None:
    """Permanent income ``P0``, savings ``P0 x buffer target months x 2u`` (``u`` uniform, one
    per household) and consumption ``P0``, in place."""
    perm = permanent_income(hh, scenario)
    hh.permanent_income_idr[:] = perm
    hh.savings_idr[:] = perm * scenario.households.buffer_target_months * u_savings
    hh.consumption_idr[:] = perm


def initial_insurance(has_insurance: np.ndarray, u: np.ndarray, share_covered: float) -> None:
    """Health insurance of the households' own (JKN): ``u < share_covered``, in place."""
    has_insurance[:] = u < share_covered


def join_cooperative(
    coop: np.ndarray, land_ha: np.ndarray, u: np.ndarray, member_share: float, plant: int
) -> None:
    """Growers of the plant's commodity (``land_ha > 0``) not yet in a cooperative join plant
    ``plant`` when ``u < member_share``; ``coop`` and ``land_ha`` are the district's, in place."""
    join = (land_ha > 0) & (u < member_share) & (coop < 0)
    coop[join] = plant


def cooperative_members(
    coop: np.ndarray, weight: np.ndarray, plant: int
) -> tuple[np.ndarray, float]:
    """Members of cooperative ``plant`` (positions in the district, in household order) and
    the real households they stand for; ``coop`` and ``weight`` are the district's."""
    members = np.flatnonzero(coop == plant)
    return members, float(weight[members].sum())


def mean_monthly_harvest_kg(hh: Households, scenario: Scenario) -> np.ndarray:
    """Each district's mean monthly harvest of each commodity (real kg, district x
    commodity): ``sum_i w_i land_ic x yield_c / 12``."""
    return np.array(
        [
            [
                wsum(hh.weight[s], hh.land_ha[s, j]) * scenario.chains[c].yield_kg_per_ha_year / 12
                for j, c in enumerate(hh.commodities)
            ]
            for s in hh.district_slices
        ]
    )


@dataclass(frozen=True)
class Cooperatives:
    """Each plant's cooperative members, fixed for the run (plants without members: none).

    Attributes:
        members: plant index -> its members' positions in its district, in household order.
        households: plant index -> the real households its members stand for.
    """

    members: dict[int, np.ndarray]
    households: dict[int, float]


def initialise_households(
    hh: Households, scenario: Scenario, streams: Streams, plants: Sequence[Processor]
) -> Cooperatives:
    """Budgets, insurance and cooperative membership at the start, from the named streams.

    Savings from ``population`` (after the population), insurance from ``health/<district>``,
    membership of each cooperative plant with a ``member_share`` from ``membership/<plant>``
    (in plant order; a household joins one cooperative at most), growers' ties to their
    trader from ``ties/<district>/<commodity>`` (a cooperative's members are freed), and, for
    a crop with a quality table, the growers who know its practice from
    ``quality/<district>/<commodity>`` (``u < know_share``).
    """
    initial_budgets(hh, scenario, streams.stream("population").uniform(0, 2, hh.n))
    for k, name in enumerate(scenario.districts):
        s = hh.district_slices[k]
        u = streams.stream(f"health/{name}").random(s.stop - s.start)
        initial_insurance(hh.has_insurance[s], u, scenario.health.share_covered)
    for p in plants:
        if p.spec.member_share > 0:
            s = hh.district_slices[p.district]
            u = streams.stream(f"membership/{p.name}").random(s.stop - s.start)
            land = hh.land_ha[s, p.commodity]
            join_cooperative(hh.coop[s], land, u, p.spec.member_share, p.index)
    for k, (name, d) in enumerate(scenario.districts.items()):
        s = hh.district_slices[k]
        sex = streams.stream(f"sex/{name}")
        hh.n_women[s] = sex.binomial(hh.n_adults[s], d.population.women_share)
        for j, c in enumerate(scenario.commodities):
            crop = d.crops.get(c)
            if crop is not None and crop.tied_share > 0:
                u = streams.stream(f"ties/{name}/{c}").random(s.stop - s.start)
                hh.tied[s, j] = (hh.land_ha[s, j] > 0) & (u < crop.tied_share)
            if crop is not None and crop.quality is not None:
                u = streams.stream(f"quality/{name}/{c}").random(s.stop - s.start)
                hh.knows_quality[s, j] = (hh.land_ha[s, j] > 0) & (u < crop.quality.know_share)
    for p in plants:  # a cooperative frees its members of their trader
        if p.spec.member_share > 0:
            s = hh.district_slices[p.district]
            hh.tied[s, p.commodity] &= hh.coop[s] != p.index
    members: dict[int, np.ndarray] = {}
    households: dict[int, float] = {}
    for p in plants:
        s = hh.district_slices[p.district]
        members[p.index], households[p.index] = cooperative_members(
            hh.coop[s], hh.weight[s], p.index
        )
    return Cooperatives(members, households)

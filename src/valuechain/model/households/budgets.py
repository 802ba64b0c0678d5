"""The month's household budgets (ODD 7.8): income, health costs, consumption, poverty spells.

The arithmetic is the compiled kernel :func:`valuechain.model.kernels.budget_month`; this
module hands it one district's household arrays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from valuechain.config.behaviour import Health, HouseholdBehaviour
from valuechain.config.chains import Chain
from valuechain.config.scenario import Scenario
from valuechain.model import kernels
from valuechain.model.households.state import Households

__all__ = [
    "LINE_190",
    "LINE_215",
    "LINE_NATIONAL",
    "FarmExpectations",
    "budget_month",
    "consumption_rule",
    "farm_expectations",
    "lean_season_reserve",
    "mark_poverty_at_start",
    "poverty_lines",
]

#: columns of :func:`poverty_lines`: the USD 1.90, USD 2.15 and national (or district) lines
LINE_190, LINE_215, LINE_NATIONAL = 0, 1, 2


def consumption_rule(behaviour: HouseholdBehaviour) -> np.ndarray:
    """The buffer-stock rule's parameters in the order the kernel takes them: marginal
    propensity to consume, buffer target, borrowing limit (months of permanent income),
    interest on debt (per month), permanent-income weight."""
    return np.array(
        [
            behaviour.mpc_cash_on_hand,
            behaviour.buffer_target_months,
            behaviour.borrowing_limit_months,
            behaviour.debt_interest_month,
            behaviour.permanent_income_weight,
        ]
    )


def lean_season_reserve(season_share_by_month: np.ndarray) -> np.ndarray:
    """The cash a household keeps after each calendar month for the lean months ahead, as a
    share of its expected yearly farm income (one value per calendar month, January first).

    After month ``m`` (1-12) the reserve is the largest shortfall of the coming months'
    harvest below an even twelfth of the year, added up from the next month on:
    ``r_m = max(0, max_k sum_{i=1..k} (1/12 - s_{m+i}))``, ``k`` = 1..12, months wrapping
    around the year. A flat season needs no reserve; a crop harvested in one month needs
    11/12 of its year's income kept right after the harvest.
    """
    shares = np.asarray(season_share_by_month, dtype=np.float64)
    reserve = np.zeros(12)
    for m in range(12):
        ahead = shares[(m + 1 + np.arange(12)) % 12]
        reserve[m] = max(0.0, float(np.cumsum(1.0 / 12.0 - ahead).max()))
    return reserve


@dataclass(frozen=True)
class FarmExpectations:
    """What a district's farms expect, by commodity: yearly net sales per unit of land at a
    price of 1 IDR/kg (``yield x (1 - farm cost share)``, kg/ha/year) and the lean-season
    reserve profile (commodity x calendar month, :func:`lean_season_reserve`)."""

    net_kg_per_ha_year: np.ndarray
    reserve_share: np.ndarray

    @classmethod
    def of(cls, chains: Iterable[Chain]) -> FarmExpectations:
        """The expectations of ``chains``, in commodity order."""
        chains = list(chains)
        return cls(
            np.array([ch.yield_kg_per_ha_year * (1.0 - ch.farm_cost_share) for ch in chains]),
            np.array([lean_season_reserve(ch.season_share_by_month) for ch in chains]).reshape(
                len(chains), 12
            ),
        )


def farm_expectations(
    trader_price_idr: np.ndarray, expect: FarmExpectations, month: int
) -> tuple[np.ndarray, np.ndarray]:
    """What a hectare of each commodity is expected to bring a farm this month (IDR/ha): its
    expected monthly net sales and the lean-season reserve it calls for.

    At the trader price (the price any farmer can get), a hectare's yearly net sales are
    ``A_c = yield_c x (1 - cost share_c) x price_c``; the expected monthly value is
    ``A_c / 12`` and the reserve ``A_c x r_c(month)``. A farm's own values are these times its
    land (the budget kernel adds them up over commodities). ``month`` is 1-12.
    """
    per_ha = expect.net_kg_per_ha_year * trader_price_idr
    return per_ha / 12.0, per_ha * expect.reserve_share[:, month - 1]


def poverty_lines(scenario: Scenario) -> np.ndarray:
    """Each district's poverty lines in rupiah of the scenario's start month (IDR per person
    per month), shape (districts, 3): the USD 1.90, USD 2.15 and national lines, in that
    order, as the indicators' kernel takes a district's row.

    The model's money is in rupiah of the start month (constant prices), so each line is
    moved once by the CPI from its base month to the start month (ODD 7.11). A district with
    its own line (``poverty_line_idr_per_person_month``) has it in place of the national one.
    """
    pov = scenario.poverty
    start = scenario.start
    lines = np.empty((len(scenario.districts), 3), dtype=np.float64)
    lines[:, LINE_190] = pov.line_at("extreme_190", start)
    lines[:, LINE_215] = pov.line_at("extreme_215", start)
    for k, d in enumerate(scenario.districts.values()):
        own, base = d.poverty_line_idr_per_person_month, d.poverty_line_base_month
        if own is None or base is None:
            lines[k, LINE_NATIONAL] = pov.line_at("national", start)
        else:
            lines[k, LINE_NATIONAL] = own * pov.cpi_factor(base, start)
    return lines


def budget_month(
    hh: Households,
    district: slice,
    flows: np.ndarray,
    was_extreme_poor: np.ndarray,
    income_z: np.ndarray,
    other_income_sd: float,
    health_u: np.ndarray,
    health: Health,
    rule: np.ndarray,
    farm_idr_per_ha: np.ndarray,
    reserve_idr_per_ha: np.ndarray,
    extreme_line_idr: float,
    first_month: bool,
) -> None:
    """One district's household budgets this month, in place.

    Args:
        hh: the households; their income, consumption, savings, permanent income, poverty
            status and spells in ``district`` are updated.
        flows: the ledger's household flows of the district (flow x household), read and
            completed; ``was_extreme_poor`` (the district's) is updated.
        income_z: one standard normal per household (the other-income shock).
        health_u: one uniform per household (the health shock).
        rule: :func:`consumption_rule`.
        farm_idr_per_ha, reserve_idr_per_ha: expected monthly net sales and lean-season
            reserve per hectare of each commodity (:func:`farm_expectations`).
        extreme_line_idr: the extreme poverty line (IDR per person per month).
        first_month: the first month simulated (last month's status is this month's).
    """
    s = district
    kernels.budget_month(
        flows,
        hh.farm_revenue_idr[s],
        hh.other_income_idr[s],
        income_z,
        other_income_sd,
        health_u,
        health.p_shock_month,
        hh.has_insurance[s],
        hh.subsidised_cover[s],
        health.cost_idr,
        health.lost_work_share,
        hh.savings_idr[s],
        hh.permanent_income_idr[s],
        hh.consumption_idr[s],
        hh.income_idr[s],
        hh.size[s],
        rule,
        hh.land_ha[s],
        farm_idr_per_ha,
        reserve_idr_per_ha,
        extreme_line_idr,
        hh.is_extreme_poor[s],
        was_extreme_poor,
        hh.months_out_run[s],
        first_month,
    )


def mark_poverty_at_start(hh: Households, district: slice, national_line_idr: float) -> None:
    """Flag who in ``district`` is poor (consumption per person below
    ``national_line_idr``, the district's national or own line) and who is extremely poor,
    for the indicators that follow them (the cohort, measured at the end of the last
    spin-up month)."""
    s = district
    hh.poor_at_start[s] = hh.consumption_idr[s] / hh.size[s] < national_line_idr
    hh.extreme_poor_at_start[s] = hh.is_extreme_poor[s]

"""The month's household budgets (ODD 7.8): income, health costs, consumption, poverty spells.

The arithmetic is the compiled kernel :func:`valuechain.model.kernels.budget_month`; this
module hands it one district's household arrays.
"""

from __future__ import annotations

import numpy as np

from valuechain.config.behaviour import Health, HouseholdBehaviour
from valuechain.config.scenario import Scenario
from valuechain.model import kernels
from valuechain.model.households.state import Households

__all__ = [
    "LINE_190",
    "LINE_215",
    "LINE_NATIONAL",
    "budget_month",
    "consumption_rule",
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

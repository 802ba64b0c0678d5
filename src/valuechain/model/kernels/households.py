"""Household kernels: harvest, farm and informal work, budgets and poverty spells, ageing.

The ledger's household flows are declared here, beside :func:`budget_month`, which reads and
writes them by row: numba bakes module-level constants into the cached machine code and only
notices edits to this file, so the row order must live in the same file as the kernel.
"""

from __future__ import annotations

import math

import numpy as np

from valuechain.model.kernels._jit import jit as _jit

__all__ = [
    "HOUSEHOLD_FLOWS",
    "binomial_by_inversion",
    "budget_month",
    "consume_one",
    "harvest_month",
    "work_month",
]

#: The ledger's household flows, one row each of its (flow x household) table
#: (:class:`valuechain.model.accounts.Ledger`); :func:`budget_month` reads and writes them by row.
HOUSEHOLD_FLOWS = (
    "farm_wage_earned",  # hired farm work, received
    "farm_wage_paid",  # hired farm work, paid by farmers
    "farm_inputs",  # purchased farm inputs (leave the district)
    "informal",  # informal earnings
    "wages",  # processing wages
    "dividends",  # cooperative dividends
    "transfers",  # social transfers
    "other",  # other income (small trade, remittances)
    "health_cost",  # out-of-pocket health spending
    "interest",  # interest on debt (leaves the district)
    "credit",  # programme loans: disbursements in, instalments out (cash, not income)
    "credit_returns",  # earnings of activities financed by programme loans (income)
    "induced",  # local income induced by last month's spending (the local multiplier)
)
_ROW = {name: i for i, name in enumerate(HOUSEHOLD_FLOWS)}
_EARNED, _PAID, _INPUTS = _ROW["farm_wage_earned"], _ROW["farm_wage_paid"], _ROW["farm_inputs"]
_INFORMAL, _WAGES, _DIVIDENDS = _ROW["informal"], _ROW["wages"], _ROW["dividends"]
_TRANSFERS, _OTHER, _HEALTH = _ROW["transfers"], _ROW["other"], _ROW["health_cost"]
_INTEREST, _CREDIT, _RETURNS = _ROW["interest"], _ROW["credit"], _ROW["credit_returns"]
_INDUCED = _ROW["induced"]


# ---------------------------------------------------------------------------- production
@_jit
def harvest_month(
    land_ha: np.ndarray, z: np.ndarray, scale: float, sd: float, out: np.ndarray
) -> None:
    """Harvest (kg) = land x scale x exp(sd z - sd^2 / 2), into ``out``; ``scale`` = annual
    yield x season share x weather (kg/ha). Households without land harvest nothing (and
    skip the ``exp``)."""
    half = 0.5 * sd * sd
    for i in range(land_ha.size):
        a = land_ha[i]
        out[i] = a * scale * math.exp(sd * z[i] - half) if a > 0.0 else 0.0


# ---------------------------------------------------------------------------- labour
@_jit
def work_month(
    n_adults: np.ndarray,
    job_firm: np.ndarray,
    job_firm2: np.ndarray,
    weight: np.ndarray,
    u: np.ndarray,
    demand_worker_months: float,
    p_informal: float,
    farm_wage: float,
    informal_income: float,
    farm_earnings: np.ndarray,
    informal_earnings: np.ndarray,
) -> tuple[float, float, float]:
    """Hired farm work shared pro rata, then informal work (ODD 7.4).

    Free workers ``F = adults - processing jobs held`` (``job_firm``, ``job_firm2``); farm
    work per free worker ``f = min(1, D / S)`` with ``S`` the weighted sum of ``F``; informal
    workers ``k = floor(F p + u)``; farm earnings ``f F wage``; informal earnings
    ``k (1 - f) income``; idle ``(F - k)(1 - f)`` worker-months. Writes the earnings and
    returns (share of demand filled, real farm worker-months, real idle worker-months).
    """
    n = n_adults.size
    supply = 0.0
    for i in range(n):
        free = n_adults[i] - (1 if job_firm[i] >= 0 else 0) - (1 if job_firm2[i] >= 0 else 0)
        supply += weight[i] * free
    f = min(1.0, demand_worker_months / supply) if supply > 0 else 0.0
    filled = min(1.0, supply / demand_worker_months) if demand_worker_months > 0 else 1.0
    rest = 1.0 - f
    idle = 0.0
    for i in range(n):
        free = float(n_adults[i] - (1 if job_firm[i] >= 0 else 0) - (1 if job_firm2[i] >= 0 else 0))
        k = math.floor(free * p_informal + u[i])
        farm_earnings[i] = f * free * farm_wage
        informal_earnings[i] = k * rest * informal_income
        idle += weight[i] * ((free - k) * rest)
    return filled, f * supply, idle


# ---------------------------------------------------------------------------- budgets
@_jit
def budget_month(
    flows: np.ndarray,
    farm_revenue: np.ndarray,
    other_median: np.ndarray,
    z_income: np.ndarray,
    other_sd: float,
    health_u: np.ndarray,
    p_shock: float,
    insured: np.ndarray,
    subsidised: np.ndarray,
    health_cost: float,
    lost_work_share: float,
    savings: np.ndarray,
    permanent: np.ndarray,
    consumption: np.ndarray,
    income: np.ndarray,
    size: np.ndarray,
    params: np.ndarray,
    land_ha: np.ndarray,
    farm_idr_per_ha: np.ndarray,
    reserve_idr_per_ha: np.ndarray,
    extreme_line: float,
    is_poor: np.ndarray,
    was_poor: np.ndarray,
    months_out: np.ndarray,
    first_month: bool,
) -> None:
    """One month of household budgets (ODD 7.8), in place, for one district.

    ``flows`` is the ledger's (flow x household) block of the district, rows in the order
    of :data:`HOUSEHOLD_FLOWS`; this kernel writes ``other``,
    ``health_cost`` and ``interest`` and scales ``informal``. ``params`` holds the
    consumption rule: mpc, buffer months, borrowing months, debt interest, income weight.

    - other income = median x exp(sd z - sd^2 / 2); a health shock (``u < p``) costs
      ``health_cost`` unless insured or covered by a subsidised programme, and takes
      ``lost_work_share`` of informal and other income;
    - net income = farm sales - inputs - hired farm labour + farm wages + processing wages
      + informal + other + transfers + dividends + credit returns + induced local income;
    - consumption by :func:`consume_one` with spending = health cost - credit; permanent
      income learns from income with the farm's net sales replaced by their expected monthly
      value ``sum_c land_c x farm_idr_per_ha_c``, and the cash target adds the reserve kept
      for the coming lean months, ``sum_c land_c x reserve_idr_per_ha_c``;
    - extreme poor when consumption / size < the line; spells of months out counted.
    """
    mpc, buffer_months, borrowing_months = params[0], params[1], params[2]
    debt_interest, income_weight = params[3], params[4]
    half = 0.5 * other_sd * other_sd
    for i in range(size.size):
        other = other_median[i] * math.exp(other_sd * z_income[i] - half)
        informal = flows[_INFORMAL, i]
        cost = 0.0
        if health_u[i] < p_shock:
            if not (insured[i] or subsidised[i]):
                cost = health_cost
            keep = 1.0 - lost_work_share
            informal *= keep
            other *= keep
        flows[_INFORMAL, i] = informal
        flows[_OTHER, i] = other
        flows[_HEALTH, i] = cost
        y = (
            farm_revenue[i]
            - flows[_INPUTS, i]
            - flows[_PAID, i]
            + flows[_EARNED, i]
            + flows[_WAGES, i]
            + informal
            + other
            + flows[_TRANSFERS, i]
            + flows[_DIVIDENDS, i]
            + flows[_RETURNS, i]
            + flows[_INDUCED, i]
        )
        expected = 0.0
        reserve = 0.0
        for j in range(farm_idr_per_ha.size):
            expected += land_ha[i, j] * farm_idr_per_ha[j]
            reserve += land_ha[i, j] * reserve_idr_per_ha[j]
        seasonal = farm_revenue[i] - flows[_INPUTS, i] - expected
        c, s, p, r = consume_one(
            y,
            y - seasonal,
            reserve,
            cost - flows[_CREDIT, i],
            savings[i],
            permanent[i],
            mpc,
            buffer_months,
            borrowing_months,
            debt_interest,
            income_weight,
        )
        flows[_INTEREST, i] = r
        income[i] = y
        consumption[i] = c
        savings[i] = s
        permanent[i] = p
        now = c / size[i] < extreme_line
        was_poor[i] = now if first_month else is_poor[i]
        is_poor[i] = now
        months_out[i] = 0 if now else months_out[i] + 1


@_jit
def consume_one(
    income: float,
    expected_income: float,
    reserve: float,
    spending: float,
    savings: float,
    permanent: float,
    mpc: float,
    buffer_months: float,
    borrowing_months: float,
    debt_interest: float,
    income_weight: float,
) -> tuple[float, float, float, float]:
    """The buffer-stock rule with a borrowing limit (ODD 7.8) for one household; returns
    (consumption, new savings, new permanent income, interest paid).

    With permanent income ``P' = (1 - lam) P + lam e`` (``e``: this month's income with the
    farm's net sales replaced by their expected monthly value, so that an anticipated
    harvest season does not move it), cash on hand ``x = S + y - spending - r max(-S, 0)``
    and target cash ``x* = P' (1 + b) + R`` (``R``: the reserve for the coming lean months):
    ``c = clip(P' + mpc (x - x*), 0, max(x + L P', 0))`` where ``L`` is the borrowing limit in
    months of permanent income. New savings ``S' = x - c`` (negative is debt). At the target,
    a household consumes exactly its permanent income and keeps ``b`` months of it, plus
    the reserve, in savings. Spending (out-of-pocket health costs) reduces cash but is not
    consumption.
    """
    perm = (1.0 - income_weight) * permanent + income_weight * expected_income
    interest = debt_interest * max(-savings, 0.0)
    cash = savings + income - spending - interest
    target = perm * (1.0 + buffer_months) + reserve
    wanted = perm + mpc * (cash - target)
    ceiling = max(cash + borrowing_months * max(perm, 0.0), 0.0)
    c = min(max(wanted, 0.0), ceiling)
    return c, cash - c, perm, interest


# ---------------------------------------------------------------------------- demography
@_jit
def binomial_by_inversion(n: np.ndarray, p: float, u: np.ndarray) -> np.ndarray:
    """Binomial(n_i, p) draws by inverting the CDF at the uniforms ``u_i``.

    The smallest ``k`` with ``P(X <= k) >= u``: exact in distribution, one uniform per
    household, and monotone in ``u`` and ``n``, so two scenarios with the same draws and
    nearly the same counts get nearly the same outcomes (common random numbers).
    """
    out = np.zeros(n.size, dtype=np.int64)
    if p <= 0.0:
        return out
    if p >= 1.0:
        for i in range(n.size):
            out[i] = n[i]
        return out
    odds = p / (1.0 - p)
    none = np.ones(max(n.max(), 0) + 1 if n.size else 1)  # P(X = 0 | m) = (1 - p)^m
    for m in range(1, none.size):
        none[m] = none[m - 1] * (1.0 - p)
    for i in range(n.size):
        m = n[i]
        pmf = none[m]
        cdf = pmf
        k = 0
        while u[i] > cdf and k < m:
            pmf *= (m - k) / (k + 1.0) * odds
            k += 1
            cdf += pmf
        out[i] = k
    return out

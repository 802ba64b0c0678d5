"""Household income, consumption with a savings buffer, and poverty spells (vectorised)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valuechain import kernels

__all__ = ["Consumption", "consume"]


@dataclass(frozen=True)
class Consumption:
    """Result of one month's budget: consumption, new savings, new permanent income."""

    consumption_idr: np.ndarray
    savings_idr: np.ndarray
    permanent_income_idr: np.ndarray
    interest_idr: np.ndarray


def consume(
    income_idr: np.ndarray,
    spending_idr: np.ndarray,
    savings_idr: np.ndarray,
    permanent_income_idr: np.ndarray,
    *,
    mpc: float,
    buffer_months: float,
    borrowing_months: float,
    debt_interest: float,
    income_weight: float,
) -> Consumption:
    """Buffer-stock consumption rule with a borrowing limit (ODD 7.7).

    With permanent income ``P' = (1 - lam) P + lam y``, cash on hand
    ``x = S + y - spending - r max(-S, 0)`` and target cash ``x* = P' (1 + b)``:
    ``c = clip(P' + mpc (x - x*), 0, max(x + L P', 0))`` where ``L`` is the borrowing limit in
    months of permanent income. New savings ``S' = x - c`` (negative is debt). At the target,
    a household consumes exactly its permanent income and keeps ``b`` months of it in savings.
    Spending (out-of-pocket health costs) reduces cash but is not consumption. The model
    runs the same rule inside :func:`valuechain.kernels.budget_month`.
    """
    out = np.empty((4, income_idr.size))
    params = np.array([mpc, buffer_months, borrowing_months, debt_interest, income_weight])
    kernels.consume_array(
        np.asarray(income_idr, dtype=np.float64),
        np.asarray(spending_idr, dtype=np.float64),
        np.asarray(savings_idr, dtype=np.float64),
        np.asarray(permanent_income_idr, dtype=np.float64),
        params,
        out,
    )
    return Consumption(
        consumption_idr=out[0],
        savings_idr=out[1],
        permanent_income_idr=out[2],
        interest_idr=out[3],
    )

"""Household income, consumption with a savings buffer, and poverty spells (vectorised)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Consumption", "consume", "update_spells"]


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
    Spending (out-of-pocket health costs) reduces cash but is not consumption.
    """
    perm = (1.0 - income_weight) * permanent_income_idr + income_weight * income_idr
    interest = debt_interest * np.maximum(-savings_idr, 0.0)
    cash = savings_idr + income_idr - spending_idr - interest
    target = perm * (1.0 + buffer_months)
    wanted = perm + mpc * (cash - target)
    ceiling = np.maximum(cash + borrowing_months * np.maximum(perm, 0.0), 0.0)
    c = np.clip(wanted, 0.0, ceiling)
    return Consumption(
        consumption_idr=c,
        savings_idr=cash - c,
        permanent_income_idr=perm,
        interest_idr=interest,
    )


def update_spells(is_poor: np.ndarray, months_out_run: np.ndarray) -> np.ndarray:
    """Months out of extreme poverty in a row: ``run' = 0 if poor else run + 1``."""
    return np.where(is_poor, 0, months_out_run + 1).astype(months_out_run.dtype)

"""The local multiplier: spending in the district comes back as local informal income.

A share of the change in a district's household spending (against its level in the year
before the start) is spent on local goods and services, and comes back the next month as
income of the households who work informally, in proportion to their informal earnings; the
rest leaks to goods from outside. With every rupiah of income spent, a lasting injection is
multiplied by ``1 / (1 - share)`` (ODD 7.4).
"""

from __future__ import annotations

import numpy as np

from valuechain.model.kernels import wsum

__all__ = ["LocalSpending", "induced_income"]

#: months whose mean spending is the reference level (the last year of the spin-up)
REFERENCE_MONTHS = 12


def induced_income(
    spending_change_idr: float, informal: np.ndarray, weight: np.ndarray, out: np.ndarray
) -> float:
    """Share out ``spending_change_idr`` (real IDR, a district's) over its households in
    proportion to their informal earnings this month, writing IDR per simulated household to
    ``out``; returns what was paid, in total. A fall in spending cuts informal earnings at
    most to zero (``g = max(-1, change / informal earnings)``), the rest of the fall leaking
    out."""
    base = wsum(weight, informal)
    if base <= 0.0 or spending_change_idr == 0.0:
        out[:] = 0.0
        return 0.0
    g = max(-1.0, spending_change_idr / base)
    np.multiply(informal, g, out=out)
    return wsum(weight, out)


class LocalSpending:
    """Each district's household spending: its reference level (the mean of the spin-up's last
    year) and the change from it that is spent locally.

    Args:
        shares: each district's ``local_spending_share`` (0 switches the multiplier off).
    """

    def __init__(self, shares: list[float]):
        self.shares = np.array(shares, dtype=float)
        self.history = np.zeros((REFERENCE_MONTHS, self.shares.size))
        self.months = np.zeros(self.shares.size, dtype=int)
        self.reference: np.ndarray | None = None

    def spending_change(self, t: int, k: int, last_month_spending_idr: float) -> float:
        """What district ``k``'s households spend locally this month above (or below) the
        reference: ``share x (last month's spending - reference)``, from month 0 on; before
        it, the spending is recorded towards the reference and nothing is induced."""
        if t < 0:
            self.history[t % REFERENCE_MONTHS, k] = last_month_spending_idr
            self.months[k] += 1
            return 0.0
        if self.reference is None:
            counted = np.maximum(np.minimum(self.months, REFERENCE_MONTHS), 1)
            self.reference = self.history.sum(axis=0) / counted
        return float(self.shares[k] * (last_month_spending_idr - self.reference[k]))

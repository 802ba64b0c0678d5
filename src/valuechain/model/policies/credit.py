"""Programme credit: loans, annuity instalments, defaults and the returns they finance."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from valuechain.config.programmes import Credit
from valuechain.model.kernels import wsum
from valuechain.model.policies.base import Intake, Plan, cost_per_head

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel

__all__ = ["CreditRun"]


class CreditRun(Intake):
    """Small credit: disbursements, annuity repayments, defaults and returns (vectorised).

    The instalment of a loan of ``L`` at monthly rate ``r`` over ``n`` months is
    ``L r / (1 - (1 + r)^-n)`` (``L / n`` when ``r = 0``). Money moves through the ledger's
    ``credit`` flow (cash, not income: disbursements in, instalments out) and the financed
    activity's earnings through ``credit_returns`` (income). Loans already made keep running
    (and being repaid) after the programme stops lending. The month's cost is net lending
    (disbursed - repaid).
    """

    spec: Credit
    process = "credit"

    def __init__(self, name: str, spec: Credit, model: ValueChainModel):
        super().__init__(name, spec, model)
        n = model.households.n
        self.balance = np.zeros(n)
        self.months_left = np.zeros(n, dtype=np.int16)
        self.repaid = np.zeros(len(model.district_names))
        r, term = spec.interest_month, spec.term_months
        # r / (1 - (1 + r)^-n), written to stay exact as r -> 0 (where it tends to 1 / n)
        annuity = r / -math.expm1(-term * math.log1p(r)) if r * term > 1e-12 else 1 / term
        self.instalment = spec.loan_idr * annuity

    def advance(self, model: ValueChainModel) -> None:
        """Defaults, instalments and the financed activity's earnings of running loans."""
        hh = model.households
        led = model.ledger
        self.repaid[:] = 0.0
        running = self.months_left > 0
        if not running.any():
            return
        for k, s in enumerate(hh.district_slices):
            run = running[s]
            u = self.stream(model, k).random(run.size)
            pay = run & (u >= self.spec.p_default_month)
            earn = self.spec.loan_idr * self.spec.return_month
            led.credit_returns[s] += pay * earn
            led.credit[s] -= pay * self.instalment
            grown = self.balance[s] * (1 + self.spec.interest_month) - self.instalment
            self.balance[s] = np.where(pay, np.maximum(grown, 0.0), 0.0)
            self.months_left[s] = np.where(pay, self.months_left[s] - 1, 0)
            self.repaid[k] = wsum(hh.weight[s], pay) * self.instalment

    def act(self, model: ValueChainModel) -> None:
        """Lend when active; book net lending (repayments come back to the fund) always."""
        super().act(model)
        if not self.active(model.t) or self.exhausted_month == model.t:
            self.month_cost[:] = -self.repaid
            self.spent_idr -= float(self.repaid.sum())

    def plan(self, model: ValueChainModel) -> Plan:
        """This month's borrowers (household indices by district) and net lending."""
        chosen = self.draw_intake(model, self.spec.loans_per_month)
        return Plan(cost_per_head(model, chosen, self.spec.loan_idr) - self.repaid, chosen)

    def qualifies(self, model: ValueChainModel, s: slice) -> np.ndarray:
        """A working-age adult and no running loan."""
        hh = model.households
        return (hh.n_adults[s] > 0) & (self.months_left[s] == 0)

    def deliver(self, model: ValueChainModel, plan: Plan) -> None:
        """The new loans are paid out; a borrower tied to a trader is freed for good (the
        loan replaces the trader's credit)."""
        for idx in plan.delivery.values():
            self.balance[idx] = self.spec.loan_idr
            self.months_left[idx] = self.spec.term_months
            model.ledger.credit[idx] += self.spec.loan_idr
            model.households.tied[idx] = False

    def borrowers(self, model: ValueChainModel, k: int) -> float:
        """Households with a running loan in district ``k`` (real households)."""
        s = model.households.district_slices[k]
        return wsum(model.households.weight[s], self.months_left[s] > 0)

    def net_lending_idr(self, model: ValueChainModel, k: int) -> float:
        """Loans disbursed less instalments repaid in district ``k`` this month (IDR)."""
        return float(self.month_cost[k])

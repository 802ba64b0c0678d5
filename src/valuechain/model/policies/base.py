"""What every programme shares at run time: enrolment, budgets, cost by district, hooks.

Every programme has the same small lifecycle, called in phase 6 of the schedule:

- ``advance(model)``: carry on what it started earlier (trainees progress), every month;
- ``act(model)``: when active, work out this month's entitlements and their cost by
  district (``plan``), stop for good if that would exceed the budget (the month it stops is
  reported), otherwise deliver them (``deliver``) and book the cost.

Programmes act on households through the ledger (transfers, loans), the health-cover flag
and skills, and on markets only through the hooks declared on :class:`ProgrammeRun` (a tax
on raw exports, collective selling, skills at ageing); they never touch firms.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from valuechain.config.programmes import Programme
from valuechain.model.kernels import wsum

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel

__all__ = ["ProgrammeRun", "Transfer", "cost_per_head", "intake", "intake_by_district"]


class ProgrammeRun:
    """A programme in one run: schedule, budget and the month's cost by district."""

    transfers = False  # pays households through the ledger

    def __init__(self, name: str, spec: Programme, model: ValueChainModel):
        self.name = name
        self.spec = spec
        chosen = spec.districts
        self.districts = [
            k for k, d in enumerate(model.district_names) if chosen is None or d in chosen
        ]
        self.spent_idr = 0.0
        self.exhausted_month: int | None = None
        self.month_cost = np.zeros(len(model.district_names))

    def active(self, t: int) -> bool:
        """Within its months and not stopped by its budget."""
        s = self.spec
        in_window = s.start_month <= t and (s.end_month is None or t <= s.end_month)
        return in_window and self.exhausted_month is None

    def advance(self, model: ValueChainModel) -> None:
        """Carry on earlier commitments (default: none)."""

    def act(self, model: ValueChainModel) -> None:
        """Plan, check the budget, deliver, book."""
        self.month_cost[:] = 0.0
        if not self.active(model.t):
            return
        cost = self.plan(model)
        budget = self.spec.budget_idr
        if budget is not None and self.spent_idr + cost.sum() > budget * (1 + 1e-12):
            self.exhausted_month = model.t
            return
        self.deliver(model)
        self.spent_idr += float(cost.sum())
        self.month_cost[:] = cost

    def plan(self, model: ValueChainModel) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    # hooks the market phases call; the defaults do nothing
    def export_tax_rate(self, model: ValueChainModel, k: int, j: int) -> float:
        """Tax on raw exports of commodity ``j`` from district ``k`` (share of reference)."""
        return 0.0

    def collective_margin(
        self, model: ValueChainModel, k: int, j: int
    ) -> tuple[np.ndarray, float] | None:
        """Members (mask over district ``k``) and the margin buyers take from them."""
        return None

    def education_gain(self, model: ValueChainModel, k: int) -> np.ndarray | int:
        """Skill added to young people of district ``k`` who reach working age this year."""
        return 0

    def deliver(self, model: ValueChainModel) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def enrolled(self, model: ValueChainModel, quota: float, k: int) -> np.ndarray:
        """Registered households of district ``k`` whose registry rank is below ``quota``."""
        hh = model.households
        s = hh.district_slices[k]
        return hh.registered[s] & (hh.registry_rank[s] < quota)


def intake(
    rng: np.random.Generator, eligible: np.ndarray, per_month: float, weight: float
) -> np.ndarray:
    """Positions of this month's intake in a district: ``floor(per_month / weight + u0)``
    simulated households (stochastic rounding of real persons), chosen at random among the
    eligible. The draws (``u0`` and one uniform per household) are taken whatever the
    eligibility, so the stream stays aligned."""
    u0 = float(rng.random())
    u = rng.random(eligible.size)
    n_take = min(int(np.floor(per_month / weight + u0)), int(eligible.sum()))
    if n_take <= 0:
        return np.zeros(0, dtype=np.int64)
    candidates = np.flatnonzero(eligible)
    return candidates[np.argsort(u[candidates], kind="stable")[:n_take]]


def intake_by_district(
    run: ProgrammeRun,
    model: ValueChainModel,
    per_month: float,
    eligible: Callable[[ValueChainModel, slice], np.ndarray],
) -> dict[int, np.ndarray]:
    """This month's intake (household indices) in each district the programme covers."""
    hh = model.households
    out = {}
    for k in run.districts:
        s = hh.district_slices[k]
        chosen = s.start + intake(
            run._stream(model, k), eligible(model, s), per_month, hh.weight[s.start]
        )
        if chosen.size:
            out[k] = chosen
    return out


def cost_per_head(
    model: ValueChainModel, intake: dict[int, np.ndarray], per_head: float
) -> np.ndarray:
    """Cost by district of an intake, ``per_head`` for each real household taken in."""
    cost = np.zeros(len(model.district_names))
    for k, chosen in intake.items():
        cost[k] = float(model.households.weight[chosen].sum()) * per_head
    return cost


class Transfer(ProgrammeRun):
    """A programme that pays households: ``entitlement`` per household, IDR/month."""

    transfers = True

    def entitlement(self, model: ValueChainModel, k: int) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def plan(self, model: ValueChainModel) -> np.ndarray:
        hh = model.households
        self._pay = {k: self.entitlement(model, k) for k in self.districts}
        cost = np.zeros(len(model.district_names))
        for k, pay in self._pay.items():
            cost[k] = wsum(hh.weight[hh.district_slices[k]], pay)
        return cost

    def deliver(self, model: ValueChainModel) -> None:
        hh = model.households
        for k, pay in self._pay.items():
            model.ledger.transfers[hh.district_slices[k]] += pay

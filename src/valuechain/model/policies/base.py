"""What every programme shares at run time: lifecycle, enrolment, intake, budgets, hooks.

Every programme has the same small lifecycle, called in phase 7 of the schedule:

- ``advance(model)``: carry on what it started earlier (trainees progress, loans are
  repaid), every month;
- ``act(model)``: when active, decide this month's entitlements and their cost by district
  (``plan``, which returns a :class:`Plan`), stop for good if that would exceed the budget
  (the month it stops is reported), otherwise hand them out (``deliver``) and book the cost
  in ``month_cost``.

Everything else a programme offers is a hook declared on :class:`ProgrammeRun` with a
neutral default, which the programmes concerned override; callers call the hooks and never
probe for attributes, so a renamed hook fails loudly instead of reporting zero:

- market hooks: ``export_tax_rate`` (phase 3, trader price), ``collective_margin`` (phase 5,
  selling), ``education_gain`` (demography, skill at working age);
- reporting hooks (indicators and accounts): ``trainees``, ``completions``, ``borrowers``,
  ``selling_group``, ``net_lending_idr``.

Hooks only read: called twice they give the same answer and change nothing.

Programmes act on households through the ledger (transfers, loans), the health-cover flag
and skills, and on markets only through the market hooks; they never touch firms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from valuechain.config.programmes import Credit, Programme, Training
from valuechain.model.kernels import wsum

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel

__all__ = ["Intake", "Plan", "ProgrammeRun", "Transfer", "cost_per_head", "intake"]


@dataclass(frozen=True)
class Plan:
    """A programme's decisions for one month, before the budget check.

    Attributes:
        cost_idr: public cost by district, IDR this month.
        delivery: what ``deliver`` hands out in each district, in the programme's own form
            (amounts per household, a mask over the district, or household indices).
    """

    cost_idr: np.ndarray
    delivery: dict[int, np.ndarray]


class ProgrammeRun:
    """A programme in one run: schedule, budget, the month's cost by district, and hooks."""

    transfers = False  # pays households through the ledger's transfers
    #: The random process this programme draws from (a name in ``rng.STREAMS``); only
    #: programmes that draw set it.
    process: ClassVar[str]

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
        plan = self.plan(model)
        cost = plan.cost_idr
        budget = self.spec.budget_idr
        if budget is not None and self.spent_idr + cost.sum() > budget * (1 + 1e-12):
            self.exhausted_month = model.t
            return
        self.deliver(model, plan)
        self.spent_idr += float(cost.sum())
        self.month_cost[:] = cost

    def plan(self, model: ValueChainModel) -> Plan:  # pragma: no cover - abstract
        """This month's decisions and their cost; draws what is random, so ``act`` calls it
        once a month."""
        raise NotImplementedError

    def deliver(self, model: ValueChainModel, plan: Plan) -> None:  # pragma: no cover
        """Hand out what ``plan`` decided."""
        raise NotImplementedError

    # --------------------------------------------------------------- shared enrolment rules

    def stream(self, model: ValueChainModel, k: int) -> np.random.Generator:
        """This programme's random stream in district ``k``: ``<process>/<name>/<district>``."""
        return model.streams.stream(f"{self.process}/{self.name}/{model.district_names[k]}")

    def enrolled(self, model: ValueChainModel, k: int, quota_share: float) -> np.ndarray:
        """Registered households of district ``k`` whose registry rank is below
        ``quota_share`` (mask over the district's households)."""
        hh = model.households
        s = hh.district_slices[k]
        return hh.registered[s] & (hh.registry_rank[s] < quota_share)

    # --------------------------------------------------------------- market hooks

    def export_tax_rate(self, model: ValueChainModel, k: int, j: int) -> float:
        """Tax on raw exports of commodity ``j`` from district ``k`` (share of the reference
        price); 0 for a programme that levies none."""
        return 0.0

    def collective_margin(
        self, model: ValueChainModel, k: int, j: int
    ) -> tuple[np.ndarray, float] | None:
        """Members selling commodity ``j`` together this month (mask over district ``k``) and
        the margin buyers take from them (share of the reference price); None for a
        programme that runs no selling group there."""
        return None

    def education_gain(self, model: ValueChainModel, k: int) -> np.ndarray | int:
        """Skill levels added to young people of district ``k`` who reach working age this
        year (per household of the district, or one number); 0 for a programme that teaches
        no one."""
        return 0

    # --------------------------------------------------------------- reporting hooks
    # The neutral count is the integer 0, as before the hooks existed: a run without a
    # programme that reports it keeps integer columns, bit for bit.

    def trainees(self, model: ValueChainModel, k: int) -> float:
        """Persons on this programme's courses in district ``k`` (real persons)."""
        return 0

    def completions(self, model: ValueChainModel, k: int) -> float:
        """Trainees completing a course this month in district ``k`` (real persons)."""
        return 0

    def borrowers(self, model: ValueChainModel, k: int) -> float:
        """Households with a running loan from this programme in district ``k`` (real
        households)."""
        return 0

    def selling_group(self, model: ValueChainModel, k: int) -> np.ndarray | None:
        """Households of district ``k`` in this programme's collective selling group (mask
        over the district's households, members whether or not the programme is active this
        month); None for a programme that runs no group."""
        return None

    def net_lending_idr(self, model: ValueChainModel, k: int) -> float:
        """Loans disbursed less instalments repaid to this programme in district ``k`` this
        month (IDR): what households received through the ledger's ``credit`` flow."""
        return 0.0


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


def cost_per_head(
    model: ValueChainModel, chosen_by_district: dict[int, np.ndarray], per_head: float
) -> np.ndarray:
    """Cost by district of an intake, ``per_head`` for each real household taken in."""
    cost = np.zeros(len(model.district_names))
    for k, chosen in chosen_by_district.items():
        cost[k] = float(model.households.weight[chosen].sum()) * per_head
    return cost


class Transfer(ProgrammeRun):
    """A programme that pays households: ``entitlement`` per household, IDR/month."""

    transfers = True

    def entitlement(self, model: ValueChainModel, k: int) -> np.ndarray:  # pragma: no cover
        """This month's payment to each household of district ``k`` (IDR)."""
        raise NotImplementedError

    def plan(self, model: ValueChainModel) -> Plan:
        """Each covered district's entitlements (IDR per household) and their cost."""
        hh = model.households
        pay = {k: self.entitlement(model, k) for k in self.districts}
        cost = np.zeros(len(model.district_names))
        for k, amounts in pay.items():
            cost[k] = wsum(hh.weight[hh.district_slices[k]], amounts)
        return Plan(cost, pay)

    def deliver(self, model: ValueChainModel, plan: Plan) -> None:
        """Pay the entitlements into the ledger's transfers."""
        hh = model.households
        for k, amounts in plan.delivery.items():
            model.ledger.transfers[hh.district_slices[k]] += amounts


class Intake(ProgrammeRun):
    """A programme that takes households in at random each month (training seats, loans).

    In each district it covers, ``floor(per_month / weight + u0)`` simulated households are
    drawn among the eligible (see :func:`intake`) from the programme's stream. Eligible are
    the households that ``qualify`` under the programme's own rule, and only registered ones
    when ``registered_only``.
    """

    spec: Training | Credit

    def qualifies(self, model: ValueChainModel, s: slice) -> np.ndarray:  # pragma: no cover
        """The programme's own rule, before the registry (mask over district slice ``s``)."""
        raise NotImplementedError

    def eligible(self, model: ValueChainModel, s: slice) -> np.ndarray:
        """Households of district slice ``s`` that may be taken in this month (mask)."""
        qualified = self.qualifies(model, s)
        if self.spec.registered_only:
            return qualified & model.households.registered[s]
        return qualified

    def draw_intake(self, model: ValueChainModel, per_month: float) -> dict[int, np.ndarray]:
        """This month's intake (household indices) in each district the programme covers;
        ``per_month`` real households. Draws from the programme's stream in each district."""
        hh = model.households
        out = {}
        for k in self.districts:
            s = hh.district_slices[k]
            chosen = s.start + intake(
                self.stream(model, k), self.eligible(model, s), per_month, hh.weight[s.start]
            )
            if chosen.size:
                out[k] = chosen
        return out

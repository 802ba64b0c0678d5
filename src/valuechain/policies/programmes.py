"""Programmes at run time: who is enrolled, what they get, what it costs, and budgets.

Every programme has the same small lifecycle, called in phase 6 of the schedule:

- ``advance(model)``: carry on what it started earlier (trainees progress), every month;
- ``act(model)``: when active, work out this month's entitlements and their cost by
  district (``plan``), stop for good if that would exceed the budget (the month it stops is
  reported), otherwise deliver them (``deliver``) and book the cost.

Programmes act on households only through the ledger (transfers), the health-cover flag
and skills; they never touch prices or firms.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from valuechain.metrics import wsum
from valuechain.policies.params import (
    BPNT,
    PKH,
    Credit,
    Education,
    ElderlyDisability,
    ExportTax,
    HealthInsurance,
    MarketingCooperative,
    Programme,
    Training,
)

if TYPE_CHECKING:
    from valuechain.model import ValueChainModel

__all__ = ["ProgrammeRun", "make_programme"]


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


def _intake(
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


def _intake_by_district(
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
        chosen = s.start + _intake(
            run._stream(model, k), eligible(model, s), per_month, hh.weight[s.start]
        )
        if chosen.size:
            out[k] = chosen
    return out


def _cost_per_head(
    model: ValueChainModel, intake: dict[int, np.ndarray], per_head: float
) -> np.ndarray:
    """Cost by district of an intake, ``per_head`` for each real household taken in."""
    cost = np.zeros(len(model.district_names))
    for k, chosen in intake.items():
        cost[k] = float(model.households.weight[chosen].sum()) * per_head
    return cost


class _Transfer(ProgrammeRun):
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


class BpntRun(_Transfer):
    """BPNT: ``amount`` to each enrolled household."""

    spec: BPNT

    def entitlement(self, model: ValueChainModel, k: int) -> np.ndarray:
        return self.enrolled(model, self.spec.quota_share, k) * self.spec.amount_idr_per_month


class PkhRun(_Transfer):
    """PKH: per component a year / 12, up to ``max_components``, times compliance."""

    spec: PKH

    def entitlement(self, model: ValueChainModel, k: int) -> np.ndarray:
        hh = model.households
        s = hh.district_slices[k]
        p = self.spec
        left = np.full(s.stop - s.start, p.max_components, dtype=np.int64)
        pay = np.zeros(left.size)
        for count, per_year in (
            (hh.n_young[s], p.young_child_idr_per_year),
            (hh.n_elderly[s] + hh.n_disabled[s], p.elderly_disabled_idr_per_year),
            (hh.n_senior[s], p.senior_idr_per_year),
            (hh.n_junior[s], p.junior_idr_per_year),
            (hh.n_primary[s], p.primary_idr_per_year),
        ):
            counted = np.minimum(count, left)
            left -= counted
            pay += counted * (per_year / 12.0)
        return self.enrolled(model, p.quota_share, k) * pay * p.compliance_share


class ElderlyDisabilityRun(_Transfer):
    """Assistance per elderly or disabled member of a registered household."""

    spec: ElderlyDisability

    def entitlement(self, model: ValueChainModel, k: int) -> np.ndarray:
        hh = model.households
        s = hh.district_slices[k]
        members = (hh.n_elderly[s] + hh.n_disabled[s]).astype(np.float64)
        eligible = hh.registered[s] & (members > 0)
        if self.spec.only_without_workers:
            eligible &= hh.n_adults[s] == 0
        return eligible * members * self.spec.amount_idr_per_person_month


class HealthInsuranceRun(ProgrammeRun):
    """PBI-JKN: premiums for enrolled households' members; their health costs are covered."""

    spec: HealthInsurance

    def plan(self, model: ValueChainModel) -> np.ndarray:
        hh = model.households
        self._covered = {k: self.enrolled(model, self.spec.quota_share, k) for k in self.districts}
        cost = np.zeros(len(model.district_names))
        for k, covered in self._covered.items():
            persons = hh.persons[hh.district_slices[k]]
            cost[k] = wsum(persons, covered) * self.spec.premium_idr_per_person_month
        return cost

    def deliver(self, model: ValueChainModel) -> None:
        hh = model.households
        for k, covered in self._covered.items():
            hh.subsidised_cover[hh.district_slices[k]] |= covered


class TrainingRun(ProgrammeRun):
    """Skills training: a monthly intake, courses of fixed length, completion, skill gain.

    Intake per district: ``floor(seats / weight + u)`` households (one trainee each), drawn
    at random among eligible households (a working-age adult, no processing job, not in
    training, skill below the maximum; registered if ``registered_only``). A trainee
    completes with ``p_complete`` when the course ends and the household's skill rises by
    ``skill_gain`` (capped), which moves it up the hiring queue for processing jobs.
    """

    spec: Training

    def __init__(self, name: str, spec: Training, model: ValueChainModel):
        super().__init__(name, spec, model)
        self.months_left = np.zeros(model.households.n, dtype=np.int16)
        self.completions = np.zeros(len(model.district_names))

    def _stream(self, model: ValueChainModel, k: int) -> np.random.Generator:
        return model.streams.stream(f"training/{self.name}/{model.district_names[k]}")

    def advance(self, model: ValueChainModel) -> None:
        hh = model.households
        self.completions[:] = 0.0
        ongoing = self.months_left > 0
        if not ongoing.any():
            return
        self.months_left[ongoing] -= 1
        changed = False
        for k, s in enumerate(hh.district_slices):
            ends = ongoing[s] & (self.months_left[s] == 0)
            u = self._stream(model, k).random(s.stop - s.start)
            done = ends & (u < self.spec.p_complete)
            hh.in_training[s] &= ~ends
            if done.any():
                gained = np.minimum(hh.skill[s] + self.spec.skill_gain, self.spec.max_skill)
                gain = np.where(done, gained - hh.skill[s], 0)
                hh.skill[s] += gain.astype(hh.skill.dtype)
                hh.labour_priority[s] += gain
                self.completions[k] = wsum(hh.weight[s], done)
                changed = True
        if changed:
            hh.refresh_labour_queue()

    def plan(self, model: ValueChainModel) -> np.ndarray:
        self._intake = _intake_by_district(self, model, self.spec.seats_per_month, self._eligible)
        return _cost_per_head(model, self._intake, self.spec.cost_per_trainee_idr)

    def _eligible(self, model: ValueChainModel, s: slice) -> np.ndarray:
        hh = model.households
        eligible = (hh.n_adults[s] > 0) & (hh.job_firm[s] < 0) & ~hh.in_training[s]
        eligible &= hh.skill[s] < self.spec.max_skill
        return eligible & hh.registered[s] if self.spec.registered_only else eligible

    def deliver(self, model: ValueChainModel) -> None:
        hh = model.households
        for idx in self._intake.values():
            self.months_left[idx] = self.spec.duration_months
            hh.in_training[idx] = True

    def trainees(self, model: ValueChainModel, k: int) -> float:
        """Persons in this programme's courses in district ``k`` (real)."""
        s = model.households.district_slices[k]
        return wsum(model.households.weight[s], self.months_left[s] > 0)


class ExportTaxRun(ProgrammeRun):
    """Tax on raw exports: acts through the trader price (phase 3) and costs nothing."""

    spec: ExportTax

    def plan(self, model: ValueChainModel) -> np.ndarray:
        return np.zeros(len(model.district_names))

    def deliver(self, model: ValueChainModel) -> None:
        """Nothing to hand out: the tax works through the trader price."""

    def export_tax_rate(self, model: ValueChainModel, k: int, j: int) -> float:
        if not self.active(model.t) or k not in self.districts:
            return 0.0
        return self.spec.rate if model.commodities[j] == self.spec.commodity else 0.0


class MarketingCooperativeRun(ProgrammeRun):
    """Collective selling: members drawn once among growers; facilitation cost per member."""

    spec: MarketingCooperative

    def __init__(self, name: str, spec: MarketingCooperative, model: ValueChainModel):
        super().__init__(name, spec, model)
        hh = model.households
        self.members = np.zeros(hh.n, dtype=bool)
        self._j = model.commodities.index(spec.commodity)
        for k in self.districts:
            s = hh.district_slices[k]
            u = model.streams.stream(f"membership/{name}/{model.district_names[k]}").random(
                s.stop - s.start
            )
            self.members[s] = (hh.land_ha[s, self._j] > 0) & (u < spec.member_share)

    def plan(self, model: ValueChainModel) -> np.ndarray:
        hh = model.households
        cost = np.zeros(len(model.district_names))
        for k in self.districts:
            s = hh.district_slices[k]
            cost[k] = wsum(hh.weight[s], self.members[s]) * self.spec.support_idr_per_member_month
        return cost

    def deliver(self, model: ValueChainModel) -> None:
        """Facilitation is paid to providers; members gain through the collective price."""

    def collective_margin(
        self, model: ValueChainModel, k: int, j: int
    ) -> tuple[np.ndarray, float] | None:
        if j != self._j or k not in self.districts or not self.active(model.t):
            return None
        return self.members[model.households.district_slices[k]], self.spec.margin


class CreditRun(ProgrammeRun):
    """Small credit: disbursements, annuity repayments, defaults and returns (vectorised).

    The instalment of a loan of ``L`` at monthly rate ``r`` over ``n`` months is
    ``L r / (1 - (1 + r)^-n)`` (``L / n`` when ``r = 0``). Money moves through the ledger's
    ``credit`` flow (cash, not income: disbursements in, instalments out) and the financed
    activity's earnings through ``credit_returns`` (income). Loans already made keep running
    (and being repaid) after the programme stops lending.
    """

    spec: Credit

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

    def _stream(self, model: ValueChainModel, k: int) -> np.random.Generator:
        return model.streams.stream(f"credit/{self.name}/{model.district_names[k]}")

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
            u = self._stream(model, k).random(run.size)
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

    def plan(self, model: ValueChainModel) -> np.ndarray:
        self._new = _intake_by_district(self, model, self.spec.loans_per_month, self._eligible)
        return _cost_per_head(model, self._new, self.spec.loan_idr) - self.repaid

    def _eligible(self, model: ValueChainModel, s: slice) -> np.ndarray:
        hh = model.households
        eligible = (hh.n_adults[s] > 0) & (self.months_left[s] == 0)
        return eligible & hh.registered[s] if self.spec.registered_only else eligible

    def deliver(self, model: ValueChainModel) -> None:
        for idx in self._new.values():
            self.balance[idx] = self.spec.loan_idr
            self.months_left[idx] = self.spec.term_months
            model.ledger.credit[idx] += self.spec.loan_idr

    def borrowers(self, model: ValueChainModel, k: int) -> float:
        """Households with a running loan in district ``k`` (real)."""
        s = model.households.district_slices[k]
        return wsum(model.households.weight[s], self.months_left[s] > 0)


class EducationRun(_Transfer):
    """Education support: a per-student amount for enrolled households (a transfer), and a
    skill gain for their young people who reach working age (the demography hook)."""

    spec: Education

    def entitlement(self, model: ValueChainModel, k: int) -> np.ndarray:
        hh = model.households
        s = hh.district_slices[k]
        students = (hh.n_junior[s] + hh.n_senior[s]).astype(np.float64)
        enrolled = self.enrolled(model, self.spec.quota_share, k)
        return enrolled * students * (self.spec.amount_idr_per_student_year / 12.0)

    def education_gain(self, model: ValueChainModel, k: int) -> np.ndarray | int:
        if not self.active(model.t) or k not in self.districts:
            return 0
        return self.enrolled(model, self.spec.quota_share, k) * self.spec.skill_gain


_RUNS: dict[type, type[ProgrammeRun]] = {
    BPNT: BpntRun,
    PKH: PkhRun,
    ElderlyDisability: ElderlyDisabilityRun,
    HealthInsurance: HealthInsuranceRun,
    Training: TrainingRun,
    ExportTax: ExportTaxRun,
    MarketingCooperative: MarketingCooperativeRun,
    Credit: CreditRun,
    Education: EducationRun,
}


def make_programme(name: str, spec: Programme, model: ValueChainModel) -> ProgrammeRun:
    """The run-time object for a programme section."""
    return _RUNS[type(spec)](name, spec, model)

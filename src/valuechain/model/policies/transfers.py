"""Transfers to households: BPNT food assistance, PKH conditional cash, elderly and
disability support, education assistance (PIP), and the village cash transfer (BLT Dana
Desa)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from valuechain.config.programmes import BPNT, PKH, Education, ElderlyDisability, VillageCash
from valuechain.model.policies.base import Listing, RegistryListing, Transfer
from valuechain.model.policies.registry import log_consumption_per_person

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel

__all__ = ["BpntRun", "EducationRun", "ElderlyDisabilityRun", "PkhRun", "VillageCashRun"]


class BpntRun(RegistryListing, Transfer):
    """BPNT: ``amount`` to each enrolled household (any registered household may be
    enrolled)."""

    spec: BPNT

    def entitlement(self, model: ValueChainModel, k: int) -> np.ndarray:
        return self.enrolled(model, k) * self.spec.amount_idr_per_month


class PkhRun(RegistryListing, Transfer):
    """PKH: per component a year / 12, up to ``max_components``, times compliance; registered
    households with at least one component member are eligible."""

    spec: PKH

    def rule(self, model: ValueChainModel, s: slice) -> np.ndarray:
        hh = model.households
        children = hh.n_young[s] + hh.n_primary[s] + hh.n_junior[s] + hh.n_senior[s]
        return children + hh.n_elderly[s] + hh.n_disabled[s] > 0

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
        return self.enrolled(model, k) * pay * p.compliance_share


class ElderlyDisabilityRun(RegistryListing, Transfer):
    """Assistance per elderly or disabled member of an enrolled household; registered
    households with such members are eligible (only those without a working-age adult when
    ``only_without_workers``)."""

    spec: ElderlyDisability

    def rule(self, model: ValueChainModel, s: slice) -> np.ndarray:
        hh = model.households
        eligible = hh.n_elderly[s] + hh.n_disabled[s] > 0
        if self.spec.only_without_workers:
            eligible &= hh.n_adults[s] == 0
        return eligible

    def entitlement(self, model: ValueChainModel, k: int) -> np.ndarray:
        hh = model.households
        s = hh.district_slices[k]
        members = (hh.n_elderly[s] + hh.n_disabled[s]).astype(np.float64)
        return self.enrolled(model, k) * members * self.spec.amount_idr_per_person_month


class EducationRun(RegistryListing, Transfer):
    """Education support (PIP): an amount per school child by level for enrolled households
    (registered households with a school-age child are eligible), and a skill gain for their
    young people who reach working age (the demography hook)."""

    spec: Education

    def rule(self, model: ValueChainModel, s: slice) -> np.ndarray:
        hh = model.households
        return hh.n_primary[s] + hh.n_junior[s] + hh.n_senior[s] > 0

    def entitlement(self, model: ValueChainModel, k: int) -> np.ndarray:
        hh = model.households
        s = hh.district_slices[k]
        p = self.spec
        per_year = (
            hh.n_primary[s].astype(np.float64) * p.amount_primary_idr_per_year
            + hh.n_junior[s].astype(np.float64) * p.amount_junior_idr_per_year
            + hh.n_senior[s].astype(np.float64) * p.amount_senior_idr_per_year
        )
        return self.enrolled(model, k) * (per_year / 12.0)

    def education_gain(self, model: ValueChainModel, k: int) -> np.ndarray | int:
        if not self.active(model.t) or k not in self.districts:
            return 0
        return self.enrolled(model, k) * self.spec.skill_gain


class VillageCashRun(Listing, Transfer):
    """BLT Dana Desa: villages select among all households, registered or not.

    At its first active month and every ``reselect_every_months``, each district's community
    score is ``log(max(consumption per person, 1)) + community_noise_sd x z`` (last month's
    consumption, ``z`` from ``targeting/<programme>/<district>``); the list is the lowest
    scores among the households not enrolled in a programme it excludes; each gets
    ``amount_idr_per_month``.
    """

    spec: VillageCash
    process = "targeting"

    def __init__(self, name: str, spec: VillageCash, model: ValueChainModel):
        super().__init__(name, spec, model)
        self.selected_month: int | None = None

    def advance(self, model: ValueChainModel) -> None:
        """Villages select again when the list is due (and the programme acts)."""
        t = model.t
        due = self.selected_month is None or t - self.selected_month >= (
            self.spec.reselect_every_months
        )
        if not (self.active(t) and due):
            return
        hh = model.households
        for k in self.districts:
            s = hh.district_slices[k]
            z = self.stream(model, k).standard_normal(s.stop - s.start)
            score = log_consumption_per_person(hh, s) + self.spec.community_noise_sd * z
            self.set_ranking(k, score)
        self.selected_month = t

    def qualifies(self, model: ValueChainModel, k: int) -> np.ndarray:
        s = model.households.district_slices[k]
        return np.ones(s.stop - s.start, dtype=bool)

    def entitlement(self, model: ValueChainModel, k: int) -> np.ndarray:
        return self.enrolled(model, k) * self.spec.amount_idr_per_month

    def recipients(self, model: ValueChainModel, k: int) -> np.ndarray | None:
        """Households of district ``k`` selected, while the programme pays."""
        if k not in self.delivered:
            s = model.households.district_slices[k]
            return np.zeros(s.stop - s.start, dtype=bool)
        return self.enrolled(model, k).copy()

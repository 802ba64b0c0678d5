"""Transfers to households: BPNT food assistance, PKH conditional cash, elderly and
disability support, education assistance."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from valuechain.config.programmes import BPNT, PKH, Education, ElderlyDisability
from valuechain.model.policies.base import Transfer

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel

__all__ = ["BpntRun", "EducationRun", "ElderlyDisabilityRun", "PkhRun"]


class BpntRun(Transfer):
    """BPNT: ``amount`` to each enrolled household."""

    spec: BPNT

    def entitlement(self, model: ValueChainModel, k: int) -> np.ndarray:
        return self.enrolled(model, k, self.spec.quota_share) * self.spec.amount_idr_per_month


class PkhRun(Transfer):
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
        return self.enrolled(model, k, p.quota_share) * pay * p.compliance_share


class ElderlyDisabilityRun(Transfer):
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


class EducationRun(Transfer):
    """Education support: a per-student amount for enrolled households (a transfer), and a
    skill gain for their young people who reach working age (the demography hook)."""

    spec: Education

    def entitlement(self, model: ValueChainModel, k: int) -> np.ndarray:
        hh = model.households
        s = hh.district_slices[k]
        students = (hh.n_junior[s] + hh.n_senior[s]).astype(np.float64)
        enrolled = self.enrolled(model, k, self.spec.quota_share)
        return enrolled * students * (self.spec.amount_idr_per_student_year / 12.0)

    def education_gain(self, model: ValueChainModel, k: int) -> np.ndarray | int:
        if not self.active(model.t) or k not in self.districts:
            return 0
        return self.enrolled(model, k, self.spec.quota_share) * self.spec.skill_gain

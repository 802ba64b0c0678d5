"""Subsidised health insurance (PBI-JKN premiums paid for enrolled households)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from valuechain.config.programmes import HealthInsurance
from valuechain.model.kernels import wsum
from valuechain.model.policies.base import ProgrammeRun

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel

__all__ = ["HealthInsuranceRun"]


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

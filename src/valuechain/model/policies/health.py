"""Subsidised health insurance (PBI-JKN premiums paid for enrolled households)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from valuechain.config.programmes import HealthInsurance
from valuechain.model.kernels import wsum
from valuechain.model.policies.base import Plan, ProgrammeRun

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel

__all__ = ["HealthInsuranceRun"]


class HealthInsuranceRun(ProgrammeRun):
    """PBI-JKN: premiums for enrolled households' members; their health costs are covered."""

    spec: HealthInsurance

    def plan(self, model: ValueChainModel) -> Plan:
        """Who is covered in each district (mask) and the premiums for their members."""
        hh = model.households
        covered = {k: self.enrolled(model, k, self.spec.quota_share) for k in self.districts}
        cost = np.zeros(len(model.district_names))
        for k, mask in covered.items():
            persons = hh.persons[hh.district_slices[k]]
            cost[k] = wsum(persons, mask) * self.spec.premium_idr_per_person_month
        return Plan(cost, covered)

    def deliver(self, model: ValueChainModel, plan: Plan) -> None:
        """Covered households' health costs are paid this month."""
        hh = model.households
        for k, mask in plan.delivery.items():
            hh.subsidised_cover[hh.district_slices[k]] |= mask

"""Subsidised health insurance (PBI-JKN premiums paid for enrolled households)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from valuechain.config.programmes import HealthInsurance
from valuechain.model.kernels import wsum
from valuechain.model.policies.base import Plan, RegistryListing

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel

__all__ = ["HealthInsuranceRun"]


class HealthInsuranceRun(RegistryListing):
    """PBI-JKN: premiums for enrolled households' members; their health costs are covered.
    Any registered household may be enrolled."""

    spec: HealthInsurance

    def plan(self, model: ValueChainModel) -> Plan:
        """Who is covered in each district (mask) and the premiums for their members."""
        hh = model.households
        covered = {k: self.enrolled(model, k) for k in self.districts}
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

    def recipients(self, model: ValueChainModel, k: int) -> np.ndarray | None:
        """Households of district ``k`` covered this month."""
        covered = self.delivered.get(k)
        if covered is None:
            s = model.households.district_slices[k]
            return np.zeros(s.stop - s.start, dtype=bool)
        return covered.copy()

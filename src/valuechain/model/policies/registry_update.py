"""A registry update (the DTSEN lever): re-enumeration, new score noise and interval, and
an immediate certification, paid once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from valuechain.config.programmes import RegistryUpdate
from valuechain.model.policies.base import Plan, ProgrammeRun

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel

__all__ = ["RegistryUpdateRun"]


class RegistryUpdateRun(ProgrammeRun):
    """At ``start_month``, in each district it covers: the registry takes the update's miss
    share (of the district's type; a type not named keeps its share), score noise and
    re-certification interval, enumerates again with the same draws (so who was enumerated
    stays enumerated when the share falls) and certifies this month. It costs
    ``cost_idr_per_household`` per real household of those districts, booked that month."""

    spec: RegistryUpdate

    def _cost(self, model: ValueChainModel) -> np.ndarray:
        """The one-off cost by district, in the update month (else zero)."""
        cost = np.zeros(len(model.district_names))
        if model.t == self.spec.start_month:
            hh = model.households
            for k in self.districts:
                real = float(hh.weight[hh.district_slices[k]].sum())
                cost[k] = real * self.spec.cost_idr_per_household
        return cost

    def revise_registry(self, model: ValueChainModel) -> None:
        """In the update month (when active and affordable), update the registry."""
        if model.t != self.spec.start_month or not self.active(model.t):
            return
        if not self.affordable(float(self._cost(model).sum())):
            return  # act() will find the same and stop the programme
        types = [d.type for d in model.scenario.districts.values()]
        reg = model.registry
        for k in self.districts:
            share = self.spec.enumeration_miss_share.get(types[k], float(reg.miss_share[k]))
            reg.update(
                model.households,
                k,
                share,
                self.spec.score_noise_sd,
                self.spec.recertify_every_months,
            )

    def plan(self, model: ValueChainModel) -> Plan:
        """The update's cost (the registry was updated before it certified)."""
        return Plan(self._cost(model), {})

    def deliver(self, model: ValueChainModel, plan: Plan) -> None:
        """Nothing to hand out: the update acted on the registry."""

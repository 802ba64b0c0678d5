"""Quality extension: growers taught a farm quality practice, and the plant that contracts them."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from valuechain.config.programmes import QualityExtension
from valuechain.model.policies.base import Plan, ProgrammeRun, cost_per_head

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel

__all__ = ["QualityExtensionRun"]


class QualityExtensionRun(ProgrammeRun):
    """Extension for a quality practice: seats each month, in a fixed random order.

    In each district it covers, the growers of ``commodity`` are put once in a random order
    (stream ``quality/<programme>/<district>``). In its ``m``-th month of teaching it takes
    ``floor(m x seats / weight) - floor((m - 1) x seats / weight)`` simulated households (so
    ``seats_per_month`` real growers a month on average, without a draw), the first in that
    order among the growers who do not know the practice yet; they learn it
    (``knows_quality``). With an ``outgrower_plant`` they are also contracted to that plant
    for the rest of the run (:meth:`outgrowers`) and freed of a tie to their trader for good.
    Cost: ``cost_per_grower_idr`` per real grower taught, that month.
    """

    spec: QualityExtension
    process = "quality"

    def __init__(self, name: str, spec: QualityExtension, model: ValueChainModel):
        super().__init__(name, spec, model)
        hh = model.households
        self._j = model.commodities.index(spec.commodity)
        self.months_taught = np.zeros(len(model.district_names), dtype=np.int64)
        self.contracted = np.zeros(hh.n, dtype=bool)
        #: per district: its households' positions in the order the programme teaches them
        self.order: dict[int, np.ndarray] = {}
        for k in self.districts:
            s = hh.district_slices[k]
            u = self.stream(model, k).random(s.stop - s.start)
            self.order[k] = np.argsort(u, kind="stable")

    def plan(self, model: ValueChainModel) -> Plan:
        """This month's growers taught (household indices by district) and their cost."""
        hh = model.households
        chosen = {}
        for k in self.districts:
            s = hh.district_slices[k]
            per_month = self.spec.seats_per_month / hh.weight[s.start]
            m = int(self.months_taught[k]) + 1
            n_take = math.floor(m * per_month) - math.floor((m - 1) * per_month)
            learner = (hh.land_ha[s, self._j] > 0) & ~hh.knows_quality[s, self._j]
            order = self.order[k]
            taken = order[learner[order]][:n_take]
            if taken.size:
                chosen[k] = s.start + taken
        return Plan(cost_per_head(model, chosen, self.spec.cost_per_grower_idr), chosen)

    def deliver(self, model: ValueChainModel, plan: Plan) -> None:
        """The growers taught know the practice; with an outgrower plant, they are contracted
        to it and freed of their trader."""
        hh = model.households
        for k in self.districts:
            self.months_taught[k] += 1
        for idx in plan.delivery.values():
            hh.knows_quality[idx, self._j] = True
            if self.spec.outgrower_plant is not None:
                self.contracted[idx] = True
                hh.tied[idx, self._j] = False

    def outgrowers(self, model: ValueChainModel, k: int, j: int) -> tuple[int, np.ndarray] | None:
        """The outgrower plant of district ``k`` (its index) and the growers contracted to it
        (mask over the district's households, read-only), for commodity ``j``; None without
        an outgrower plant there."""
        plant = self.spec.outgrower_plant
        if plant is None or j != self._j or k not in self.districts:
            return None
        name = f"{model.district_names[k]}/{plant}"
        index = next((p.index for p in model.processors if p.name == name), None)
        if index is None:  # the district does not grow the commodity
            return None
        view = self.contracted[model.households.district_slices[k]]
        view.flags.writeable = False
        return index, view

"""Levers that act through markets: an export tax on raw commodity, and collective selling
through a marketing cooperative."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from valuechain.config.programmes import ExportTax, MarketingCooperative
from valuechain.model.kernels import wsum
from valuechain.model.policies.base import Plan, ProgrammeRun

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel

__all__ = ["ExportTaxRun", "MarketingCooperativeRun"]


class ExportTaxRun(ProgrammeRun):
    """Tax on raw exports: acts through the trader price (phase 3) and costs nothing."""

    spec: ExportTax

    def plan(self, model: ValueChainModel) -> Plan:
        """No public cost: the tax is revenue, collected on what traders take out in phase 5."""
        return Plan(np.zeros(len(model.district_names)), {})

    def deliver(self, model: ValueChainModel, plan: Plan) -> None:
        """Nothing to hand out: the tax works through the trader price."""

    def export_tax_rate(self, model: ValueChainModel, k: int, j: int) -> float:
        if not self.active(model.t) or k not in self.districts:
            return 0.0
        return self.spec.rate if model.commodities[j] == self.spec.commodity else 0.0


class MarketingCooperativeRun(ProgrammeRun):
    """Collective selling: members drawn once among growers; facilitation cost per member."""

    spec: MarketingCooperative
    process = "membership"

    def __init__(self, name: str, spec: MarketingCooperative, model: ValueChainModel):
        super().__init__(name, spec, model)
        hh = model.households
        self.members = np.zeros(hh.n, dtype=bool)
        self._j = model.commodities.index(spec.commodity)
        for k in self.districts:
            s = hh.district_slices[k]
            u = self.stream(model, k).random(s.stop - s.start)
            self.members[s] = (hh.land_ha[s, self._j] > 0) & (u < spec.member_share)

    def plan(self, model: ValueChainModel) -> Plan:
        """Facilitation cost: ``support_idr_per_member_month`` per member household."""
        hh = model.households
        cost = np.zeros(len(model.district_names))
        for k in self.districts:
            s = hh.district_slices[k]
            cost[k] = wsum(hh.weight[s], self.members[s]) * self.spec.support_idr_per_member_month
        return Plan(cost, {})

    def deliver(self, model: ValueChainModel, plan: Plan) -> None:
        """Facilitation is paid to providers; members gain through the collective price."""

    def collective_margin(
        self, model: ValueChainModel, k: int, j: int
    ) -> tuple[np.ndarray, float] | None:
        if j != self._j or k not in self.districts or not self.active(model.t):
            return None
        return self.members_in(model, k), self.spec.margin

    def selling_group(self, model: ValueChainModel, k: int) -> np.ndarray | None:
        """Members among district ``k``'s households (drawn once; none outside its districts)."""
        return self.members_in(model, k)

    def members_in(self, model: ValueChainModel, k: int) -> np.ndarray:
        """Members among district ``k``'s households: a read-only view, so that no caller
        can change who is a member."""
        view = self.members[model.households.district_slices[k]]
        view.flags.writeable = False
        return view

"""The ledger: every kilogram and rupiah of a month, booked from both sides.

Household-side flows are arrays (per simulated household, IDR/month); buyer-, firm- and
government-side flows come from the processors' books and the traders' purchases. The
residuals compare the two sides and the change of each stock (household savings, processor
cash and input stocks) with the flows booked against it; they are ~0 when the model is
consistent, and every step reports them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from valuechain.model.kernels import HOUSEHOLD_FLOWS, wsum

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel
    from valuechain.model.trade import Sale

__all__ = ["HOUSEHOLD_FLOWS", "Ledger", "MonthFlows"]


def _books(plants: list) -> list:
    """Each plant's books with its process."""
    return [(p.books, p.process) for p in plants]


class MonthFlows:
    """The month's market and labour flows by district (and commodity), real kg and IDR.

    Households' own flows are per household, in :attr:`Ledger.flows`; these are the
    district totals the phases book and the residuals and indicators read.
    """

    def __init__(self, n_districts: int, n_commodities: int):
        shape = (n_districts, n_commodities)
        self.harvest_kg = np.zeros(shape)  # sold by farms (the whole harvest)
        self.farm_revenue_idr = np.zeros(shape)  # received by farms, from every buyer
        self.trader_kg = np.zeros(shape)  # bought by traders, taken out raw
        self.imported_kg = np.zeros(shape)  # farm stage bought by plants from outside
        self.displaced_kg = np.zeros(shape)  # farm stage plants elsewhere lost to local plants
        self.jobs_displaced = np.zeros(n_districts)  # their work lost (worker-months)
        self.induced_spending_idr = np.zeros(n_districts)  # local spending paid as income
        self.paid_by_traders_idr = np.zeros(n_districts)
        self.tax_revenue_idr = np.zeros(n_districts)  # export tax on what traders take out
        self.farm_worker_months = np.zeros(n_districts)  # hired farm work done (real)
        self.idle_worker_months = np.zeros(n_districts)  # free workers' idle time (real)
        self.fiscal_cost_idr = np.zeros(n_districts)  # public spending, booked at the close

    def reset(self) -> None:
        """Zero every flow (the start of a month)."""
        for flow in vars(self).values():
            flow.fill(0.0)

    def book_sale(self, k: int, j: int, sale: Sale) -> None:
        """Book the sale of commodity ``j`` in district ``k``: the farms' and the traders'
        side and the export tax on what the traders take out."""
        self.harvest_kg[k, j] = sale.harvest_kg
        self.farm_revenue_idr[k, j] = sale.farm_revenue_idr
        self.trader_kg[k, j] = sale.trader_kg
        self.paid_by_traders_idr[k] += sale.paid_by_traders_idr
        self.tax_revenue_idr[k] += sale.export_tax_idr


class Ledger:
    """Flows of the current month, stocks at its start, and public spending to date."""

    def __init__(self, n_districts: int, n_commodities: int):
        self.n_districts = n_districts
        self.n_commodities = n_commodities
        self._n = 0
        self.month = MonthFlows(n_districts, n_commodities)
        self.cum_fiscal_cost_idr = np.zeros(n_districts)  # since the first recorded month

    def start_month(self, model: ValueChainModel) -> None:
        """Snapshot stocks and zero the month's flows."""
        hh = model.households
        if self._n != hh.n:
            self._n = hh.n
            # one (flow x household) array; each flow is a row view, summed in one pass
            self.flows = np.zeros((len(HOUSEHOLD_FLOWS), hh.n))
            for i, name in enumerate(HOUSEHOLD_FLOWS):
                setattr(self, name, self.flows[i])
            self.was_extreme_poor = np.zeros(hh.n, dtype=bool)
        else:
            self.flows.fill(0.0)
        self.month.reset()
        self.savings_start = np.array(
            [wsum(hh.weight[s], hh.savings_idr[s]) for s in hh.district_slices]
        )
        self.cash_start = {p.index: p.cash_idr for p in model.processors}
        self.stock_start = {p.index: p.stock_kg for p in model.processors}
        self.stock_value_start = {p.index: p.stock_value_idr for p in model.processors}

    # ---------------------------------------------------------------- residuals
    def mass_residual(self, model: ValueChainModel, k: int) -> float:
        """kg unaccounted in district ``k`` this month, summed over commodities.

        harvest (household side) = bought by processors from farmers (in kg of the farm stage)
        + bought by traders (who take it out raw); farm stage bought from outside the district
        (market side) = booked by the processors; a stage plants bought from the district's
        plants = what those sold to plants; each plant: stock change = bought - processed,
        output = processed x conversion = sold to plants + sold on the market.
        """
        m = self.month
        hh = model.households
        s = hh.district_slices[k]
        firms = [p for p in model.processors if p.district == k]
        total = 0.0
        for j in range(self.n_commodities):
            mine = [p for p in firms if p.commodity == j]
            from_farms = [p for p in mine if p.buys_from_farms]
            direct = sum(p.books.bought_direct_farm_kg for p in from_farms)
            harvest = wsum(hh.weight[s], hh.harvest_kg[s, j])
            total += abs(harvest - direct - m.trader_kg[k, j])
            imported = sum(p.books.bought_outside_kg for p in from_farms)
            total += abs(m.imported_kg[k, j] - imported)
            for stage in sorted({p.process.input_stage for p in mine if not p.buys_from_farms}):
                bought = sum(b.bought_plants_kg for b, q in _books(mine) if q.input_stage == stage)
                sold = sum(b.sold_plants_kg for b, q in _books(mine) if q.output_stage == stage)
                total += abs(bought - sold)
        for p in firms:
            b = p.books
            change = p.stock_kg - self.stock_start.get(p.index, 0.0)
            total += abs(change - (b.bought_kg - b.processed_kg))
            total += abs(b.processed_kg * p.process.conversion_kg_per_kg - b.output_kg)
            if p.operating(model.t):
                total += abs(b.output_kg - b.sold_plants_kg - b.sold_market_kg)
        return total

    def money_residual(self, model: ValueChainModel, k: int) -> float:
        """IDR unaccounted in district ``k`` this month (sum of absolute mismatches).

        Each payment between agents is compared as paid and as received (farm sales, sales
        between plants, wages, dividends, hired farm work, transfers); household savings and
        processor cash must
        change by exactly the net flows booked against them.
        """
        hh = model.households
        s = hh.district_slices[k]
        w = hh.weight[s]
        firms = [p for p in model.processors if p.district == k]
        books = [p.books for p in firms]

        # household side: one matrix-vector product (BLAS) for the flows; this is a check,
        # not a model quantity, so its last bits may depend on the machine's BLAS
        f = dict(zip(HOUSEHOLD_FLOWS, (self.flows[:, s] @ w).tolist(), strict=True))
        farm_revenue, income, consumption, savings = (
            float(np.dot(w, x[s]))
            for x in (hh.farm_revenue_idr, hh.income_idr, hh.consumption_idr, hh.savings_idr)
        )
        paid_for_farm = sum(b.paid_direct_idr for b in books) + self.month.paid_by_traders_idr[k]
        r = abs(farm_revenue - paid_for_farm)
        r += abs(f["wages"] - sum(b.wage_bill_idr for b in books))
        r += abs(f["dividends"] - sum(b.dividends_idr for b in books))
        r += abs(f["farm_wage_paid"] - f["farm_wage_earned"])
        granted = sum(float(p.month_cost[k]) for p in model.programmes if p.transfers)
        r += abs(f["transfers"] - granted)
        # induced local income is paid out of last month's spending in the district
        r += abs(f["induced"] - self.month.induced_spending_idr[k])
        components = (
            farm_revenue
            - f["farm_inputs"]
            - f["farm_wage_paid"]
            + f["farm_wage_earned"]
            + f["wages"]
            + f["informal"]
            + f["other"]
            + f["transfers"]
            + f["dividends"]
            + f["credit_returns"]
            + f["induced"]
        )
        r += abs(income - components)
        net = income - f["health_cost"] - f["interest"] - consumption
        net += f["credit"]  # loans in, instalments out
        lending = sum(p.net_lending_idr(model, k) for p in model.programmes)
        r += abs(f["credit"] - lending)  # what households got = the funds' net lending
        r += abs(savings - self.savings_start[k] - net)
        r += abs(sum(b.paid_plants_idr for b in books) - sum(b.sold_plants_idr for b in books))
        for p in firms:
            b = p.books
            flows = (
                b.revenue_idr
                + b.subsidy_idr
                - b.paid_idr
                - b.collection_cost_idr
                - b.wage_bill_idr
                - b.variable_cost_idr
                - b.fixed_cost_idr
                - b.tie_buyouts_idr
                - b.dividends_idr
            )
            r += abs(p.cash_idr - self.cash_start.get(p.index, p.spec.initial_cash_idr) - flows)
            # stock valued at cost: value bought - value processed = change of stock value
            value_change = p.stock_value_idr - self.stock_value_start.get(p.index, 0.0)
            r += abs(value_change - (b.paid_idr + b.collection_cost_idr - b.input_cost_idr))
        return r

    def spending(self, model: ValueChainModel, k: int) -> dict[str, float]:
        """This month's public spending in district ``k``: by programme, on processing
        (capital cost of public and cooperative plants in their opening month, operating
        subsidies), and by funding source (central, district)."""
        out = {f"spending_{p.name}": float(p.month_cost[k]) for p in model.programmes}
        by_source = {"central": 0.0, "district": 0.0}
        for p in model.programmes:
            by_source[p.spec.funding] += float(p.month_cost[k])
        processing = 0.0
        for p in model.processors:
            if p.district == k:
                cost = p.books.subsidy_idr + p.books.capex_public_idr
                processing += cost
                by_source[p.spec.funding] += cost
        out["spending_processing"] = processing
        out["spending_central"] = by_source["central"]
        out["spending_district"] = by_source["district"]
        return out

    def fiscal_cost(self, model: ValueChainModel, k: int) -> float:
        """Government spending in district ``k`` this month (all programmes and processing)."""
        spend = sum(float(p.month_cost[k]) for p in model.programmes)
        for p in model.processors:
            if p.district == k:
                spend += p.books.subsidy_idr + p.books.capex_public_idr
        return spend

    def close_month(self, model: ValueChainModel) -> None:
        """Book the month's government spending (``month.fiscal_cost_idr``) and add it to
        the running totals: each recorded month, once, before the indicators read them."""
        for k in range(self.n_districts):
            spend = self.fiscal_cost(model, k)
            self.month.fiscal_cost_idr[k] = spend
            self.cum_fiscal_cost_idr[k] += spend

"""Processors and cooperatives: the few, as Mesa agents with per-agent accounts.

A processor buys one stage of its commodity: what farmers sell (the farm stage, or a farm
form such as fresh latex from its members), or a stage other plants make (from the district's
plants first, then from outside). It hires workers, turns input into output at its
conversion ratio, sells output to the district's plants that buy it and the rest at the
stage's market price (the reference price, lower beyond a demand limit), pays wages and
costs, and books a profit. Cooperative plants pay part of their profit to members.

A plant's prices and margin are plain functions of its spec and process (:func:`offer_price`,
:func:`unit_margin`, :func:`demand_price`), so the entry rule weighs a plant that does not
exist yet (:func:`entry_margin_share`) without building one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import mesa
import numpy as np
import pandas as pd

from valuechain.config.chains import Chain, Demand
from valuechain.config.scenario import Entry, Process, ProcessorSpec
from valuechain.model import kernels, trade
from valuechain.model.households.labour import Employers
from valuechain.model.prices import ReferencePrices

__all__ = [
    "PLANT_COLUMNS",
    "Books",
    "Processor",
    "as_buyers",
    "as_employers",
    "book_purchases",
    "buy_top_up",
    "buying",
    "demand_price",
    "demand_quantity_kg",
    "entrant_spec",
    "entry_margin_share",
    "offer_price",
    "operating_capacity_kg",
    "plan_month",
    "plant_month_rows",
    "plant_status",
    "process_month",
    "processor_table",
    "unit_cost_per_kg_output",
    "unit_margin",
    "with_outgrowers",
]


def offer_price(spec: ProcessorSpec, trader_farmgate: float, kg_per_farm_kg: float = 1.0) -> float:
    """Price a plant offers farmers per kg of what it buys (IDR/kg): the trader's farmgate
    price plus its premium, per kg of the farm stage, over ``kg_per_farm_kg`` (the kg of the
    bought form per kg of the farm stage: one for the farm stage, 1.83 for fresh latex)."""
    return trader_farmgate * (1.0 + spec.offer_premium) / kg_per_farm_kg


def unit_margin(
    spec: ProcessorSpec, process: Process, input_price: float, output_price: float
) -> float:
    """Operating margin per kg of input (IDR/kg): output value less input, variable and
    labour cost. ``conversion x (p_out - variable cost) - p_in - wage x labour per kg``, with
    ``p_in`` all a kg of input costs the plant (price paid and collection)."""
    conv = process.conversion_kg_per_kg
    return (
        conv * (output_price - process.variable_cost_idr_per_kg_output)
        - input_price
        - spec.wage_idr_per_month * (process.labour_worker_months_per_t / 1000.0)
    )


def unit_cost_per_kg_output(spec: ProcessorSpec, process: Process, input_price: float) -> float:
    """What one more kg of output costs (IDR/kg): ``(p_in + wage x labour per kg) /
    conversion + variable cost``; the plant sells no kg that fetches less."""
    labour = spec.wage_idr_per_month * (process.labour_worker_months_per_t / 1000.0)
    return (input_price + labour) / process.conversion_kg_per_kg + (
        process.variable_cost_idr_per_kg_output
    )


def demand_price(reference: float, quantity_kg: float, demand: Demand | None) -> float:
    """Price of ``quantity_kg`` sold in a month into ``demand`` (IDR/kg): the reference up to
    the market's quantity, ``reference x (Q / market)^(-1 / elasticity)`` beyond it; the
    reference in an unlimited market (``demand`` None)."""
    if demand is None:
        return reference
    market = demand.market_t_per_month * 1000.0
    if quantity_kg <= market:
        return reference
    return reference * (quantity_kg / market) ** (-1.0 / demand.price_elasticity)


def demand_quantity_kg(reference: float, unit_cost: float, demand: Demand | None) -> float:
    """Output the market takes at a price no lower than ``unit_cost`` (kg/month): the
    quantity where :func:`demand_price` falls to it; infinite in an unlimited market, the
    market's quantity when even that does not cover the cost (the margin rule then idles)."""
    if demand is None:
        return float("inf")
    market = demand.market_t_per_month * 1000.0
    if unit_cost <= 0:
        return float("inf")
    return market * max(1.0, reference / unit_cost) ** demand.price_elasticity


def entrant_spec(entry: Entry, open_month: int) -> ProcessorSpec:
    """The private plant an entry rule would open in ``open_month``."""
    return ProcessorSpec(
        commodity=entry.commodity,
        process=entry.process,
        owner="private",
        capacity_t_per_month=entry.capacity_t_per_month,
        wage_idr_per_month=entry.wage_idr_per_month,
        skill_required=entry.skill_required,
        fixed_cost_idr_per_month=entry.fixed_cost_idr_per_month,
        open_month=open_month,
    )


def entry_margin_share(
    spec: ProcessorSpec, process: Process, input_price: float, output_price: float
) -> float:
    """An entrant's unit margin as a share of its output value per kg of input.

    ``unit_margin(p_in, p_out) / (conversion x p_out)``, with ``p_in`` what a kg of input
    would cost it (:meth:`Processor.input_price`): the entry rule lets the plant in when this
    clears the hurdle (ODD 7.9).
    """
    margin = unit_margin(spec, process, input_price, output_price)
    return margin / (process.conversion_kg_per_kg * output_price)


@dataclass
class Books:
    """One month's flows of a processor (real kg and IDR; kg of its input or output stage)."""

    planned_kg: float = 0.0
    vacancies: float = 0.0
    workers: float = 0.0
    bought_direct_kg: float = 0.0  # from the district's farmers, in kg of the input stage
    bought_direct_farm_kg: float = 0.0  # the same, in kg of the farm stage
    paid_direct_idr: float = 0.0  # graded lots' premium included
    graded_bought_kg: float = 0.0  # of bought_direct_kg, quality-practice lots it graded
    premium_paid_idr: float = 0.0  # of paid_direct_idr, paid above its offer for them
    collection_cost_idr: float = 0.0  # collecting from farms (transport, weighing, losses)
    tie_buyouts_idr: float = 0.0  # tied growers' debts settled with their traders
    growers_freed: float = 0.0  # tied growers freed by settling their debts (real)
    bought_plants_kg: float = 0.0  # from the district's plants
    paid_plants_idr: float = 0.0
    bought_outside_kg: float = 0.0
    paid_outside_idr: float = 0.0
    processed_kg: float = 0.0
    graded_processed_kg: float = 0.0  # of processed_kg, graded input
    input_cost_idr: float = 0.0
    output_kg: float = 0.0
    sold_plants_kg: float = 0.0  # output sold to the district's plants
    sold_plants_idr: float = 0.0
    sold_market_kg: float = 0.0  # output sold on the market
    output_price_idr: float = 0.0  # market price received (IDR/kg output)
    revenue_idr: float = 0.0  # output premium included
    output_premium_idr: float = 0.0  # of revenue_idr, the graded output's premium
    wage_bill_idr: float = 0.0
    variable_cost_idr: float = 0.0
    fixed_cost_idr: float = 0.0
    subsidy_idr: float = 0.0
    capex_public_idr: float = 0.0
    dividends_idr: float = 0.0
    profit_idr: float = 0.0
    cash_flow_idr: float = 0.0

    @property
    def bought_kg(self) -> float:
        """Input bought this month from every source (kg)."""
        return self.bought_direct_kg + self.bought_plants_kg + self.bought_outside_kg

    @property
    def paid_idr(self) -> float:
        """Paid for input this month to every seller (IDR), collection not included."""
        return self.paid_direct_idr + self.paid_plants_idr + self.paid_outside_idr


class Processor(mesa.Agent):
    """A processing plant (huller, roastery, remiller, smokehouse) in one district.

    Args:
        chain: its commodity's chain; ``spec.process`` names its process there.
        premium_share: for a plant that grades (``spec.grades``), the district crop's
            quality premium (:class:`~valuechain.config.districts.Quality`): paid above its
            offer for graded kg, earned above the output price on their output.
    """

    def __init__(
        self,
        model: mesa.Model,
        *,
        name: str,
        index: int,
        district: int,
        commodity: int,
        spec: ProcessorSpec,
        chain: Chain,
        premium_share: float = 0.0,
    ):
        super().__init__(model)
        self.name = name
        self.index = index  # position in the model's processor list; households' job_firm
        self.district = district
        self.commodity = commodity
        self.spec = spec
        self.chain = chain
        self.process = process = chain.processes[spec.process]
        self.depth = chain.process_depth(spec.process)  # processing order within a month
        self.buys_from_farms = chain.sold_by_farms(process.input_stage)
        #: kg of the input stage per kg of the farm stage, for a plant buying from farms
        self.input_per_farm_kg = (
            chain.kg_per_farm_kg(process.input_stage) if self.buys_from_farms else float("nan")
        )
        self.capex_idr = (
            spec.capex_idr
            if spec.capex_idr is not None
            else process.capex_idr_per_t_month * spec.capacity_t_per_month
        )
        self.fixed_cost_idr = (
            spec.fixed_cost_idr_per_month
            if spec.fixed_cost_idr_per_month is not None
            else process.fixed_cost_idr_per_t_month * spec.capacity_t_per_month
        )
        self.demand = chain.stages[process.output_stage].demand
        self.stock_months = spec.input_stock_months
        self.cash_idr = spec.initial_cash_idr
        self.stock_kg = 0.0
        self.stock_value_idr = 0.0
        self.premium_share = premium_share if spec.grades else 0.0
        self.graded_stock_kg = 0.0  # of stock_kg, graded input
        self.loss_months = 0
        self.negative_margin_months = 0
        self.exited = False
        self.opened = False
        self.in_season = True
        self.books = Books()

    # ------------------------------------------------------------------ economics
    @property
    def capacity_kg(self) -> float:
        """Input capacity per month in kg."""
        return self.spec.capacity_t_per_month * 1000.0

    @property
    def labour_per_kg(self) -> float:
        """Workers (worker-months) needed per kg of input."""
        return self.process.labour_worker_months_per_t / 1000.0

    @property
    def is_cooperative(self) -> bool:
        """Owned by its members."""
        return self.spec.owner == "cooperative"

    @property
    def buys_farm_form(self) -> bool:
        """Buys a farm form (fresh latex) from its members, not the farm stage."""
        return self.buys_from_farms and self.process.input_stage != self.chain.farm_stage

    def operating(self, step: int) -> bool:
        """Open (reached its opening month) and not exited."""
        return step >= self.spec.open_month and not self.exited

    def unit_margin(self, input_price: float, output_price: float) -> float:
        """Operating margin per kg of input (IDR/kg); see :func:`unit_margin`."""
        return unit_margin(self.spec, self.process, input_price, output_price)

    def offer_price(self, trader_farmgate: float) -> float:
        """Price offered to farmers per kg of input; see :func:`offer_price`."""
        return offer_price(self.spec, trader_farmgate, self.input_per_farm_kg)

    def collection_cost_per_kg(
        self, farm_reference: float, trader_farmgate: float, export_tax_rate: float = 0.0
    ) -> float:
        """What bringing a kg of input in from farms costs the plant on top of its offer
        (IDR/kg; ODD 7.5). A cooperative collects from its members itself, at what it costs a
        trader where traders compete fully: ``trader_margin_min x reference farm price`` per
        kg of the farm stage (transport, weighing, drying losses). Any other plant buys
        through the trading layer at the plant gate, as plants elsewhere do: the reference
        price less the export duty on the raw stage (a domestic plant pays no duty), in all,
        of which farmers get its offer and collectors the rest."""
        if self.is_cooperative:
            return self.chain.trader_margin_min * farm_reference / self.input_per_farm_kg
        gate = farm_reference * max(0.0, 1.0 - export_tax_rate) / self.input_per_farm_kg
        return max(0.0, gate - self.offer_price(trader_farmgate))

    def input_price(
        self,
        trader_farmgate: float,
        prices: Mapping[str, ReferencePrices],
        export_tax_rate: float = 0.0,
    ) -> float:
        """All a kg of input costs the plant this month (IDR/kg): its offer plus collection
        for what it buys from farms; the reference price of a stage it buys from plants."""
        pr = prices[self.spec.commodity]
        if self.buys_from_farms:
            collection = self.collection_cost_per_kg(
                pr.farm_price, trader_farmgate, export_tax_rate
            )
            return self.offer_price(trader_farmgate) + collection
        return pr.price(self.process.input_stage)

    def output_price(self, prices: Mapping[str, ReferencePrices]) -> float:
        """Reference price of the plant's output stage this month (IDR/kg)."""
        return prices[self.spec.commodity].price(self.process.output_stage)

    # ------------------------------------------------------------------ monthly phases
    def plan(
        self,
        step: int,
        input_price: float,
        output_price: float,
        patience: int,
        output_cap_kg: float = float("inf"),
        calendar_month: int | None = None,
    ) -> float:
        """Planned throughput (kg input) this month: ``capacity x target utilisation``, at most
        what makes ``output_cap_kg`` of output (its share of what a limited market takes at a
        price covering its cost), while the unit margin at ``input_price`` is positive or has
        been negative for fewer than ``patience`` months in a row; otherwise zero (the plant
        idles, workers are let go). A seasonal plant plans nothing outside its
        ``season_months`` (``calendar_month`` 1-12), and its margin is not counted then."""
        self.books = Books()
        self.in_season = True
        if not self.operating(step):
            return 0.0
        season = self.spec.season_months
        if season is not None and calendar_month is not None and calendar_month not in season:
            self.in_season = False
            return 0.0
        if self.unit_margin(input_price, output_price) <= 0:
            self.negative_margin_months += 1
            if self.negative_margin_months >= patience:
                return 0.0
        else:
            self.negative_margin_months = 0
        planned = min(
            self.capacity_kg * self.spec.target_utilisation,
            output_cap_kg / self.process.conversion_kg_per_kg,
        )
        self.books.planned_kg = planned
        self.books.vacancies = planned * self.labour_per_kg
        return planned

    def purchase_room_kg(self) -> float:
        """What the plant will buy this month: its plan plus a stock buffer, less stock held."""
        target = self.books.planned_kg * (1.0 + self.stock_months)
        return max(0.0, min(target - self.stock_kg, self.capacity_kg * (1.0 + self.stock_months)))

    def wage_per_worker_idr(self) -> float:
        """What each of this month's workers earned (IDR): the wage, or under a piece rate
        their share of the wage bill."""
        if self.spec.piece_rate and self.books.workers > 0:
            return self.books.wage_bill_idr / self.books.workers
        return self.spec.wage_idr_per_month

    def staffed_kg(self) -> float:
        """Input the plant can process with the workers it has."""
        if self.labour_per_kg <= 0:
            return self.books.planned_kg
        return min(self.books.planned_kg, self.books.workers / self.labour_per_kg)

    def buy_from_farms(self, farm_kg: float, price: float, collection: float = 0.0) -> None:
        """Book ``farm_kg`` (kg of the farm stage) bought from the district's farms, as kg of
        the input stage at ``price`` (IDR per kg of input) plus ``collection`` (IDR/kg)."""
        kg = farm_kg * self.input_per_farm_kg
        self.books.bought_direct_farm_kg += farm_kg
        self.books.bought_direct_kg += kg
        self.books.paid_direct_idr += kg * price
        self.books.collection_cost_idr += kg * collection

    def buy_graded(self, farm_kg: float, premium_idr: float) -> None:
        """Book that ``farm_kg`` (kg of the farm stage) of what it bought from farms were
        graded lots, for which it paid ``premium_idr`` above its offer (IDR)."""
        self.books.graded_bought_kg += farm_kg * self.input_per_farm_kg
        self.books.premium_paid_idr += premium_idr
        self.books.paid_direct_idr += premium_idr

    def buy_from_plants(self, kg: float, price: float) -> None:
        """Book ``kg`` bought from the district's plants at ``price`` (IDR/kg)."""
        self.books.bought_plants_kg += kg
        self.books.paid_plants_idr += kg * price

    def buy_from_outside(self, kg: float, price: float) -> None:
        """Book ``kg`` bought from outside the district at ``price`` (IDR/kg)."""
        self.books.bought_outside_kg += kg
        self.books.paid_outside_idr += kg * price

    def process_input(self, step: int) -> None:
        """Process this month's input (ODD 7.6): ``processed = min(stock + bought, staffed)``,
        ``output = processed x conversion``; input leaves the stock at its average cost."""
        b = self.books
        if not self.operating(step):
            return
        if not self.opened:
            self.opened = True
            if self.spec.owner != "private":
                b.capex_public_idr = self.capex_idr
        self.stock_kg += b.bought_kg
        self.stock_value_idr += b.paid_idr + b.collection_cost_idr
        b.processed_kg = min(self.stock_kg, self.staffed_kg())
        if self.stock_kg > 0:
            b.input_cost_idr = self.stock_value_idr * (b.processed_kg / self.stock_kg)
        if self.spec.grades:
            self._process_graded()
        self.stock_kg -= b.processed_kg
        self.stock_value_idr -= b.input_cost_idr
        b.output_kg = b.processed_kg * self.process.conversion_kg_per_kg

    def _process_graded(self) -> None:
        """The graded kg among the input processed: graded stock leaves in proportion, as
        the stock's value does (``graded processed = graded stock x processed / stock``)."""
        b = self.books
        self.graded_stock_kg += b.graded_bought_kg
        if self.stock_kg > 0:
            b.graded_processed_kg = min(
                self.graded_stock_kg * (b.processed_kg / self.stock_kg), b.processed_kg
            )
        self.graded_stock_kg = max(0.0, self.graded_stock_kg - b.graded_processed_kg)

    def unsold_kg(self) -> float:
        """Output not yet sold this month (kg)."""
        return self.books.output_kg - self.books.sold_plants_kg - self.books.sold_market_kg

    def sell_to_plant(self, kg: float, price: float) -> None:
        """Book ``kg`` of output sold to a plant of the district at ``price`` (IDR/kg)."""
        self.books.sold_plants_kg += kg
        self.books.sold_plants_idr += kg * price

    def sell_and_settle(self, step: int, market_price: float) -> None:
        """Sell the rest of the output at ``market_price``, pay wages and costs, book profit.

        Profit is on an accrual basis: ``profit = revenue - cost of the input processed -
        wages - variable cost - fixed cost - tied growers' debts settled + operating
        subsidy``, with ``revenue`` what plants and the market paid. A plant that grades earns
        on top the output premium, paid by buyers outside the district: ``premium share x
        (what plants and the market paid) x graded processed / processed``. Cash moves by the
        payments: ``cash' = cash + revenue + subsidy - input purchases - collection - wages -
        variable cost - fixed cost - debts settled - dividends``.
        """
        b = self.books
        if not self.operating(step):
            return
        b.sold_market_kg = self.unsold_kg()
        b.output_price_idr = market_price
        b.revenue_idr = b.sold_market_kg * market_price + b.sold_plants_idr
        if b.graded_processed_kg > 0:
            share = b.graded_processed_kg / b.processed_kg
            b.output_premium_idr = self.premium_share * b.revenue_idr * share
            b.revenue_idr += b.output_premium_idr
        b.variable_cost_idr = b.output_kg * self.process.variable_cost_idr_per_kg_output
        b.wage_bill_idr = b.workers * self.spec.wage_idr_per_month
        if self.spec.piece_rate:  # paid for the work there was
            piece = self.spec.wage_idr_per_month * self.labour_per_kg
            b.wage_bill_idr = min(b.wage_bill_idr, b.processed_kg * piece)
        b.fixed_cost_idr = self.fixed_cost_idr
        b.subsidy_idr = self.spec.operating_subsidy_idr_per_month
        operating = (
            b.revenue_idr
            + b.subsidy_idr
            - b.wage_bill_idr
            - b.variable_cost_idr
            - b.fixed_cost_idr
            - b.tie_buyouts_idr
        )
        b.profit_idr = operating - b.input_cost_idr
        if self.is_cooperative and b.profit_idr > 0:
            b.dividends_idr = self.spec.dividend_share * b.profit_idr
        b.cash_flow_idr = operating - b.paid_idr - b.collection_cost_idr - b.dividends_idr
        self.cash_idr += b.cash_flow_idr
        if self.in_season:  # a seasonal plant's months off count neither way towards exit
            self.loss_months = self.loss_months + 1 if b.profit_idr < 0 else 0

    def process_and_sell(self, step: int, output_price: float) -> None:
        """Process and sell everything at ``output_price`` (a plant alone in its chain)."""
        self.process_input(step)
        self.sell_and_settle(step, output_price)

    def settle_dividend(self, member_households: float) -> float:
        """Settle this month's dividend and return it per member household (IDR). With no
        members the surplus stays in the cooperative: it goes back to cash and no dividend is
        booked (the books change)."""
        b = self.books
        if b.dividends_idr <= 0:
            return 0.0
        if member_households > 0:
            return b.dividends_idr / member_households
        self.cash_idr += b.dividends_idr
        b.cash_flow_idr += b.dividends_idr
        b.dividends_idr = 0.0
        return 0.0

    def maybe_exit(self, exit_after_loss_months: int) -> bool:
        """Private and cooperative plants exit after sustained losses; public plants stay."""
        if self.exited or self.spec.owner == "public":
            return False
        if self.loss_months >= exit_after_loss_months:
            self.exited = True
            return True
        return False


def processor_table(
    processors: Sequence[Processor],
    district_names: Sequence[str],
    commodities: Sequence[str],
    step: int,
) -> pd.DataFrame:
    """Processors with their state at ``step`` and their last month's books, one row each."""
    rows = []
    for p in processors:
        row = {
            "name": p.name,
            "district": district_names[p.district],
            "commodity": commodities[p.commodity],
            "process": p.spec.process,
            "owner": p.spec.owner,
            "operating": p.operating(step),
            "exited": p.exited,
            "cash_idr": p.cash_idr,
            "stock_kg": p.stock_kg,
        }
        row.update(vars(p.books))
        rows.append(row)
    return pd.DataFrame(rows)


#: The per-plant table, one row per plant per month: column -> (unit, meaning)
PLANT_COLUMNS: dict[str, tuple[str, str]] = {
    "step": ("month index", "month of the run (0 = start)"),
    "date": ("YYYY-MM", "calendar month"),
    "plant": ("name", "district/plant name (entrants: district/entrant_N)"),
    "district": ("name", "district the plant is in"),
    "commodity": ("name", "commodity it processes"),
    "process": ("name", "process it runs"),
    "owner": ("name", "private, cooperative or public"),
    "status": (
        "state",
        "not_open (before its opening month), open, idle (open but planning nothing: its "
        "margin has been negative too long), off_season (a seasonal plant outside its months) "
        "or closed (exited after sustained losses)",
    ),
    "input_stage": ("name", "stage it buys"),
    "output_stage": ("name", "stage it makes"),
    "bought_local_kg": ("kg input", "input bought from the district's farmers"),
    "bought_plants_kg": ("kg input", "input bought from the district's plants"),
    "bought_outside_kg": ("kg input", "input bought from outside the district"),
    "growers_freed": ("households", "tied growers freed by settling their debts to traders"),
    "tie_buyouts_idr": ("IDR/month", "tied growers' debts settled with their traders"),
    "processed_kg": ("kg input", "input processed"),
    "output_kg": ("kg output", "output made"),
    "sold_plants_kg": ("kg output", "output sold to the district's plants"),
    "output_price_idr": (
        "IDR/kg output",
        "market price received (below the reference beyond a demand limit)",
    ),
    "workers": ("workers", "workers employed (real persons)"),
    "wage_bill_idr": ("IDR/month", "wages paid"),
    "revenue_idr": ("IDR/month", "output sold times its price"),
    "profit_idr": ("IDR/month", "profit (accrual: input at average cost)"),
    "cash_idr": ("IDR", "cash at the end of the month"),
    "stock_kg": ("kg", "input held in stock at the end of the month"),
}


def plant_status(p: Processor, step: int) -> str:
    """``not_open``, ``open``, ``idle``, ``off_season`` or ``closed`` at ``step`` (see
    :data:`PLANT_COLUMNS`)."""
    if p.exited:
        return "closed"
    if step < p.spec.open_month:
        return "not_open"
    if not p.in_season:
        return "off_season"
    return "open" if p.books.planned_kg > 0 else "idle"


def plant_month_rows(
    plants: Sequence[Processor],
    step: int,
    date: str,
    district_names: Sequence[str],
    commodities: Sequence[str],
) -> list[dict]:
    """This month's row of every plant (:data:`PLANT_COLUMNS`), from its books."""
    rows = []
    for p in plants:
        b = p.books
        rows.append(
            {
                "step": step,
                "date": date,
                "plant": p.name,
                "district": district_names[p.district],
                "commodity": commodities[p.commodity],
                "process": p.spec.process,
                "owner": p.spec.owner,
                "status": plant_status(p, step),
                "input_stage": p.process.input_stage,
                "output_stage": p.process.output_stage,
                "bought_local_kg": b.bought_direct_kg,
                "bought_plants_kg": b.bought_plants_kg,
                "bought_outside_kg": b.bought_outside_kg,
                "growers_freed": b.growers_freed,
                "tie_buyouts_idr": b.tie_buyouts_idr,
                "processed_kg": b.processed_kg,
                "output_kg": b.output_kg,
                "sold_plants_kg": b.sold_plants_kg,
                "output_price_idr": b.output_price_idr,
                "workers": b.workers,
                "wage_bill_idr": b.wage_bill_idr,
                "revenue_idr": b.revenue_idr,
                "profit_idr": b.profit_idr,
                "cash_idr": p.cash_idr,
                "stock_kg": p.stock_kg,
            }
        )
    return rows


# ---------------------------------------------------------------------------- the month's plants
def operating_capacity_kg(
    plants: Sequence[Processor], step: int, n_districts: int, n_commodities: int
) -> np.ndarray:
    """Input capacity of the plants operating at ``step`` that buy from farms, in kg of the
    farm stage a month (district x commodity): the local buyers traders compete with."""
    capacity = np.zeros((n_districts, n_commodities))
    for p in plants:
        if p.operating(step) and p.buys_from_farms:
            capacity[p.district, p.commodity] += p.capacity_kg / p.input_per_farm_kg
    return capacity


def plan_month(
    plants: Sequence[Processor],
    step: int,
    trader_price_idr: np.ndarray,
    prices: Mapping[str, ReferencePrices],
    patience: int,
    export_tax_rate: np.ndarray | None = None,
    calendar_month: int | None = None,
) -> None:
    """Every plant plans its month (:meth:`Processor.plan`) at what its input costs it
    (:meth:`Processor.input_price` on its district's trader price, ``trader_price_idr``:
    district x commodity, and the export duty on the raw stage, ``export_tax_rate``, which a
    domestic plant does not pay) and its output's reference price, idling after ``patience``
    months of negative margin. A plant whose output meets a demand limit plans at most its share (by
    capacity, among the district's operating plants making that stage) of what the market
    takes at a price covering its unit cost (:func:`demand_quantity_kg`)."""
    makers: dict[tuple[int, int, str], float] = {}
    for p in plants:
        if p.operating(step) and p.demand is not None:
            key = (p.district, p.commodity, p.process.output_stage)
            makers[key] = makers.get(key, 0.0) + p.capacity_kg
    for p in plants:
        rate = 0.0 if export_tax_rate is None else export_tax_rate[p.district, p.commodity]
        p_in = p.input_price(trader_price_idr[p.district, p.commodity], prices, rate)
        p_out = p.output_price(prices)
        cap = float("inf")
        if p.demand is not None and p.operating(step):
            share = p.capacity_kg / makers[(p.district, p.commodity, p.process.output_stage)]
            unit_cost = unit_cost_per_kg_output(p.spec, p.process, p_in)
            cap = share * demand_quantity_kg(p_out, unit_cost, p.demand)
        p.plan(step, p_in, p_out, patience, cap, calendar_month)


def buying(plants: Sequence[Processor], district: int, commodity: int) -> list[Processor]:
    """The plants of ``district`` buying ``commodity`` from farms this month (those planning
    to process), in plant order."""
    return [
        p
        for p in plants
        if p.district == district
        and p.commodity == commodity
        and p.buys_from_farms
        and p.books.planned_kg > 0
    ]


def _buy_intermediate(
    p: Processor, made: Mapping[tuple, list[Processor]], prices: Mapping[str, ReferencePrices]
) -> None:
    """A plant buying a stage other plants make: from the district's plants first (in
    proportion to what each has unsold, at the stage's reference price), then from outside
    at that price when its margin there is positive (:func:`trade.top_up_kg`)."""
    price = prices[p.spec.commodity].price(p.process.input_stage)
    sellers = made.get((p.district, p.commodity, p.process.input_stage), [])
    available = sum(q.unsold_kg() for q in sellers)
    take = min(p.purchase_room_kg(), available)
    if take > 0:
        for q in sellers:
            kg = take * (q.unsold_kg() / available)
            q.sell_to_plant(kg, price)
        p.buy_from_plants(take, price)
    kg = trade.top_up_kg(
        p.staffed_kg(),
        p.stock_kg,
        p.books.bought_plants_kg,
        p.unit_margin(price, p.output_price(prices)),
    )
    p.buy_from_outside(kg, price)


def process_month(
    plants: Sequence[Processor],
    step: int,
    prices: Mapping[str, ReferencePrices],
    member_households: Mapping[int, float],
) -> tuple[np.ndarray, np.ndarray]:
    """Every plant processes, sells, pays and settles its dividend (ODD 7.6).

    Plants go in order of their depth in the chain (:meth:`Chain.process_depth`): those
    buying from farms first, then those buying what they make, who buy it from them
    (:func:`_buy_intermediate`) before processing. Output no plant of the district bought is
    sold on the market: at the reference price, or at :func:`demand_price` of everything the
    district's plants sell of that stage when the stage has a demand limit. Each plant then
    settles (:meth:`Processor.sell_and_settle`) and pays its dividend per member household
    (``member_households``: plant index -> real member households).

    Returns:
        Each plant's wage and dividend per member household (IDR/month) by plant index,
        with a last entry of zero for households without a job or a cooperative (index -1).
    """
    made: dict[tuple, list[Processor]] = {}
    for depth in sorted({p.depth for p in plants}):
        level = [p for p in plants if p.depth == depth]
        for p in level:
            if not p.buys_from_farms and p.books.planned_kg > 0:
                _buy_intermediate(p, made, prices)
        for p in level:
            p.process_input(step)
            if p.books.output_kg > 0:
                made.setdefault((p.district, p.commodity, p.process.output_stage), []).append(p)
    market_price: dict[tuple, float] = {}
    for key, sellers in made.items():
        ref = prices[sellers[0].spec.commodity].price(key[2])
        market_price[key] = demand_price(
            ref, sum(q.unsold_kg() for q in sellers), sellers[0].demand
        )
    wage = np.zeros(len(plants) + 1)
    dividend = np.zeros(len(plants) + 1)
    for p in plants:
        key = (p.district, p.commodity, p.process.output_stage)
        p.sell_and_settle(step, market_price.get(key, p.output_price(prices)))
        wage[p.index] = p.wage_per_worker_idr()
        dividend[p.index] = p.settle_dividend(member_households.get(p.index, 0.0))
    return wage, dividend


# ---------------------------------------------------------------------------- plants as arrays
def as_buyers(
    plants: Sequence[Processor],
    trader_price: float,
    members: Mapping[int, np.ndarray],
    effort: Mapping[str, float],
) -> trade.Buyers:
    """The plants buying from farms this month as :func:`valuechain.model.trade.sell_harvest`
    takes them, per kg of the farm stage: offers, purchase room, and each cooperative's
    members (from ``members``, by plant). A plant buying a farm form (fresh latex) buys from
    its members only, and only when its offer beats the best price for the farm stage (the
    trader's or a plant's) by the form's ``effort`` share (``effort``: stage -> share);
    otherwise its members sell the farm stage as everyone else does."""
    if not plants:
        return trade.NO_BUYERS
    farm_offers = [p.offer_price(trader_price) for p in plants if not p.buys_farm_form]
    best_farm_stage = max([trader_price, *farm_offers])
    offer = np.array([p.offer_price(trader_price) * p.input_per_farm_kg for p in plants])
    room = np.array([p.purchase_room_kg() / p.input_per_farm_kg for p in plants])
    member_only = np.array([p.buys_farm_form for p in plants])
    for i, p in enumerate(plants):
        need = best_farm_stage * (1.0 + effort.get(p.process.input_stage, 0.0))
        if p.buys_farm_form and offer[i] < need:
            room[i] = 0.0
    return trade.Buyers(
        offer_idr_per_kg=offer,
        room_kg=room,
        members=tuple(members[p.index] if p.spec.member_share > 0 else None for p in plants),
        member_only=member_only,
    )


def with_outgrowers(
    plants: Sequence[Processor],
    buyers: trade.Buyers,
    contracts: Sequence[tuple[int, np.ndarray]],
) -> trade.Buyers:
    """``buyers`` with each contracting plant's outgrowers among the sellers it takes first.

    ``contracts`` holds (plant index, mask over the district's households of the growers
    contracted to it). A contracting plant buying this month takes its members' and its
    outgrowers' lots first, in household order, up to its room, as a cooperative takes its
    members' (:func:`valuechain.model.trade.sell_harvest`).
    """
    first = list(buyers.members)
    for plant, contracted in contracts:
        for b, p in enumerate(plants):
            if p.index == plant:
                mine = np.flatnonzero(contracted)
                first[b] = mine if first[b] is None else np.union1d(first[b], mine)
    return replace(buyers, members=tuple(first))


def book_purchases(
    plants: Sequence[Processor],
    buyers: trade.Buyers,
    sale: trade.Sale,
    farm_reference: float,
) -> None:
    """Book what each plant bought from farms in ``sale`` (from members first, then the
    queue), with what collecting it costs the plant (at the sale's export duty), and the
    graded kg among it with the premium paid for them (a sale with grading)."""
    for p, from_members, from_queue in zip(plants, sale.member_kg, sale.queue_kg, strict=True):
        price = p.offer_price(sale.trader_price_idr)
        collection = p.collection_cost_per_kg(
            farm_reference, sale.trader_price_idr, sale.export_tax_rate
        )
        p.buy_from_farms(float(from_members) + float(from_queue), price, collection)
    if sale.graded_kg is not None and sale.premium_idr is not None:
        for p, kg, premium in zip(plants, sale.graded_kg, sale.premium_idr, strict=True):
            if kg > 0:
                p.buy_graded(float(kg), float(premium))


def buy_out_ties(
    plants: Sequence[Processor],
    tied: np.ndarray,
    queue: np.ndarray,
    expected_kg: np.ndarray,
    weight: np.ndarray,
    plant_gate: float,
    trader_price: float,
    prices: Mapping[str, ReferencePrices],
    export_tax_rate: float,
    payback_months: int,
) -> None:
    """Plants with a ``tie_buyout_idr`` settle tied growers' debts to their traders, freeing
    them for good (``tied`` set to False; ODD 7.5).

    In plant order, each operating plant that buys the farm stage from farms and plans to
    process counts the input it lacks: its planned input and that of the plants before it
    (among those buying from farms) less the untied growers' expected monthly harvest
    (``expected_kg`` per simulated household, untied = not ``tied``); and frees growers worth
    it (:func:`valuechain.model.trade.growers_to_free`), saving ``plant_gate - its input
    price`` per kg (nothing for a private plant, which pays the plant-gate price wherever
    its input comes from; a cooperative collecting at the traders' lowest margin saves the
    rest). The debts are a cost of the month, paid to traders outside the district.
    """
    supply = kernels.wsum(weight, np.where(tied, 0.0, expected_kg))
    need = 0.0
    for p in plants:
        if not p.buys_from_farms or p.buys_farm_form or p.books.planned_kg <= 0:
            continue
        need += p.books.planned_kg / p.input_per_farm_kg
        if p.spec.tie_buyout_idr is None:
            continue
        saving = plant_gate - p.input_price(trader_price, prices, export_tax_rate)
        freed = trade.growers_to_free(
            tied,
            queue,
            expected_kg,
            weight,
            need - supply,
            saving,
            p.spec.tie_buyout_idr,
            payback_months,
        )
        if freed.size == 0:
            continue
        tied[freed] = False
        growers = float(weight[freed].sum())
        supply += float((weight[freed] * expected_kg[freed]).sum())
        p.books.growers_freed += growers
        p.books.tie_buyouts_idr += growers * p.spec.tie_buyout_idr


def buy_top_up(
    plants: Sequence[Processor], plant_gate: float, prices: Mapping[str, ReferencePrices]
) -> float:
    """Plants buying the farm stage and short of input buy it from outside the district at
    the ``plant_gate`` price (the reference less the export duty;
    :func:`valuechain.model.trade.top_up_kg`); returns the kg bought, in total. A farm form
    (fresh latex) is not bought from outside."""
    total = 0.0
    for p in plants:
        if p.buys_farm_form:
            continue
        kg = trade.top_up_kg(
            p.staffed_kg(),
            p.stock_kg,
            p.books.bought_direct_kg,
            p.unit_margin(plant_gate, p.output_price(prices)),
        )
        p.buy_from_outside(kg, plant_gate)
        total += kg
    return total


def as_employers(plants: Sequence[Processor], n_plants: int) -> Employers:
    """The plants hiring, as :func:`valuechain.model.households.labour.match_jobs` takes them
    (``n_plants``: plants in the model)."""
    return Employers(
        plant=np.array([p.index for p in plants]),
        vacancies=np.array([p.books.vacancies for p in plants]),
        wage_idr=np.array([p.spec.wage_idr_per_month for p in plants]),
        skill_required=np.array([p.spec.skill_required for p in plants]),
        n_plants=n_plants,
        screens_skill=np.array([p.spec.screening == "skill" for p in plants]),
    )

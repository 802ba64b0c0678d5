"""Processors and cooperatives: the few, as Mesa agents with per-agent accounts.

A processor buys the farm stage of its commodity in its district, hires workers, turns input
into output at its conversion ratio, sells output at the stage's reference price, pays wages
and costs, and books a profit. Cooperative plants pay part of their profit to members.

A plant's prices and margin are plain functions of its spec and process (:func:`offer_price`,
:func:`unit_margin`), so the entry rule weighs a plant that does not exist yet
(:func:`entry_margin_share`) without building one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import mesa
import numpy as np
import pandas as pd

from valuechain.config.scenario import Entry, Process, ProcessorSpec
from valuechain.model import trade
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
    "entrant_spec",
    "entry_margin_share",
    "offer_price",
    "operating_capacity_kg",
    "plan_month",
    "plant_month_rows",
    "plant_status",
    "process_month",
    "processor_table",
    "unit_margin",
]


def offer_price(spec: ProcessorSpec, trader_farmgate: float) -> float:
    """Price a plant offers farmers: the trader's farmgate price plus its premium (IDR/kg)."""
    return trader_farmgate * (1.0 + spec.offer_premium)


def unit_margin(
    spec: ProcessorSpec, process: Process, input_price: float, output_price: float
) -> float:
    """Operating margin per kg of input (IDR/kg): output value less input, variable and
    labour cost. ``conversion x (p_out - variable cost) - p_in - wage x labour per kg``."""
    conv = process.conversion_kg_per_kg
    return (
        conv * (output_price - process.variable_cost_idr_per_kg_output)
        - input_price
        - spec.wage_idr_per_month * (process.labour_worker_months_per_t / 1000.0)
    )


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
    spec: ProcessorSpec, process: Process, trader_price: float, output_price: float
) -> float:
    """An entrant's unit margin at its offer as a share of its output value per kg of input.

    ``unit_margin(offer(trader price), p_out) / (conversion x p_out)``: the entry rule lets
    the plant in when this clears the hurdle (ODD 7.9).
    """
    margin = unit_margin(spec, process, offer_price(spec, trader_price), output_price)
    return margin / (process.conversion_kg_per_kg * output_price)


@dataclass
class Books:
    """One month's flows of a processor (real kg and IDR)."""

    planned_kg: float = 0.0
    vacancies: float = 0.0
    workers: float = 0.0
    bought_direct_kg: float = 0.0
    paid_direct_idr: float = 0.0
    bought_outside_kg: float = 0.0
    paid_outside_idr: float = 0.0
    processed_kg: float = 0.0
    input_cost_idr: float = 0.0
    output_kg: float = 0.0
    revenue_idr: float = 0.0
    wage_bill_idr: float = 0.0
    variable_cost_idr: float = 0.0
    fixed_cost_idr: float = 0.0
    subsidy_idr: float = 0.0
    capex_public_idr: float = 0.0
    dividends_idr: float = 0.0
    profit_idr: float = 0.0
    cash_flow_idr: float = 0.0


class Processor(mesa.Agent):
    """A processing plant (huller, roastery, remiller, smokehouse) in one district."""

    def __init__(
        self,
        model: mesa.Model,
        *,
        name: str,
        index: int,
        district: int,
        commodity: int,
        spec: ProcessorSpec,
        process: Process,
    ):
        super().__init__(model)
        self.name = name
        self.index = index  # position in the model's processor list; households' job_firm
        self.district = district
        self.commodity = commodity
        self.spec = spec
        self.process = process
        self.stock_months = spec.input_stock_months
        self.cash_idr = spec.initial_cash_idr
        self.stock_kg = 0.0
        self.stock_value_idr = 0.0
        self.loss_months = 0
        self.negative_margin_months = 0
        self.exited = False
        self.opened = False
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

    def operating(self, step: int) -> bool:
        """Open (reached its opening month) and not exited."""
        return step >= self.spec.open_month and not self.exited

    def unit_margin(self, input_price: float, output_price: float) -> float:
        """Operating margin per kg of input (IDR/kg); see :func:`unit_margin`."""
        return unit_margin(self.spec, self.process, input_price, output_price)

    def offer_price(self, trader_farmgate: float) -> float:
        """Price offered to farmers; see :func:`offer_price`."""
        return offer_price(self.spec, trader_farmgate)

    def output_price(self, prices: Mapping[str, ReferencePrices]) -> float:
        """Reference price of the plant's output stage this month (IDR/kg)."""
        return prices[self.spec.commodity].price(self.process.output_stage)

    # ------------------------------------------------------------------ monthly phases
    def plan(self, step: int, offer: float, output_price: float, patience: int) -> float:
        """Planned throughput (kg input) this month: ``capacity x target utilisation`` while
        the unit margin at the current offer is positive or has been negative for fewer than
        ``patience`` months in a row; otherwise zero (the plant idles, workers are let go)."""
        self.books = Books()
        if not self.operating(step):
            return 0.0
        if self.unit_margin(offer, output_price) <= 0:
            self.negative_margin_months += 1
            if self.negative_margin_months >= patience:
                return 0.0
        else:
            self.negative_margin_months = 0
        planned = self.capacity_kg * self.spec.target_utilisation
        self.books.planned_kg = planned
        self.books.vacancies = planned * self.labour_per_kg
        return planned

    def purchase_room_kg(self) -> float:
        """What the plant will buy this month: its plan plus a stock buffer, less stock held."""
        target = self.books.planned_kg * (1.0 + self.stock_months)
        return max(0.0, min(target - self.stock_kg, self.capacity_kg * (1.0 + self.stock_months)))

    def staffed_kg(self) -> float:
        """Input the plant can process with the workers it has."""
        if self.labour_per_kg <= 0:
            return self.books.planned_kg
        return min(self.books.planned_kg, self.books.workers / self.labour_per_kg)

    def buy_from_farms(self, kg: float, price: float) -> None:
        """Book ``kg`` bought from the district's farms at ``price`` (IDR/kg)."""
        self.books.bought_direct_kg += kg
        self.books.paid_direct_idr += kg * price

    def buy_from_outside(self, kg: float, price: float) -> None:
        """Book ``kg`` bought from outside the district at ``price`` (IDR/kg)."""
        self.books.bought_outside_kg += kg
        self.books.paid_outside_idr += kg * price

    def process_and_sell(self, step: int, output_price: float) -> None:
        """Process input, sell output, pay wages and costs, book profit (ODD 7.6).

        ``output = processed x conversion``. Input is paid when bought and held as stock at
        its average cost; profit is on an accrual basis: ``profit = output x p_out - cost of
        the input processed - wages - variable cost - fixed cost + operating subsidy``.
        Cash moves by the payments: ``cash' = cash + revenue + subsidy - input purchases -
        wages - variable cost - fixed cost - dividends``.
        """
        b = self.books
        if not self.operating(step):
            return
        if not self.opened:
            self.opened = True
            if self.spec.owner != "private":
                b.capex_public_idr = self.spec.capex_idr
        self.stock_kg += b.bought_direct_kg + b.bought_outside_kg
        self.stock_value_idr += b.paid_direct_idr + b.paid_outside_idr
        b.processed_kg = min(self.stock_kg, self.staffed_kg())
        if self.stock_kg > 0:
            b.input_cost_idr = self.stock_value_idr * (b.processed_kg / self.stock_kg)
        self.stock_kg -= b.processed_kg
        self.stock_value_idr -= b.input_cost_idr
        b.output_kg = b.processed_kg * self.process.conversion_kg_per_kg
        b.revenue_idr = b.output_kg * output_price
        b.variable_cost_idr = b.output_kg * self.process.variable_cost_idr_per_kg_output
        b.wage_bill_idr = b.workers * self.spec.wage_idr_per_month
        b.fixed_cost_idr = self.spec.fixed_cost_idr_per_month
        b.subsidy_idr = self.spec.operating_subsidy_idr_per_month
        operating = (
            b.revenue_idr + b.subsidy_idr - b.wage_bill_idr - b.variable_cost_idr - b.fixed_cost_idr
        )
        b.profit_idr = operating - b.input_cost_idr
        if self.is_cooperative and b.profit_idr > 0:
            b.dividends_idr = self.spec.dividend_share * b.profit_idr
        b.cash_flow_idr = operating - b.paid_direct_idr - b.paid_outside_idr - b.dividends_idr
        self.cash_idr += b.cash_flow_idr
        self.loss_months = self.loss_months + 1 if b.profit_idr < 0 else 0

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
        "margin has been negative too long) or closed (exited after sustained losses)",
    ),
    "bought_local_kg": ("kg", "input bought from the district's farmers"),
    "bought_outside_kg": ("kg", "input bought from outside the district"),
    "processed_kg": ("kg", "input processed"),
    "output_kg": ("kg", "output sold"),
    "workers": ("workers", "workers employed (real persons)"),
    "wage_bill_idr": ("IDR/month", "wages paid"),
    "revenue_idr": ("IDR/month", "output sold times its price"),
    "profit_idr": ("IDR/month", "profit (accrual: input at average cost)"),
    "cash_idr": ("IDR", "cash at the end of the month"),
    "stock_kg": ("kg", "input held in stock at the end of the month"),
}


def plant_status(p: Processor, step: int) -> str:
    """``not_open``, ``open``, ``idle`` or ``closed`` at ``step`` (see :data:`PLANT_COLUMNS`)."""
    if p.exited:
        return "closed"
    if step < p.spec.open_month:
        return "not_open"
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
                "bought_local_kg": b.bought_direct_kg,
                "bought_outside_kg": b.bought_outside_kg,
                "processed_kg": b.processed_kg,
                "output_kg": b.output_kg,
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
    """Input capacity of the plants operating at ``step`` (kg/month, district x commodity)."""
    capacity = np.zeros((n_districts, n_commodities))
    for p in plants:
        if p.operating(step):
            capacity[p.district, p.commodity] += p.capacity_kg
    return capacity


def plan_month(
    plants: Sequence[Processor],
    step: int,
    trader_price_idr: np.ndarray,
    prices: Mapping[str, ReferencePrices],
    patience: int,
) -> None:
    """Every plant plans its month (:meth:`Processor.plan`) at its offer on its district's
    trader price (``trader_price_idr``: district x commodity) and its output's reference
    price, idling after ``patience`` months of negative margin."""
    for p in plants:
        offer = p.offer_price(trader_price_idr[p.district, p.commodity])
        p.plan(step, offer, p.output_price(prices), patience)


def buying(plants: Sequence[Processor], district: int, commodity: int) -> list[Processor]:
    """The plants of ``district`` buying ``commodity`` this month (those planning to process),
    in plant order."""
    return [
        p
        for p in plants
        if p.district == district and p.commodity == commodity and p.books.planned_kg > 0
    ]


def process_month(
    plants: Sequence[Processor],
    step: int,
    prices: Mapping[str, ReferencePrices],
    member_households: Mapping[int, float],
) -> tuple[np.ndarray, np.ndarray]:
    """Every plant processes and sells at its output's reference price
    (:meth:`Processor.process_and_sell`) and settles its dividend per member household
    (``member_households``: plant index -> real member households).

    Returns:
        Each plant's wage and dividend per member household (IDR/month) by plant index,
        with a last entry of zero for households without a job or a cooperative (index -1).
    """
    wage = np.zeros(len(plants) + 1)
    dividend = np.zeros(len(plants) + 1)
    for p in plants:
        p.process_and_sell(step, p.output_price(prices))
        wage[p.index] = p.spec.wage_idr_per_month
        dividend[p.index] = p.settle_dividend(member_households.get(p.index, 0.0))
    return wage, dividend


# ---------------------------------------------------------------------------- plants as arrays
def as_buyers(
    plants: Sequence[Processor], trader_price: float, members: Mapping[int, np.ndarray]
) -> trade.Buyers:
    """The plants buying this month as :func:`valuechain.model.trade.sell_harvest` takes them:
    offers, purchase room, and each cooperative's members (from ``members``, by plant)."""
    if not plants:
        return trade.NO_BUYERS
    return trade.Buyers(
        offer_idr_per_kg=np.array([p.offer_price(trader_price) for p in plants]),
        room_kg=np.array([p.purchase_room_kg() for p in plants]),
        members=tuple(members[p.index] if p.spec.member_share > 0 else None for p in plants),
    )


def book_purchases(plants: Sequence[Processor], buyers: trade.Buyers, sale: trade.Sale) -> None:
    """Book what each plant bought from farms in ``sale``: from members first, then the queue."""
    for p, offer, from_members, from_queue in zip(
        plants, buyers.offer_idr_per_kg, sale.member_kg, sale.queue_kg, strict=True
    ):
        p.buy_from_farms(float(from_members), offer)
        p.buy_from_farms(float(from_queue), offer)


def buy_top_up(
    plants: Sequence[Processor], reference: float, prices: Mapping[str, ReferencePrices]
) -> float:
    """Plants short of input buy it from outside the district at the ``reference`` price
    (:func:`valuechain.model.trade.top_up_kg`); returns the kg bought, in total."""
    total = 0.0
    for p in plants:
        kg = trade.top_up_kg(
            p.staffed_kg(),
            p.stock_kg,
            p.books.bought_direct_kg,
            p.unit_margin(reference, p.output_price(prices)),
        )
        p.buy_from_outside(kg, reference)
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
    )

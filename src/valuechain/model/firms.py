"""Processors and cooperatives: the few, as Mesa agents with per-agent accounts.

A processor buys the farm stage of its commodity in its district, hires workers, turns input
into output at its conversion ratio, sells output at the stage's reference price, pays wages
and costs, and books a profit. Cooperative plants pay part of their profit to members.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa

from valuechain.config.scenario import Process, ProcessorSpec

__all__ = ["Books", "Processor"]


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
        """Operating margin per kg of input (IDR/kg): output value less input, variable and
        labour cost. ``conversion x (p_out - variable cost) - p_in - wage x labour per kg``."""
        conv = self.process.conversion_kg_per_kg
        return (
            conv * (output_price - self.process.variable_cost_idr_per_kg_output)
            - input_price
            - self.spec.wage_idr_per_month * self.labour_per_kg
        )

    def offer_price(self, trader_farmgate: float) -> float:
        """Price offered to farmers: the trader's farmgate price plus a premium."""
        return trader_farmgate * (1.0 + self.spec.offer_premium)

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

    def top_up_room_kg(self) -> float:
        """Input still wanted after farmers sold: to run staffed capacity this month."""
        have = self.stock_kg + self.books.bought_direct_kg
        return max(0.0, self.staffed_kg() - have)

    def process_and_sell(self, step: int, output_price: float) -> None:
        """Process input, sell output, pay wages and costs, book profit (ODD 7.5).

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

    def maybe_exit(self, exit_after_loss_months: int) -> bool:
        """Private and cooperative plants exit after sustained losses; public plants stay."""
        if self.exited or self.spec.owner == "public":
            return False
        if self.loss_months >= exit_after_loss_months:
            self.exited = True
            return True
        return False

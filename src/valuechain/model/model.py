"""ValueChainModel: a district economy of farm households, traders and processors, by month.

``step()`` is the table of contents: it lists the monthly phases in order. Each phase is a
method whose docstring names its ODD section and states its equations and units. Households
live in numpy arrays (:mod:`valuechain.model.households`) and the loops over them are compiled
kernels (:mod:`valuechain.model.kernels`); processors are Mesa agents (:mod:`valuechain.model.firms`);
markets are functions on arrays (:mod:`valuechain.model.prices`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import mesa
import numpy as np
import pandas as pd

from valuechain.config.scenario import Chain, ProcessorSpec, Scenario
from valuechain.config.schema import MAX_SKILL
from valuechain.model import kernels
from valuechain.model import prices as markets
from valuechain.model.accounts import Ledger
from valuechain.model.firms import Processor
from valuechain.model.households import generate_population, mean_one_lognormal
from valuechain.model.households.demography import COUNTS, age_one_year
from valuechain.model.kernels import wsum
from valuechain.model.policies.programmes import make_programme
from valuechain.model.policies.registry import certify, targeting_errors
from valuechain.model.rng import Streams

__all__ = ["ValueChainModel"]


@dataclass
class _Prices:
    """Reference-price state of one chain (log prices per stage)."""

    chain: Chain
    stages: list[str]
    farm: int
    log_price: np.ndarray
    log_mean: np.ndarray
    kappa: np.ndarray
    sigma: np.ndarray
    drift: np.ndarray

    def price(self, stage: str) -> float:
        return math.exp(self.log_price[self.stages.index(stage)])


@dataclass
class _Month:
    """Scratch of one month: draws and flows shared between phases (reset every step)."""

    weather: dict[tuple[int, int], float] = field(default_factory=dict)
    health_u: dict[int, np.ndarray] = field(default_factory=dict)
    labour_u: dict[int, np.ndarray] = field(default_factory=dict)
    market_offset: dict[int, int] = field(default_factory=dict)
    trader_price: dict[tuple[int, int], float] = field(default_factory=dict)
    farm_worker_months: dict[int, float] = field(default_factory=dict)
    idle_worker_months: dict[int, float] = field(default_factory=dict)
    trader_kg: dict[tuple[int, int], float] = field(default_factory=dict)  # leaves raw
    imported_kg: dict[tuple[int, int], float] = field(default_factory=dict)
    sold_kg: dict[tuple[int, int], float] = field(default_factory=dict)
    targeting_errors: dict[int, tuple[float, float]] = field(default_factory=dict)
    export_tax_rate: dict[tuple[int, int], float] = field(default_factory=dict)
    tax_revenue: dict[int, float] = field(default_factory=dict)
    farm_revenue: dict[tuple[int, int], float] = field(default_factory=dict)


class ValueChainModel(mesa.Model):
    """The model: build from a validated :class:`~valuechain.config.Scenario` and a seed.

    Args:
        scenario: a validated scenario (see :func:`valuechain.load_scenario`).
        seed: the run seed; every random stream derives from it and a stable name.
    """

    def __init__(self, scenario: Scenario, seed: int | None = None):
        seed = scenario.seed if seed is None else int(seed)
        super().__init__(seed=seed)
        self.scenario = scenario
        self.seed = seed
        self.streams = Streams(seed)
        self.t = -scenario.spinup_months  # months before the start are the spin-up
        self._first_step = self.t
        self._date: tuple[int | None, str] = (None, "")
        self.district_names = list(scenario.districts)
        self.commodities = tuple(scenario.commodities)
        self.households = generate_population(scenario, self.streams.stream("population"))
        self._prices = {c: self._init_prices(scenario.chains[c]) for c in self.commodities}
        self.processors: list[Processor] = []
        self.programmes = [
            make_programme(name, spec, self) for name, spec in sorted(scenario.policies.items())
        ]
        for k, (dname, d) in enumerate(scenario.districts.items()):
            for pname, spec in d.processors.items():
                self._add_processor(f"{dname}/{pname}", k, spec)
        self._entrants = dict.fromkeys(range(len(self.district_names)), 0)
        self._market_queue = [  # positions within each district, in queue order
            np.argsort(self.households.market_rank[s], kind="stable")
            for s in self.households.district_slices
        ]
        self._init_households()
        hh = self.households
        self._mean_monthly_harvest_kg = np.array(
            [
                [
                    wsum(hh.weight[s], hh.land_ha[s, j])
                    * scenario.chains[c].yield_kg_per_ha_year
                    / 12
                    for j, c in enumerate(self.commodities)
                ]
                for s in hh.district_slices
            ]
        )
        self.ledger = Ledger(len(self.district_names), len(self.commodities))
        pov = scenario.poverty
        #: USD 1.90, USD 2.15 and national lines (IDR per person per month), in that order
        self.poverty_lines = np.array(
            [
                pov.extreme_190_idr_per_person_month,
                pov.extreme_215_idr_per_person_month,
                pov.national_idr_per_person_month,
            ],
            dtype=np.float64,
        )
        b = scenario.households
        self._consumption_rule = np.array(
            [
                b.mpc_cash_on_hand,
                b.buffer_target_months,
                b.borrowing_limit_months,
                b.debt_interest_month,
                b.permanent_income_weight,
            ]
        )
        self._month = _Month()
        self._records: list[dict] = []
        self._spin_up()

    # ================================================================== the schedule
    def step(self) -> None:
        """One month. The order below is the model's schedule (docs/ODD.md, section 3)."""
        self._month = _Month()
        self.ledger.start_month(self)
        self.exogenous_shocks()  # 1 prices, weather, household shocks
        self.production()  # 2 harvest
        self.labour_market()  # 3 plans, vacancies, hiring; farm and informal work
        self.selling()  # 4 farmers to cooperatives, processors, traders
        self.processing()  # 5 process, sell output, wages, profit, dividends
        self.policies()  # 6 registry certification; programmes enrol, pay, train, cover
        self.household_budgets()  # 7 income, consumption, savings, poverty spells
        self.firm_dynamics()  # 8 exits and entries
        self.demography()  # 9 each January: ageing, births, deaths, new workers' skill
        self.record_metrics()  # 10 indicators and accounting residuals
        self.t += 1

    def _spin_up(self) -> None:
        """The months before ``start`` (ODD 5): the district as it was before the scenario.

        Plants open at month 0 or later, so none operates; scheduled shocks start at month
        0 or later; nothing is recorded. Households settle into their own distribution of
        savings and permanent income. Reference prices are then reset to their start values,
        so the first month starts from the prices the scenario states.
        """
        while self.t < 0:
            self.step()
        for c, pr in self._prices.items():
            start = self._init_prices(self.scenario.chains[c])
            pr.log_price, pr.log_mean = start.log_price, start.log_mean

    def run(self, months: int | None = None) -> ValueChainModel:
        """Step until ``months`` months have been simulated (default: the scenario's)."""
        end = self.scenario.months if months is None else months
        while self.t < end:
            self.step()
        return self

    # ================================================================== setup
    def _init_prices(self, chain: Chain) -> _Prices:
        stages = list(chain.stages)
        p0 = np.log([chain.stages[s].price_idr_per_kg for s in stages])
        return _Prices(
            chain=chain,
            stages=stages,
            farm=stages.index(chain.farm_stage),
            log_price=p0.copy(),
            log_mean=p0.copy(),
            kappa=np.array([chain.stages[s].mean_reversion_month for s in stages]),
            sigma=np.array([chain.stages[s].volatility_month for s in stages]),
            drift=np.array([chain.stages[s].drift_month for s in stages]),
        )

    def _add_processor(self, name: str, district: int, spec: ProcessorSpec) -> Processor:
        chain = self.scenario.chains[spec.commodity]
        p = Processor(
            self,
            name=name,
            index=len(self.processors),
            district=district,
            commodity=self.commodities.index(spec.commodity),
            spec=spec,
            process=chain.processes[spec.process],
        )
        self.processors.append(p)
        return p

    def _init_households(self) -> None:
        """Initial permanent income, savings, insurance and cooperative membership (ODD 5)."""
        hh = self.households
        sc = self.scenario
        rng = self.streams.stream("population")
        perm = hh.other_income_idr.copy()
        for k, (_, d) in enumerate(sc.districts.items()):
            s = hh.district_slices[k]
            lab = d.labour
            perm[s] += hh.n_adults[s] * lab.p_informal_work * lab.informal_income_idr_per_month
            for j, c in enumerate(self.commodities):
                ch = sc.chains[c]
                net = (1 - ch.trader_margin_max) * (1 - ch.farm_cost_share)
                value = ch.yield_kg_per_ha_year / 12 * ch.stages[ch.farm_stage].price_idr_per_kg
                perm[s] += hh.land_ha[s, j] * value * net
        hh.permanent_income_idr[:] = perm
        hh.savings_idr[:] = perm * sc.households.buffer_target_months * rng.uniform(0, 2, hh.n)
        hh.consumption_idr[:] = perm
        for k, dname in enumerate(self.district_names):
            s = hh.district_slices[k]
            u = self.streams.stream(f"health/{dname}").random(hh.n_adults[s].size)
            hh.has_insurance[s] = u < sc.health.share_covered
        for p in self.processors:
            if p.spec.member_share <= 0:
                continue
            s = hh.district_slices[p.district]
            u = self.streams.stream(f"membership/{p.name}").random(s.stop - s.start)
            grows = hh.land_ha[s, p.commodity] > 0
            join = grows & (u < p.spec.member_share) & (hh.coop[s] < 0)
            hh.coop[s][join] = p.index
        # membership is fixed for the run: each cooperative's members (positions in their
        # district, in household order) and their weight (real households)
        self._coop_members: dict[int, np.ndarray] = {}
        self._coop_households: dict[int, float] = {}
        for p in self.processors:
            s = hh.district_slices[p.district]
            members = np.flatnonzero(hh.coop[s] == p.index)
            self._coop_members[p.index] = members
            self._coop_households[p.index] = float(hh.weight[s][members].sum())

    # ================================================================== phases
    def exogenous_shocks(self) -> None:
        """Phase 1 (ODD 7.1): reference prices move; weather, income and health draws.

        Every draw is taken every month for every household from its named stream, whether
        or not it is used, so that scenarios stay aligned (common random numbers).
        """
        for c, pr in self._prices.items():
            for shock in self.scenario.shocks:
                if shock.commodity == c and shock.month == self.t:
                    idx = [pr.stages.index(s) for s in (shock.stages or pr.stages)]
                    pr.log_price[idx] += math.log(shock.factor)
                    if shock.persistent:
                        pr.log_mean[idx] += math.log(shock.factor)
            rng = self.streams.stream(f"prices/{c}")
            z_common = float(rng.standard_normal())
            z_stage = rng.standard_normal(len(pr.stages))
            pr.log_mean += pr.drift
            pr.log_price = markets.step_log_prices(
                pr.log_price,
                pr.log_mean,
                pr.kappa,
                pr.sigma,
                pr.chain.price_correlation,
                z_common,
                z_stage,
            )
        hh = self.households
        m = self._month
        for k, dname in enumerate(self.district_names):
            n = hh.district_slices[k].stop - hh.district_slices[k].start
            for j, c in enumerate(self.commodities):
                z = float(self.streams.stream(f"weather/{dname}/{c}").standard_normal())
                m.weather[(k, j)] = mean_one_lognormal(z, self.scenario.chains[c].weather_sd)
            m.health_u[k] = self.streams.stream(f"health/{dname}").random(n)
            m.labour_u[k] = self.streams.stream(f"labour/{dname}").random(n)
            m.market_offset[k] = int(self.streams.stream(f"market/{dname}").integers(0, n))

    def production(self) -> None:
        """Phase 2 (ODD 7.2): harvest = land x yield x season share x weather x own shock (kg).

        Weather is district-wide, the own shock household-specific; both log-normal with
        mean one. The season share is that of the calendar month.
        """
        hh = self.households
        month = self.calendar_month
        hh.farm_revenue_idr[:] = 0.0
        for k, dname in enumerate(self.district_names):
            s = hh.district_slices[k]
            n = s.stop - s.start
            for j, c in enumerate(self.commodities):
                ch = self.scenario.chains[c]
                z = self.streams.stream(f"harvest/{dname}/{c}").standard_normal(n)
                scale = (
                    ch.yield_kg_per_ha_year
                    * ch.season_share_by_month[month - 1]
                    * self._month.weather[(k, j)]
                )
                kernels.harvest_month(
                    hh.land_ha[s, j], z, scale, ch.idiosyncratic_yield_sd, hh.harvest_kg[s, j]
                )

    def labour_market(self) -> None:
        """Phase 3 (ODD 7.3): processors plan and hire; others do farm or informal work.

        Trader margin ``m = m_max - (m_max - m_min) x min(1, competition x s)`` with ``s`` the
        operating local processors' capacity over the district's mean monthly harvest;
        a processor plans ``capacity x utilisation`` unless its unit margin at its offer has
        been negative for ``idle_after_negative_margin_months`` months in a row. Vacancies =
        planned t x labour per t. Incumbents keep their jobs; excess workers are let go
        lowest priority first; each month a worker leaves with ``p_job_separation_month``
        (and is not rehired that month); vacancies are filled from households with a free
        adult of sufficient skill, by priority (skill, then a fixed random rank), best wages
        first. One processing job per household at most.
        """
        hh = self.households
        m = self._month
        comp = self.scenario.firms.trader_competition
        for k in range(len(self.district_names)):
            for j, c in enumerate(self.commodities):
                ch = self.scenario.chains[c]
                capacity = sum(
                    p.capacity_kg
                    for p in self.processors
                    if p.operating(self.t) and p.district == k and p.commodity == j
                )
                expected = self._mean_monthly_harvest_kg[k, j]
                share = capacity / expected if expected > 0 else 0.0
                margin = markets.trader_margin(
                    ch.trader_margin_min, ch.trader_margin_max, share, comp
                )
                rate = sum(p.export_tax_rate(self, k, j) for p in self.programmes)
                m.export_tax_rate[(k, j)] = rate
                ref = self.reference_farm_price(c)
                m.trader_price[(k, j)] = ref * max(0.0, 1 - margin - rate)
        for p in self.processors:
            c = self.commodities[p.commodity]
            offer = p.offer_price(m.trader_price[(p.district, p.commodity)])
            p.plan(
                self.t,
                offer,
                self._prices[c].price(p.process.output_stage),
                self.scenario.firms.idle_after_negative_margin_months,
            )
        for k, d in enumerate(self.scenario.districts.values()):
            self._match_jobs(k)
            s = hh.district_slices[k]
            demand = 0.0
            for j, c in enumerate(self.commodities):
                per_t = self.scenario.chains[c].hired_labour_worker_months_per_t
                demand += per_t * wsum(hh.weight[s], hh.harvest_kg[s, j]) / 1000.0
            led = self.ledger
            filled, farm_months, idle = kernels.work_month(
                hh.n_adults[s],
                hh.job_firm[s],
                hh.weight[s],
                m.labour_u[k],
                demand,
                d.labour.p_informal_work,
                d.labour.farm_wage_idr_per_month,
                d.labour.informal_income_idr_per_month,
                led.farm_wage_earned[s],
                led.informal[s],
            )
            for j, c in enumerate(self.commodities):
                per_t = self.scenario.chains[c].hired_labour_worker_months_per_t
                cost_per_kg = per_t / 1000.0 * d.labour.farm_wage_idr_per_month
                led.farm_wage_paid[s] += hh.harvest_kg[s, j] * (cost_per_kg * filled)
            m.farm_worker_months[k] = farm_months
            m.idle_worker_months[k] = idle

    def _match_jobs(self, k: int) -> None:
        hh = self.households
        s = hh.district_slices[k]
        firms = [p for p in self.processors if p.district == k]
        if not firms:
            return
        queue = hh.labour_queue[k]
        jf = hh.job_firm
        # workers leave for their own reasons; who left cannot be rehired this month
        rate = self.scenario.districts[self.district_names[k]].labour.p_job_separation_month
        u = self.streams.stream(f"labour/{self.district_names[k]}/separation").random(
            s.stop - s.start
        )
        left = np.zeros(u.size, dtype=bool)
        employed = np.zeros(len(self.processors))
        kernels.separate(jf[s], u, rate, hh.weight[s], left, employed)
        for p in firms:
            excess = employed[p.index] - p.books.vacancies
            if excess > 0:  # a plant planning nothing lets everyone go
                employed[p.index] -= kernels.lay_off_in_queue(
                    queue, jf, p.index, hh.weight, math.inf if p.books.vacancies == 0 else excess
                )
        for p in sorted(firms, key=lambda f: (-f.spec.wage_idr_per_month, f.index)):
            need = p.books.vacancies - employed[p.index]
            employed[p.index] += kernels.hire_in_queue(
                queue,
                jf,
                hh.skill,
                hh.n_adults,
                left,
                s.start,
                hh.weight,
                p.index,
                p.spec.skill_required,
                need,
            )
        for p in firms:
            p.books.workers = float(employed[p.index])

    def selling(self) -> None:
        """Phase 4 (ODD 7.4): each farm sells its harvest to the best local buyer with room.

        Cooperative members sell to their cooperative first (up to its purchase room);
        the rest queue (in a fixed random order, rotated each month) to processors in order
        of their offers, then to traders, who buy any amount at the trader farmgate price
        and take it out of the district raw. Processors still short of input for their
        staffed capacity buy it from outside the district at the reference price, when the
        margin at that price is positive.
        """
        for k in range(len(self.district_names)):
            for j, c in enumerate(self.commodities):
                buyers = [
                    p
                    for p in self.processors
                    if p.district == k and p.commodity == j and p.books.planned_kg > 0
                ]
                self._sell_harvest(k, j, buyers)
                ref = self.reference_farm_price(c)
                bought = 0.0
                for b in buyers:
                    if b.unit_margin(ref, self._prices[c].price(b.process.output_stage)) > 0:
                        kg = b.top_up_room_kg()
                        b.books.bought_outside_kg += kg
                        b.books.paid_outside_idr += kg * ref
                        bought += kg
                self._month.imported_kg[(k, j)] = bought

    def _sell_harvest(self, k: int, j: int, buyers: list[Processor]) -> None:
        hh = self.households
        m = self._month
        s = hh.district_slices[k]
        w = hh.weight[s]
        pt = m.trader_price[(k, j)]
        # the harvest sold, summed the same way whoever buys (scenarios stay comparable)
        m.sold_kg[(k, j)] = wsum(w, hh.harvest_kg[s, j])
        groups = [g for p in self.programmes if (g := p.collective_margin(self, k, j)) is not None]
        if not buyers and not groups:  # every lot goes to the traders, in one pass
            kg, paid = kernels.sell_to_traders(
                hh.harvest_kg[s, j],
                w,
                pt,
                self.scenario.chains[self.commodities[j]].farm_cost_share,
                hh.farm_revenue_idr[s],
                self.ledger.farm_inputs[s],
            )
            self._book_traders(k, j, paid, kg, 0.0)
            return
        lots = hh.harvest_kg[s, j] * w  # real kg
        m.trader_kg[(k, j)] = 0.0
        if not lots.any():
            return
        revenue = np.zeros(lots.size)  # real IDR
        for p in (b for b in buyers if b.spec.member_share > 0):
            offer = p.offer_price(pt)
            taken = kernels.take_in_order(
                lots, self._coop_members[p.index], p.purchase_room_kg(), offer, revenue
            )
            p.books.bought_direct_kg += taken
            p.books.paid_direct_idr += taken * offer
        open_buyers = sorted(
            (b for b in buyers if b.purchase_room_kg() > b.books.bought_direct_kg),
            key=lambda b: (-b.offer_price(pt), b.index),
        )
        trader_lot = np.zeros(lots.size)
        bought = np.zeros(len(open_buyers))
        trader_kg = kernels.sell_in_queue(
            lots,
            self._market_queue[k],
            m.market_offset[k],
            np.array([b.purchase_room_kg() - b.books.bought_direct_kg for b in open_buyers]),
            np.array([b.offer_price(pt) for b in open_buyers]),
            pt,
            revenue,
            trader_lot,
            bought,
        )
        for b, kg in zip(open_buyers, bought, strict=True):
            b.books.bought_direct_kg += float(kg)
            b.books.paid_direct_idr += float(kg) * b.offer_price(pt)
        ref = self.reference_farm_price(self.commodities[j])
        rate = m.export_tax_rate[(k, j)]
        collective = 0.0  # what groups selling collectively get above the trader price
        for members, margin in groups:
            gain = max(0.0, ref * max(0.0, 1 - margin - rate) - pt)
            extra = np.where(members, trader_lot, 0.0) * gain
            revenue += extra
            collective += float(extra.sum())
        self._book_sale(k, j, revenue, trader_kg, collective)

    def _book_sale(
        self, k: int, j: int, revenue: np.ndarray, trader_kg: float, collective: float
    ) -> None:
        """Book what the farms of district ``k`` received for commodity ``j`` (``revenue``,
        real IDR per household) and their input costs, then the traders' side."""
        hh = self.households
        s = hh.district_slices[k]
        per_household = revenue / hh.weight[s]
        hh.farm_revenue_idr[s] += per_household
        cost_share = self.scenario.chains[self.commodities[j]].farm_cost_share
        self.ledger.farm_inputs[s] += per_household * cost_share
        self._book_traders(k, j, float(revenue.sum()), trader_kg, collective)

    def _book_traders(
        self, k: int, j: int, farm_revenue: float, trader_kg: float, collective: float
    ) -> None:
        """Book the district's farm revenue (real IDR), what traders bought and paid (with
        the collective-selling premium) and the export tax on what they take out raw."""
        m = self._month
        m.farm_revenue[(k, j)] = farm_revenue
        self.ledger.paid_by_traders[k] += trader_kg * m.trader_price[(k, j)] + collective
        m.trader_kg[(k, j)] = trader_kg
        ref = self.reference_farm_price(self.commodities[j])
        rate = m.export_tax_rate[(k, j)]
        m.tax_revenue[k] = m.tax_revenue.get(k, 0.0) + trader_kg * ref * rate

    def processing(self) -> None:
        """Phase 5 (ODD 7.5): processors process, sell output, pay wages; cooperatives pay
        dividends to members (equal shares per member household)."""
        hh = self.households
        if not self.processors:  # no wages, no dividends (the ledger starts the month at 0)
            return
        wage = np.zeros(len(self.processors) + 1)  # last entry: no job (index -1)
        dividend = np.zeros(len(self.processors) + 1)
        for p in self.processors:
            c = self.commodities[p.commodity]
            p.process_and_sell(self.t, self._prices[c].price(p.process.output_stage))
            wage[p.index] = p.spec.wage_idr_per_month
            if p.books.dividends_idr > 0:
                members = self._coop_households.get(p.index, 0.0)
                if members > 0:
                    dividend[p.index] = p.books.dividends_idr / members
                else:  # no members to pay: the surplus stays in the cooperative
                    p.cash_idr += p.books.dividends_idr
                    p.books.cash_flow_idr += p.books.dividends_idr
                    p.books.dividends_idr = 0.0
        kernels.gather(wage, hh.job_firm, self.ledger.wages)
        kernels.gather(dividend, hh.coop, self.ledger.dividends)

    def policies(self) -> None:
        """Phase 6 (ODD 7.6): the registry is certified; every programme acts.

        In the first month simulated and every ``recertify_every_months``, in each district, score =
        log(consumption per person) + noise; the lowest ``coverage_share`` register, and
        every household gets its rank. Targeting errors are measured against the poorest
        ``coverage_share`` by consumption now. Then each programme carries on (trainees
        progress) and, when active and within budget, enrols from the registry and delivers.
        """
        reg = self.scenario.registry
        hh = self.households
        m = self._month
        for k, dname in enumerate(self.district_names):
            s = hh.district_slices[k]
            pc = hh.consumption_idr[s] / hh.size[s]
            if self.t == self._first_step or self.t % reg.recertify_every_months == 0:
                noise = self.streams.stream(f"targeting/{dname}").standard_normal(pc.size)
                cert = certify(pc, noise, reg.score_noise_sd, reg.coverage_share)
                hh.registry_score[s] = cert.score
                hh.registry_rank[s] = cert.rank
                hh.registered[s] = cert.registered
            m.targeting_errors[k] = targeting_errors(
                pc, hh.registered[s], hh.weight[s], reg.coverage_share
            )
        hh.subsidised_cover[:] = False
        for p in self.programmes:
            p.advance(self)
            p.act(self)

    def household_budgets(self) -> None:
        """Phase 7 (ODD 7.7): income, health costs, consumption and poverty spells.

        Net income = farm sales x (1 - input cost share) - hired farm labour + farm wages
        + processing wages + informal earnings + other income x shock + transfers
        + dividends. A health shock costs ``cost`` out of pocket (unless insured) and
        ``lost share`` of informal earnings and other (self-employment) income.
        """
        hh = self.households
        led = self.ledger
        sc = self.scenario
        first = self.t == self._first_step
        for k, (dname, d) in enumerate(sc.districts.items()):
            s = hh.district_slices[k]
            z = self.streams.stream(f"income/{dname}").standard_normal(s.stop - s.start)
            kernels.budget_month(
                led.flows[:, s],
                hh.farm_revenue_idr[s],
                hh.other_income_idr[s],
                z,
                d.population.other_income_monthly_sd,
                self._month.health_u[k],
                sc.health.p_shock_month,
                hh.has_insurance[s],
                hh.subsidised_cover[s],
                sc.health.cost_idr,
                sc.health.lost_work_share,
                hh.savings_idr[s],
                hh.permanent_income_idr[s],
                hh.consumption_idr[s],
                hh.income_idr[s],
                hh.size[s],
                self._consumption_rule,
                sc.poverty.extreme_190_idr_per_person_month,
                hh.is_extreme_poor[s],
                led.was_extreme_poor[s],
                hh.months_out_run[s],
                first,
            )
        if self.t == 0:
            pc = hh.consumption_idr / hh.size
            hh.poor_at_start[:] = pc < sc.poverty.national_idr_per_person_month
            hh.extreme_poor_at_start[:] = hh.is_extreme_poor

    def firm_dynamics(self) -> None:
        """Phase 8 (ODD 7.8): exits after sustained losses; entry when margins clear a hurdle.

        Entry is considered every ``entry_interval_months``: in each district with an entry
        rule, one private plant enters (opening next month) when
        ``unit margin / output value per kg input >= hurdle`` at current prices.
        """
        fm = self.scenario.firms
        for p in self.processors:
            p.maybe_exit(fm.exit_after_loss_months)
        if self.t <= 0 or self.t % fm.entry_interval_months:
            return
        for k, (dname, d) in enumerate(self.scenario.districts.items()):
            e = d.entry
            if e is None or self._entrants[k] >= e.max_entrants:
                continue
            chain = self.scenario.chains[e.commodity]
            proc = chain.processes[e.process]
            j = self.commodities.index(e.commodity)
            spec = ProcessorSpec(
                commodity=e.commodity,
                process=e.process,
                owner="private",
                capacity_t_per_month=e.capacity_t_per_month,
                wage_idr_per_month=e.wage_idr_per_month,
                skill_required=e.skill_required,
                fixed_cost_idr_per_month=e.fixed_cost_idr_per_month,
                open_month=self.t + 1,
            )
            out_price = self._prices[e.commodity].price(proc.output_stage)
            probe = Processor(
                self, name="probe", index=-1, district=k, commodity=j, spec=spec, process=proc
            )
            offer = probe.offer_price(self._month.trader_price[(k, j)])
            share = probe.unit_margin(offer, out_price) / (proc.conversion_kg_per_kg * out_price)
            probe.remove()
            if share >= e.hurdle_margin_share:
                self._entrants[k] += 1
                self._add_processor(f"{dname}/entrant_{self._entrants[k]}", k, spec)

    def demography(self) -> None:
        """Phase 9 (ODD 7.9): each January, the population ages by a year.

        Children move up age groups, senior-school children reach working age, adults reach
        old age, elderly members die, households with an adult may have a child. A new
        worker's skill is drawn from the district's skill shares plus any education gain;
        the household's skill becomes the better of the two.
        """
        dem = self.scenario.demography
        if not dem.enabled or self.calendar_month != 1:
            return
        hh = self.households
        for k, (dname, d) in enumerate(self.scenario.districts.items()):
            s = hh.district_slices[k]
            rng = self.streams.stream(f"demography/{dname}")
            counts = {name: getattr(hh, name)[s].astype(np.int64) for name in COUNTS}
            res = age_one_year(
                counts,
                rng,
                p_birth=dem.p_birth_year,
                p_adult_to_elderly=dem.p_adult_to_elderly_year,
                p_elderly_death=dem.p_elderly_death_year,
            )
            for name in COUNTS:
                getattr(hh, name)[s] = counts[name]
            shares = d.population.skill_shares
            drawn = rng.choice(len(shares), size=s.stop - s.start, p=shares)
            gain = sum(p.education_gain(self, k) for p in self.programmes)
            new_skill = np.minimum(drawn + gain, MAX_SKILL)
            delta = np.where(
                (res.new_adults > 0) & (new_skill > hh.skill[s]), new_skill - hh.skill[s], 0
            )
            hh.skill[s] += delta.astype(hh.skill.dtype)
            hh.labour_priority[s] += delta
        hh.job_firm[hh.n_adults == 0] = -1  # a worker who reached old age leaves the job
        hh.n_children[:] = hh.n_young + hh.n_primary + hh.n_junior + hh.n_senior
        hh.size[:] = hh.n_adults + hh.n_children + hh.n_elderly + hh.n_disabled
        hh.persons[:] = hh.weight * hh.size
        hh.refresh_labour_queue()

    def record_metrics(self) -> None:
        """Phase 10 (ODD 7.10): indicators for each district and the total, with residuals."""
        from valuechain.outputs.indicators import district_rows

        if self.t >= 0:  # the spin-up is not recorded
            self._records.extend(district_rows(self))

    # ================================================================== reading
    @property
    def calendar_month(self) -> int:
        """Calendar month (1-12) of the current step."""
        return int(self.date[5:7])

    @property
    def date(self) -> str:
        """The current step's month as ``YYYY-MM``."""
        if self._date[0] != self.t:
            y, mo = (int(x) for x in self.scenario.start.split("-"))
            total = y * 12 + mo - 1 + self.t
            self._date = (self.t, f"{total // 12:04d}-{total % 12 + 1:02d}")
        return self._date[1]

    def reference_farm_price(self, commodity: str) -> float:
        """Reference price of a commodity's farm stage (IDR/kg) this month."""
        pr = self._prices[commodity]
        return math.exp(pr.log_price[pr.farm])

    def reference_prices(self) -> dict[str, float]:
        """Every stage's reference price, keyed ``commodity.stage``."""
        return {f"{c}.{s}": pr.price(s) for c, pr in self._prices.items() for s in pr.stages}

    def indicators(self) -> pd.DataFrame:
        """Indicators so far: one row per step x district, plus ``district == "all"``."""
        return pd.DataFrame.from_records(self._records)

    def summary(self) -> dict[str, float]:
        """One row of run summaries (see :data:`valuechain.outputs.metrics.SUMMARY`)."""
        from valuechain.outputs.indicators import summarise

        return summarise(self.indicators(), self.commodities)

    def processor_table(self) -> pd.DataFrame:
        """Processors with their state and last month's books."""
        rows = []
        for p in self.processors:
            row = {
                "name": p.name,
                "district": self.district_names[p.district],
                "commodity": self.commodities[p.commodity],
                "process": p.spec.process,
                "owner": p.spec.owner,
                "operating": p.operating(self.t - 1),
                "exited": p.exited,
                "cash_idr": p.cash_idr,
                "stock_kg": p.stock_kg,
            }
            row.update(vars(p.books))
            rows.append(row)
        return pd.DataFrame(rows)

    def release(self) -> None:
        """Drop the references Mesa 3.3 keeps to every model (``Agent._ids``).

        Call it when a worker is done with a model; otherwise a process that runs thousands
        of models keeps them all alive.
        """
        mesa.Agent._ids.pop(self, None)

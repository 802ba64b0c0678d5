"""ValueChainModel: a district economy of farm households, traders and processors, by month.

``step()`` is the table of contents: it lists the monthly phases in order. Each phase is a
method whose docstring names its ODD section and states its equations and units; the method
is glue that gathers arrays, calls the functions that do the work and books their results.
Households live in numpy arrays (:mod:`valuechain.model.households`, their loops compiled
kernels in :mod:`valuechain.model.kernels`); processors are Mesa agents
(:mod:`valuechain.model.firms`); reference prices are :mod:`valuechain.model.prices`, the
trader price and selling :mod:`valuechain.model.trade`; the month's flows are the ledger's
(:mod:`valuechain.model.accounts`), its draws and trader prices
:mod:`valuechain.model.conditions`, the targeting registry :mod:`valuechain.model.policies`.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from valuechain.config.behaviour import MONTHS_PER_YEAR
from valuechain.config.scenario import ProcessorSpec, Scenario
from valuechain.model import kernels, trade
from valuechain.model.accounts import Ledger
from valuechain.model.channels import IncomeChannels
from valuechain.model.conditions import MonthConditions
from valuechain.model.firms import (
    PLANT_COLUMNS,
    Processor,
    as_buyers,
    as_employers,
    book_purchases,
    buy_out_ties,
    buy_top_up,
    buying,
    entrant_spec,
    entry_margin_share,
    operating_capacity_kg,
    plan_month,
    plant_month_rows,
    process_month,
    processor_table,
    with_outgrowers,
)
from valuechain.model.households import generate_population
from valuechain.model.households.budgets import (
    LINE_190,
    LINE_NATIONAL,
    FarmExpectations,
    budget_month,
    consumption_rule,
    farm_expectations,
    mark_poverty_at_start,
    poverty_lines,
)
from valuechain.model.households.demography import age_district, settle_after_ageing
from valuechain.model.households.init import initialise_households, mean_monthly_harvest_kg
from valuechain.model.households.labour import (
    farm_and_informal_work,
    match_jobs,
    reservation_wages,
)
from valuechain.model.local_economy import LocalSpending, induced_income
from valuechain.model.policies.programmes import make_programme
from valuechain.model.policies.registry import RegistryState
from valuechain.model.prices import ReferencePrices
from valuechain.model.rng import Streams

__all__ = ["COHORT_MONTH", "ValueChainModel"]

#: months over which plants elsewhere would have processed the input local plants took from
#: them (their lost work in a month is that of the last twelve months' input, spread evenly)
DISPLACEMENT_MONTHS = 12

#: the month whose end fixes the cohort of the initially poor: the last spin-up month, before
#: any transfer of month 0 (a scenario and its baseline then follow the same households)
COHORT_MONTH = -1


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
        self.district_names = list(scenario.districts)
        self.commodities = tuple(scenario.commodities)
        self.chains = {c: scenario.chains[c] for c in self.commodities}  # in commodity order
        #: per commodity: the extra price farmers need to sell each farm form (fresh latex)
        self._effort = {
            c: {s: st.selling_effort_share for s, st in ch.stages.items()}
            for c, ch in self.chains.items()
        }
        self.households = hh = generate_population(scenario, self.streams.stream("population"))
        self.prices = {c: ReferencePrices(c, scenario.chains[c]) for c in self.commodities}
        self.processors: list[Processor] = []
        #: per district: each commodity's quality practice (None: every kg alike)
        self._quality = [
            {c: (d.crops[c].quality if c in d.crops else None) for c in self.commodities}
            for d in scenario.districts.values()
        ]
        types = [d.type for d in scenario.districts.values()]
        self.registry = RegistryState(
            scenario.registry, types, self.district_names, hh, self.streams
        )
        self.programmes = [
            make_programme(name, spec, self) for name, spec in sorted(scenario.policies.items())
        ]
        for k, (dname, d) in enumerate(scenario.districts.items()):
            for pname, spec in d.processors.items():
                self._add_processor(f"{dname}/{pname}", k, spec)
        self._entrants = [0] * len(self.district_names)
        self.cooperatives = initialise_households(hh, scenario, self.streams, self.processors)
        # districts and commodities with growers tied to their trader (skip the mask otherwise)
        self._ties = np.array([hh.tied[s].any(axis=0) for s in hh.district_slices])
        self._mean_monthly_harvest_kg = mean_monthly_harvest_kg(hh, scenario)
        self._displaced_kg_window = np.zeros(
            (DISPLACEMENT_MONTHS, len(self.district_names), len(self.commodities))
        )
        self.ledger = Ledger(len(self.district_names), len(self.commodities))
        # per district: USD 1.90, USD 2.15, national (or own) line, in start-month rupiah
        self.poverty_lines = poverty_lines(scenario)
        self._consumption_rule = consumption_rule(scenario.households)
        self._farm_expectations = FarmExpectations.of(self.chains.values())
        self.conditions = MonthConditions(len(self.district_names), len(self.commodities))
        self._records: list[dict] = []
        self._plant_records: list[dict] = []
        self.channels = IncomeChannels(scenario.months)
        self.local_spending = LocalSpending(
            [d.labour.local_spending_share for d in scenario.districts.values()]
        )
        self._spin_up()

    # ================================================================== the schedule
    def step(self) -> None:
        """One month. The order below is the model's schedule (docs/ODD.md, section 3)."""
        self.conditions = MonthConditions(len(self.district_names), len(self.commodities))
        self.ledger.start_month(self)
        self.exogenous_shocks()  # 1 prices, weather, household shocks
        self.production()  # 2 harvest
        self.farmgate_prices()  # 3 trader margins, export taxes, trader farmgate prices
        self.labour_market()  # 4 plans, vacancies, hiring; farm and informal work
        self.selling()  # 5 farmers to cooperatives, processors, traders; plants' top-up
        self.processing()  # 6 process, sell output, wages, profit, dividends
        self.policies()  # 7 registry certification; programmes enrol, pay, train, cover
        self.household_budgets()  # 8 income, consumption, savings, poverty spells
        self.firm_dynamics()  # 9 exits and entries
        self.demography()  # 10 each January: ageing, births, deaths, new workers' skill
        self.record_metrics()  # 11 spending to date, indicators and accounting residuals
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
        for pr in self.prices.values():
            pr.reset()

    def run(self, months: int | None = None) -> ValueChainModel:
        """Step until ``months`` months have been simulated (default: the scenario's)."""
        end = self.scenario.months if months is None else months
        while self.t < end:
            self.step()
        return self

    # ================================================================== setup
    def _add_processor(self, name: str, district: int, spec: ProcessorSpec) -> None:
        """Create a plant of ``spec`` in ``district``, last in the plant list (its index)."""
        chain = self.chains[spec.commodity]
        quality = self._quality[district][spec.commodity]
        p = Processor(
            self,
            name=name,
            index=len(self.processors),
            district=district,
            commodity=self.commodities.index(spec.commodity),
            spec=spec,
            chain=chain,
            premium_share=0.0 if quality is None else quality.premium_share,
        )
        self.processors.append(p)

    # ================================================================== phases
    def exogenous_shocks(self) -> None:
        """Phase 1 (ODD 7.1): reference prices move; weather, health and work draws are taken.

        Log prices take a mean-reverting step with scheduled shocks
        (:meth:`~valuechain.model.prices.ReferencePrices.step`); weather per district and
        commodity is ``exp(sd z - sd^2 / 2)`` (mean one); one uniform per household for health
        and for informal work, and a rotation of the selling queue, per district
        (:meth:`~valuechain.model.conditions.MonthConditions.draw`). Every draw is taken
        every month for every household from its named stream, whether or not it is used, so
        that scenarios stay aligned (common random numbers).
        """
        for c, pr in self.prices.items():
            pr.step(self.t, self.scenario.shocks, self.streams.stream(f"prices/{c}"))
        slices = self.households.district_slices
        self.conditions.draw(self.streams, self.district_names, slices, self.chains)

    def production(self) -> None:
        """Phase 2 (ODD 7.2): each farm harvests its land's yield, shaped by season and weather.

        ``harvest = land x yield x season share x weather x own shock`` (kg). Weather is
        district-wide, the own shock household-specific; both log-normal with mean one. The
        season share is that of the calendar month.
        """
        hh = self.households
        month = self.calendar_month
        hh.farm_revenue_idr[:] = 0.0
        for k, dname in enumerate(self.district_names):
            s = hh.district_slices[k]
            for j, (c, ch) in enumerate(self.chains.items()):
                z = self.streams.stream(f"harvest/{dname}/{c}").standard_normal(s.stop - s.start)
                scale = (
                    ch.yield_kg_per_ha_year
                    * ch.season_share_by_month[month - 1]
                    * self.conditions.weather[k, j]
                )
                kernels.harvest_month(
                    hh.land_ha[s, j], z, scale, ch.idiosyncratic_yield_sd, hh.harvest_kg[s, j]
                )

    def farmgate_prices(self) -> None:
        """Phase 3 (ODD 7.3): traders set each district's farmgate price, less export taxes.

        Trader margin ``m = m_max - (m_max - m_min) x min(1, competition x s)`` with ``s`` the
        operating local processors' capacity over the district's mean monthly harvest; the
        export tax rate ``r`` is the sum of the programmes' rates; the trader farmgate price
        is ``reference farm price x max(0, 1 - m - r)`` (IDR/kg).
        """
        m = self.conditions
        n_k, n_j = len(self.district_names), len(self.commodities)
        capacity = operating_capacity_kg(self.processors, self.t, n_k, n_j)
        competition = self.scenario.firms.trader_competition
        for k in range(n_k):
            for j, (c, ch) in enumerate(self.chains.items()):
                rate = sum(p.export_tax_rate(self, k, j) for p in self.programmes)
                share = trade.local_capacity_share(
                    capacity[k, j], self._mean_monthly_harvest_kg[k, j]
                )
                margin = trade.trader_margin(
                    ch.trader_margin_min, ch.trader_margin_max, share, competition
                )
                m.export_tax_rate[k, j] = rate
                reference = self.prices[c].farm_price
                m.trader_price_idr[k, j] = trade.trader_price(reference, margin, rate)

    def labour_market(self) -> None:
        """Phase 4 (ODD 7.4): processors plan and hire; others do farm or informal work.

        A processor plans ``capacity x utilisation`` unless its unit margin at its offer has
        been negative for ``idle_after_negative_margin_months`` months in a row. Vacancies =
        planned t x labour per t. Incumbents keep their jobs; excess workers are let go
        lowest priority first; each month a worker leaves with ``p_job_separation_month``
        (and is not rehired that month); vacancies are filled from households with a free
        adult of sufficient skill, by priority (skill, then a fixed random rank), best wages
        first. One processing job per household, or two where the district's
        ``max_workers_per_household`` is 2 and it has two adults (a second earner). Where a
        district has a local multiplier, ``local_spending_share x (last month's household
        spending - its mean in the spin-up's last year)`` comes back as informal income, in
        proportion to each household's informal earnings (:mod:`valuechain.model.local_economy`).
        """
        hh, led, m = self.households, self.ledger, self.conditions
        patience = self.scenario.firms.idle_after_negative_margin_months
        plan_month(
            self.processors,
            self.t,
            m.trader_price_idr,
            self.prices,
            patience,
            m.export_tax_rate,
            self.calendar_month,
        )
        for k, (dname, d) in enumerate(self.scenario.districts.items()):
            s = hh.district_slices[k]
            firms = [p for p in self.processors if p.district == k]
            if firms:
                n = s.stop - s.start
                u = self.streams.stream(f"labour/{dname}/separation").random(n)
                u2 = None  # second earners' separations: a stream of their own
                if d.labour.max_workers_per_household > 1:
                    u2 = self.streams.stream(f"labour/{dname}/separation2").random(n)
                reservation_wages(hh, s, d.labour.reservation_share)
                employers = as_employers(firms, len(self.processors))
                workers = match_jobs(hh, k, u, d.labour.p_job_separation_month, employers, u2)
                for p, n_workers in zip(firms, workers, strict=True):
                    p.books.workers = float(n_workers)
            farm_months, idle = farm_and_informal_work(
                hh,
                s,
                m.labour_u[k],
                d.labour,
                self.chains.values(),
                led.farm_wage_earned[s],
                led.informal[s],
                led.farm_wage_paid[s],
            )
            led.month.farm_worker_months[k], led.month.idle_worker_months[k] = farm_months, idle
            if self.local_spending.shares[k] > 0:
                spent = kernels.wsum(hh.weight[s], hh.consumption_idr[s])  # last month's
                change = self.local_spending.spending_change(self.t, k, spent)
                paid = induced_income(change, led.informal[s], hh.weight[s], led.induced[s])
                led.month.induced_spending_idr[k] = paid

    def selling(self) -> None:
        """Phase 5 (ODD 7.5): each farm sells its harvest to the best local buyer with room.

        Cooperative members sell to their cooperative first (up to its purchase room);
        the rest queue (in a fixed random order, rotated each month) to processors in order
        of their offers, then to traders, who buy any amount at the trader farmgate price
        and take it out of the district raw. Processors still short of input for their
        staffed capacity buy it from outside the district at the reference price, when the
        margin at that price is positive.
        """
        hh, led, m = self.households, self.ledger, self.conditions
        for k in range(len(self.district_names)):
            s = hh.district_slices[k]
            for j, c in enumerate(self.commodities):
                buyers = buying(self.processors, k, j)
                ch = self.chains[c]
                reference = self.prices[c].farm_price
                market = as_buyers(
                    buyers, m.trader_price_idr[k, j], self.cooperatives.members, self._effort[c]
                )
                grading = None
                if self._quality[k][c] is not None:
                    market, grading = self._grading(k, j, buyers, market)
                hooks = (p.collective_margin(self, k, j) for p in self.programmes)
                groups = [g for g in hooks if g is not None]  # collective-selling groups
                tied = hh.tied[s, j] if self._ties[k, j] else None  # loans free some later
                if tied is not None and groups:  # a group frees its members of their trader
                    tied = tied & ~np.logical_or.reduce([mask for mask, _ in groups])
                sale = trade.sell_harvest(
                    hh.harvest_kg[s, j],
                    hh.weight[s],
                    hh.market_queue[k],
                    m.market_offset[k],
                    market,
                    m.trader_price_idr[k, j],
                    reference,
                    m.export_tax_rate[k, j],
                    groups,
                    ch.farm_cost_share,
                    hh.farm_revenue_idr[s],
                    led.farm_inputs[s],
                    tied,
                    grading,
                )
                led.month.book_sale(k, j, sale)
                book_purchases(buyers, market, sale, reference)
                gate = reference * max(0.0, 1.0 - m.export_tax_rate[k, j])  # no duty at home
                led.month.imported_kg[k, j] = buy_top_up(buyers, gate, self.prices)
                if tied is not None and any(p.spec.tie_buyout_idr for p in buyers):
                    buy_out_ties(
                        buyers,
                        hh.tied[s, j],
                        hh.market_queue[k],
                        hh.land_ha[s, j] * (ch.yield_kg_per_ha_year / MONTHS_PER_YEAR),
                        hh.weight[s],
                        gate,
                        m.trader_price_idr[k, j],
                        self.prices,
                        m.export_tax_rate[k, j],
                        self.scenario.firms.tie_buyout_payback_months,
                    )
                if ch.elsewhere is not None:
                    bought = sum(p.books.bought_direct_farm_kg for p in buyers)
                    kg = trade.displaced_kg(
                        ch.elsewhere.capacity_share,
                        sale.trader_kg,
                        bought + led.month.imported_kg[k, j],
                    )
                    led.month.displaced_kg[k, j] = kg
                    # plants elsewhere would have worked through the year on it: the work
                    # lost this month is that of the last twelve months' input, spread evenly
                    window = self._displaced_kg_window
                    window[self.t % DISPLACEMENT_MONTHS, k, j] = kg
                    labour = ch.processes[ch.elsewhere.process].labour_worker_months_per_t
                    yearly = float(window[:, k, j].sum()) / DISPLACEMENT_MONTHS
                    led.month.jobs_displaced[k] += yearly / 1000.0 * labour

    def _grading(
        self, k: int, j: int, plants: list[Processor], market: trade.Buyers
    ) -> tuple[trade.Buyers, trade.Grading | None]:
        """Who uses commodity ``j``'s quality practice in district ``k`` this month (ODD 7.5).

        A programme's contracted outgrowers sell to their plant first, as its members do
        (:func:`~valuechain.model.firms.with_outgrowers`). A grower with a harvest this month
        uses the practice when it knows it and expects a grading buyer: it sells first to a
        grading plant buying this month (a member of a grading cooperative, or one of its
        outgrowers). Returns the buyers with their first sellers and the month's
        :class:`~valuechain.model.trade.Grading` (None when nobody uses the practice: the
        sale is then the plain one).
        """
        hh = self.households
        s = hh.district_slices[k]
        contracts = [o for p in self.programmes if (o := p.outgrowers(self, k, j)) is not None]
        if contracts:
            market = with_outgrowers(plants, market, contracts)
        expects = np.zeros(s.stop - s.start, dtype=bool)
        for p, first in zip(plants, market.members, strict=True):
            if p.spec.grades and first is not None:
                expects[first] = True
        practising = hh.practises_quality[s, j]
        np.logical_and(hh.knows_quality[s, j], expects, out=practising)
        practising &= hh.harvest_kg[s, j] > 0
        if not practising.any():
            return market, None
        quality = self._quality[k][self.commodities[j]]
        grades = np.array([p.spec.grades for p in plants])
        return market, trade.Grading(
            practising.copy(),
            grades,
            quality.premium_share,
            quality.yield_loss_share,
            quality.cost_idr_per_kg,
        )

    def processing(self) -> None:
        """Phase 6 (ODD 7.6): processors process, sell output and pay wages and dividends.

        ``processed = min(stock + bought, staffed)`` kg of input, ``output = processed x
        conversion`` kg sold at the output stage's reference price (IDR/kg); ``profit =
        revenue - cost of the input processed - wages - variable cost - fixed cost + subsidy``
        (IDR/month, input at average cost). Cooperatives pay ``dividend_share x profit`` (when
        positive) to members in equal shares per member household.
        """
        hh = self.households
        if not self.processors:  # no wages, no dividends (the ledger starts the month at 0)
            return
        members = self.cooperatives.households
        wage, dividend = process_month(self.processors, self.t, self.prices, members)
        kernels.gather_wages(wage, hh.job_firm, hh.job_firm2, self.ledger.wages)
        kernels.gather(dividend, hh.coop, self.ledger.dividends)

    def policies(self) -> None:
        """Phase 7 (ODD 7.7): the registry is certified when due; every programme acts.

        A registry update due this month first re-enumerates (``u_enum >= miss share``).
        In the first simulated month, every ``recertify_every_months`` and after an update,
        in each district, log consumption per person (last month's) is fitted by least
        squares on what an enumerator sees over the enumerated households; score = fit +
        ``score_noise_sd`` x noise; the enumerated are ranked by score over the district's
        households and the lowest ``coverage_share`` register; programmes that enrol from
        the registry draw their list noise. Then each programme carries on (trainees
        progress, villages select) and, when active and within budget, enrols its
        ``quota_share`` from its list and delivers.
        """
        hh = self.households
        reg = self.registry
        first = self.t == self._first_step
        for p in self.programmes:
            p.revise_registry(self)
        for k, dname in enumerate(self.district_names):
            if reg.due(k, self.t, first):
                s = hh.district_slices[k]
                z = self.streams.stream(f"targeting/{dname}").standard_normal(s.stop - s.start)
                reg.certify(hh, k, z)
                for p in self.programmes:
                    p.registry_certified(self, k)
        hh.subsidised_cover[:] = False
        for p in self.programmes:
            p.advance(self)
            p.act(self)

    def household_budgets(self) -> None:
        """Phase 8 (ODD 7.8): households earn, pay for illness, consume, save and count spells.

        Net income = farm sales x (1 - input cost share) - hired farm labour + farm wages
        + processing wages + informal earnings + other income x shock + transfers
        + dividends. A health shock costs ``cost`` out of pocket (unless insured) and
        ``lost share`` of informal earnings and other (self-employment) income. Extreme poor:
        consumption per person below the USD 1.90 line in start-month rupiah. At the end of
        the last spin-up month (``COHORT_MONTH``) the cohort is marked: poor (district's
        national or own line) and extreme poor, before any transfer of month 0. Farmers
        expect their harvest at the trader price: permanent income learns from it as
        expected, and they keep a reserve for the lean months ahead
        (:func:`~valuechain.model.households.budgets.farm_expectations`).
        """
        hh = self.households
        led = self.ledger
        sc = self.scenario
        first = self.t == self._first_step
        for k, (dname, d) in enumerate(sc.districts.items()):
            s = hh.district_slices[k]
            z = self.streams.stream(f"income/{dname}").standard_normal(s.stop - s.start)
            expected, reserve = farm_expectations(
                self.conditions.trader_price_idr[k],
                self._farm_expectations,
                self.calendar_month,
            )
            budget_month(
                hh,
                s,
                led.flows[:, s],
                led.was_extreme_poor[s],
                z,
                d.population.other_income_monthly_sd,
                self.conditions.health_u[k],
                sc.health,
                self._consumption_rule,
                expected,
                reserve,
                self.poverty_lines[k, LINE_190],
                first,
            )
            if self.t == COHORT_MONTH:
                mark_poverty_at_start(hh, s, self.poverty_lines[k, LINE_NATIONAL])

    def firm_dynamics(self) -> None:
        """Phase 9 (ODD 7.9): plants exit after sustained losses and enter when margins pay.

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
            chain = self.chains[e.commodity]
            process = chain.processes[e.process]
            spec = entrant_spec(e, open_month=self.t + 1)
            pr = self.prices[e.commodity]
            # a private entrant buys at the plant gate: the reference price of its input, less
            # the export duty on the farm stage (a domestic plant does not pay it)
            if chain.sold_by_farms(process.input_stage):
                rate = self.conditions.export_tax_rate[k, self.commodities.index(e.commodity)]
                input_price = pr.farm_price * max(0.0, 1.0 - rate)
            else:
                input_price = pr.price(process.input_stage)
            output_price = pr.price(process.output_stage)
            share = entry_margin_share(spec, process, input_price, output_price)
            if share >= e.hurdle_margin_share:
                self._entrants[k] += 1
                self._add_processor(f"{dname}/entrant_{self._entrants[k]}", k, spec)

    def demography(self) -> None:
        """Phase 10 (ODD 7.10): each January, the population ages by a year.

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
            rng = self.streams.stream(f"demography/{dname}")
            gain = sum(p.education_gain(self, k) for p in self.programmes)
            sex = self.streams.stream(f"sex/{dname}")
            age_district(
                hh,
                hh.district_slices[k],
                rng,
                dem,
                d.population.skill_shares,
                gain,
                sex,
                d.population.women_share,
            )
        settle_after_ageing(hh)

    def record_metrics(self) -> None:
        """Phase 11 (ODD 7.11): the month's accounts close and its indicators are recorded.

        Public spending is added to the running totals, then the indicators of each
        district, district type and the total are computed, with the accounting residuals,
        and each plant's month is recorded. The spin-up is not recorded.
        """
        from valuechain.outputs.indicators import district_rows

        hh = self.households
        self.channels.book(
            self.t, self.ledger.flows, hh.farm_revenue_idr, hh.extreme_poor_at_start, COHORT_MONTH
        )
        if self.t >= 0:
            self.ledger.close_month(self)
            self._records.extend(district_rows(self))
            self._plant_records.extend(
                plant_month_rows(
                    self.processors, self.t, self.date, self.district_names, self.commodities
                )
            )

    # ================================================================== reading
    @property
    def calendar_month(self) -> int:
        """Calendar month (1-12) of the current step."""
        return int(self.date[5:7])

    @property
    def date(self) -> str:
        """The current step's month as ``YYYY-MM``."""
        y, mo = (int(x) for x in self.scenario.start.split("-"))
        total = y * 12 + mo - 1 + self.t
        return f"{total // 12:04d}-{total % 12 + 1:02d}"

    def indicators(self) -> pd.DataFrame:
        """Indicators so far: one row per step x district, plus ``district == "all"``."""
        return pd.DataFrame.from_records(self._records)

    def plants(self) -> pd.DataFrame:
        """Plants so far: one row per plant x step (columns of
        :data:`valuechain.model.firms.PLANT_COLUMNS`; none when the run has no plant)."""
        return pd.DataFrame.from_records(self._plant_records, columns=list(PLANT_COLUMNS))

    def summary(self) -> dict[str, float]:
        """One row of run summaries (see :data:`valuechain.outputs.metrics.SUMMARY`)."""
        from valuechain.outputs.indicators import channel_summaries, summarise

        return summarise(self.indicators(), self.commodities) | channel_summaries(self)

    def processor_table(self) -> pd.DataFrame:
        """Processors with their state and last month's books."""
        return processor_table(self.processors, self.district_names, self.commodities, self.t - 1)

    def release(self) -> None:
        """Drop the references Mesa 3.3 keeps to every model (``Agent._ids``).

        Call it when a worker is done with a model; otherwise a process that runs thousands
        of models keeps them all alive.
        """
        mesa.Agent._ids.pop(self, None)

"""The household cycle of ValueChainModel written as plain Mesa: one Agent per household.

This is the executable documentation of what a household does each month, in per-agent
scalar Python (``math``, no numpy over households). It covers scenarios **without
processors** (``baseline_coffee``, ``baseline_rubber``): every farm sells to village traders
at the trader farmgate price ``reference x (1 - trader_margin_max)``.

It is fed the *same draws* as :class:`valuechain.model.model.ValueChainModel`: the population comes
from :func:`valuechain.model.households.generate_population` on the ``population`` stream, and every
month the same named streams are drawn in the same order and sizes as the model draws them;
each agent is then handed its own element. So the two implementations must agree household
by household (``tests/integration/model/test_reference_equivalence.py``), and this one is
also the slow baseline of ``benchmarks/step_throughput.py``.

Schedule of one month (the model's phase numbers in brackets)::

    ReferenceModel.step()
      exogenous_shocks()     [1] reference prices; weather; per-household health and labour
                                 uniforms handed to each agent
      agents: produce()      [2] harvest = land x yield x season share x weather x own shock
      labour_market()        [3, 4] trader prices; district farm-work ratio f = min(1, D / S)
                                 from sums over agents
      policies()             [7] registry certification (a proxy-means fit to last month's
                                 consumption), BPNT lists
      income_shocks()        [8] each agent gets its other-income draw
      agents: step()         [4, 5, 8] farm and informal work, sale to traders, income,
                                 health shock, consumption, savings, poverty spells

Certification is done before the agents' ``step()`` because it reads last month's
consumption, which nothing earlier in the month changes; the model does it after selling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mesa
import numpy as np

from valuechain.config import Scenario
from valuechain.model import trade
from valuechain.model.households import generate_population
from valuechain.model.rng import Streams

__all__ = ["HouseholdAgent", "ReferenceModel"]


def mean_one_lognormal(z: float, sd: float) -> float:
    """``exp(sd z - sd^2 / 2)``: a log-normal shock with mean one from a standard normal."""
    return math.exp(sd * z - 0.5 * sd * sd)


@dataclass
class _FarmPrice:
    """The log reference price of one chain's farm stage (the root of the model's
    ``ReferencePrices``; the other stages follow it and nothing here buys them)."""

    n_stages: int  # one standard normal per stage is drawn each month, as the model does
    farm: int  # the farm stage's position in the chain's stage order (its normal)
    name: str
    log_price: float
    log_mean: float
    kappa: float
    sigma: float
    drift: float


class HouseholdAgent(mesa.Agent):
    """One farm household: its attributes, this month's draws and flows, its poverty record.

    Attributes mirror :data:`valuechain.model.households.FIELDS` (scalars; ``land_ha`` and
    ``harvest_kg`` are lists with one entry per commodity).
    """

    def __init__(self, model: ReferenceModel, index: int, attrs: dict):
        super().__init__(model)
        self.index = index
        self.district: int = attrs["district"]
        self.weight: float = attrs["weight"]
        self.n_adults: int = attrs["n_adults"]
        self.size: float = attrs["size"]
        self.land_ha: list[float] = attrs["land_ha"]
        self.other_income_idr: float = attrs["other_income_idr"]
        self.has_insurance = False
        self.permanent_income_idr = 0.0
        self.savings_idr = 0.0
        self.consumption_idr = 0.0
        self.income_idr = 0.0
        self.harvest_kg = [0.0] * len(self.land_ha)
        self.farm_revenue_idr = 0.0
        self.n_young: int = attrs["n_young"]
        self.n_school: int = attrs["n_school"]
        self.n_elderly: int = attrs["n_elderly"]
        self.n_disabled: int = attrs["n_disabled"]
        self.skill: int = attrs["skill"]
        self.enumerated = False
        self.registered = False
        self.registry_rank = 1.0
        self.registry_score = 0.0
        self.bpnt_enrolled: set[str] = set()  # names of the BPNT lists it is on
        self.is_extreme_poor = False
        self.extreme_poor_at_start = False
        self.months_out_run = 0
        self.poor_at_start = False
        # this month's own draws, handed over by the model
        self.health_u = 0.0
        self.labour_u = 0.0
        self.income_z = 0.0

    # ------------------------------------------------------------------ phase 2
    def produce(self, weather: list[float], z_harvest: list[float]) -> None:
        """Harvest of each commodity (kg) = land x yield x season share x weather x own shock."""
        month = self.model.month_of_year
        for j, c in enumerate(self.model.commodities):
            ch = self.model.scenario.chains[c]
            own = mean_one_lognormal(z_harvest[j], ch.idiosyncratic_yield_sd)
            season = ch.season_share_by_month[month - 1]
            expected = ch.yield_kg_per_ha_year * season * weather[j]  # kg/ha this month
            self.harvest_kg[j] = self.land_ha[j] * expected * own

    def hired_labour_demand(self) -> float:
        """Hired farm labour this household wants this month (worker-months, one household)."""
        chains = self.model.scenario.chains
        return sum(
            chains[c].hired_labour_worker_months_per_t * self.harvest_kg[j] / 1000.0
            for j, c in enumerate(self.model.commodities)
        )

    # ------------------------------------------------------------------ phases 4, 5, 8
    def step(self) -> None:
        """The rest of the household's month: work, sell, budget, poverty status."""
        earned, informal, paid = self.work()
        inputs = self.sell()
        self.budget(earned, informal, paid, inputs)

    def work(self) -> tuple[float, float, float]:
        """Hired farm work and informal work of the free adults; hired labour paid.

        Each free adult gets ``f`` worker-months of farm work at the farm wage; of the rest
        of their time, ``k = floor(adults x p_informal + u)`` adults find informal work. The
        farm pays hired pickers for the share ``filled`` of its demand that was found.
        """
        m = self.model
        lab = m.district_labour[self.district]
        f, filled = m.farm_work_ratio[self.district], m.demand_filled[self.district]
        free = float(self.n_adults)  # no processing jobs without processors
        earned = f * free * lab.farm_wage_idr_per_month
        k = math.floor(free * lab.p_informal_work + self.labour_u)
        informal = k * (1.0 - f) * lab.informal_income_idr_per_month
        chains = m.scenario.chains
        paid = 0.0
        for j, c in enumerate(m.commodities):
            per_kg = chains[c].hired_labour_worker_months_per_t / 1000.0
            paid += self.harvest_kg[j] * (per_kg * lab.farm_wage_idr_per_month)
        return earned, informal, paid * filled

    def sell(self) -> float:
        """Sell the whole harvest to traders; returns the purchased farm inputs (IDR)."""
        m = self.model
        self.farm_revenue_idr = 0.0
        inputs = 0.0
        for j, c in enumerate(m.commodities):
            revenue = self.harvest_kg[j] * m.trader_price[(self.district, j)]
            self.farm_revenue_idr += revenue
            inputs += revenue * m.scenario.chains[c].farm_cost_share
        return inputs

    def budget(self, earned: float, informal: float, paid: float, inputs: float) -> None:
        """Income, health shock, buffer-stock consumption, savings and poverty spells."""
        m = self.model
        sc = m.scenario
        pop = m.district_population[self.district]
        other = self.other_income_idr * mean_one_lognormal(
            self.income_z, pop.other_income_monthly_sd
        )
        sick = self.health_u < sc.health.p_shock_month
        health_cost = sc.health.cost_idr if sick and not self.has_insurance else 0.0
        if sick:
            informal *= 1.0 - sc.health.lost_work_share
            other *= 1.0 - sc.health.lost_work_share
        transfer = 0.0
        for name, bpnt in m.bpnt:
            active = bpnt.start_month <= m.t and (bpnt.end_month is None or m.t <= bpnt.end_month)
            if active and name in self.bpnt_enrolled:
                transfer += bpnt.amount_idr_per_month
        wages = dividends = 0.0  # no processors
        income = (
            self.farm_revenue_idr
            - inputs
            - paid
            + earned
            + wages
            + informal
            + other
            + transfer
            + dividends
        )
        expected, reserve = self.season_expectations()
        self.consume(
            income, income - (self.farm_revenue_idr - inputs) + expected, reserve, health_cost
        )
        pc = self.consumption_idr / self.size
        self.is_extreme_poor = pc < sc.poverty.line_at("extreme_190", sc.start)
        self.months_out_run = 0 if self.is_extreme_poor else self.months_out_run + 1
        if m.t == -1:  # the cohort: the end of the last spin-up month
            self.poor_at_start = pc < m.national_lines[self.district]
            self.extreme_poor_at_start = self.is_extreme_poor

    def season_expectations(self) -> tuple[float, float]:
        """The farm's expected monthly net sales at the trader price, and the cash it keeps
        for the lean months ahead: the largest shortfall of the coming months' harvest below
        a twelfth of the year, months added one by one from next month."""
        m = self.model
        month = m.calendar_month
        expected = reserve = 0.0
        for j, c in enumerate(m.commodities):
            ch = m.scenario.chains[c]
            yearly = (
                self.land_ha[j]
                * ch.yield_kg_per_ha_year
                * (1.0 - ch.farm_cost_share)
                * m.trader_price[(self.district, j)]
            )
            expected += yearly / 12.0
            shortfall = worst = 0.0
            for ahead in range(1, 13):
                shortfall += 1.0 / 12.0 - ch.season_share_by_month[(month - 1 + ahead) % 12]
                worst = max(worst, shortfall)
            reserve += yearly * worst
        return expected, reserve

    def consume(self, income: float, expected: float, reserve: float, spending: float) -> None:
        """Buffer-stock rule: ``c = clip(P' + mpc (x - P'(1 + b) - R), 0, max(x + L P', 0))``.

        ``P' = (1 - lam) P + lam e`` is the new permanent income (``e``: income with the
        farm's net sales as expected), ``x`` cash on hand after spending and interest on debt,
        ``R`` the lean-season reserve; savings ``S' = x - c`` (negative is debt).
        """
        b = self.model.scenario.households
        lam = b.permanent_income_weight
        perm = (1.0 - lam) * self.permanent_income_idr + lam * expected
        interest = b.debt_interest_month * max(-self.savings_idr, 0.0)
        cash = self.savings_idr + income - spending - interest
        target = perm * (1.0 + b.buffer_target_months) + reserve
        wanted = perm + b.mpc_cash_on_hand * (cash - target)
        ceiling = max(cash + b.borrowing_limit_months * max(perm, 0.0), 0.0)
        c = min(max(wanted, 0.0), ceiling)
        self.income_idr = income
        self.consumption_idr = c
        self.savings_idr = cash - c
        self.permanent_income_idr = perm


#: What a shipped baseline needs to become a reference scenario: the monthly cycle without
#: the yearly ageing, and of the 2024 programmes only Sembako (BPNT), from month 0
REFERENCE_SETTINGS = (
    "demography.enabled=false",
    *(
        f"policies.{p}.enabled=false"
        for p in ("pkh", "pbi", "pbi_daerah", "pip", "atensi", "blt_dana_desa")
    ),
    "policies.bpnt.since_before_start=false",
)


class ReferenceModel(mesa.Model):
    """Households as Mesa agents, for scenarios without processors.

    Args:
        scenario: a validated scenario without processors or entry.
        seed: the run seed (the same as ValueChainModel's to get the same draws).
    """

    def __init__(self, scenario: Scenario, seed: int | None = None):
        seed = scenario.seed if seed is None else int(seed)
        super().__init__(seed=seed)
        for dname, d in scenario.districts.items():
            if d.processors or d.entry is not None:
                raise ValueError(f"district {dname} has processors: not a reference scenario")
        if scenario.demography.enabled:
            raise ValueError(
                "the reference is the monthly household cycle: set demography.enabled = false"
            )
        enabled = {name: pol for name, pol in scenario.policies.items() if pol.enabled}
        for name, pol in enabled.items():
            plain = not pol.since_before_start and not pol.excluding
            if pol.kind != "bpnt" or pol.budget_idr is not None or pol.districts is not None:
                raise ValueError(f"policy {name}: the reference has BPNT only, unbudgeted")
            if not plain:
                raise ValueError(f"policy {name}: the reference has plain BPNT lists only")
        self.bpnt = sorted(enabled.items())
        self.scenario = scenario
        self.streams = Streams(seed)
        self.t = 0
        self.month_of_year = self.calendar_month
        self.district_names = list(scenario.districts)
        self.commodities = tuple(scenario.commodities)
        dists = list(scenario.districts.values())
        self.district_labour = [d.labour for d in dists]
        self.district_population = [d.population for d in dists]
        # each district's national (or own) line in start-month rupiah, as the model's
        self.national_lines = []
        for d in dists:
            line = scenario.poverty.line_at("national", scenario.start)
            if d.poverty_line_idr_per_person_month is not None and d.poverty_line_base_month:
                line = d.poverty_line_idr_per_person_month * scenario.poverty.cpi_factor(
                    d.poverty_line_base_month, scenario.start
                )
            self.national_lines.append(line)
        self.households: list[HouseholdAgent] = []
        self.by_district: list[list[HouseholdAgent]] = [[] for _ in dists]
        self._create_households()
        self._enumerate()
        self._init_households()
        self._prices = {c: self._init_prices(c) for c in self.commodities}
        self.trader_price: dict[tuple[int, int], float] = {}
        self.farm_work_ratio = [0.0] * len(dists)
        self.demand_filled = [1.0] * len(dists)
        self._spin_up()

    def _spin_up(self) -> None:
        """The months before ``start``, as in ValueChainModel: step, then reset prices."""
        self.t = -self.scenario.spinup_months
        while self.t < 0:
            self.step()
        self._prices = {c: self._init_prices(c) for c in self.commodities}

    # ================================================================== setup
    def _create_households(self) -> None:
        """One agent per household drawn by the model's own population generator."""
        hh = generate_population(self.scenario, self.streams.stream("population"))
        for i in range(hh.n):
            attrs = {
                "district": int(hh.district[i]),
                "weight": float(hh.weight[i]),
                "n_adults": int(hh.n_adults[i]),
                "size": float(hh.size[i]),
                "land_ha": [float(x) for x in hh.land_ha[i]],
                "other_income_idr": float(hh.other_income_idr[i]),
                "n_young": int(hh.n_young[i]),
                "n_school": int(hh.n_primary[i] + hh.n_junior[i] + hh.n_senior[i]),
                "n_elderly": int(hh.n_elderly[i]),
                "n_disabled": int(hh.n_disabled[i]),
                "skill": int(hh.skill[i]),
            }
            agent = HouseholdAgent(self, i, attrs)
            self.households.append(agent)
            self.by_district[agent.district].append(agent)

    def _enumerate(self) -> None:
        """Enumeration: one uniform per household; enumerated when it is at least the miss
        share of the district's type."""
        miss = self.scenario.registry.enumeration_miss_share
        for k, (dname, d) in enumerate(self.scenario.districts.items()):
            members = self.by_district[k]
            u = self.streams.stream(f"targeting/enumeration/{dname}").random(len(members))
            for a, ui in zip(members, u, strict=True):
                a.enumerated = bool(ui >= miss[d.type])

    def _init_households(self) -> None:
        """Initial permanent income (expected monthly income), savings and insurance.

        ``P0 = other income + adults x p_informal x informal income
        + sum_c land x yield / 12 x reference price x (1 - m_max) x (1 - cost share)``;
        savings ``S0 = P0 x buffer months x U(0, 2)``; consumption ``C0 = P0``.
        """
        sc = self.scenario
        u_savings = self.streams.stream("population").uniform(0, 2, len(self.households))
        for a in self.households:
            lab = self.district_labour[a.district]
            perm = a.other_income_idr
            perm += a.n_adults * lab.p_informal_work * lab.informal_income_idr_per_month
            for j, c in enumerate(self.commodities):
                ch = sc.chains[c]
                net = (1 - ch.trader_margin_max) * (1 - ch.farm_cost_share)
                value = ch.yield_kg_per_ha_year / 12 * ch.stages[ch.farm_stage].price_idr_per_kg
                perm += a.land_ha[j] * value * net
            a.permanent_income_idr = perm
            a.savings_idr = perm * sc.households.buffer_target_months * float(u_savings[a.index])
            a.consumption_idr = perm
        for k, dname in enumerate(self.district_names):
            members = self.by_district[k]
            u = self.streams.stream(f"health/{dname}").random(len(members))
            for a, ui in zip(members, u, strict=True):
                a.has_insurance = bool(ui < sc.health.share_covered)

    def _init_prices(self, commodity: str) -> _FarmPrice:
        chain = self.scenario.chains[commodity]
        order = chain.stage_order()
        farm = chain.stages[chain.farm_stage]
        p0 = math.log(farm.price_idr_per_kg)
        return _FarmPrice(
            n_stages=len(order),
            farm=order.index(chain.farm_stage),
            name=chain.farm_stage,
            log_price=p0,
            log_mean=p0,
            kappa=farm.mean_reversion_month,
            sigma=farm.volatility_month,
            drift=farm.drift_month,
        )

    # ================================================================== the schedule
    def step(self) -> None:
        """One month (see the module docstring for the order and the model's phases)."""
        self.month_of_year = self.calendar_month
        weather = self.exogenous_shocks()
        self.production(weather)
        self.labour_market()
        self.policies()
        self.income_shocks()
        self.agents.do("step")
        self.t += 1

    # ================================================================== phases
    def exogenous_shocks(self) -> dict[int, list[float]]:
        """Prices move; weather per district and commodity; each agent gets its uniforms.

        Draw order and sizes follow ValueChainModel.exogenous_shocks exactly; the market
        rotation offset is drawn (and unused: traders buy everything) to keep it so.
        """
        for c, pr in self._prices.items():
            for shock in self.scenario.shocks:
                hit = shock.stages is None or pr.name in shock.stages
                if shock.commodity == c and shock.month == self.t and hit:
                    pr.log_price += math.log(shock.factor)
                    if shock.persistent:
                        pr.log_mean += math.log(shock.factor)
            z = self.streams.stream(f"prices/{c}").standard_normal(pr.n_stages)[pr.farm]
            pr.log_mean += pr.drift
            pr.log_price = (
                pr.log_price + pr.kappa * (pr.log_mean - pr.log_price) + pr.sigma * float(z)
            )
        weather: dict[int, list[float]] = {}
        for k, dname in enumerate(self.district_names):
            members = self.by_district[k]
            weather[k] = [
                mean_one_lognormal(
                    float(self.streams.stream(f"weather/{dname}/{c}").standard_normal()),
                    self.scenario.chains[c].weather_sd,
                )
                for c in self.commodities
            ]
            u_health = self.streams.stream(f"health/{dname}").random(len(members))
            u_labour = self.streams.stream(f"labour/{dname}").random(len(members))
            self.streams.stream(f"market/{dname}").integers(0, len(members))
            for a, uh, ul in zip(members, u_health, u_labour, strict=True):
                a.health_u = float(uh)
                a.labour_u = float(ul)
        return weather

    def production(self, weather: dict[int, list[float]]) -> None:
        """Each agent harvests with its own yield shock (one stream per district x crop)."""
        for k, dname in enumerate(self.district_names):
            members = self.by_district[k]
            z = [
                self.streams.stream(f"harvest/{dname}/{c}").standard_normal(len(members))
                for c in self.commodities
            ]
            for i, a in enumerate(members):
                a.produce(weather[k], [float(zc[i]) for zc in z])

    def labour_market(self) -> None:
        """Trader prices; district farm-work ratio ``f = min(1, D / S)`` from sums over agents.

        ``D`` = hired farm labour wanted (real worker-months), ``S`` = free adults (real);
        ``filled = min(1, S / D)`` is the share of the demand that farmers find.
        """
        for k in range(len(self.district_names)):
            for j, c in enumerate(self.commodities):
                ch = self.scenario.chains[c]
                margin = trade.trader_margin(
                    ch.trader_margin_min,
                    ch.trader_margin_max,
                    0,
                    self.scenario.firms.trader_competition,
                )
                self.trader_price[(k, j)] = self.reference_farm_price(c) * (1 - margin)
            members = self.by_district[k]
            demand = sum(a.weight * a.hired_labour_demand() for a in members)
            supply = sum(a.weight * a.n_adults for a in members)
            self.farm_work_ratio[k] = min(1.0, demand / supply) if supply > 0 else 0.0
            self.demand_filled[k] = min(1.0, supply / demand) if demand > 0 else 1.0

    def policies(self) -> None:
        """Registry: at month 0 and every K months, fit the proxy-means test and rank; the
        lowest ``coverage_share`` register. Each BPNT list takes the lowest ``score + its
        noise`` among the registered, ``ceil(quota x households)`` of them.

        The fit is least squares of ``log(max(consumption / size, 1))`` on the observables
        over the enumerated households (normal equations summed in household order, solved
        by ``numpy.linalg.lstsq``); ``score = prediction + noise_sd x z``; rank = position
        among the enumerated / households.
        """
        reg = self.scenario.registry
        first = self.t == -self.scenario.spinup_months
        if not first and self.t % reg.recertify_every_months:
            return
        for k, dname in enumerate(self.district_names):
            members = self.by_district[k]
            noise = self.streams.stream(f"targeting/{dname}").standard_normal(len(members))
            rows = [self._observables(a) for a in members]
            ys = [math.log(max(a.consumption_idr / a.size, 1.0)) for a in members]
            m = len(rows[0])
            xtx = [[0.0] * m for _ in range(m)]
            xty = [0.0] * m
            for a, x, y in zip(members, rows, ys, strict=True):
                if not a.enumerated:
                    continue
                for i in range(m):
                    xty[i] += x[i] * y
                    for j in range(i, m):
                        xtx[i][j] += x[i] * x[j]
            for i in range(m):
                for j in range(i):
                    xtx[i][j] = xtx[j][i]
            coef = np.linalg.lstsq(np.array(xtx), np.array(xty), rcond=None)[0].tolist()
            for a, x, z in zip(members, rows, noise, strict=True):
                fitted = 0.0
                for i in range(m):
                    fitted += x[i] * coef[i]
                a.registry_score = fitted + reg.score_noise_sd * float(z)
                a.registry_rank = 1.0
            ranked = sorted((a for a in members if a.enumerated), key=lambda h: h.registry_score)
            for i, a in enumerate(ranked):
                a.registry_rank = i / len(members)
            for a in members:
                a.registered = a.enumerated and a.registry_rank < reg.coverage_share
                a.bpnt_enrolled = set()
            for name, bpnt in self.bpnt:
                z = self.streams.stream(f"targeting/{name}/{dname}").standard_normal(len(members))
                listed = sorted(
                    (a.registry_score + bpnt.list_noise_sd * float(zi), a.index)
                    for a, zi in zip(members, z, strict=True)
                    if a.registered
                )
                n_take = math.ceil(bpnt.quota_share * len(members) - 1e-9)
                for _, i in listed[:n_take]:
                    self.households[i].bpnt_enrolled.add(name)

    @staticmethod
    def _observables(a: HouseholdAgent) -> list[float]:
        """What the proxy-means test sees (the model's ``PMT_OBSERVABLES``, in order)."""
        return [
            1.0,
            math.log(a.size),
            a.n_young / a.size,
            a.n_school / a.size,
            a.n_elderly / a.size,
            a.n_disabled / a.size,
            float(a.n_elderly > 0),
            float(a.n_disabled > 0),
            math.log1p(sum(a.land_ha)),
            float(a.skill),
            0.0,  # no processors: nobody holds a processing job
            float(a.has_insurance),
        ]

    def income_shocks(self) -> None:
        """Each agent gets its standard normal for this month's other-income shock."""
        for k, dname in enumerate(self.district_names):
            members = self.by_district[k]
            z = self.streams.stream(f"income/{dname}").standard_normal(len(members))
            for a, zi in zip(members, z, strict=True):
                a.income_z = float(zi)

    # ================================================================== reading
    @property
    def calendar_month(self) -> int:
        """Calendar month (1-12) of the current step."""
        y, mo = (int(x) for x in self.scenario.start.split("-"))
        return (y * 12 + mo - 1 + self.t) % 12 + 1

    def reference_farm_price(self, commodity: str) -> float:
        """Reference price of a commodity's farm stage (IDR/kg) this month."""
        return math.exp(self._prices[commodity].log_price)

    def household_frame(self) -> dict[str, list]:
        """This month's household outcomes, one list per field, in household order."""
        names = (
            "harvest_kg",
            "farm_revenue_idr",
            "income_idr",
            "consumption_idr",
            "savings_idr",
            "permanent_income_idr",
            "is_extreme_poor",
            "extreme_poor_at_start",
            "poor_at_start",
            "months_out_run",
            "registered",
        )
        return {n: [getattr(a, n) for a in self.households] for n in names}

"""Scenario schema: every parameter with its unit, range and source.

The schema is the single home of default values. Each field is declared with
:func:`param`, which records a unit and a source (a row of
``shared/data/indonesia_facts.csv``, a publication, or the word *assumption* with the
range that has been tried). ``docs/ODD.md`` generates its parameter table from here.

Unknown keys are errors (``extra="forbid"``), so a misspelt key never passes silently.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from valuechain.policies.params import Policy, Registry
from valuechain.schema import FACTS, Strict, param

__all__ = [
    "Chain",
    "Crop",
    "Demography",
    "District",
    "Entry",
    "Firms",
    "Health",
    "HouseholdBehaviour",
    "Labour",
    "Population",
    "PovertyLines",
    "PriceShock",
    "Process",
    "ProcessorSpec",
    "Scenario",
    "Stage",
    "param",
]

# --------------------------------------------------------------------------- chains


class Stage(Strict):
    """One stage of a value chain with its reference-price process."""

    price_idr_per_kg: float = param(
        ..., gt=0, unit="IDR/kg", source="per chain", description="reference price at the start"
    )
    basis: str = Field("per kg", description="what one kg of this stage is (price basis)")
    volatility_month: float = param(
        0.05,
        ge=0,
        le=1,
        unit="1/sqrt(month)",
        source="assumption (0.02-0.12 tried)",
        description="standard deviation of the monthly log-price innovation",
    )
    mean_reversion_month: float = param(
        0.05,
        ge=0,
        le=1,
        unit="1/month",
        source="assumption (0-0.2 tried); 0 gives a geometric random walk",
        description="pull of the log price towards its long-run mean per month",
    )
    drift_month: float = param(
        0.0,
        ge=-0.1,
        le=0.1,
        unit="1/month",
        source="assumption",
        description="drift of the long-run log mean per month",
    )


class Process(Strict):
    """A processing step that turns one stage into another."""

    input_stage: str = Field(..., description="stage bought")
    output_stage: str = Field(..., description="stage sold")
    conversion_kg_per_kg: float = param(
        ..., gt=0, le=1, unit="kg output/kg input", source="per chain", description="yield"
    )
    labour_worker_months_per_t: float = param(
        ...,
        gt=0,
        unit="worker-months/t input",
        source="per chain",
        description="labour needed per tonne of input",
    )
    variable_cost_idr_per_kg_output: float = param(
        ...,
        ge=0,
        unit="IDR/kg output",
        source="per chain",
        description="energy, packaging and transport per kg sold",
    )


class Chain(Strict):
    """A commodity's value chain: stages, processes, farm-level production and trade."""

    farm_stage: str = Field(..., description="stage farmers harvest and sell")
    holding_unit: str = Field(
        "ha",
        description="what one unit of a household's holding is: a hectare of land, or (for "
        "fisheries) a boat-equivalent of fishing effort; land_ha_* and yield_kg_per_ha_year "
        "count in this unit",
    )
    stages: dict[str, Stage]
    processes: dict[str, Process]
    price_correlation: float = param(
        0.7,
        ge=0,
        le=1,
        unit="correlation",
        source="assumption (0.5-0.9 tried)",
        description="correlation of log-price innovations between stages of the chain",
    )
    season_share_by_month: list[float] = Field(
        ...,
        min_length=12,
        max_length=12,
        description="share of the annual harvest in each calendar month (Jan..Dec)",
    )
    yield_kg_per_ha_year: float = param(
        ..., gt=0, unit="kg farm stage/ha/year", source="per chain", description="mean yield"
    )
    farm_cost_share: float = param(
        ...,
        ge=0,
        lt=1,
        unit="share of farm revenue",
        source="per chain",
        description="purchased inputs (fertiliser, tools, transport); leaves the district",
    )
    hired_labour_worker_months_per_t: float = param(
        ...,
        ge=0,
        unit="worker-months/t harvested",
        source="per chain",
        description="hired farm labour per tonne harvested (picking, tapping)",
    )
    trader_margin_max: float = param(
        ...,
        ge=0,
        lt=1,
        unit="share of reference price",
        source="per chain",
        description="trader margin when no local processor buys this stage",
    )
    trader_margin_min: float = param(
        ...,
        ge=0,
        lt=1,
        unit="share of reference price",
        source="per chain",
        description="limit of the trader margin as local buyers multiply",
    )
    weather_sd: float = param(
        0.1,
        ge=0,
        le=1,
        unit="log yield",
        source="assumption (0.05-0.2 tried)",
        description="district-wide monthly yield shock (log-normal, mean one)",
    )
    idiosyncratic_yield_sd: float = param(
        0.25,
        ge=0,
        le=2,
        unit="log yield",
        source="assumption (0.1-0.4 tried)",
        description="household-specific monthly yield shock (log-normal, mean one)",
    )

    @field_validator("season_share_by_month")
    @classmethod
    def _season(cls, v: list[float]) -> list[float]:
        if any(x < 0 for x in v) or sum(v) <= 0:
            raise ValueError("twelve non-negative shares with a positive sum")
        total = sum(v)
        return [x / total for x in v]

    @model_validator(mode="after")
    def _links(self) -> Chain:
        if self.farm_stage not in self.stages:
            raise ValueError(f"farm_stage {self.farm_stage!r} is not one of {sorted(self.stages)}")
        for name, p in self.processes.items():
            for s in (p.input_stage, p.output_stage):
                if s not in self.stages:
                    raise ValueError(
                        f"process {name!r} names stage {s!r}, not one of {sorted(self.stages)}"
                    )
            if p.input_stage != self.farm_stage:
                raise ValueError(
                    f"process {name!r} buys {p.input_stage!r}; processors buy the farm stage "
                    f"{self.farm_stage!r} only in this version"
                )
        if self.trader_margin_min > self.trader_margin_max:
            raise ValueError("trader_margin_min must not exceed trader_margin_max")
        return self


class PriceShock(Strict):
    """A scheduled jump in the reference prices of a commodity."""

    month: int = param(..., ge=0, unit="month index", source="scenario", description="when")
    commodity: str
    stages: list[str] | None = Field(None, description="stages hit; all stages when omitted")
    factor: float = param(
        ..., gt=0, unit="multiplier", source="scenario", description="0.6 is a 40% crash"
    )
    persistent: bool = Field(
        True, description="shift the long-run mean too (otherwise the jump reverts)"
    )


# --------------------------------------------------------------------------- districts


class Crop(Strict):
    """Land in one commodity within a district's synthetic population."""

    share_growing: float = param(
        ..., ge=0, le=1, unit="share of households", source="scenario", description="growers"
    )
    land_ha_median: float = param(
        ..., gt=0, unit="ha", source="scenario", description="median plot of growers"
    )
    land_ha_log_sd: float = param(
        0.7,
        ge=0,
        le=3,
        unit="log ha",
        source="assumption (0.5-1.0 tried)",
        description="spread of the log-normal plot size",
    )


class Population(Strict):
    """Distributions the synthetic households are drawn from."""

    adults_mean: float = param(
        2.1,
        ge=1,
        le=6,
        unit="persons",
        source="assumption (1.8-2.6); with children and elderly gives ~3.9 persons per household",
        description="mean working-age adults (1 + Poisson)",
    )
    children_mean: float = param(
        1.3, ge=0, le=6, unit="persons", source="assumption (1.0-1.8)", description="Poisson mean"
    )
    p_elderly: float = param(
        0.3,
        ge=0,
        le=1,
        unit="probability",
        source="assumption (0.2-0.4)",
        description="household has elderly members (one, or two: see p_second_elderly)",
    )
    p_second_elderly: float = param(
        0.3,
        ge=0,
        le=1,
        unit="probability",
        source="assumption (0.2-0.4)",
        description="a household with elderly members has two rather than one",
    )
    p_elderly_only: float = param(
        0.05,
        ge=0,
        le=1,
        unit="probability",
        source="assumption (0.03-0.08)",
        description="household of elderly members only, with no one of working age",
    )
    p_disabled: float = param(
        0.04,
        ge=0,
        le=1,
        unit="probability",
        source="assumption (0.02-0.08)",
        description="household has one more member, with a severe disability, who cannot work",
    )
    skill_shares: list[float] = Field(
        [0.45, 0.35, 0.15, 0.05],
        min_length=2,
        max_length=6,
        description="share of households whose workers have skill level 0, 1, 2, ... "
        "(assumption: most rural workers have primary schooling or less)",
    )
    other_income_idr_per_month_median: float = param(
        1_400_000,
        ge=0,
        unit="IDR/household/month",
        source="assumption (0.6-1.6 M tried; calibrated with the grower factor: coffee "
        "baseline extreme poverty ~3%)",
        description="non-farm, non-wage income (small trade, remittances) median",
    )
    other_income_grower_factor: float = param(
        0.25,
        ge=0,
        le=2,
        unit="multiplier",
        source="assumption (0.2-1 tried; calibrated: half the extreme poor live mainly from "
        "farming, FACTS 0.52 of heads in agriculture): growers have less non-farm income",
        description="other income of households with a holding, relative to the rest",
    )
    other_income_log_sd: float = param(
        0.7,
        ge=0,
        le=3,
        unit="log IDR",
        source="assumption (0.6-1.0 tried; calibrated with the median)",
        description="spread of the log-normal other income across households",
    )
    other_income_monthly_sd: float = param(
        0.3,
        ge=0,
        le=2,
        unit="log IDR",
        source="assumption (0.1-0.5 tried)",
        description="month-to-month log-normal shock to other income",
    )

    @field_validator("skill_shares")
    @classmethod
    def _shares(cls, v: list[float]) -> list[float]:
        if any(x < 0 for x in v) or abs(sum(v) - 1) > 1e-6:
            raise ValueError("non-negative shares that sum to 1")
        return v


class Labour(Strict):
    """Farm wage labour and informal fallback work in a district."""

    farm_wage_idr_per_month: float = param(
        1_300_000,
        gt=0,
        unit="IDR/worker-month",
        source="assumption (1.0-1.8 M): farm labourer day wage ~Rp 55-65k x 22 days",
        description="wage for hired farm work",
    )
    informal_income_idr_per_month: float = param(
        800_000,
        ge=0,
        unit="IDR/worker-month",
        source="assumption (0.5-1.0 M tried)",
        description="earnings of a worker in informal fallback work",
    )
    p_informal_work: float = param(
        0.9,
        ge=0,
        le=1,
        unit="probability per month",
        source="assumption (0.6-0.9 tried; calibrated with the grower factor)",
        description="chance a worker without a job finds informal work this month",
    )
    p_job_separation_month: float = param(
        0.02,
        ge=0,
        le=1,
        unit="probability/month",
        source="assumption (0.01-0.04): quits and separations in manufacturing",
        description="chance a processing worker leaves the job in a month",
    )
    max_workers_per_household: int = param(
        1,
        ge=1,
        le=1,
        unit="jobs",
        source="model simplification",
        description="processing jobs a household can hold (one)",
    )


class ProcessorSpec(Strict):
    """A processing plant: a huller, roastery, crumb-rubber remiller, smokehouse..."""

    commodity: str
    process: str
    owner: Literal["private", "cooperative", "public"] = "private"
    capacity_t_per_month: float = param(
        ..., gt=0, unit="t input/month", source="scenario", description="input capacity"
    )
    wage_idr_per_month: float = param(
        ..., gt=0, unit="IDR/worker-month", source="scenario", description=">= minimum wage"
    )
    skill_required: int = param(
        1, ge=0, le=5, unit="skill level", source="assumption", description="minimum skill"
    )
    fixed_cost_idr_per_month: float = param(
        ..., ge=0, unit="IDR/month", source="scenario", description="maintenance, management"
    )
    capex_idr: float = param(
        0.0,
        ge=0,
        unit="IDR",
        source="scenario",
        description="capital cost at opening (public money for public and cooperative plants)",
    )
    operating_subsidy_idr_per_month: float = param(
        0.0, ge=0, unit="IDR/month", source="scenario", description="public operating subsidy"
    )
    open_month: int = param(
        0, ge=0, unit="month index", source="scenario", description="first month of operation"
    )
    offer_premium: float = param(
        0.02,
        ge=0,
        le=0.5,
        unit="share",
        source="assumption (0-0.05 tried)",
        description="price offered to farmers above the trader farmgate price",
    )
    target_utilisation: float = param(
        0.85,
        gt=0,
        le=1,
        unit="share of capacity",
        source="assumption; Gapkindo: crumb rubber ~60% utilised nationally",
        description="throughput planned when the margin is positive",
    )
    initial_cash_idr: float = param(
        0.0, ge=0, unit="IDR", source="scenario", description="working capital at opening"
    )
    funding: Literal["central", "district"] = Field(
        "district", description="budget that pays capital cost and operating subsidy"
    )
    input_stock_months: float = param(
        1.0,
        ge=0,
        le=12,
        unit="months of planned input",
        source="assumption (0-6): coffee keeps for months, slab for weeks",
        description="input stock the plant buys ahead (lets it run after the harvest)",
    )
    member_share: float = param(
        0.0,
        ge=0,
        le=1,
        unit="share of growers",
        source="scenario",
        description="cooperatives only: growers in the district who are members",
    )
    dividend_share: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share of profit",
        source="assumption (0.3-0.7)",
        description="cooperatives only: share of a month's profit paid to members",
    )

    @model_validator(mode="after")
    def _coop(self) -> ProcessorSpec:
        if self.member_share > 0 and self.owner != "cooperative":
            raise ValueError("member_share applies to owner = 'cooperative' only")
        return self


class Entry(Strict):
    """Private entry of processors when margins are attractive."""

    commodity: str
    process: str
    capacity_t_per_month: float = param(
        ..., gt=0, unit="t/month", source="scenario", description="capacity of an entrant"
    )
    wage_idr_per_month: float = param(
        ...,
        gt=0,
        unit="IDR/worker-month",
        source="scenario",
        description="entrant wage (>= minimum wage)",
    )
    fixed_cost_idr_per_month: float = param(
        ..., ge=0, unit="IDR/month", source="scenario", description="entrant fixed cost"
    )
    skill_required: int = param(
        1, ge=0, le=5, unit="skill level", source="assumption", description="entrant minimum skill"
    )
    hurdle_margin_share: float = param(
        0.15,
        ge=0,
        le=1,
        unit="share of revenue",
        source="assumption (0.1-0.3 tried)",
        description="expected operating margin needed before a private plant enters",
    )
    max_entrants: int = param(
        3, ge=0, unit="plants", source="assumption", description="entrants over the whole run"
    )


class District(Strict):
    """One district: population, land, labour market, processors."""

    type: Literal["upland", "lowland", "coastal"]
    n_households: int = param(
        20_000,
        ge=10,
        le=5_000_000,
        unit="simulated households",
        source="model setting",
        description="households simulated",
    )
    real_households: float = param(
        ..., gt=0, unit="households", source="scenario", description="households in the district"
    )
    minimum_wage_idr_per_month: float = param(
        ..., gt=0, unit="IDR/month", source=FACTS, description="provincial minimum wage (UMP)"
    )
    population: Population = Field(default_factory=Population)
    labour: Labour = Field(default_factory=Labour)
    crops: dict[str, Crop]
    processors: dict[str, ProcessorSpec] = Field(default_factory=dict)
    entry: Entry | None = None

    @model_validator(mode="after")
    def _wages(self) -> District:
        for name, p in self.processors.items():
            if p.wage_idr_per_month < self.minimum_wage_idr_per_month:
                raise ValueError(
                    f"processors.{name}.wage_idr_per_month {p.wage_idr_per_month:,.0f} is below "
                    f"minimum_wage_idr_per_month {self.minimum_wage_idr_per_month:,.0f}"
                )
        if self.entry and self.entry.wage_idr_per_month < self.minimum_wage_idr_per_month:
            raise ValueError("entry.wage_idr_per_month is below minimum_wage_idr_per_month")
        return self


# --------------------------------------------------------------------------- behaviour


class Demography(Strict):
    """Yearly ageing, births and deaths (each January)."""

    enabled: bool = Field(True, description="age the population each January")
    p_birth_year: float = param(
        0.06,
        ge=0,
        le=1,
        unit="probability/household/year",
        source="assumption (0.04-0.08): a crude birth rate of ~16 per 1,000 at ~3.8 persons",
        description="chance a household with a working-age adult has a child in a year",
    )
    p_adult_to_elderly_year: float = param(
        0.025,
        ge=0,
        le=1,
        unit="probability/person/year",
        source="assumption (0.02-0.03): about 40 working years",
        description="chance a working-age adult reaches 60 in a year",
    )
    p_elderly_death_year: float = param(
        0.05,
        ge=0,
        le=1,
        unit="probability/person/year",
        source="assumption (0.03-0.08)",
        description="chance an elderly member dies in a year",
    )


class PovertyLines(Strict):
    """Poverty lines in rupiah per person per month, and the sustained-exit window."""

    national_idr_per_person_month: float = param(
        582_932,
        gt=0,
        unit="IDR/person/month",
        source=f"{FACTS}: BPS 2024-03",
        description="national poverty line",
    )
    extreme_190_idr_per_person_month: float = param(
        358_234,
        gt=0,
        unit="IDR/person/month",
        source=f"{FACTS}: BPS 2021-03, USD 1.90 (2011 PPP), not inflated",
        description="extreme poverty line at USD 1.90 (2011 PPP)",
    )
    extreme_215_idr_per_person_month: float = param(
        391_000,
        gt=0,
        unit="IDR/person/month",
        source=f"{FACTS}: press reports of BPS 2025-01 (approximate)",
        description="extreme poverty line at USD 2.15 (2017 PPP)",
    )
    sustained_exit_months: int = param(
        12,
        ge=1,
        le=120,
        unit="months",
        source="DESIGN.md section 8",
        description="months out of extreme poverty that make an exit sustained",
    )


class HouseholdBehaviour(Strict):
    """Consumption with a savings buffer (buffer-stock rule) and a borrowing limit."""

    mpc_cash_on_hand: float = param(
        0.08,
        gt=0,
        le=1,
        unit="per month",
        source="assumption (0.05-0.3 tried; low values let farmers smooth the harvest)",
        description="share of cash above the target buffer consumed each month",
    )
    buffer_target_months: float = param(
        3.0,
        ge=0,
        le=24,
        unit="months of permanent income",
        source="assumption (1-6)",
        description="savings buffer households aim to hold",
    )
    borrowing_limit_months: float = param(
        0.5,
        ge=0,
        le=12,
        unit="months of permanent income",
        source="assumption (0-1)",
        description="informal credit available (savings may fall to minus this)",
    )
    debt_interest_month: float = param(
        0.02,
        ge=0,
        le=0.2,
        unit="per month",
        source="assumption (0.01-0.05)",
        description="interest on debt, paid to lenders outside the district",
    )
    permanent_income_weight: float = param(
        1 / 12,
        gt=0,
        le=1,
        unit="per month",
        source="assumption (1/24-1/6)",
        description="weight of this month's income in permanent income",
    )


class Health(Strict):
    """Health shocks: out-of-pocket cost and lost work."""

    p_shock_month: float = param(
        0.01,
        ge=0,
        le=1,
        unit="probability/household/month",
        source="assumption (0.005-0.03)",
        description="chance of a serious illness in the household",
    )
    cost_idr: float = param(
        1_500_000,
        ge=0,
        unit="IDR",
        source="assumption (0.5-3 M)",
        description="out-of-pocket cost of a serious illness",
    )
    share_covered: float = param(
        0.6,
        ge=0,
        le=1,
        unit="share",
        source="assumption: JKN coverage (0.4-0.9)",
        description="share of households whose costs are covered by health insurance",
    )
    lost_work_share: float = param(
        0.5,
        ge=0,
        le=1,
        unit="share of a month",
        source="assumption (0.25-1)",
        description="informal and other income lost in the month of the illness",
    )


class Firms(Strict):
    """Processor dynamics."""

    exit_after_loss_months: int = param(
        12,
        ge=1,
        le=120,
        unit="months",
        source="assumption (6-24)",
        description="consecutive loss-making months after which a private plant exits",
    )
    idle_after_negative_margin_months: int = param(
        3,
        ge=1,
        le=24,
        unit="months",
        source="assumption (1-6)",
        description="months of negative unit margin in a row before a plant idles",
    )
    entry_interval_months: int = param(
        12,
        ge=1,
        le=120,
        unit="months",
        source="assumption",
        description="how often entry is considered",
    )
    trader_competition: float = param(
        1.0,
        ge=0,
        le=10,
        unit="per local buyer",
        source="assumption (0.5-2)",
        description="margin = min + (max - min) / (1 + competition x local buyers)",
    )


# --------------------------------------------------------------------------- scenario

_YM = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Scenario(Strict):
    """A complete scenario: what a scenario TOML file holds once resolved."""

    name: str = Field(
        ...,
        min_length=1,
        pattern=r"^[A-Za-z0-9_.-]+$",
        description="scenario name (letters, digits, _ . -): names the results folder",
    )
    description: str = Field("", description="one line on what the scenario is")
    start: str = Field(..., description="first simulated month, YYYY-MM")
    months: int = param(
        60, ge=1, le=600, unit="months", source="scenario", description="simulated months"
    )
    seed: int = param(
        0,
        ge=0,
        le=2**62,
        unit="integer",
        source="scenario",
        description="seed of replication 0; replication r uses seed + r",
    )
    spinup_months: int = param(
        24,
        ge=0,
        le=240,
        unit="months",
        source="assumption (12-36): long enough for savings to settle (mpc 0.08/month)",
        description="months simulated before start, with no plant open and nothing recorded; "
        "prices are then reset to their start values",
    )
    replications: int = param(
        10,
        ge=1,
        le=100_000,
        unit="runs",
        source="scenario",
        description="replications for `valuechain run`",
    )
    baseline: str | None = Field(None, description="scenario file this one is compared to")
    poverty: PovertyLines = Field(default_factory=PovertyLines)
    households: HouseholdBehaviour = Field(default_factory=HouseholdBehaviour)
    demography: Demography = Field(default_factory=Demography)
    registry: Registry = Field(default_factory=Registry)
    policies: dict[str, Policy] = Field(
        default_factory=dict, description="programmes by name; see the [policies.*] sections"
    )
    health: Health = Field(default_factory=Health)
    firms: Firms = Field(default_factory=Firms)
    chains: dict[str, Chain]
    shocks: list[PriceShock] = Field(default_factory=list)
    districts: dict[str, District] = Field(..., min_length=1)

    @field_validator("start")
    @classmethod
    def _start(cls, v: str) -> str:
        if not _YM.match(v):
            raise ValueError("a month written YYYY-MM, such as 2024-08")
        return v

    @model_validator(mode="after")
    def _links(self) -> Scenario:
        for dname, d in self.districts.items():
            for crop in d.crops:
                if crop not in self.chains:
                    raise ValueError(
                        f"districts.{dname}.crops.{crop}: no chain {crop!r} "
                        f"(chains: {sorted(self.chains)})"
                    )
            specs = [(f"processors.{k}", p) for k, p in d.processors.items()]
            if d.entry:
                specs.append(("entry", d.entry))
            for where, p in specs:
                chain = self.chains.get(p.commodity)
                if chain is None:
                    raise ValueError(
                        f"districts.{dname}.{where}.commodity: no chain {p.commodity!r} "
                        f"(chains: {sorted(self.chains)})"
                    )
                if p.process not in chain.processes:
                    raise ValueError(
                        f"districts.{dname}.{where}.process: {p.process!r} is not a process of "
                        f"{p.commodity} (processes: {sorted(chain.processes)})"
                    )
                if p.commodity not in d.crops:
                    raise ValueError(f"districts.{dname}.{where}: district grows no {p.commodity}")
        for name, pol in self.policies.items():
            if pol.kind == "education" and not self.demography.enabled:
                raise ValueError(
                    f"policies.{name}: education acts as young people reach working age; "
                    "set demography.enabled = true"
                )
            commodity = getattr(pol, "commodity", None)
            if commodity is not None and commodity not in self.commodities:
                raise ValueError(
                    f"policies.{name}.commodity: {commodity!r} is grown in no district "
                    f"(grown: {self.commodities})"
                )
            for d in pol.districts or []:
                if d not in self.districts:
                    raise ValueError(
                        f"policies.{name}.districts: no district {d!r} "
                        f"(districts: {sorted(self.districts)})"
                    )
            if pol.start_month >= self.months:
                raise ValueError(
                    f"policies.{name}.start_month {pol.start_month} is not before "
                    f"months={self.months}"
                )
        for i, s in enumerate(self.shocks):
            chain = self.chains.get(s.commodity)
            if chain is None:
                raise ValueError(f"shocks.{i}.commodity: no chain {s.commodity!r}")
            for st in s.stages or []:
                if st not in chain.stages:
                    raise ValueError(f"shocks.{i}.stages: {st!r} is not a stage of {s.commodity}")
            if s.month >= self.months:
                raise ValueError(f"shocks.{i}.month {s.month} is not before months={self.months}")
        return self

    @property
    def commodities(self) -> list[str]:
        """Commodities grown in at least one district, in a stable order."""
        return sorted({c for d in self.districts.values() for c in d.crops})

"""A district: its crops, population, labour market, processing plants and entry rule."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from valuechain.config.behaviour import check_year_month
from valuechain.config.schema import (
    MAX_SKILL,
    CrossKeyError,
    Strict,
    check_shares,
    param,
)
from valuechain.errors import MISSING

__all__ = ["Crop", "District", "Entry", "Labour", "Population", "ProcessorSpec", "Quality"]


class Quality(Strict):
    """A farm practice that makes a better lot of a crop and what a grading buyer pays for it.

    For coffee, selective red-cherry picking; for rubber, clean slab (bokar bersih: no water,
    soil or bark added). A grower who knows the practice uses it in a month when it expects a
    grading buyer (a grading cooperative plant it is a member of, or a grading plant it is a
    contracted outgrower of): its harvest falls by ``yield_loss_share``, each kg it sells costs
    ``cost_idr_per_kg`` more, and a grading plant (``processors.<plant>.grades``) pays
    ``premium_share`` above its offer for the kg it buys from it; traders pay no premium.
    """

    know_share: float = param(
        0.1,
        ge=0,
        le=1,
        unit="share of growers",
        source="assumption (0-0.3 tried): no survey of the practice's spread was found",
        description="growers who know the practice at the start (drawn once)",
    )
    premium_share: float = param(
        ...,
        ge=0,
        le=1,
        unit="share of the plant's offer",
        source="scenario. Coffee red cherry: FACTS:coffee_red_cherry_premium_over_lampung_2022_10 "
        "(0.12-0.16; FACTS:coffee_red_cherry_price_offered_asalan_2018_02 and "
        "FACTS:coffee_red_cherry_green_bean_asalan_nd give more, 0.3-0.7, for specialty "
        "buyers). Rubber clean slab: no figure found; assumption (0.1-0.3 tried): factories pay "
        "by dry rubber content, and clean slab has more of it than the 0.50-0.60 of "
        "FACTS:dry_rubber_content_farmer_slab_2021",
        description="what a grading plant pays above its offer for a kg of the practice's "
        "lot; its output of graded input sells this share above the output price",
    )
    yield_loss_share: float = param(
        0.05,
        ge=0,
        lt=1,
        unit="kg per kg of ordinary harvest",
        source="assumption (0-0.2 tried): red-cherry picking leaves cherries that fall or "
        "dry on the tree; clean slab weighs less without water and dirt (0.1-0.2)",
        description="harvest a grower using the practice does not have",
    )
    cost_idr_per_kg: float = param(
        500,
        ge=0,
        le=1e5,
        unit="IDR/kg sold",
        source="assumption (0-1,500 tried): repeated picking rounds; the order of "
        "FACTS:coffee_hand_sorting_piece_rate_2019_05 (500-1,000 IDR/kg for hand sorting)",
        description="extra farm labour and material per kg sold by a grower using the practice",
    )


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
    tied_share: float = param(
        0.0,
        ge=0,
        le=1,
        unit="share of growers",
        source="0 (no ties) by default; assumption (0.1-0.5 tried): growers in debt to their "
        "trader (toke, punggawa); FACTS:rubber_jambi_sales_village_traders_2017 (61% of Jambi "
        "rubber sold to village traders) bounds it above",
        description="growers who owe their trader and sell this crop to that trader only; a "
        "cooperative (a plant's members, a collective-selling group) frees its members",
    )
    quality: Quality | None = Field(
        None,
        description="a quality practice growers may take up and the premium grading plants pay "
        "for it (none: every kg of the crop is alike)",
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
    women_share: float = param(
        0.4942,
        ge=0,
        le=1,
        unit="share of working-age adults",
        source="FACTS:women_share_population_2020_09 (BPS SP2020: 49.42% of the population)",
        description="chance each working-age adult is a woman (drawn once, from sex/<district>)",
    )
    skill_shares: list[float] = Field(
        [0.45, 0.35, 0.15, 0.05],
        min_length=2,
        max_length=6,
        description="share of households whose workers have skill level 0, 1, 2, ...",
        json_schema_extra={
            "unit": "share of households",
            "source": "assumption: most rural workers have primary schooling or less",
        },
    )
    other_income_idr_per_month_median: float = param(
        1_400_000,
        ge=0,
        unit="IDR/household/month",
        source="assumption (0.6-2.8 M tried; each baseline sets its own, calibrated to its "
        "district's BPS figures: docs/ODD.md, section 9)",
        description="non-farm, non-wage income (small trade, remittances) median",
    )
    other_income_grower_factor: float = param(
        0.25,
        ge=0,
        le=2,
        unit="multiplier",
        source="assumption (0.2-1 tried; calibrated per baseline: half the extreme poor live "
        "mainly from farming, FACTS:extreme_poor_heads_in_agriculture_2023_03): growers have "
        "less non-farm income",
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
        check_shares(v)
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
    reservation_share: float = param(
        0.0,
        ge=0,
        le=3,
        unit="share of permanent income per adult",
        source="0 (anyone takes any job) by default; assumption (0.5-1.5 tried): no Indonesian "
        "estimate of reservation wages by household income was found",
        description="a member takes a processing job only at a wage of at least this share of "
        "the household's permanent income per working-age adult (what a worker of that "
        "household earns otherwise), so better-off households do not queue for the "
        "lowest-paid work",
    )
    local_spending_share: float = param(
        0.0,
        ge=0,
        le=0.8,
        unit="share of spending",
        source="0 (off) by default; 0.6 gives the local multiplier of 2.5 measured for cash "
        "transfers in rural Kenya (FACTS:local_transfer_multiplier_kenya_givedirectly_2022; "
        "2.5-2.8, FACTS:local_multiplier_range_2022), range tried 0.3-0.65; no Indonesian "
        "estimate found (FACTS:indonesia_cash_transfer_cge_effect_nd is a CGE)",
        description="share of a change in the district's household spending that is spent on "
        "local goods and services and comes back next month as local informal income (the "
        "local multiplier is 1 / (1 - share); the rest leaks to goods from outside)",
    )
    max_workers_per_household: int = param(
        1,
        ge=1,
        le=2,
        unit="jobs",
        source="1 by default; 2 lets a second working-age adult (a second earner) take a "
        "processing job: sorting and grading are often done by women as second earners "
        "(FACTS:female_labour_force_participation_2024_02: 55% of working-age women work)",
        description="processing jobs a household can hold: 1, or 2 where it has two "
        "working-age adults (its first job goes to a man when it has one, the second to a woman "
        "when it has one: recorded as processing_jobs_women)",
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
        1, ge=0, le=MAX_SKILL, unit="skill level", source="assumption", description="minimum skill"
    )
    fixed_cost_idr_per_month: float | None = param(
        None,
        ge=0,
        unit="IDR/month",
        source="scenario; the process's fixed_cost_idr_per_t_month x capacity when omitted",
        description="maintenance, management, overheads",
    )
    capex_idr: float | None = param(
        None,
        ge=0,
        unit="IDR",
        source="scenario; the process's capex_idr_per_t_month x capacity when omitted",
        description="capital cost at opening (public money for public and cooperative plants)",
    )
    operating_subsidy_idr_per_month: float = param(
        0.0, ge=0, unit="IDR/month", source="scenario", description="public operating subsidy"
    )
    open_month: int = param(
        0, ge=0, unit="month index", source="scenario", description="first month of operation"
    )
    screening: Literal["skill", "none"] = Field(
        "skill",
        description="how the plant picks among willing candidates with the required skill: by "
        "skill, then a fixed random rank ('skill'), or by the random rank alone ('none': "
        "unskilled sorting, where training earns no priority)",
    )
    piece_rate: bool = Field(
        False,
        description="paid by the piece (sorting paid per sack): a worker earns "
        "wage_idr_per_month only in a month of full work, and in proportion to the input "
        "processed otherwise (wage x labour per kg x kg processed, shared by the workers); "
        "the piece rate per kg of input is wage x the process's labour_worker_months_per_t / "
        "1000",
    )
    season_months: list[int] | None = Field(
        None,
        description="calendar months (1-12) the plant runs; it plans nothing and lets its "
        "workers go in the others (seasonal sorting and grading); all year when omitted",
    )
    tie_buyout_idr: float | None = param(
        None,
        gt=0,
        le=1e9,
        unit="IDR per grower",
        source="none (the plant reaches untied sellers only) by default; "
        "FACTS:rubber_toke_debt_rimbo_bujang_2009 (Rp 2-5 M owed to the toke by most "
        "households) is the size of a debt to settle",
        description="what the plant pays a tied grower's trader to settle the grower's debt, "
        "freeing the grower for good, when untied growers' expected harvest falls short of the "
        "plants' planned input and the saving on the grower's harvest over "
        "firms.tie_buyout_payback_months repays it",
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
        source="assumption; FACTS:crumb_rubber_installed_capacity_2015 (~60% utilised nationally)",
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
    grades: bool = Field(
        False,
        description="buys by grade: pays the district crop's quality premium_share above its "
        "offer for each kg of a quality-practice lot it buys from farms, and sells the output of "
        "that input premium_share above the output price (needs crops.<commodity>.quality)",
    )

    @field_validator("season_months")
    @classmethod
    def _season(cls, v: list[int] | None) -> list[int] | None:
        if v is not None and (not v or any(not 1 <= m <= 12 for m in v) or len(set(v)) < len(v)):
            raise ValueError("calendar months 1-12, each once, at least one")
        return v

    @model_validator(mode="after")
    def _coop(self) -> ProcessorSpec:
        if self.member_share > 0 and self.owner != "cooperative":
            raise CrossKeyError(
                "member_share applies to owner = 'cooperative' only",
                {"member_share": self.member_share, "owner": self.owner},
            )
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
    fixed_cost_idr_per_month: float | None = param(
        None,
        ge=0,
        unit="IDR/month",
        source="scenario; the process's fixed_cost_idr_per_t_month x capacity when omitted",
        description="entrant fixed cost",
    )
    skill_required: int = param(
        1,
        ge=0,
        le=MAX_SKILL,
        unit="skill level",
        source="assumption",
        description="entrant minimum skill",
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
        ...,
        gt=0,
        unit="IDR/worker-month",
        source="scenario",
        description="provincial minimum wage (UMP)",
    )
    population: Population = Field(default_factory=Population)
    labour: Labour = Field(default_factory=Labour)
    crops: dict[str, Crop]
    processors: dict[str, ProcessorSpec] = Field(default_factory=dict)
    entry: Entry | None = None
    poverty_line_idr_per_person_month: float | None = param(
        None,
        gt=0,
        unit="IDR/person/month",
        source="scenario (BPS district release)",
        description="the district's own poverty line, in rupiah of poverty_line_base_month; "
        "its national-line measures use it (default: the national line)",
    )
    poverty_line_base_month: str | None = Field(
        None, description="month whose rupiah the district's poverty line is in (YYYY-MM)"
    )

    @field_validator("poverty_line_base_month")
    @classmethod
    def _base_month(cls, v: str | None) -> str | None:
        return None if v is None else check_year_month(v)

    @model_validator(mode="after")
    def _own_line(self) -> District:
        line, base = self.poverty_line_idr_per_person_month, self.poverty_line_base_month
        if (line is None) != (base is None):
            raise CrossKeyError(
                "a district's poverty line and its base month are given together",
                {"poverty_line_idr_per_person_month": line, "poverty_line_base_month": base},
            )
        return self

    @model_validator(mode="after")
    def _grading(self) -> District:
        for key, p in self.processors.items():
            crop = self.crops.get(p.commodity)
            if p.grades and crop is not None and crop.quality is None:
                raise CrossKeyError(
                    "a grading plant needs the crop's quality table (what growers do and the "
                    "premium)",
                    {f"processors.{key}.grades": True, f"crops.{p.commodity}.quality": MISSING},
                )
        return self

    @model_validator(mode="after")
    def _wages(self) -> District:
        minimum = self.minimum_wage_idr_per_month
        wages = {
            f"processors.{k}.wage_idr_per_month": p.wage_idr_per_month
            for k, p in self.processors.items()
        }
        if self.entry:
            wages["entry.wage_idr_per_month"] = self.entry.wage_idr_per_month
        for key, wage in wages.items():
            if wage < minimum:
                raise CrossKeyError(
                    "a wage at least the district's minimum wage",
                    {key: wage, "minimum_wage_idr_per_month": minimum},
                )
        return self

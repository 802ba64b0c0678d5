"""Scenario schema of the registry and of every programme (``[registry]``, ``[policies.*]``).

A programme is a named section with a ``kind``::

    [policies.training]
    kind = "training"
    start_month = 0
    budget_idr = 5e9
    funding = "district"
    seats_per_month = 50

Absent sections are off. Several programmes of one kind may coexist under different names
(e.g. one per district).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from valuechain.config.schema import (
    MAX_IDR_TOTAL,
    MAX_MONTH_INDEX,
    MAX_SKILL,
    CrossKeyError,
    Strict,
    param,
)

__all__ = [
    "BPNT",
    "DISTRICT_TYPES",
    "PKH",
    "Credit",
    "Education",
    "ElderlyDisability",
    "ExportTax",
    "FromRegistry",
    "HealthInsurance",
    "Listed",
    "MarketingCooperative",
    "Policy",
    "Programme",
    "QualityExtension",
    "Registry",
    "RegistryUpdate",
    "Training",
    "VillageCash",
]


#: district types, as ``District.type`` names them
DISTRICT_TYPES = ("upland", "lowland", "coastal")

MissShares = dict[Literal["upland", "lowland", "coastal"], Annotated[float, Field(ge=0, le=1)]]


def _all_types(v: dict[str, float]) -> dict[str, float]:
    """Raise unless every district type has a share."""
    missing = [t for t in DISTRICT_TYPES if t not in v]
    if missing:
        raise ValueError(
            f"a share for every district type {list(DISTRICT_TYPES)}; none for {missing}"
        )
    return v


class Registry(Strict):
    """The targeting registry (DTKS/P3KE-like): one list that programmes enrol from.

    Each household is enumerated or not, once (``enumeration_miss_share`` by district type;
    only a ``registry_update`` programme enumerates again). At month 0 and every
    ``recertify_every_months``, a proxy-means score is fitted by least squares to log
    consumption per person on what an enumerator sees, plus noise; enumerated households are
    ranked by score and the lowest ``coverage_share`` of the district's households register.
    Targeting errors are measured against the poorest ``target_share`` by consumption.
    """

    coverage_share: float = param(
        0.4,
        ge=0,
        le=1,
        unit="share of households",
        source="FACTS:p3ke_families_covered_poorest_40pct_2022 (the poorest ~40%)",
        description="households registered: the lowest scores among the enumerated",
    )
    score_noise_sd: float = param(
        0.4,
        ge=0,
        le=5,
        unit="log IDR",
        source="assumption (0.2-0.6), calibrated with the miss shares to the DTKS-era errors; "
        "0 leaves only the proxy-means fit's own error",
        description="noise of the proxy-means score around its fitted prediction",
    )
    recertify_every_months: int = param(
        12,
        ge=1,
        le=120,
        unit="months",
        source="assumption (6-36): the 2024 register was rarely refreshed",
        description="registry re-certification interval",
    )
    enumeration_miss_share: MissShares = Field(
        {"upland": 0.25, "lowland": 0.25, "coastal": 0.30},
        description="households never enumerated, by district type (never registered)",
        json_schema_extra={
            "unit": "share of households",
            "source": "assumption (0.1-0.4): FACTS:udb_registration_full_enumeration_2011 "
            "(full enumeration cut under-coverage of the poor by a third); calibrated with "
            "the score noise to the DTKS-era errors",
        },
    )
    target_share: float = param(
        0.4,
        ge=0,
        le=1,
        unit="share of households",
        source="FACTS:p3ke_families_covered_poorest_40pct_2022: the group DTKS/P3KE is meant "
        "to hold, the poorest 40%",
        description="target group of the targeting errors: the poorest by consumption per "
        "person this month, in each district",
    )

    @field_validator("enumeration_miss_share")
    @classmethod
    def _types(cls, v: dict[str, float]) -> dict[str, float]:
        return _all_types(v)


class Programme(Strict):
    """What every programme has: a schedule, a budget, a funding source, a place."""

    start_month: int = param(
        0, ge=0, unit="month index", source="scenario", description="first month the programme acts"
    )
    end_month: int | None = Field(
        None, ge=0, le=MAX_MONTH_INDEX, description="last month it acts (default: to the end)"
    )
    budget_idr: float | None = Field(
        None,
        ge=0,
        le=MAX_IDR_TOTAL,
        description="total budget in IDR; the programme stops when the next month would "
        "exceed it (default: unlimited)",
    )
    funding: Literal["central", "district"] = Field("central", description="who pays")
    districts: list[str] | None = Field(None, description="districts it acts in (default: all)")
    enabled: bool = Field(
        True,
        description="false: the section is kept but the programme never acts (switches a "
        "status-quo programme off, e.g. with --set)",
    )
    since_before_start: bool = Field(
        False,
        description="already running when the run starts: it also acts in the spin-up "
        "months, whose spending is not counted in its budget or in the results",
    )

    @model_validator(mode="after")
    def _window(self) -> Programme:
        if self.end_month is not None and self.end_month < self.start_month:
            raise CrossKeyError(
                "end_month is before start_month",
                {"end_month": self.end_month, "start_month": self.start_month},
            )
        return self

    def commodity_named(self) -> str | None:
        """The commodity the programme acts on, for those that act on one (else None)."""
        return None


class Listed(Programme):
    """A programme that keeps a list of the households it serves, chosen by quota.

    It enrols the ``quota_share x households`` best-ranked eligible households of each
    district; households enrolled in a programme named in ``excluding`` (while that one
    acts) are not eligible.
    """

    quota_share: float = Field(
        ..., ge=0, le=1, description="enrolled, as a share of the district's households"
    )
    excluding: list[str] = Field(
        [],
        description="programmes whose enrolled households are not eligible (e.g. BLT Dana "
        "Desa excludes PKH and BPNT recipients)",
    )


class FromRegistry(Listed):
    """A programme that enrols registered households by their registry score plus its own
    list noise (each programme's list was drawn and verified at a different time)."""

    list_noise_sd: float = param(
        0.3,
        ge=0,
        le=5,
        unit="log IDR",
        source="assumption (0-0.6): each programme's list was drawn and verified at a "
        "different time",
        description="noise added to the registry score for this programme's ranking, drawn "
        "at each certification",
    )


class BPNT(FromRegistry):
    """Food assistance (BPNT / Sembako-like): a flat monthly amount per enrolled household."""

    kind: Literal["bpnt"]
    quota_share: float = param(
        0.2,
        ge=0,
        le=1,
        unit="share of households",
        source="assumption (0.1-0.4)",
        description="enrolled: the best-ranked eligible registered households, as a share of "
        "the district's households",
    )
    amount_idr_per_month: float = param(
        200_000,
        ge=0,
        unit="IDR/household/month",
        source="FACTS:bpnt_sembako_food_assistance_2020 (unverified)",
        description="transfer per enrolled household",
    )


class PKH(FromRegistry):
    """Conditional cash transfer (PKH-like) by household component, for enrolled households.

    Eligible: registered households with at least one component member (a young child, a
    school child, an elderly or a disabled member). Components are counted up to
    ``max_components`` per household, in the order young children, elderly and disabled
    members, then school children from senior to primary.
    """

    kind: Literal["pkh"]
    quota_share: float = param(
        0.1,
        ge=0,
        le=1,
        unit="share of households",
        source="assumption (0.05-0.2)",
        description="enrolled: the best-ranked eligible registered households, as a share of "
        "the district's households",
    )
    young_child_idr_per_year: float = param(
        3_000_000,
        ge=0,
        unit="IDR/person/year",
        source="FACTS:pkh_pregnant_child_0_6_2019 (unverified)",
        description="per child aged 0-6",
    )
    elderly_disabled_idr_per_year: float = param(
        2_400_000,
        ge=0,
        unit="IDR/person/year",
        source="FACTS:pkh_elderly_60_severe_disability_2019 (unverified)",
        description="per elderly or severely disabled member",
    )
    primary_idr_per_year: float = param(
        900_000,
        ge=0,
        unit="IDR/person/year",
        source="FACTS:pkh_school_child_primary_junior_senior_2019 (primary; unverified)",
        description="per primary-school child",
    )
    junior_idr_per_year: float = param(
        1_500_000,
        ge=0,
        unit="IDR/person/year",
        source="FACTS:pkh_school_child_primary_junior_senior_2019 (junior; unverified)",
        description="per junior-secondary child",
    )
    senior_idr_per_year: float = param(
        2_000_000,
        ge=0,
        unit="IDR/person/year",
        source="FACTS:pkh_school_child_primary_junior_senior_2019 (senior; unverified)",
        description="per senior-secondary child",
    )
    max_components: int = param(
        4,
        ge=1,
        le=20,
        unit="persons",
        source="assumption: PKH counts at most four members",
        description="components paid per household at most",
    )
    compliance_share: float = param(
        0.9,
        ge=0,
        le=1,
        unit="share",
        source="assumption (0.8-1): conditions met",
        description="share of the entitlement paid (conditions on schooling and health visits)",
    )


class ElderlyDisability(FromRegistry):
    """Assistance for elderly and severely disabled people who cannot work, mapped through
    the registry: registered households with such members (by default every one), per member."""

    kind: Literal["elderly_disability"]
    quota_share: float = param(
        1.0,
        ge=0,
        le=1,
        unit="share of households",
        source="assumption: 1 enrols every eligible registered household",
        description="enrolled: the best-ranked eligible registered households, as a share of "
        "the district's households",
    )
    amount_idr_per_person_month: float = param(
        200_000,
        ge=0,
        unit="IDR/person/month",
        source="FACTS:pkh_elderly_60_severe_disability_2019 (2.4 M/year; unverified)",
        description="per elderly or severely disabled member of a registered household",
    )
    only_without_workers: bool = Field(
        False, description="only households with no working-age adult"
    )


class Training(Programme):
    """Skills training: seats each month, completion, skill gain for processing jobs."""

    kind: Literal["training"]
    seats_per_month: float = param(
        50,
        ge=0,
        unit="trainees/month",
        source="scenario",
        description="trainees (real persons) who start each month",
    )
    duration_months: int = param(
        3, ge=1, le=36, unit="months", source="assumption (1-6)", description="length of a course"
    )
    p_complete: float = param(
        0.8,
        ge=0,
        le=1,
        unit="probability",
        source="assumption (0.6-0.95)",
        description="chance a trainee completes",
    )
    skill_gain: int = param(
        1,
        ge=1,
        le=MAX_SKILL,
        unit="skill levels",
        source="assumption",
        description="skill added on completion",
    )
    max_skill: int = param(
        MAX_SKILL,
        ge=0,
        le=MAX_SKILL,
        unit="skill level",
        source="model setting",
        description="skill cannot rise above this",
    )
    cost_per_trainee_idr: float = param(
        3_000_000,
        ge=0,
        unit="IDR/trainee",
        source="assumption (1.5-6 M): a vocational course",
        description="cost of one seat, paid when the trainee starts",
    )
    registered_only: bool = Field(True, description="seats go to registered households only")


class HealthInsurance(FromRegistry):
    """Subsidised health insurance (PBI-JKN-like): premiums paid for enrolled households,
    whose out-of-pocket health costs are then covered."""

    kind: Literal["health_insurance"]
    quota_share: float = param(
        0.35,
        ge=0,
        le=1,
        unit="share of households",
        source="assumption (0.3-0.4): PBI covers roughly a third of the population",
        description="enrolled: the best-ranked eligible registered households, as a share of "
        "the district's households",
    )
    premium_idr_per_person_month: float = param(
        42_000,
        ge=0,
        unit="IDR/person/month",
        source="assumption: PBI premium Rp 42,000 (Perpres 64/2020; not in the facts file)",
        description="premium paid by government per enrolled person",
    )


class ExportTax(Programme):
    """A national export duty on the raw farm stage (``rate = 1`` is a ban in effect).

    A duty is set by the centre: it applies in every district growing the commodity (no
    ``districts`` key) and its revenue is central (``funding = "central"``). Traders pass it
    on: their farmgate price becomes ``reference x (1 - margin - rate)`` (not below zero), and
    local processors, who bid against traders, offer less too. The duty on what traders take
    out is central revenue (``tax_revenue``).
    """

    kind: Literal["export_tax"]
    commodity: str
    rate: float = param(
        0.05,
        ge=0,
        le=1,
        unit="share of the reference price",
        source="scenario",
        description="tax per kg of raw farm stage leaving the district",
    )

    @model_validator(mode="after")
    def _national(self) -> ExportTax:
        if self.districts is not None:
            raise CrossKeyError(
                "no districts: an export duty is national and applies in every district "
                "growing the commodity",
                {"districts": self.districts},
            )
        if self.funding != "central":
            raise CrossKeyError(
                "funding = 'central': an export duty is central revenue",
                {"funding": self.funding},
            )
        return self

    def commodity_named(self) -> str | None:
        """The commodity taxed or sold together."""
        return self.commodity


class MarketingCooperative(Programme):
    """Collective selling (UPPB-like farmer groups): members who sell to traders get the
    group's price, ``reference x (1 - margin)``, instead of the village trader's price."""

    kind: Literal["marketing_cooperative"]
    commodity: str
    member_share: float = param(
        0.3,
        ge=0,
        le=1,
        unit="share of growers",
        source="assumption (0.1-0.5)",
        description="growers of the commodity who join (drawn once, at the start)",
    )
    margin: float = param(
        0.08,
        ge=0,
        lt=1,
        unit="share of the reference price",
        source=(
            "assumption (0.03-0.12), as rubber's trader_margin_min; with rubber's trader "
            "margin 0.30 it gives members 0.92/0.70 = 1.31x the trader price, near "
            "FACTS:rubber_uppb_price_vs_non_member_2021_08 (11,658 vs 8,847 IDR/kg = 1.32x)"
        ),
        description="what collective selling leaves to buyers",
    )
    support_idr_per_member_month: float = param(
        10_000,
        ge=0,
        unit="IDR/member household/month",
        source="assumption (0-30,000)",
        description="public facilitation cost per member household",
    )

    def commodity_named(self) -> str | None:
        """The commodity taxed or sold together."""
        return self.commodity


class Credit(Programme):
    """Small productive credit (KUR/Mekaar-like) for registered households.

    Each month ``loans_per_month`` households without a loan borrow ``loan_idr`` (repaid in
    equal instalments over ``term_months`` at ``interest_month``); the financed activity
    earns ``return_month`` of the principal each month while the loan runs; a borrower
    defaults with ``p_default_month`` a month and repays nothing more. The programme's
    spending is net lending: disbursements less repayments.
    """

    kind: Literal["credit"]
    loans_per_month: float = param(
        100, ge=0, unit="loans/month", source="scenario", description="new loans a month"
    )
    loan_idr: float = param(
        5_000_000,
        gt=0,
        unit="IDR/loan",
        source="assumption (2-10 M): a micro loan",
        description="principal of one loan",
    )
    interest_month: float = param(
        0.005,
        ge=0,
        le=0.1,
        unit="per month",
        source="assumption: a subsidised 6% a year (KUR micro; not in the facts file)",
        description="interest on the outstanding balance",
    )
    term_months: int = param(
        12, ge=1, le=120, unit="months", source="assumption (6-36)", description="repayment period"
    )
    p_default_month: float = param(
        0.01,
        ge=0,
        le=1,
        unit="probability/month",
        source="assumption (0.002-0.03)",
        description="chance a borrower stops repaying, each month",
    )
    return_month: float = param(
        0.03,
        ge=0,
        le=0.2,
        unit="share of principal/month",
        source="assumption (0-0.05)",
        description="earnings of the financed activity while the loan runs",
    )
    registered_only: bool = Field(True, description="loans go to registered households only")


class Education(FromRegistry):
    """Education support (PIP/KIP-like scholarships) for school children of enrolled
    households (eligible: registered households with a school-age child), paid per child by
    school level; young people who reach working age from them have ``skill_gain`` more skill.
    The skill gain works through the yearly demography; with ``demography.enabled = false``
    only the cash is paid."""

    kind: Literal["education"]
    quota_share: float = param(
        0.2,
        ge=0,
        le=1,
        unit="share of households",
        source="assumption (0.1-0.3)",
        description="enrolled: the best-ranked eligible registered households, as a share of "
        "the district's households",
    )
    amount_primary_idr_per_year: float = param(
        450_000,
        ge=0,
        unit="IDR/student/year",
        source="assumption: PIP amounts per level (Permendikbud 10/2020; not in the facts table)",
        description="paid per primary-school child of an enrolled household",
    )
    amount_junior_idr_per_year: float = param(
        750_000,
        ge=0,
        unit="IDR/student/year",
        source="assumption: PIP amounts per level (Permendikbud 10/2020; not in the facts table)",
        description="paid per junior-secondary child of an enrolled household",
    )
    amount_senior_idr_per_year: float = param(
        1_800_000,
        ge=0,
        unit="IDR/student/year",
        source="assumption: PIP amounts per level (Permendikbud 10/2020; not in the facts table)",
        description="paid per senior-secondary child of an enrolled household",
    )
    skill_gain: int = param(
        1,
        ge=1,
        le=MAX_SKILL,
        unit="skill levels",
        source="assumption",
        description="added to the skill of those who reach working age",
    )


class VillageCash(Listed):
    """Village cash transfer (BLT Dana Desa): villages choose recipients among all households,
    registered or not, by what neighbours know of their consumption.

    At its first month and every ``reselect_every_months``, each household's community score
    is ``log(consumption per person) + community_noise_sd x z``; the ``quota_share x
    households`` lowest-scored eligible households are selected. Dana Desa is a central
    transfer to villages, so the default funding is central.
    """

    kind: Literal["village_cash"]
    quota_share: float = param(
        0.07,
        ge=0,
        le=1,
        unit="share of households",
        source="assumption (0.04-0.10): FACTS:blt_dana_desa_implied_coverage_2024, 2.97 M "
        "families, over about 33 M rural households",
        description="selected: the lowest community scores among the eligible, as a share "
        "of the district's households",
    )
    amount_idr_per_month: float = param(
        300_000,
        ge=0,
        unit="IDR/household/month",
        source="FACTS:blt_dana_desa_benefit_2021 (weak)",
        description="transfer per selected household",
    )
    community_noise_sd: float = param(
        0.5,
        ge=0,
        le=5,
        unit="log IDR",
        source="assumption (0.3-0.8): villages rank by what neighbours know of consumption; "
        "FACTS:pmt_exclusion_error_field_experiment_2008_2009 compares methods",
        description="noise of the community ranking around log consumption per person",
    )
    reselect_every_months: int = param(
        12,
        ge=1,
        le=120,
        unit="months",
        source="assumption: villages agree the list once a year",
        description="months between selections",
    )


class RegistryUpdate(Programme):
    """A registry update (the DTSEN lever): at ``start_month`` the registry re-enumerates
    with new miss shares (the same draws, so who was enumerated before stays enumerated when
    a share falls), takes this programme's score noise and re-certification interval, and
    certifies at once. Cost: ``cost_idr_per_household`` per real household of its districts,
    once, that month."""

    kind: Literal["registry_update"]
    enumeration_miss_share: MissShares = Field(
        {"upland": 0.10, "lowland": 0.10, "coastal": 0.15},
        description="households never enumerated after the update, by district type (types "
        "not named keep the registry's share)",
        json_schema_extra={
            "unit": "share of households",
            "source": "assumption (0.05-0.2): a fuller enumeration; to calibrate to the "
            "published DTSEN errors",
        },
    )
    score_noise_sd: float = param(
        0.25,
        ge=0,
        le=5,
        unit="log IDR",
        source="assumption (0.1-0.4): to calibrate to the published DTSEN errors",
        description="the registry's score noise from the update on",
    )
    recertify_every_months: int = param(
        12,
        ge=1,
        le=120,
        unit="months",
        source="assumption (6-24): DTSEN is to be updated regularly",
        description="the registry's re-certification interval from the update on",
    )
    cost_idr_per_household: float = param(
        25_000,
        ge=0,
        le=1e7,
        unit="IDR/household",
        source="assumption (10,000-50,000): one enumeration visit and verification",
        description="one-off cost per real household of the district, booked at start_month",
    )


class QualityExtension(Programme):
    """Extension for a farm quality practice (red-cherry picking, clean slab): each month it
    teaches ``seats_per_month`` growers of ``commodity`` who do not know the practice yet, in
    a fixed random order, at ``cost_per_grower_idr`` each. With ``outgrower_plant`` (a
    grading plant of the district, ``processors.<plant>.grades = true``) the plant contracts
    the growers taught: they sell to it first, as a cooperative's members do, up to its room,
    and are freed of a tie to their trader."""

    kind: Literal["quality_extension"]
    commodity: str
    seats_per_month: float = param(
        100,
        ge=0,
        unit="growers/month",
        source="scenario",
        description="growers (real households) taught each month",
    )
    cost_per_grower_idr: float = param(
        500_000,
        ge=0,
        unit="IDR/grower",
        source="assumption (0.2-1.5 M tried): field-school sessions and demonstration plots "
        "per grower; no Indonesian cost figure was found",
        description="cost of teaching one grower, paid the month the grower is taught",
    )
    outgrower_plant: str | None = Field(
        None,
        description="name of a grading plant (a key of districts.<district>.processors, in "
        "every district the programme acts in that grows the commodity) that contracts the "
        "growers taught (none: growers are taught and no buyer contracts them)",
    )

    def commodity_named(self) -> str | None:
        """The commodity whose growers are taught."""
        return self.commodity


Policy = Annotated[
    BPNT
    | PKH
    | ElderlyDisability
    | Training
    | HealthInsurance
    | ExportTax
    | MarketingCooperative
    | Credit
    | Education
    | VillageCash
    | RegistryUpdate
    | QualityExtension,
    Field(discriminator="kind"),
]

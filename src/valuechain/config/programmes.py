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

from pydantic import Field, model_validator

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
    "PKH",
    "Credit",
    "Education",
    "ElderlyDisability",
    "ExportTax",
    "HealthInsurance",
    "MarketingCooperative",
    "Policy",
    "Programme",
    "Registry",
    "Training",
]


class Registry(Strict):
    """The targeting registry (P3KE-like): one list that every programme enrols from.

    At month 0 and every ``recertify_every_months``, each household's proxy-means score is
    ``log(consumption per person) + noise``; the lowest ``coverage_share`` of each district
    are registered, and every household gets its rank (0 = poorest by score).
    """

    coverage_share: float = param(
        0.4,
        ge=0,
        le=1,
        unit="share of households",
        source="FACTS:p3ke_families_covered_poorest_40pct_2022 (the poorest ~40%)",
        description="households registered: the lowest scores in each district",
    )
    score_noise_sd: float = param(
        0.4,
        ge=0,
        le=5,
        unit="log IDR",
        source="assumption (0.2-0.6); 0 is a perfect registry",
        description="noise of the proxy-means score around log per-capita consumption",
    )
    recertify_every_months: int = param(
        12,
        ge=1,
        le=120,
        unit="months",
        source="assumption (6-36)",
        description="registry re-certification interval",
    )


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


class BPNT(Programme):
    """Food assistance (BPNT / Sembako-like): a flat monthly amount per enrolled household."""

    kind: Literal["bpnt"]
    quota_share: float = param(
        0.2,
        ge=0,
        le=1,
        unit="share of households",
        source="assumption (0.1-0.4)",
        description="enrolled: the lowest registry ranks in each district",
    )
    amount_idr_per_month: float = param(
        200_000,
        ge=0,
        unit="IDR/household/month",
        source="FACTS:bpnt_sembako_food_assistance_2020 (unverified)",
        description="transfer per enrolled household",
    )


class PKH(Programme):
    """Conditional cash transfer (PKH-like) by household component, for enrolled households.

    Components are counted up to ``max_components`` per household, in the order young
    children, elderly and disabled members, then school children from senior to primary.
    """

    kind: Literal["pkh"]
    quota_share: float = param(
        0.1,
        ge=0,
        le=1,
        unit="share of households",
        source="assumption (0.05-0.2)",
        description="enrolled: the lowest registry ranks in each district",
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


class ElderlyDisability(Programme):
    """Assistance for elderly and severely disabled people who cannot work, mapped through
    the registry: every registered household with such members, per member."""

    kind: Literal["elderly_disability"]
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


class HealthInsurance(Programme):
    """Subsidised health insurance (PBI-JKN-like): premiums paid for enrolled households,
    whose out-of-pocket health costs are then covered."""

    kind: Literal["health_insurance"]
    quota_share: float = param(
        0.35,
        ge=0,
        le=1,
        unit="share of households",
        source="assumption (0.3-0.4): PBI covers roughly a third of the population",
        description="enrolled: the lowest registry ranks in each district",
    )
    premium_idr_per_person_month: float = param(
        42_000,
        ge=0,
        unit="IDR/person/month",
        source="assumption: PBI premium Rp 42,000 (Perpres 64/2020; not in the facts file)",
        description="premium paid by government per enrolled person",
    )


class ExportTax(Programme):
    """A tax on the raw farm stage leaving the district (``rate = 1`` is a ban in effect).

    Traders pass the tax on: their farmgate price becomes ``reference x (1 - margin - rate)``
    (not below zero), and local processors, who bid against traders, offer less too. The
    tax on what traders take out is public revenue (``tax_revenue``).
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


class Education(Programme):
    """Education support (PIP/KIP-like scholarships) for school children of enrolled
    households: young people who reach working age from them have ``skill_gain`` more skill.
    Works through the yearly demography (it needs ``demography.enabled``)."""

    kind: Literal["education"]
    quota_share: float = param(
        0.2,
        ge=0,
        le=1,
        unit="share of households",
        source="assumption (0.1-0.3)",
        description="enrolled: the lowest registry ranks in each district",
    )
    amount_idr_per_student_year: float = param(
        1_000_000,
        ge=0,
        unit="IDR/student/year",
        source="assumption (0.75-1.8 M): PIP-like support for junior and senior students",
        description="paid per junior- or senior-secondary child of an enrolled household",
    )
    skill_gain: int = param(
        1,
        ge=1,
        le=MAX_SKILL,
        unit="skill levels",
        source="assumption",
        description="added to the skill of those who reach working age",
    )


Policy = Annotated[
    BPNT
    | PKH
    | ElderlyDisability
    | Training
    | HealthInsurance
    | ExportTax
    | MarketingCooperative
    | Credit
    | Education,
    Field(discriminator="kind"),
]

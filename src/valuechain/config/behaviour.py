"""Behaviour and rules shared by all districts: demography, poverty lines, household
budgets, health, firms."""

from __future__ import annotations

from pydantic import Field

from valuechain.config.schema import Strict, param

__all__ = ["Demography", "Firms", "Health", "HouseholdBehaviour", "PovertyLines"]


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
        source="FACTS:national_poverty_line_2024_03 (BPS)",
        description="national poverty line",
    )
    extreme_190_idr_per_person_month: float = param(
        358_234,
        gt=0,
        unit="IDR/person/month",
        source="FACTS:extreme_line_190_2021_03 (BPS, USD 1.90 2011 PPP), not inflated",
        description="extreme poverty line at USD 1.90 (2011 PPP)",
    )
    extreme_215_idr_per_person_month: float = param(
        391_000,
        gt=0,
        unit="IDR/person/month",
        source="FACTS:extreme_line_215_2025_01 (press reports of BPS, approximate)",
        description="extreme poverty line at USD 2.15 (2017 PPP)",
    )
    sustained_exit_months: int = param(
        12,
        ge=1,
        le=120,
        unit="months",
        source=(
            "assumption (the model's definition: a full year out spans every harvest season;"
            " 6-24 months are defensible)"
        ),
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
        unit="IDR/illness",
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

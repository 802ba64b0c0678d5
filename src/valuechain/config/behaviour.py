"""Behaviour and rules shared by all districts: demography, poverty lines, household
budgets, health, firms."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from pydantic import Field, field_validator

from valuechain.config.schema import Strict, param

__all__ = [
    "MONTHS_PER_YEAR",
    "YEAR_MONTH",
    "Demography",
    "Firms",
    "Health",
    "HouseholdBehaviour",
    "PovertyLines",
    "check_year_month",
    "cpi_factor",
    "month_number",
]


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


#: a month written ``YYYY-MM``
YEAR_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
#: months in a calendar year
MONTHS_PER_YEAR = 12
#: the range of a year's inflation the schema accepts (a deflation of half the price level or
#: a doubling in a year: beyond any year of Indonesia's CPI since 1999)
_INFLATION_RANGE = (-0.5, 1.0)
#: the years an inflation path may name
_YEARS = (1900, 2200)


def check_year_month(text: str) -> str:
    """``text`` if it is a month written ``YYYY-MM``; raise ``ValueError`` otherwise."""
    if not YEAR_MONTH.match(text):
        raise ValueError("a month written YYYY-MM, such as 2024-08")
    return text


def month_number(text: str) -> int:
    """Months since January of year 0 of a ``YYYY-MM`` month (January 2024 is 24288)."""
    year, month = check_year_month(text).split("-")
    return int(year) * MONTHS_PER_YEAR + int(month) - 1


def cpi_factor(
    from_month: str,
    to_month: str,
    inflation_by_year: Mapping[int, float],
    default_inflation: float,
) -> float:
    """How much the consumer price index rises from the end of ``from_month`` to the end of
    ``to_month`` (both ``YYYY-MM``); below one when ``to_month`` comes first.

    Each year's December-on-December inflation ``pi`` (``inflation_by_year``, else
    ``default_inflation``) is spread evenly over its months: the index rises by
    ``(1 + pi) ** (1/12)`` from the end of one month to the end of the next month of that
    year. So the factor is the product over the months after ``from_month`` up to
    ``to_month`` of their year's monthly rise.

    Example:
        >>> round(cpi_factor("2023-12", "2024-12", {2024: 0.0157}, 0.025), 6)
        1.0157
    """
    a, b = month_number(from_month), month_number(to_month)
    lo, hi = min(a, b), max(a, b)
    log_rise = 0.0
    first = lo + 1  # the months whose rise counts: lo+1 .. hi
    while first <= hi:
        year = first // MONTHS_PER_YEAR
        last = min(hi, year * MONTHS_PER_YEAR + MONTHS_PER_YEAR - 1)
        pi = inflation_by_year.get(year, default_inflation)
        log_rise += (last - first + 1) / MONTHS_PER_YEAR * math.log1p(pi)
        first = last + 1
    return math.exp(log_rise if b >= a else -log_rise)


class PovertyLines(Strict):
    """Poverty lines in rupiah per person per month, each in the rupiah of its base month,
    the consumer-price path that moves them, and the sustained-exit window.

    The model's money is in rupiah of the scenario's start month (constant prices): each
    line is moved once by the CPI from its base month to the start month
    (:meth:`line_at`).
    """

    national_idr_per_person_month: float = param(
        582_932,
        gt=0,
        unit="IDR/person/month",
        source="FACTS:national_poverty_line_2024_03 (BPS)",
        description="national poverty line, in rupiah of national_base_month",
    )
    national_base_month: str = Field(
        "2024-03", description="month whose rupiah the national line is in (YYYY-MM)"
    )
    extreme_190_idr_per_person_month: float = param(
        351_957,
        gt=0,
        unit="IDR/person/month",
        source=(
            "FACTS:extreme_line_190_2023_03 (BPS, USD 1.90 2011 PPP, the latest published; BPS"
            " re-converts this line by PPP factors, so it fell from 358,234 in March 2021,"
            " FACTS:extreme_line_190_2021_03; moved from 2021 by the CPI it would be ~397,000"
            " in 2024, above the USD 2.15 line)"
        ),
        description="extreme poverty line at USD 1.90 (2011 PPP), in rupiah of "
        "extreme_190_base_month",
    )
    extreme_190_base_month: str = Field(
        "2023-03", description="month whose rupiah the USD 1.90 line is in (YYYY-MM)"
    )
    extreme_215_idr_per_person_month: float = param(
        391_000,
        gt=0,
        unit="IDR/person/month",
        source="FACTS:extreme_line_215_2025_01 (press reports of BPS, approximate)",
        description="extreme poverty line at USD 2.15 (2017 PPP), in rupiah of "
        "extreme_215_base_month",
    )
    extreme_215_base_month: str = Field(
        "2025-01", description="month whose rupiah the USD 2.15 line is in (YYYY-MM)"
    )
    cpi_inflation_by_year: dict[int, float] = Field(
        {2021: 0.0187, 2022: 0.0551, 2023: 0.0261, 2024: 0.0157, 2025: 0.0292},
        description="consumer-price inflation by calendar year, December on December "
        "(spread evenly over the year's months); other years use cpi_inflation_default",
        json_schema_extra={
            "unit": "share/year",
            "source": "FACTS:cpi_inflation_2021_12, FACTS:cpi_inflation_2022_12, "
            "FACTS:cpi_inflation_2023_12, FACTS:cpi_inflation_2024_12, "
            "FACTS:cpi_inflation_2025_12 (BPS)",
        },
    )
    cpi_inflation_default: float = param(
        0.025,
        ge=_INFLATION_RANGE[0],
        le=_INFLATION_RANGE[1],
        unit="share/year",
        source="assumption: Bank Indonesia's inflation target of 2.5% +/- 1 (0.015-0.035)",
        description="consumer-price inflation of a year not in cpi_inflation_by_year",
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

    @field_validator("national_base_month", "extreme_190_base_month", "extreme_215_base_month")
    @classmethod
    def _month(cls, v: str) -> str:
        return check_year_month(v)

    @field_validator("cpi_inflation_by_year", mode="before")
    @classmethod
    def _years(cls, v: object) -> object:
        # TOML keys are strings: read "2024" as the year 2024
        if isinstance(v, Mapping):
            return {int(k) if isinstance(k, str) and k.isdigit() else k: x for k, x in v.items()}
        return v

    @field_validator("cpi_inflation_by_year")
    @classmethod
    def _path(cls, v: dict[int, float]) -> dict[int, float]:
        lo, hi = _INFLATION_RANGE
        for year, pi in v.items():
            if not _YEARS[0] <= year <= _YEARS[1]:
                raise ValueError(f"a year between {_YEARS[0]} and {_YEARS[1]}, not {year}")
            if not lo <= pi <= hi:
                raise ValueError(f"inflation of {year} between {lo} and {hi}, not {pi}")
        return v

    def cpi_factor(self, from_month: str, to_month: str) -> float:
        """The CPI's rise from the end of ``from_month`` to the end of ``to_month`` on this
        path (:func:`cpi_factor`)."""
        return cpi_factor(
            from_month, to_month, self.cpi_inflation_by_year, self.cpi_inflation_default
        )

    def line_at(self, line: str, month: str) -> float:
        """A line (``"national"``, ``"extreme_190"``, ``"extreme_215"``) in rupiah of
        ``month``: its value moved by the CPI from its base month."""
        value, base = {
            "national": (self.national_idr_per_person_month, self.national_base_month),
            "extreme_190": (self.extreme_190_idr_per_person_month, self.extreme_190_base_month),
            "extreme_215": (self.extreme_215_idr_per_person_month, self.extreme_215_base_month),
        }[line]
        return value * self.cpi_factor(base, month)


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
    tie_buyout_payback_months: int = param(
        12,
        ge=1,
        le=60,
        unit="months",
        source="assumption (6-24)",
        description="a plant settles a tied grower's debt (tie_buyout_idr) when what it saves "
        "buying that grower's expected harvest of this many months from farms rather than "
        "from outside repays it",
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

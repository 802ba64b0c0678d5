"""Schema building blocks shared by every section: parameters with unit, range and source.

Numbers are strict: ``true`` is not a number, and neither is ``inf`` or ``nan`` (an integer
where a float is expected is fine). Every number has an upper bound: the one it is declared
with, or else the ceiling of its unit in :data:`CEILINGS`, far above anything a real district
reaches, so that a slipped exponent (``1e20`` for ``1e5``) is an error naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CEILINGS",
    "MAX_IDR_TOTAL",
    "MAX_MONTH_INDEX",
    "MAX_SKILL",
    "SHARE_SUM_TOLERANCE",
    "CrossKeyError",
    "Strict",
    "check_shares",
    "param",
]

#: the highest skill level a worker can have (skill levels are 0..MAX_SKILL)
MAX_SKILL = 5

#: how far from one a vector of shares may sum (decimal fractions such as 0.1 are not exact
#: in binary; anything further off is a mistake in the file, not rounding)
SHARE_SUM_TOLERANCE = 1e-6

#: total amounts of money (a budget, a plant's capital or monthly cost): above Indonesia's
#: GDP, about IDR 2.1e16 a year in 2023 (BPS)
MAX_IDR_TOTAL = 1e17
#: amounts per person, household, worker or trainee: above a hundred years of Indonesia's GDP
#: per person (about IDR 75 million a year in 2023, BPS)
_MAX_IDR_PER_HEAD = 1e10
#: prices per kg: above the price of a kilogram of gold (about IDR 1.3e9 in 2024)
_MAX_IDR_PER_KG = 1e10
#: month indices: the longest scenario simulates 600 months (Scenario.months)
MAX_MONTH_INDEX = 600
#: persons or households: above Indonesia's population (about 2.8e8 in 2024)
_MAX_PERSONS = 3e8
#: tonnes a month: above the world's crop production in a month (FAO: about 9.6e9 t a year)
_MAX_T_PER_MONTH = 1e9

#: the upper bound of a parameter declared without one, by unit, with the reason
CEILINGS: Mapping[str, tuple[float, str]] = {
    "IDR": (MAX_IDR_TOTAL, "above Indonesia's GDP"),
    "IDR/month": (MAX_IDR_TOTAL, "above Indonesia's GDP"),
    "IDR/household/month": (_MAX_IDR_PER_HEAD, "above a century of GDP per person"),
    "IDR/member household/month": (_MAX_IDR_PER_HEAD, "above a century of GDP per person"),
    "IDR/person/month": (_MAX_IDR_PER_HEAD, "above a century of GDP per person"),
    "IDR/person/year": (_MAX_IDR_PER_HEAD, "above a century of GDP per person"),
    "IDR/student/year": (_MAX_IDR_PER_HEAD, "above a century of GDP per person"),
    "IDR/trainee": (_MAX_IDR_PER_HEAD, "above a century of GDP per person"),
    "IDR/grower": (_MAX_IDR_PER_HEAD, "above a century of GDP per person"),
    "IDR/illness": (_MAX_IDR_PER_HEAD, "above a century of GDP per person"),
    "IDR/loan": (_MAX_IDR_PER_HEAD, "above a century of GDP per person"),
    "IDR/worker-month": (_MAX_IDR_PER_HEAD, "above a century of GDP per person"),
    "IDR/kg": (_MAX_IDR_PER_KG, "above the price of gold"),
    "IDR/kg output": (_MAX_IDR_PER_KG, "above the price of gold"),
    "month index": (MAX_MONTH_INDEX, "the longest scenario"),
    "households": (_MAX_PERSONS, "above Indonesia's population"),
    "trainees/month": (_MAX_PERSONS, "above Indonesia's population"),
    "growers/month": (_MAX_PERSONS, "above Indonesia's population"),
    "loans/month": (_MAX_PERSONS, "above Indonesia's population"),
    "t input/month": (_MAX_T_PER_MONTH, "above the world's crop production"),
    "t/month": (_MAX_T_PER_MONTH, "above the world's crop production"),
    # above Indonesia's land area, about 1.9e8 ha (or as many boats, for fisheries)
    "ha": (2e8, "above Indonesia's land area"),
    # above the yield of any crop (sugarcane, about 1.5e5 kg/ha/year) and the catch of any
    # small-scale boat
    "kg farm stage/ha/year": (1e7, "above any crop's yield"),
    # a thousandfold jump in a month: no recorded commodity price comes near it
    "multiplier": (1e3, "a thousandfold jump"),
    # far above the processing plants of any district
    "plants": (1e4, "above any district's plants"),
    # over 800 worker-years per tonne: hand-sorting a tonne of coffee takes worker-months
    "worker-months/t harvested": (1e4, "above any farm work"),
    "worker-months/t input": (1e4, "above any processing"),
}


def param(
    default: Any,
    *,
    unit: str,
    source: str,
    description: str,
    ge: float | None = None,
    gt: float | None = None,
    le: float | None = None,
    lt: float | None = None,
) -> Any:
    """Declare a parameter with unit, source and bounds (a pydantic ``Field``).

    A parameter declared without ``le`` or ``lt`` gets the ceiling of its unit from
    :data:`CEILINGS`; a unit with no ceiling there is a programming error, raised at import.
    """
    if le is None and lt is None:
        if unit not in CEILINGS:
            raise TypeError(f"parameter in {unit!r} needs le= or lt= (no ceiling for that unit)")
        le = CEILINGS[unit][0]
    return Field(
        default,
        ge=ge,
        gt=gt,
        le=le,
        lt=lt,
        description=description,
        json_schema_extra={"unit": unit, "source": source},
    )


def check_shares(shares: Sequence[float]) -> None:
    """Raise ``ValueError`` unless ``shares`` are non-negative and sum to one (within
    :data:`SHARE_SUM_TOLERANCE`)."""
    total = sum(shares)
    if any(x < 0 for x in shares) or abs(total - 1) > SHARE_SUM_TOLERANCE:
        raise ValueError(
            f"non-negative shares that sum to 1 (within {SHARE_SUM_TOLERANCE:g}); "
            f"these sum to {total:.6g}"
        )


class CrossKeyError(ValueError):
    """A rule over several keys is broken; raised by a section's model validator.

    ``values`` maps each key involved, relative to the section checked, to its value, so that
    the error can name the file that set each one.
    """

    def __init__(self, rule: str, values: Mapping[str, Any]):
        super().__init__(rule)
        self.rule = rule
        self.values = dict(values)


class Strict(BaseModel):
    """Base of every schema section: unknown keys are errors, values are validated on set,
    numbers are numbers (no booleans, no strings) and finite."""

    model_config = ConfigDict(
        extra="forbid", validate_assignment=True, strict=True, allow_inf_nan=False
    )

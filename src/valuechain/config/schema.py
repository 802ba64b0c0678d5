"""Schema building blocks shared by every section: parameters with unit, range and source."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["MAX_SKILL", "Strict", "param"]

#: the highest skill level a worker can have (skill levels are 0..MAX_SKILL)
MAX_SKILL = 5


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
    """Declare a parameter with unit, source and bounds (a pydantic ``Field``)."""
    return Field(
        default,
        ge=ge,
        gt=gt,
        le=le,
        lt=lt,
        description=description,
        json_schema_extra={"unit": unit, "source": source},
    )


class Strict(BaseModel):
    """Base of every schema section: unknown keys are errors, values are validated on set."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

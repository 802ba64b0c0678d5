"""Value chains as data: stages with their reference-price processes, processes, price
shocks."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from valuechain.config.schema import (
    SHARE_SUM_TOLERANCE,
    CrossKeyError,
    Strict,
    check_shares,
    param,
)

__all__ = ["Chain", "PriceShock", "Process", "Stage"]


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
        description="share of the annual harvest in each calendar month (Jan..Dec); they sum "
        f"to 1 (within {SHARE_SUM_TOLERANCE:g}, then divided by their sum to remove the rounding "
        "of decimals)",
        json_schema_extra={
            "unit": "share of the annual harvest",
            "source": "chain data (config/data/chains.toml, sourced there)",
        },
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
        check_shares(v)
        total = sum(v)
        return [x / total for x in v]

    @model_validator(mode="after")
    def _links(self) -> Chain:
        stages = sorted(self.stages)
        if self.farm_stage not in self.stages:
            raise CrossKeyError(f"one of the stages {stages}", {"farm_stage": self.farm_stage})
        for name, p in self.processes.items():
            for key in ("input_stage", "output_stage"):
                if getattr(p, key) not in self.stages:
                    raise CrossKeyError(
                        f"one of the stages {stages}", {f"processes.{name}.{key}": getattr(p, key)}
                    )
            if p.input_stage != self.farm_stage:
                raise CrossKeyError(
                    "processors buy the farm stage only in this version",
                    {f"processes.{name}.input_stage": p.input_stage, "farm_stage": self.farm_stage},
                )
        if self.trader_margin_min > self.trader_margin_max:
            raise CrossKeyError(
                "must not exceed trader_margin_max",
                {
                    "trader_margin_min": self.trader_margin_min,
                    "trader_margin_max": self.trader_margin_max,
                },
            )
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

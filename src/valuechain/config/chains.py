"""Value chains as data: stages with their reference-price processes, processes, price
shocks."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from valuechain.config.schema import (
    SHARE_SUM_TOLERANCE,
    CrossKeyError,
    Strict,
    check_shares,
    param,
)

__all__ = ["Chain", "Demand", "Elsewhere", "PriceShock", "Process", "Stage"]


class Demand(Strict):
    """The market a district's plants sell a processed stage into, when it is not unlimited.

    Up to ``market_t_per_month`` sold by the district's plants in a month fetch the stage's
    reference price; beyond it the price falls as ``reference x (Q / market)^(-1 /
    elasticity)`` (ODD 7.6): a roastery selling into a regional market, not a commodity
    exported at the world price.
    """

    market_t_per_month: float = param(
        ...,
        gt=0,
        unit="t/month",
        source="per chain",
        description="output the district's plants sell at the reference price in a month",
    )
    price_elasticity: float = param(
        ...,
        gt=0,
        le=100,
        unit="elasticity",
        source="per chain",
        description="own-price elasticity of demand beyond that quantity (absolute value)",
    )


class Elsewhere(Strict):
    """Plants elsewhere in Indonesia that process what traders take out of the district raw.

    A local plant that buys the farm stage takes it from them: of the ``S`` kg that would
    have left raw this month, plants elsewhere, working through the year on what reaches
    them, have room for ``C = capacity_share x S``; they process ``min(C, S)`` without the
    local purchases ``X`` and ``min(C, S - X)`` with them. The difference, times the labour
    per kg of ``process``, is the work lost elsewhere (ODD 7.5).
    """

    process: str = Field(..., description="process they run on the farm stage (a chain process)")
    capacity_share: float = param(
        ...,
        ge=0,
        le=100,
        unit="share of the raw supply",
        source="per chain",
        description="their input capacity over what reaches them from this district (one or "
        "more: they are short of input and lose every kg local plants buy)",
    )


class Stage(Strict):
    """One stage of a value chain with its reference-price process."""

    price_idr_per_kg: float = param(
        ..., gt=0, unit="IDR/kg", source="per chain", description="reference price at the start"
    )
    basis: str = Field("per kg", description="what one kg of this stage is (price basis)")
    follows: str | None = Field(
        None,
        description="stage whose price this one follows (price = that price x a margin "
        "ratio with its own noise); when omitted, the input stage of the process that makes "
        "it, the farm stage for a farm form, none for the farm stage",
    )
    kg_per_farm_kg: float | None = param(
        None,
        gt=0,
        le=100,
        unit="kg/kg farm stage",
        source="per chain",
        description="a farm form: kg of this stage per kg of the farm stage, for a form of the "
        "harvest farmers may sell instead (fresh latex instead of slab)",
    )
    selling_effort_share: float = param(
        0.0,
        ge=0,
        le=1,
        unit="share of the farm-stage price",
        source="per chain",
        description="farm forms only: extra price farmers need to sell this form instead of "
        "the farm stage (daily delivery of fresh latex)",
    )
    demand: Demand | None = Field(
        None, description="limited market for this stage; unlimited at the reference when omitted"
    )
    volatility_month: float = param(
        0.05,
        ge=0,
        le=1,
        unit="1/sqrt(month)",
        source="assumption (0.02-0.12 tried)",
        description="standard deviation of the monthly innovation of the log price (of the "
        "log margin ratio, for a stage that follows another)",
    )
    mean_reversion_month: float = param(
        0.05,
        ge=0,
        le=1,
        unit="1/month",
        source="assumption (0-0.2 tried); 0 gives a geometric random walk",
        description="pull of the log price (log margin ratio) towards its long-run mean per month",
    )
    drift_month: float = param(
        0.0,
        ge=-0.1,
        le=0.1,
        unit="1/month",
        source="assumption",
        description="drift of the long-run log mean per month (a stage whose price follows "
        "another has none: its margin ratio reverts to its start value)",
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
    capex_idr_per_t_month: float = param(
        0.0,
        ge=0,
        le=1e13,
        unit="IDR per t/month of capacity",
        source="per chain",
        description="capital cost of a plant per tonne a month of input capacity (a plant's "
        "capex_idr when its spec gives none)",
    )
    fixed_cost_idr_per_t_month: float = param(
        0.0,
        ge=0,
        le=1e13,
        unit="IDR/month per t/month of capacity",
        source="per chain",
        description="maintenance, management and overheads a month per tonne a month of input "
        "capacity (a plant's fixed_cost_idr_per_month when its spec gives none)",
    )
    tried: dict[str, list[float]] = Field(
        default_factory=dict,
        description="the range tried for each parameter of the process (low, high), shown in "
        "the ODD's table of what the defaults imply",
    )

    @field_validator("tried")
    @classmethod
    def _tried(cls, v: dict[str, list[float]]) -> dict[str, list[float]]:
        numeric = {
            "conversion_kg_per_kg",
            "labour_worker_months_per_t",
            "variable_cost_idr_per_kg_output",
            "capex_idr_per_t_month",
            "fixed_cost_idr_per_t_month",
        }
        for key, pair in v.items():
            if len(pair) != 2:
                raise ValueError(f"tried.{key} = {pair}: needs two numbers, [low, high]")
            low, high = pair
            if key not in numeric:
                raise ValueError(f"tried.{key}: ranges are for {sorted(numeric)}")
            if not 0 <= low <= high:
                raise ValueError(f"tried.{key} = [{low}, {high}]: needs 0 <= low <= high")
        return v


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

    elsewhere: Elsewhere | None = Field(
        None,
        description="plants elsewhere that process the raw output traders take out; a local "
        "plant buying the farm stage displaces their work (none counted when omitted)",
    )

    @model_validator(mode="before")
    @classmethod
    def _removed(cls, data: Any) -> Any:
        if isinstance(data, dict) and "price_correlation" in data:
            raise CrossKeyError(
                "price_correlation was removed: a processed stage's price now follows its "
                "input's price times a margin ratio with its own noise (ODD 7.1); delete the "
                "key, and set the margin's noise with the stage's volatility_month",
                {"price_correlation": data["price_correlation"]},
            )
        return data

    @model_validator(mode="after")
    def _links(self) -> Chain:
        stages = sorted(self.stages)
        if self.farm_stage not in self.stages:
            raise CrossKeyError(f"one of the stages {stages}", {"farm_stage": self.farm_stage})
        if self.stages[self.farm_stage].kg_per_farm_kg is not None:
            raise CrossKeyError(
                "the farm stage is not a farm form of itself; drop kg_per_farm_kg",
                {f"stages.{self.farm_stage}.kg_per_farm_kg": 1},
            )
        for name, p in self.processes.items():
            for key in ("input_stage", "output_stage"):
                if getattr(p, key) not in self.stages:
                    raise CrossKeyError(
                        f"one of the stages {stages}", {f"processes.{name}.{key}": getattr(p, key)}
                    )
            if p.output_stage == self.farm_stage or self.is_farm_form(p.output_stage):
                raise CrossKeyError(
                    "a process makes a processed stage, not the farm stage or a farm form",
                    {f"processes.{name}.output_stage": p.output_stage},
                )
            if p.input_stage == p.output_stage:
                raise CrossKeyError(
                    "a process turns one stage into another",
                    {f"processes.{name}.input_stage": p.input_stage},
                )
        for name, st in self.stages.items():
            if st.follows is not None and st.follows not in self.stages:
                raise CrossKeyError(
                    f"one of the stages {stages}", {f"stages.{name}.follows": st.follows}
                )
            if self.price_parent(name) is not None and st.drift_month != 0:
                raise CrossKeyError(
                    "a stage whose price follows another has no drift of its own (its margin "
                    "ratio reverts to its start value); set drift_month on the farm stage",
                    {f"stages.{name}.drift_month": st.drift_month},
                )
            if name == self.farm_stage and st.follows is not None:
                raise CrossKeyError(
                    "the farm stage's price is the chain's own; it follows no stage",
                    {f"stages.{name}.follows": st.follows},
                )
            makers = {p.input_stage for p in self.processes.values() if p.output_stage == name}
            if st.follows is None and len(makers) > 1:
                raise CrossKeyError(
                    f"made from several stages {sorted(makers)}: say which one its price follows",
                    {f"stages.{name}.follows": None},
                )
            if st.demand is not None and (name == self.farm_stage or st.kg_per_farm_kg):
                raise CrossKeyError(
                    "a demand limit is for a processed stage, not what farmers sell",
                    {f"stages.{name}.demand": st.demand.model_dump()},
                )
        self.stage_order()  # raises on a cycle of prices
        for name in self.processes:
            self.process_depth(name)  # raises on a cycle of processes
        if self.elsewhere is not None:
            proc = self.processes.get(self.elsewhere.process)
            if proc is None:
                raise CrossKeyError(
                    f"one of the processes {sorted(self.processes)}",
                    {"elsewhere.process": self.elsewhere.process},
                )
            if proc.input_stage != self.farm_stage:
                raise CrossKeyError(
                    "plants elsewhere process the farm stage traders take out",
                    {"elsewhere.process": self.elsewhere.process, "farm_stage": self.farm_stage},
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

    # ------------------------------------------------------------------ structure
    def is_farm_form(self, stage: str) -> bool:
        """``stage`` is a form of the harvest farmers may sell instead of the farm stage."""
        return self.stages[stage].kg_per_farm_kg is not None

    def sold_by_farms(self, stage: str) -> bool:
        """Farmers sell ``stage``: the farm stage or a farm form."""
        return stage == self.farm_stage or self.is_farm_form(stage)

    def kg_per_farm_kg(self, stage: str) -> float:
        """kg of ``stage`` per kg of the farm stage (one for the farm stage itself)."""
        if stage == self.farm_stage:
            return 1.0
        ratio = self.stages[stage].kg_per_farm_kg
        if ratio is None:
            raise ValueError(f"{stage!r} is neither the farm stage nor a farm form")
        return ratio

    def price_parent(self, stage: str) -> str | None:
        """The stage whose price ``stage``'s follows (ODD 7.1), ``None`` for a root."""
        st = self.stages[stage]
        if st.follows is not None:
            return st.follows
        if stage == self.farm_stage:
            return None
        if st.kg_per_farm_kg is not None:
            return self.farm_stage
        makers = [p.input_stage for p in self.processes.values() if p.output_stage == stage]
        return makers[0] if makers else None

    def stage_order(self) -> list[str]:
        """Stages in an order where each comes after the stage its price follows.

        Raises:
            CrossKeyError: prices that follow each other in a circle.
        """
        order: list[str] = []
        placed: set[str] = set()
        pending = list(self.stages)
        while pending:
            ready = [s for s in pending if self.price_parent(s) in placed | {None}]
            if not ready:
                raise CrossKeyError(
                    "stage prices follow each other in a circle",
                    {f"stages.{s}.follows": self.price_parent(s) for s in pending},
                )
            for s in ready:
                order.append(s)
                placed.add(s)
                pending.remove(s)
        return order

    def process_depth(self, name: str) -> int:
        """Steps between the farm and process ``name``'s input: 0 for a process buying what
        farmers sell, 1 for one buying a stage a depth-0 process makes, and so on (plants
        process in this order within a month, so that a plant can buy from another)."""

        def depth(stage: str, path: tuple[str, ...]) -> int:
            if self.sold_by_farms(stage):
                return 0
            if stage in path:
                raise CrossKeyError(
                    "processes make each other's input in a circle",
                    {
                        "processes": sorted(
                            p for p, q in self.processes.items() if q.output_stage in path
                        )
                    },
                )
            makers = [p for p in self.processes.values() if p.output_stage == stage]
            if not makers:
                return 0  # bought from outside only
            return 1 + max(depth(p.input_stage, (*path, stage)) for p in makers)

        return depth(self.processes[name].input_stage, ())


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

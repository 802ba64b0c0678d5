"""Scenario schema: every parameter with its unit, range and source.

The schema is the single home of default values. Each field is declared with
:func:`param`, which records a unit and a source (a row of the facts table cited as
``FACTS:<id>``, see :mod:`.facts`; a publication; or the word *assumption* with the range
that has been tried). ``docs/ODD.md`` generates its parameter table from here.

Unknown keys are errors (``extra="forbid"``), so a misspelt key never passes silently.

The top level (:class:`Scenario`) is here; its parts are in :mod:`.chains` (stages,
processes, price shocks), :mod:`.districts` (crops, population, labour, plants, entry) and
:mod:`.behaviour` (demography, poverty lines, household budgets, health, firms); the
programmes' schema is :mod:`valuechain.config.programmes`. Import any of them from here.
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from valuechain.config.behaviour import (
    Demography,
    Firms,
    Health,
    HouseholdBehaviour,
    PovertyLines,
    check_year_month,
)
from valuechain.config.chains import Chain, PriceShock, Process, Stage
from valuechain.config.districts import (
    Crop,
    District,
    Entry,
    Labour,
    Population,
    ProcessorSpec,
    Quality,
)
from valuechain.config.programmes import Listed, Policy, QualityExtension, Registry
from valuechain.config.schema import CrossKeyError, Strict, param
from valuechain.errors import MISSING

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
    "Quality",
    "Scenario",
    "Stage",
    "param",
]


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
        ge=1,
        le=240,
        unit="months",
        source="assumption (12-36): long enough for savings to settle (mpc 0.08/month)",
        description="months simulated before start, with no plant open and nothing recorded; "
        "prices are then reset to their start values. At least one: the cohort of the "
        "initially poor is measured at the end of the last spin-up month, before any "
        "transfer of month 0, so a scenario and its baseline follow the same households",
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
        return check_year_month(v)

    @model_validator(mode="after")
    def _links(self) -> Scenario:
        chains = sorted(self.chains)
        for dname, d in self.districts.items():
            here = f"districts.{dname}"
            for crop in d.crops:
                if crop not in self.chains:
                    raise CrossKeyError(
                        f"no chain {crop!r} (chains: {chains})", {f"{here}.crops.{crop}": MISSING}
                    )
            specs = [(f"{here}.processors.{k}", p) for k, p in d.processors.items()]
            if d.entry:
                specs.append((f"{here}.entry", d.entry))
            for where, p in specs:
                chain = self.chains.get(p.commodity)
                if chain is None:
                    raise CrossKeyError(
                        f"no chain {p.commodity!r} (chains: {chains})",
                        {f"{where}.commodity": p.commodity},
                    )
                if p.process not in chain.processes:
                    raise CrossKeyError(
                        f"a process of the commodity (processes: {sorted(chain.processes)})",
                        {f"{where}.process": p.process, f"{where}.commodity": p.commodity},
                    )
                if p.commodity not in d.crops:
                    raise CrossKeyError(
                        "a commodity the district grows",
                        {f"{where}.commodity": p.commodity, f"{here}.crops": sorted(d.crops)},
                    )
                stage = chain.processes[p.process].input_stage
                if isinstance(p, ProcessorSpec) and p.grades and not chain.sold_by_farms(stage):
                    raise CrossKeyError(
                        f"a plant that grades buys from farms ({stage!r} is made by plants)",
                        {f"{where}.grades": True, f"{where}.process": p.process},
                    )
                if chain.is_farm_form(stage) and getattr(p, "member_share", 0.0) <= 0:
                    raise CrossKeyError(
                        f"a plant buying {stage!r} (a farm form, delivered fresh by the farmers "
                        "near it) needs members: owner = 'cooperative' and member_share > 0",
                        {f"{where}.process": p.process, f"{where}.member_share": 0.0},
                    )
        for name, pol in self.policies.items():
            commodity = pol.commodity_named()
            if commodity is not None and commodity not in self.commodities:
                raise CrossKeyError(
                    f"a commodity grown in a district (grown: {self.commodities})",
                    {f"policies.{name}.commodity": commodity},
                )
            for d in pol.districts or []:
                if d not in self.districts:
                    raise CrossKeyError(
                        f"no district {d!r} (districts: {sorted(self.districts)})",
                        {f"policies.{name}.districts": pol.districts},
                    )
            if pol.start_month >= self.months:
                raise CrossKeyError(
                    "a month before the end of the scenario (months)",
                    {f"policies.{name}.start_month": pol.start_month, "months": self.months},
                )
            if isinstance(pol, QualityExtension):
                self._outgrower_plant(name, pol)
        self._exclusions()
        for i, s in enumerate(self.shocks):
            chain = self.chains.get(s.commodity)
            if chain is None:
                raise CrossKeyError(
                    f"no chain {s.commodity!r} (chains: {chains})",
                    {f"shocks.{i}.commodity": s.commodity},
                )
            for st in s.stages or []:
                if st not in chain.stages:
                    raise CrossKeyError(
                        f"{st!r} is not a stage of {s.commodity} (stages: {sorted(chain.stages)})",
                        {f"shocks.{i}.stages": s.stages},
                    )
            if s.month >= self.months:
                raise CrossKeyError(
                    "a month before the end of the scenario (months)",
                    {f"shocks.{i}.month": s.month, "months": self.months},
                )
        return self

    def _outgrower_plant(self, name: str, pol: QualityExtension) -> None:
        """A quality extension's outgrower plant is a grading plant of its commodity in every
        district it acts in that grows the commodity."""
        plant = pol.outgrower_plant
        if plant is None:
            return
        key = f"policies.{name}.outgrower_plant"
        for dname, d in self.districts.items():
            if pol.districts is not None and dname not in pol.districts:
                continue
            if pol.commodity not in d.crops:
                continue
            spec = d.processors.get(plant)
            here = f"districts.{dname}.processors.{plant}"
            if spec is None:
                raise CrossKeyError(
                    f"a plant of district {dname!r} (plants: {sorted(d.processors)})",
                    {key: plant, here: MISSING},
                )
            if spec.commodity != pol.commodity or not spec.grades:
                raise CrossKeyError(
                    f"a grading plant (grades = true) of {pol.commodity!r}",
                    {
                        key: plant,
                        f"{here}.commodity": spec.commodity,
                        f"{here}.grades": spec.grades,
                    },
                )

    def _exclusions(self) -> None:
        """Each ``excluding`` names another programme that keeps a list, and no programme
        excludes itself through a chain of exclusions."""
        listed = {n: p.excluding for n, p in self.policies.items() if isinstance(p, Listed)}
        for name, others in listed.items():
            key = f"policies.{name}.excluding"
            for other in others:
                if other == name:
                    raise CrossKeyError("a programme other than itself", {key: others})
                if other not in listed:
                    raise CrossKeyError(
                        f"no programme {other!r} with a list of enrolled households "
                        f"(those: {sorted(listed)})",
                        {key: others},
                    )
        state: dict[str, int] = {}  # 1: being visited, 2: done

        def visit(name: str, path: list[str]) -> None:
            state[name] = 1
            for other in listed[name]:
                if state.get(other) == 1:
                    cycle = [*path[path.index(other) :], other]
                    raise CrossKeyError(
                        f"no cycle of exclusions ({' -> '.join(cycle)})",
                        {f"policies.{n}.excluding": listed[n] for n in cycle[:-1]},
                    )
                if state.get(other) is None:
                    visit(other, [*path, other])
            state[name] = 2

        for name in sorted(listed):
            if name not in state:
                visit(name, [name])

    @property
    def commodities(self) -> list[str]:
        """Commodities grown in at least one district, in a stable order."""
        return sorted({c for d in self.districts.values() for c in d.crops})

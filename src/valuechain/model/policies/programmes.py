"""Programmes at run time: the registry of programme kinds (one module per lever).

:mod:`~valuechain.model.policies.base` holds what every programme shares (``advance``,
``act``, budgets, enrolment, intake, the market and reporting hooks); each lever has its
module: ``transfers`` (BPNT, PKH, elderly and disability support, education assistance,
village cash), ``health``, ``training``, ``credit``, ``markets`` (export tax, marketing
cooperative), ``quality`` (extension for a farm quality practice) and ``registry_update``
(the DTSEN lever).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from valuechain.config.programmes import (
    BPNT,
    PKH,
    Credit,
    Education,
    ElderlyDisability,
    ExportTax,
    HealthInsurance,
    MarketingCooperative,
    Programme,
    QualityExtension,
    RegistryUpdate,
    Training,
    VillageCash,
)
from valuechain.model.policies.base import ProgrammeRun
from valuechain.model.policies.credit import CreditRun
from valuechain.model.policies.health import HealthInsuranceRun
from valuechain.model.policies.markets import ExportTaxRun, MarketingCooperativeRun
from valuechain.model.policies.quality import QualityExtensionRun
from valuechain.model.policies.registry_update import RegistryUpdateRun
from valuechain.model.policies.training import TrainingRun
from valuechain.model.policies.transfers import (
    BpntRun,
    EducationRun,
    ElderlyDisabilityRun,
    PkhRun,
    VillageCashRun,
)

if TYPE_CHECKING:
    from valuechain.model.model import ValueChainModel

__all__ = ["ProgrammeRun", "make_programme"]

_RUNS: dict[type, type[ProgrammeRun]] = {
    BPNT: BpntRun,
    PKH: PkhRun,
    ElderlyDisability: ElderlyDisabilityRun,
    HealthInsurance: HealthInsuranceRun,
    Training: TrainingRun,
    ExportTax: ExportTaxRun,
    MarketingCooperative: MarketingCooperativeRun,
    Credit: CreditRun,
    Education: EducationRun,
    VillageCash: VillageCashRun,
    RegistryUpdate: RegistryUpdateRun,
    QualityExtension: QualityExtensionRun,
}


def make_programme(name: str, spec: Programme, model: ValueChainModel) -> ProgrammeRun:
    """The run-time object for a programme section."""
    return _RUNS[type(spec)](name, spec, model)

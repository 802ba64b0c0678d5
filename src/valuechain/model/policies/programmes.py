"""Programmes at run time: the registry of programme kinds (one module per lever).

:mod:`~valuechain.model.policies.base` holds what every programme shares (``advance``,
``act``, budgets, enrolment, intake, the market and reporting hooks); each lever has its
module: ``transfers`` (BPNT, PKH, elderly and disability support, education assistance),
``health``, ``training``, ``credit`` and ``markets`` (export tax, marketing cooperative).
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
    Training,
)
from valuechain.model.policies.base import ProgrammeRun
from valuechain.model.policies.credit import CreditRun
from valuechain.model.policies.health import HealthInsuranceRun
from valuechain.model.policies.markets import ExportTaxRun, MarketingCooperativeRun
from valuechain.model.policies.training import TrainingRun
from valuechain.model.policies.transfers import BpntRun, EducationRun, ElderlyDisabilityRun, PkhRun

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
}


def make_programme(name: str, spec: Programme, model: ValueChainModel) -> ProgrammeRun:
    """The run-time object for a programme section."""
    return _RUNS[type(spec)](name, spec, model)

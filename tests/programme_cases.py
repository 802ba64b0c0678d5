"""The small coffee district and the programmes that the programme tests share (unit and
integration)."""

from __future__ import annotations

import copy

from valuechain.config import Scenario
from valuechain.config.loader import load_scenario

#: the coffee district at 500 households, 14 months after a 6-month spin-up, with one
#: programme only: the status quo's BPNT at a round 20% from month 0, so that hand-computed
#: numbers stay small (the other 2024 programmes are switched off)
BASE = load_scenario(
    "scenarios/baseline_coffee.toml",
    [
        "districts.lampung_barat.n_households=500",
        "months=14",
        "spinup_months=6",
        "policies.bpnt.quota_share=0.2",
        "policies.bpnt.since_before_start=false",
        *(
            f"policies.{name}.enabled=false"
            for name in ("pkh", "pbi", "pbi_daerah", "pip", "atensi", "blt_dana_desa")
        ),
    ],
)
#: 400 seats a month, three-month courses that everyone completes
TRAINING = {"kind": "training", "seats_per_month": 400, "duration_months": 3, "p_complete": 1.0}
#: 300 six-month loans a month at 1%, no defaults, 3% monthly return on the loan
CREDIT = {
    "kind": "credit",
    "loans_per_month": 300,
    "loan_idr": 5_000_000,
    "interest_month": 0.01,
    "term_months": 6,
    "p_default_month": 0.0,
    "return_month": 0.03,
}


def scenario_with(**policies) -> Scenario:
    """The small coffee baseline plus the given programmes (dicts)."""
    doc = copy.deepcopy(BASE.scenario.model_dump())
    doc["policies"].update(policies)
    return Scenario.model_validate(doc)

"""The status-quo baselines meet their district's published figures, in runs made now.

Each baseline is run at 5,000 households for 6 replications of 32 months (three March rounds:
2025, 2026, 2027). Poverty is read as BPS reads it, in March; targeting errors are the means of
the last 12 months. The targets, their sources and the tolerances are those of docs/ODD.md
("Calibration of the baselines"); change both together.
"""

from __future__ import annotations

import functools

import pandas as pd
import pytest

from tests.regression.regression_cases import ROOT
from valuechain.config.loader import load_scenario
from valuechain.model.model import ValueChainModel

REPLICATIONS = 6
MONTHS = 32

#: the published targeting errors of the 2024-era register (DTKS), national
PKH_EXCLUSION = (0.777, 0.10, "FACTS:pkh_exclusion_error_old_dtks_data_pre2025")
PKH_INCLUSION = (0.465, 0.10, "FACTS:pkh_inclusion_error_old_dtks_data_pre2025")
BPNT_EXCLUSION = (0.70, 0.12, "FACTS:bpnt_sembako_exclusion_error_old_dtks_pre2025")
BPNT_INCLUSION = (0.377, 0.08, "FACTS:bpnt_sembako_inclusion_error_old_dtks_pre2025")
DTKS_ERRORS = {
    "exclusion_error_pkh": PKH_EXCLUSION,
    "inclusion_error_pkh": PKH_INCLUSION,
    "exclusion_error_bpnt": BPNT_EXCLUSION,
    "inclusion_error_bpnt": BPNT_INCLUSION,
}

#: the extreme-poor share of farming households, every baseline
FARMING_SHARE = (0.52, 0.17, "FACTS:extreme_poor_heads_in_agriculture_2023_03")

#: scenario -> measure -> (target, tolerance, source); a measure is a March mean over the
#: run's March rounds, or a last-12-months mean for targeting errors (``*_error_*``)
TARGETS: dict[str, dict[str, tuple[float, float, str]]] = {
    "baseline_coffee": {
        "poverty_rate": (0.1068, 0.025, "FACTS:lampung_barat_headcount_2024_03"),
        "extreme_poverty_rate": (0.0083, 0.006, "FACTS:extreme_poverty_rate_190_2024_03"),
        "poverty_gap_national": (0.0151, 0.006, "FACTS:lampung_barat_poverty_gap_index_p1_2024_03"),
        "farm_share_extreme_poor": FARMING_SHARE,
        **DTKS_ERRORS,
    },
    "baseline_rubber": {
        "poverty_rate": (0.0863, 0.025, "FACTS:batang_hari_headcount_2024_03"),
        "extreme_poverty_rate": (0.0036, 0.003, "FACTS:tebo_extreme_poverty_rate_2024_03"),
        "poverty_gap_national": (0.0118, 0.006, "FACTS:merangin_poverty_gap_index_p1_2024_03"),
        "farm_share_extreme_poor": FARMING_SHARE,
        **DTKS_ERRORS,
    },
    "baseline_coastal": {
        "poverty_rate": (0.1645, 0.03, "FACTS:probolinggo_headcount_2024_03"),
        "extreme_poverty_rate": (0.0228, 0.01, "FACTS:probolinggo_extreme_poverty_rate_2023"),
        "farm_share_extreme_poor": FARMING_SHARE,
        # the published errors are national; here PKH reaches 25% of households inside a
        # target group of 55%, and its inclusion error comes out near 0.34 (not a target)
        "inclusion_error_bpnt": (BPNT_INCLUSION[0], 0.10, BPNT_INCLUSION[2]),
    },
    "coffee_dtsen_2025": {
        "inclusion_error_pkh": (0.398, 0.10, "FACTS:pkh_inclusion_error_dtsen_2025"),
        "inclusion_error_bpnt": (0.296, 0.08, "FACTS:bpnt_sembako_inclusion_error_dtsen_2025"),
    },
}


@functools.cache
def measured(name: str) -> dict[str, float]:
    """The scenario's March means and last-12-month targeting errors over replications."""
    path = ROOT / "scenarios" / f"{name}.toml"
    districts = load_scenario(path).scenario.districts
    small = [f"districts.{d}.n_households=5000" for d in districts]
    loaded = load_scenario(path, [*small, f"months={MONTHS}"])
    sc = loaded.scenario
    march, last = [], []
    for r in range(REPLICATIONS):
        model = ValueChainModel(sc, seed=sc.seed + r)
        while model.t < MONTHS:
            model.step()
        ts = model.indicators()
        model.release()
        rows = ts[ts["district"] == "all"]
        march.append(rows[rows["date"].str.endswith("-03")])
        last.append(rows[rows["step"] >= MONTHS - 12])
    out = pd.concat(march).mean(numeric_only=True).to_dict()
    errors = pd.concat(last).mean(numeric_only=True)
    out |= {k: v for k, v in errors.items() if "_error_" in k}
    return out


CASES = [(name, key) for name, targets in TARGETS.items() for key in targets]


@pytest.mark.parametrize(("name", "key"), CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_baseline_meets_its_target(name: str, key: str) -> None:
    target, tolerance, source = TARGETS[name][key]
    have = measured(name)[key]
    assert abs(have - target) <= tolerance, (
        f"{name} {key} = {have:.4f}, target {target} +/- {tolerance} ({source})"
    )

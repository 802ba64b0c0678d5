"""Regression: the shipped scenarios still give their stored summaries.

Runs are deterministic, so the tolerance only absorbs floating-point differences between
platforms (relative 1e-6; for the accounting residuals, which are ~0 but not exactly 0,
absolute 1e-3 kg and 1 IDR). A failure means behaviour changed: if intended, run
``python -m tests.regression.update_expected`` and commit the reviewed diff.
"""

import functools
import json
import math

import numpy as np
import pytest

from tests.regression.regression_cases import EXPECTED, SCENARIOS, summaries

#: full-size runs of the shipped scenarios (about 10 s each)
pytestmark = pytest.mark.slow

RTOL = 1e-6
RESIDUALS = {"max_abs_mass_balance_residual": 1e-3, "max_abs_money_balance_residual": 1.0}


@functools.cache
def fresh_summaries(name: str) -> tuple[dict[str, float], ...]:
    """The scenario's summaries from a run made now (once per test session)."""
    return tuple(summaries(name))


@pytest.mark.parametrize("name", SCENARIOS)
def test_shipped_scenario_summaries(name):
    expected = json.loads(EXPECTED.read_text())[name]
    got = fresh_summaries(name)
    assert len(got) == len(expected)
    for rep, (g, e) in enumerate(zip(got, expected, strict=True)):
        assert set(g) == set(e), f"{name} rep {rep}: indicator set changed"
        for key, want in e.items():
            have = g[key]
            if key in RESIDUALS:
                assert abs(have) <= RESIDUALS[key], f"{name} rep {rep} {key}={have}"
            elif want is None or (isinstance(want, float) and math.isnan(want)):
                assert have is None or math.isnan(have), f"{name} rep {rep} {key}"
            else:
                assert have == pytest.approx(want, rel=RTOL, abs=1e-9), (
                    f"{name} rep {rep} {key}: {have} != stored {want}"
                )


def test_stylised_facts_of_the_baselines():
    """Calibration targets the baselines meet (docs/ODD.md, 'Calibration'), in runs made now.

    The runs are the ones the regression test compares with the stored summaries, so a stored
    file updated to a model that misses the targets still fails here.
    """
    data = {name: fresh_summaries(name) for name in SCENARIOS}
    for name in ("baseline_coffee", "baseline_rubber"):
        for s in data[name]:
            # extreme poverty in a commodity hotspot: above the 2024 national 0.83%
            # (FACTS:extreme_poverty_rate_190_2024_03), well below the 2021 4%
            # (FACTS:extreme_poverty_rate_190_2021); national-line poverty 10-30%
            assert 0.01 < s["extreme_poverty_rate_mean_last12"] < 0.08
            assert 0.10 < s["poverty_rate_march_last"] < 0.30
            assert s["max_abs_mass_balance_residual"] < 1e-3
    for s in data["baseline_coffee"]:
        # farmgate asalan = 0.90 of the warehouse price with no local buyer
        # (FACTS:coffee_farmgate_share_warehouse_price_2024_09)
        assert s["farmgate_share_coffee_last12"] == pytest.approx(0.90)
    for s in data["hilirisasi_coffee"] + data["hilirisasi_rubber"] + data["hilirisasi_coastal"]:
        assert s["processing_jobs_last12"] > 0
    for s in data["baseline_coastal"]:
        # a coastal hotspot: more extreme poverty than the commodity districts
        assert 0.03 < s["extreme_poverty_rate_mean_last12"] < 0.12


@pytest.mark.parametrize("name", ["baseline_coffee", "baseline_rubber", "baseline_coastal"])
def test_about_half_the_extreme_poor_farm_or_fish(name):
    """FACTS:extreme_poor_heads_in_agriculture_2023_03: 52% of extreme-poor heads farm (BPS).
    Here: the share of extreme-poor persons in households with a holding (land or boats)."""
    from tests.regression.regression_cases import ROOT
    from valuechain.config.loader import load_scenario
    from valuechain.model.model import ValueChainModel

    loaded = load_scenario(ROOT / "scenarios" / f"{name}.toml", ["months=24"])
    shares = []
    for seed in (1, 2):
        model = ValueChainModel(loaded.scenario, seed=seed).run()
        hh = model.households
        poor = hh.is_extreme_poor
        holds = hh.land_ha.sum(axis=1) > 0
        shares.append(hh.persons[poor & holds].sum() / hh.persons[poor].sum())
        model.release()
    assert 0.35 < np.mean(shares) < 0.75

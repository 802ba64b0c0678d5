"""Regression: the shipped scenarios still give their stored summaries.

Runs are deterministic, so the tolerance only absorbs floating-point differences between
platforms (relative 1e-6; for the accounting residuals, which are ~0 but not exactly 0,
absolute 1e-3 kg and 1 IDR). A failure means behaviour changed: if intended, run
``python -m tests.regression.update_expected`` and commit the reviewed diff.
"""

import functools
import json
import math

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
    """Facts the shipped scenarios keep, in runs made now (the poverty and targeting targets of
    the baselines are tests/regression/test_baseline_targets.py).

    The runs are the ones the regression test compares with the stored summaries, so a stored
    file updated to a model that breaks them still fails here.
    """
    data = {name: fresh_summaries(name) for name in SCENARIOS}
    for name in ("baseline_coffee", "baseline_rubber", "baseline_coastal"):
        for s in data[name]:
            assert s["max_abs_mass_balance_residual"] < 1e-3
    for s in data["baseline_coffee"]:
        # farmgate asalan = 0.90 of the warehouse price with no local buyer
        # (FACTS:coffee_farmgate_share_warehouse_price_2024_09)
        assert s["farmgate_share_coffee_last12"] == pytest.approx(0.90)
    for s in data["hilirisasi_coffee"] + data["hilirisasi_rubber"] + data["hilirisasi_coastal"]:
        assert s["processing_jobs_last12"] > 0

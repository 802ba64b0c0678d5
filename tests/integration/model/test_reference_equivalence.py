"""The vectorised model and the plain Mesa reference compute the same household months.

``benchmarks/mesa_reference.py`` writes the household cycle one agent at a time in scalar
Python, fed the same random draws. For scenarios without processors the two must agree
household by household, every month: money to a relative 1e-9 (the order of floating-point
sums differs), flags and counts exactly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from benchmarks.mesa_reference import REFERENCE_SETTINGS, ReferenceModel
from valuechain import load_scenario
from valuechain.model.model import ValueChainModel

REPO = Path(__file__).resolve().parents[3]

#: scenario file -> its district (to shrink it to a few hundred households)
CASES = {
    "baseline_coffee": ("lampung_barat", 27),
    "baseline_rubber": ("jambi_lowland", 25),
}
SEEDS = (3, 20240805)
MONEY = ("farm_revenue_idr", "income_idr", "consumption_idr", "savings_idr")
EXACT = (
    "is_extreme_poor",
    "extreme_poor_at_start",
    "poor_at_start",
    "months_out_run",
    "registered",
)
#: rupiah: below this, two amounts are the same (savings can come close to zero)
ATOL_IDR = 1e-6


def _pair(name: str, seed: int) -> tuple[ValueChainModel, ReferenceModel, int]:
    district, months = CASES[name]
    loaded = load_scenario(
        REPO / "scenarios" / f"{name}.toml",
        [
            f"districts.{district}.n_households=300",
            f"months={months}",
            *REFERENCE_SETTINGS,  # the monthly cycle only, BPNT only
        ],
    )
    sc = loaded.scenario
    return ValueChainModel(sc, seed=seed), ReferenceModel(sc, seed=seed), months


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_same_households_every_month(name: str, seed: int) -> None:
    model, ref, months = _pair(name, seed)
    hh = model.households
    initial = ref.household_frame()  # after the spin-up months
    np.testing.assert_allclose(initial["savings_idr"], hh.savings_idr, rtol=1e-9, atol=ATOL_IDR)
    np.testing.assert_allclose(initial["permanent_income_idr"], hh.permanent_income_idr, rtol=1e-9)
    assert [a.has_insurance for a in ref.households] == hh.has_insurance.tolist()
    sold_any = enrolled_any = poor_any = False
    for t in range(months):
        model.step()
        ref.step()
        got = ref.household_frame()
        where = f"{name} seed {seed} month {t}"
        np.testing.assert_allclose(
            np.array(got["harvest_kg"]), hh.harvest_kg, rtol=1e-9, atol=0, err_msg=where
        )
        for field in MONEY:
            np.testing.assert_allclose(
                got[field], getattr(hh, field), rtol=1e-9, atol=ATOL_IDR, err_msg=f"{where} {field}"
            )
        for field in EXACT:
            np.testing.assert_array_equal(
                got[field], getattr(hh, field), err_msg=f"{where} {field}"
            )
        sold_any |= bool(hh.farm_revenue_idr.any())
        enrolled_any |= bool(model.ledger.transfers.any())
        poor_any |= bool(hh.is_extreme_poor.any())
    # the comparison was not vacuous: farms sold, the registry enrolled, some were poor
    assert sold_any and enrolled_any and poor_any


def test_reference_refuses_processors() -> None:
    loaded = load_scenario(
        REPO / "scenarios" / "hilirisasi_coffee.toml",
        ["districts.lampung_barat.n_households=50", "months=2"],
    )
    with pytest.raises(ValueError, match="processors"):
        ReferenceModel(loaded.scenario, seed=1)

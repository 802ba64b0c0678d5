"""Directional and metamorphic relations over paired seeds (DESIGN.md section 10)."""

import numpy as np
import pytest

from valuechain.config.loader import load_scenario
from valuechain.model.model import ValueChainModel

#: rates are sums of person weights in sorted order: equal sets may differ in the last bits
EPS = 1e-12

COFFEE = "scenarios/baseline_coffee.toml"
HILIR = "scenarios/hilirisasi_coffee.toml"
SMALL = ["districts.lampung_barat.n_households=600", "months=18"]
#: none of the 2024 programmes (their lists could move a household either way)
NO_TRANSFERS = [
    f"policies.{p}.enabled=false"
    for p in ("pkh", "bpnt", "pbi", "pbi_daerah", "pip", "atensi", "blt_dana_desa")
]
FIXED_PRICES = [
    f"chains.coffee.stages.{s}.volatility_month=0.0"
    for s in ("green_asalan", "green_graded", "roasted")
]


def run(path, *overrides, seed=21):
    model = ValueChainModel(load_scenario(path, [*SMALL, *overrides]).scenario, seed=seed)
    model.run()
    model.release()
    return model


def all_rows(model):
    return model.indicators().query("district == 'all'").reset_index(drop=True)


@pytest.mark.parametrize("seed", [1, 2])
def test_raising_the_poverty_line_never_lowers_the_headcount(seed):
    low = all_rows(run(COFFEE, seed=seed))
    high = all_rows(run(COFFEE, "poverty.extreme_190_idr_per_person_month=450000", seed=seed))
    assert (high["extreme_poverty_rate"] >= low["extreme_poverty_rate"] - EPS).all()
    assert (high["extreme_poverty_rate"] > low["extreme_poverty_rate"]).any()


def test_a_transfer_above_every_gap_empties_extreme_poverty():
    # paid to everyone, ten times the line for the largest household: no one can stay poor
    base = run(COFFEE)
    assert (all_rows(base)["extreme_poverty_rate"] > 0).all(), "nobody to lift: nothing tested"
    amount = 10 * 400_000 * base.households.size.max()  # 400,000 is above every line
    rich = all_rows(
        run(
            COFFEE,
            "registry.coverage_share=1.0",
            "registry.enumeration_miss_share={upland = 0.0, lowland = 0.0, coastal = 0.0}",
            "policies.bpnt.quota_share=1.0",
            f"policies.bpnt.amount_idr_per_month={amount}",
        )
    )
    assert (rich["extreme_poverty_rate"] == 0).all()
    assert (rich["extreme_poverty_rate_215"] == 0).all()


def test_a_higher_farmgate_price_never_lowers_any_households_consumption():
    # no transfers (their re-ranking could move a household either way), no processors
    base = run(COFFEE, *NO_TRANSFERS)
    high = run(COFFEE, *NO_TRANSFERS, "chains.coffee.stages.green_asalan.price_idr_per_kg=60000")
    assert (high.households.consumption_idr >= base.households.consumption_idr - 1e-6).all()
    b, h = all_rows(base), all_rows(high)
    assert (h["extreme_poverty_rate"] <= b["extreme_poverty_rate"] + EPS).all()
    assert (h["farmgate_price_coffee"] > b["farmgate_price_coffee"]).all()


def test_more_capacity_never_means_fewer_processing_jobs_at_fixed_prices():
    cap = "districts.lampung_barat.processors.roastery_a.capacity_t_per_month"
    fine = "districts.lampung_barat.n_households=8000"  # a household stands for 10: jobs resolve
    small = all_rows(run(HILIR, *FIXED_PRICES, fine, f"{cap}=20"))
    large = all_rows(run(HILIR, *FIXED_PRICES, fine, f"{cap}=60"))
    assert (large["processing_jobs"] >= small["processing_jobs"]).all()
    assert (large["processing_jobs"] > small["processing_jobs"]).any()


def test_zero_processors_means_zero_processing_jobs():
    base = all_rows(run(COFFEE))
    assert (base["processing_jobs"] == 0).all()
    assert (base["local_processing_share_coffee"].fillna(0) == 0).all()


def test_local_buyers_raise_the_farmgate_share():
    base = all_rows(run(COFFEE))
    scen = all_rows(run(HILIR))
    assert (scen["farmgate_share_coffee"] > base["farmgate_share_coffee"]).all()
    # with no local buyer, farmers get the trader price: 1 - trader_margin_max
    assert np.allclose(base["farmgate_share_coffee"], 0.90)


def test_a_price_crash_lowers_farm_incomes_and_raises_poverty():
    base = all_rows(run(COFFEE, *FIXED_PRICES))
    crash = all_rows(
        run(COFFEE, *FIXED_PRICES, 'shocks=[{month=2, commodity="coffee", factor=0.6}]')
    )
    assert np.allclose(crash["reference_price_coffee"].iloc[2:], 0.6 * 50_000)
    late = slice(6, None)
    assert (
        crash["extreme_poverty_rate"].iloc[late] >= base["extreme_poverty_rate"].iloc[late] - EPS
    ).all()
    assert crash["mean_consumption_pc"].iloc[-1] < base["mean_consumption_pc"].iloc[-1]

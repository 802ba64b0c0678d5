"""The schedule's glue: readers without side effects, and entry checks that build no agent."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from valuechain.config import Process, ProcessorSpec
from valuechain.config.chains import PriceShock
from valuechain.config.loader import load_scenario
from valuechain.model.firms import entry_margin_share
from valuechain.model.model import ValueChainModel
from valuechain.model.prices import ReferencePrices
from valuechain.outputs.indicators import district_rows

COFFEE_STAGES = ("green_asalan", "green_graded", "roasted")

ENTRY = load_scenario(
    "scenarios/hilirisasi_coffee.toml",
    [
        "districts.lampung_barat.n_households=300",
        "months=13",
        "spinup_months=2",
        "districts.lampung_barat.entry.hurdle_margin_share=0",  # an entrant at month 12
        "districts.lampung_barat.entry.max_entrants=1",
    ],
).scenario


def test_reading_the_month_twice_gives_the_same_rows():
    # a scenario with public spending: the plants' capital cost and the programmes
    model = ValueChainModel(ENTRY, seed=3).run(2)
    first = district_rows(model)
    again = district_rows(model)
    assert first[-1]["fiscal_cost_cum"] > 0
    pd.testing.assert_frame_equal(pd.DataFrame(again), pd.DataFrame(first))  # every column
    for k in range(len(model.district_names)):
        assert model.ledger.fiscal_cost(model, k) == model.ledger.fiscal_cost(model, k)
    model.release()


def test_running_total_of_spending_is_the_sum_of_the_months():
    model = ValueChainModel(ENTRY, seed=3).run(4)
    ts = model.indicators()
    ts = ts[ts["district"] == "all"]
    assert_allclose(ts["fiscal_cost_cum"], np.cumsum(ts["fiscal_cost"]))
    model.release()


def test_entry_checks_build_no_agent():
    model = ValueChainModel(ENTRY, seed=3).run()
    names = [p.name for p in model.processors]
    assert names[-1] == "lampung_barat/entrant_1"  # it entered at month 12
    # every agent is a plant, numbered in the order the plants were created: the entry
    # check took no agent id
    assert [a.unique_id for a in model.agents] == list(range(1, len(names) + 1))
    assert [p.unique_id for p in model.processors] == list(range(1, len(names) + 1))
    model.release()


def test_entry_margin_share_by_hand():
    spec = ProcessorSpec(
        commodity="coffee",
        process="roast",
        capacity_t_per_month=10,
        wage_idr_per_month=3_000_000,
        fixed_cost_idr_per_month=0,
        offer_premium=0.05,
    )
    process = Process(
        input_stage="green",
        output_stage="roasted",
        conversion_kg_per_kg=0.8,
        labour_worker_months_per_t=1.0,
        variable_cost_idr_per_kg_output=1000,
    )
    # an entrant buys at the plant gate, 40,000; margin 0.8 x (60,000 - 1,000) - 40,000 -
    # 3,000 = 4,200 per kg input, over 0.8 x 60,000 = 48,000 of output
    assert entry_margin_share(spec, process, 40_000, 60_000) == pytest.approx(4_200 / 48_000)


def test_reference_prices_take_scheduled_shocks_and_reset():
    flat = load_scenario(
        "scenarios/baseline_coffee.toml",
        [f"chains.coffee.stages.{s}.volatility_month=0.0" for s in COFFEE_STAGES],
    ).scenario
    prices = ReferencePrices("coffee", flat.chains["coffee"])
    start = prices.price("roasted")
    rng = np.random.default_rng(0)
    crash = PriceShock(month=3, commodity="coffee", factor=0.5, stages=["roasted"])
    other = PriceShock(month=3, commodity="rubber", factor=0.1)
    prices.step(2, [crash, other], rng)
    assert prices.price("roasted") == pytest.approx(start)  # not yet; no volatility
    prices.step(3, [crash, other], rng)
    assert prices.price("roasted") == pytest.approx(start / 2)  # persistent: stays
    prices.step(4, [crash, other], rng)
    assert prices.price("roasted") == pytest.approx(start / 2)
    prices.reset()
    assert prices.price("roasted") == pytest.approx(start)
    # a temporary shock reverts by the mean-reversion rate kappa each month
    bump = PriceShock(month=0, commodity="coffee", factor=2.0, persistent=False)
    prices.step(0, [bump], rng)
    kappa = prices.kappa[prices.farm]
    farm_start = flat.chains["coffee"].stages["green_asalan"].price_idr_per_kg
    assert prices.farm_price == pytest.approx(farm_start * 2 ** (1 - kappa))

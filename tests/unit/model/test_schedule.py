"""The schedule's glue: readers without side effects, and entry checks that build no agent."""

import numpy as np
from numpy.testing import assert_allclose

from valuechain.config.loader import load_scenario
from valuechain.model.model import ValueChainModel
from valuechain.outputs.indicators import district_rows

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
    assert [r["fiscal_cost_cum"] for r in again] == [r["fiscal_cost_cum"] for r in first]
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

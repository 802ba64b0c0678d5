"""Determinism and common random numbers (docs/ODD.md, design concept 'Stochasticity')."""

import numpy as np
import pandas as pd
import pytest

from valuechain.config.loader import load_scenario
from valuechain.model.model import ValueChainModel
from valuechain.model.rng import STREAMS, Streams, stable_key

SMALL = ["districts.lampung_barat.n_households=400", "months=14"]


def _run(path, seed, extra=()):
    model = ValueChainModel(load_scenario(path, [*SMALL, *extra]).scenario, seed=seed)
    model.run()
    frame = model.indicators()
    model.release()
    return frame


def test_stable_keys_do_not_depend_on_the_process():
    # fixed values: Python's salted hash() would change between interpreter runs
    assert stable_key("prices") == 14428968122515554814  # first 8 bytes of sha256
    assert len({stable_key(n) for n in STREAMS}) == len(STREAMS)


def test_streams_are_independent_of_each_other():
    a = Streams(7)
    a.stream("weather/x").standard_normal(1000)  # heavy use of one stream...
    b = Streams(7)
    # ...leaves another stream's draws unchanged
    assert np.array_equal(
        a.stream("prices/coffee").standard_normal(5), b.stream("prices/coffee").standard_normal(5)
    )


def test_unknown_stream_is_an_error():
    with pytest.raises(KeyError, match="unknown random stream"):
        Streams(1).stream("weathr")


def test_same_seed_same_results():
    a = _run("scenarios/hilirisasi_coffee.toml", 11)
    b = _run("scenarios/hilirisasi_coffee.toml", 11)
    pd.testing.assert_frame_equal(a, b)


def test_different_seeds_differ():
    a = _run("scenarios/baseline_coffee.toml", 11)
    b = _run("scenarios/baseline_coffee.toml", 12)
    assert not np.allclose(a["extreme_poverty_rate"], b["extreme_poverty_rate"])
    assert not np.allclose(a["reference_price_coffee"], b["reference_price_coffee"])


def test_scenario_and_baseline_see_the_same_shocks():
    """Adding processors changes outcomes but not prices, weather or harvests."""
    base = _run("scenarios/baseline_coffee.toml", 5)
    scen = _run("scenarios/hilirisasi_coffee.toml", 5)
    for col in ["reference_price_coffee", "harvest_coffee"]:
        np.testing.assert_array_equal(base[col].to_numpy(), scen[col].to_numpy())
    assert (scen["processing_jobs"] > 0).any()
    assert not np.allclose(base["mean_consumption_pc"], scen["mean_consumption_pc"])


def test_adding_a_district_leaves_the_first_districts_draws_alone():
    from valuechain.config import District

    loaded = load_scenario("scenarios/baseline_coffee.toml", SMALL)
    one = ValueChainModel(loaded.scenario, seed=3).run()
    doc = loaded.scenario.model_dump()
    doc["districts"]["zz_second"] = District.model_validate(
        {**doc["districts"]["lampung_barat"], "n_households": 50}
    ).model_dump()
    two_scenario = type(loaded.scenario).model_validate(doc)
    two = ValueChainModel(two_scenario, seed=3).run()
    a = one.indicators().query("district == 'lampung_barat'")["harvest_coffee"].to_numpy()
    b = two.indicators().query("district == 'lampung_barat'")["harvest_coffee"].to_numpy()
    np.testing.assert_array_equal(a, b)

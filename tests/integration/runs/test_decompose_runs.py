"""Decomposition on real runs of a shrunk percepatan_2024: efficiency and paired coalitions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from valuechain.runs.decompose import PACKAGE, plan_decomposition, run_decomposition
from valuechain.runs.replications import run_scenario

PERCEPATAN = Path(__file__).resolve().parents[3] / "scenarios" / "percepatan_2024.toml"
SHRINK = [
    "months=6",
    "districts.lampung_barat.n_households=300",
    "districts.jambi_lowland.n_households=300",
]
GROUPS = [
    ("social", ["policies.*"]),
    ("coffee_plants", ["districts.lampung_barat.processors.*"]),
    ("rubber_plants", ["districts.jambi_lowland.processors.*"]),
]


@pytest.fixture(scope="module")
def decomposition():
    plan = plan_decomposition(PERCEPATAN, SHRINK, groups=GROUPS, replications=2)
    return run_decomposition(plan, indicators=["*"], workers=1)


def test_every_coalition_runs_every_replication_with_the_scenarios_seeds(decomposition):
    runs = decomposition.runs
    assert len(runs) == 8 * 2
    assert runs.groupby("coalition")["seed"].apply(list).map(tuple).unique().tolist() == [
        (20240805, 20240806)
    ]
    assert runs["coalition"].iloc[0] == "" and runs["n_levers"].max() == 3


def test_values_add_up_to_the_paired_effect_in_every_replication(decomposition):
    by_rep = decomposition.by_replication
    keys = decomposition.indicators
    assert "sustained_exits_final" in keys and "fiscal_cost_cum" in keys
    levers = sum(
        by_rep[by_rep["lever"] == name].sort_values("replication")[keys].to_numpy()
        for name in ("social", "coffee_plants", "rubber_plants")
    )
    package = by_rep[by_rep["lever"] == PACKAGE].set_index("replication")[keys]
    runs = decomposition.runs.set_index("replication")
    full = runs[runs["coalition"] == "coffee_plants+rubber_plants+social"][keys]
    empty = runs[runs["coalition"] == ""][keys]
    np.testing.assert_allclose(package, full - empty, rtol=0, atol=0, equal_nan=True)
    scale = np.maximum(np.abs(full.to_numpy()), np.abs(empty.to_numpy()))
    np.testing.assert_allclose(levers, package, rtol=1e-12, atol=1e-9, equal_nan=True)
    assert np.nanmax(scale) > 1e9  # the sums are checked on amounts in rupiah, too


def test_table_means_and_shares(decomposition):
    table = decomposition.table
    rows = table[table["indicator"] == "fiscal_cost_cum"].set_index("lever")
    assert list(rows.index) == ["social", "coffee_plants", "rubber_plants", PACKAGE]
    assert rows.loc["social":"rubber_plants", "shapley"].sum() == pytest.approx(
        rows.loc[PACKAGE, "shapley"]
    )
    assert rows["share"].iloc[:3].sum() == pytest.approx(1.0)
    assert rows.loc[PACKAGE, "share"] == 1.0
    assert (rows["n"] == 2).all() and (rows["ci_low"] <= rows["ci_high"]).all()
    # a plant's capital cost is spent whatever else runs: its value is that cost in each run
    assert rows.loc["coffee_plants", "se"] == 0.0


def test_the_empty_and_full_coalitions_reproduce_the_paired_run(decomposition):
    sr = run_scenario(PERCEPATAN, replications=2, overrides=SHRINK)
    runs = decomposition.runs
    for coalition, own in (("", sr.baseline.runs), ("coffee_plants+rubber_plants+social", sr.runs)):
        keys = [c for c in own.columns if c not in ("scenario", "replication", "seed")]
        mine = runs[runs["coalition"] == coalition].reset_index(drop=True)
        pd.testing.assert_frame_equal(
            mine[["replication", "seed", *keys]], own[["replication", "seed", *keys]]
        )

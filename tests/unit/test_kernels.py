"""The compiled kernels: the same numbers as plain Python, and the orderings they promise.

The equations themselves are checked by hand in ``test_mechanisms.py``; here, that compiling
changes nothing (a run with numba's JIT switched off gives identical indicators) and that
the sorting and summing helpers keep their contracts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuechain import kernels

REPO = Path(__file__).resolve().parents[2]

_RUN = """
import json, sys
from valuechain import load_scenario
from valuechain.model import ValueChainModel
out = {}
for name in ("baseline_coffee", "hilirisasi_coffee"):
    sc = load_scenario(
        f"scenarios/{name}.toml",
        ["districts.lampung_barat.n_households=300", "months=14", "spinup_months=2"],
    ).scenario
    frame = ValueChainModel(sc, seed=5).run().indicators()
    out[name] = frame.drop(columns=["date", "district"]).to_numpy().tolist()
json.dump(out, sys.stdout)
"""


def _indicators(jit: bool) -> dict:
    env = dict(os.environ)
    env.pop("NUMBA_DISABLE_JIT", None)
    if not jit:
        env["NUMBA_DISABLE_JIT"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", _RUN], capture_output=True, text=True, cwd=REPO, env=env, check=True
    )
    return json.loads(done.stdout)


def test_compiled_kernels_give_the_numbers_of_plain_python() -> None:
    compiled, interpreted = _indicators(jit=True), _indicators(jit=False)
    for name in compiled:
        np.testing.assert_array_equal(
            np.array(compiled[name], dtype=float), np.array(interpreted[name], dtype=float), name
        )


@given(st.lists(st.floats(-1e12, 1e12), min_size=1, max_size=200))
def test_argsort_is_a_stable_argsort(values: list[float]) -> None:
    x = np.array(values + values[: len(values) // 2])  # with ties
    order = kernels.argsort(x)
    assert sorted(order.tolist()) == list(range(x.size))
    ranked = x[order]
    slack = 2.0**-40 * np.abs(ranked[1:]) + 1e-300  # the keys' precision
    assert (np.diff(ranked) >= -slack).all()
    distinct = np.unique(x)
    if (np.diff(distinct) > 1e-9 * np.abs(distinct[1:]) + 1e-290).all():
        np.testing.assert_array_equal(order, np.argsort(x, kind="stable"))


def test_argsort_floor_and_negative_zero() -> None:
    x = np.array([3.0, -0.0, 0.0, -2.0, 0.5])
    assert x[kernels.argsort(x)].tolist() == [-2.0, -0.0, 0.0, 0.5, 3.0]
    # below the floor, values tie and keep household order
    assert kernels.argsort(x, floor=1.0).tolist() == [1, 2, 3, 4, 0]


def test_dot_has_a_fixed_order_and_agrees_with_numpy() -> None:
    rng = np.random.default_rng(0)
    w, x = rng.random(1003), rng.normal(size=1003) * 1e6
    assert kernels.dot(w, x) == pytest.approx(np.dot(w, x), rel=1e-12)
    # four running sums over every fourth element, the tail into the first, then paired
    a = [0.0, 0.0, 0.0, 0.0]
    for i in range(1000):
        a[i % 4] += w[i] * x[i]
    for i in range(1000, 1003):
        a[0] += w[i] * x[i]
    assert kernels.dot(w, x) == (a[0] + a[1]) + (a[2] + a[3])


def test_sell_in_queue_rotates_and_splits_lots() -> None:
    lots = np.array([10.0, 20.0, 30.0])
    revenue = np.zeros(3)
    trader_lot = np.zeros(3)
    bought = np.zeros(1)
    # queue order 2, 0, 1 after rotating by one; a buyer with room for 35 kg at 5
    kg = kernels.sell_in_queue(
        lots,
        np.array([1, 2, 0]),
        1,
        np.array([35.0]),
        np.array([5.0]),
        2.0,
        revenue,
        trader_lot,
        bought,
    )
    assert bought.tolist() == [35.0] and kg == pytest.approx(25.0)
    assert revenue.tolist() == [5 * 5 + 5 * 2, 20 * 2, 30 * 5]
    assert trader_lot.tolist() == [5.0, 20.0, 0.0]


def test_hiring_and_separations_by_hand() -> None:
    job = np.array([0, -1, -1, 1, -1], dtype=np.int32)
    left = np.zeros(5, dtype=bool)
    employed = np.zeros(2)
    kernels.separate(
        job, np.array([0.9, 0.0, 0.0, 0.01, 0.0]), 0.05, np.full(5, 2.0), left, employed
    )
    assert job.tolist() == [0, -1, -1, -1, -1] and left.tolist() == [
        False,
        False,
        False,
        True,
        False,
    ]
    assert employed.tolist() == [2.0, 0.0]
    # queue 3, 4, 2, 1: household 3 left this month, 4 lacks skill; weights 2, need 3.1:
    # two households (4 workers) are nearer 3.1 than one
    hired = kernels.hire_in_queue(
        np.array([3, 4, 2, 1]),
        job,
        np.array([2, 2, 2, 2, 0], dtype=np.int16),
        np.ones(5, dtype=np.int16),
        left,
        0,
        np.full(5, 2.0),
        1,
        1,
        3.1,
    )
    assert hired == 4.0 and job.tolist() == [0, 1, 1, -1, -1]

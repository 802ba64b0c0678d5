"""The compiled kernels keep the orderings and sums they promise.

The equations themselves are checked by hand in ``test_mechanisms.py``; that compiling changes
nothing (a run with numba's JIT switched off gives identical indicators) is a whole-model check
in ``tests/integration/model/test_kernels_compiled.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from valuechain.model import kernels

#: the selling queue's grading arguments when no lot is graded (graded, grades, premium share,
#: graded bought, premium paid)
NOBODY_GRADES = (np.zeros(0, bool), np.zeros(0, bool), 0.0, np.zeros(0), np.zeros(0))


@given(st.lists(st.floats(-1e12, 1e12), min_size=1, max_size=200))
@example([0.0, -0.0])  # signed zeros: equal values with different keys
def test_argsort_is_a_stable_argsort(values: list[float]) -> None:
    x = np.array(values + values[: len(values) // 2])  # with ties
    order = kernels.argsort(x)
    assert sorted(order.tolist()) == list(range(x.size))
    ranked = x[order]
    slack = 2.0**-40 * np.abs(ranked[1:]) + 1e-300  # the keys' precision
    assert (np.diff(ranked) >= -slack).all()
    distinct = np.unique(x)
    if (np.diff(distinct) > 1e-9 * np.abs(distinct[1:]) + 1e-290).all():
        # stable by value, with -0.0 before 0.0 (the keys are the bits; see the next test)
        negative_zero = (x == 0) & np.signbit(x)
        expected = np.lexsort((np.arange(x.size), ~negative_zero, x))
        np.testing.assert_array_equal(order, expected)


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
        *NOBODY_GRADES,
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
        np.zeros(5),
        3e6,
        np.full(5, -1, dtype=np.int32),
        False,
    )
    assert hired == 4.0 and job.tolist() == [0, 1, 1, -1, -1]
    # a household whose reservation wage is above the wage does not take the job
    job = np.array([0, -1, -1, -1, -1], dtype=np.int32)
    hired = kernels.hire_in_queue(
        np.array([2, 1]),
        job,
        np.full(5, 2, dtype=np.int16),
        np.ones(5, dtype=np.int16),
        np.zeros(5, dtype=bool),
        0,
        np.full(5, 2.0),
        1,
        1,
        2.0,
        np.array([0.0, 0.0, 3.5e6, 0.0, 0.0]),
        3e6,
        np.full(5, -1, dtype=np.int32),
        False,
    )
    assert hired == 2.0 and job.tolist() == [0, 1, -1, -1, -1]


# --------------------------------------------------------------------------- kernels against
# the array formulations they replaced (a different algorithm for the same rule: cumulative
# sums and interpolation instead of one pass), over random inputs


def _queue_by_cumsum(lots, capacity, price, trader_price):
    """The selling queue as cumulative sums and interpolation (the former formulation)."""
    cum = np.cumsum(lots)
    prev = cum - lots
    bounds = np.concatenate(([0.0], np.cumsum(capacity)))
    value = np.concatenate(([0.0], np.cumsum(capacity * price)))
    buyers = (
        np.interp(cum, bounds, value) - np.interp(prev, bounds, value)
        if capacity.size
        else np.zeros_like(lots)
    )
    beyond = np.clip(cum - bounds[-1], 0.0, lots)
    total = float(cum[-1]) if cum.size else 0.0
    bought = np.clip(total - bounds[:-1], 0.0, capacity)
    return buyers + trader_price * beyond, beyond, bought


_kg = st.floats(0.0, 1e4, allow_nan=False)


@given(
    st.lists(_kg, min_size=1, max_size=40),
    st.lists(st.tuples(st.floats(0.0, 2e4), st.floats(1.0, 100.0)), max_size=4),
    st.integers(0, 1000),
    st.randoms(use_true_random=False),
)
def test_sell_in_queue_equals_the_cumulative_formulation(lots, buyers, offset, rnd) -> None:
    lots = np.array(lots)
    n = lots.size
    queue = np.array(rnd.sample(range(n), n))
    offset %= n
    capacity = np.array([c for c, _ in buyers])
    price = np.array([p for _, p in buyers])
    revenue, trader_lot, bought = np.zeros(n), np.zeros(n), np.zeros(capacity.size)
    kg = kernels.sell_in_queue(
        lots, queue, offset, capacity, price, 7.0, revenue, trader_lot, bought, *NOBODY_GRADES
    )
    order = np.roll(queue, -offset)
    want_rev, want_lot, want_bought = _queue_by_cumsum(lots[order], capacity, price, 7.0)
    scale = max(1.0, float(lots.sum()))
    np.testing.assert_allclose(revenue[order], want_rev, rtol=1e-9, atol=1e-9 * scale * 100)
    np.testing.assert_allclose(trader_lot[order], want_lot, rtol=1e-9, atol=1e-9 * scale)
    np.testing.assert_allclose(bought, want_bought, rtol=1e-9, atol=1e-9 * scale)
    assert kg == pytest.approx(float(want_lot.sum()), rel=1e-9, abs=1e-9 * scale)
    # mass: every kg went to a buyer or the trader
    assert bought.sum() + kg == pytest.approx(lots.sum(), rel=1e-12, abs=1e-9)


@given(st.lists(_kg, min_size=1, max_size=30), st.floats(0.0, 1e5))
def test_take_in_order_equals_the_cumulative_formulation(lots, room) -> None:
    lots = np.array(lots)
    positions = np.arange(lots.size)[::-1]  # any order: here the last lot first
    want = np.clip(room - (np.cumsum(lots[positions]) - lots[positions]), 0.0, lots[positions])
    left = lots.copy()
    revenue = np.zeros(lots.size)
    taken, graded, extra = kernels.take_in_order(
        left, positions, room, 3.0, revenue, np.zeros(0, bool), 0.0
    )
    assert graded == 0.0 and extra == 0.0
    np.testing.assert_allclose(lots[positions] - left[positions], want, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(revenue[positions], 3.0 * want, rtol=1e-9, atol=1e-5)
    assert taken == pytest.approx(min(room, lots.sum()), rel=1e-9, abs=1e-6)


@given(
    st.lists(
        st.tuples(st.integers(-1, 1), st.integers(0, 5), st.integers(0, 3)), min_size=1, max_size=40
    ),
    st.floats(0.0, 0.5),
    st.integers(0, 5),
    st.floats(0.0, 60.0),
    st.randoms(use_true_random=False),
)
def test_separations_and_hiring_equal_the_mask_formulation(people, rate, skill_min, need, rnd):
    job = np.array([p[0] for p in people], dtype=np.int32)
    skill = np.array([p[1] for p in people], dtype=np.int16)
    adults = np.array([p[2] for p in people], dtype=np.int16)
    n = job.size
    weight = np.full(n, 2.5)
    u = np.array([rnd.random() for _ in range(n)])
    queue = np.array(rnd.sample(range(n), n))
    # the mask formulation
    want_left = (job >= 0) & (u < rate)
    want_job = np.where(want_left, -1, job).astype(np.int32)
    want_employed = np.bincount(want_job + 1, weights=weight, minlength=3)[1:3]
    free = (want_job[queue] < 0) & (skill[queue] >= skill_min) & (adults[queue] > 0)
    free &= ~want_left[queue]
    candidates = queue[free]
    take = 0
    if need > 0 and candidates.size:
        w = weight[candidates]
        take = int(np.searchsorted(np.cumsum(w) - 0.5 * w, need, side="left"))
    want_job[candidates[:take]] = 1
    # the kernels
    left = np.zeros(n, dtype=bool)
    employed = np.zeros(2)
    kernels.separate(job, u, rate, weight, left, employed)
    hired = kernels.hire_in_queue(
        queue,
        job,
        skill,
        adults,
        left,
        0,
        weight,
        1,
        skill_min,
        need,
        np.zeros(n),
        1.0,
        np.full(n, -1, dtype=np.int32),
        False,
    )
    assert left.tolist() == want_left.tolist()
    np.testing.assert_allclose(employed, want_employed)
    assert job.tolist() == want_job.tolist()
    assert hired == pytest.approx(2.5 * take)


_money = st.floats(-1e7, 1e7, allow_nan=False)


@given(
    st.lists(
        st.tuples(_money, _money, st.floats(0, 1e7), st.floats(0, 1)), min_size=1, max_size=30
    ),
    st.floats(0.0, 1.0),
    st.floats(0.0, 6.0),
    st.floats(0.0, 3.0),
    st.floats(0.0, 0.1),
    st.floats(0.0, 1.0),
)
def test_consumption_rule_equals_the_array_formulation(rows, mpc, buffer, borrow, r, lam):
    income = np.array([x[0] for x in rows])
    savings = np.array([x[1] for x in rows])
    permanent = np.array([x[2] for x in rows])
    spending = np.array([x[3] for x in rows]) * 1e5
    got = np.array(
        [
            kernels.consume_one(y, y - 0.5 * x, 0.2 * pm, x, sv, pm, mpc, buffer, borrow, r, lam)
            for y, x, sv, pm in zip(income, spending, savings, permanent, strict=True)
        ]
    )
    perm = (1.0 - lam) * permanent + lam * (income - 0.5 * spending)  # the expected income
    interest = r * np.maximum(-savings, 0.0)
    cash = savings + income - spending - interest
    wanted = perm + mpc * (cash - (perm * (1.0 + buffer) + 0.2 * permanent))  # reserve in target
    c = np.clip(wanted, 0.0, np.maximum(cash + borrow * np.maximum(perm, 0.0), 0.0))
    np.testing.assert_array_equal(got[:, 0], c)
    np.testing.assert_array_equal(got[:, 1], cash - c)
    np.testing.assert_array_equal(got[:, 2], perm)
    np.testing.assert_array_equal(got[:, 3], interest)

"""Each mechanism against numbers computed by hand (docs/ODD.md, section 7)."""

import math

import mesa
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from valuechain.config import Process, ProcessorSpec
from valuechain.config.loader import default_chains
from valuechain.model import kernels, prices, trade
from valuechain.model.accounts import HOUSEHOLD_FLOWS
from valuechain.model.firms import Processor
from valuechain.model.households import budgets
from valuechain.outputs.metrics import fgt, gini, weighted_gini

# ------------------------------------------------------------------ poverty and inequality


def test_fgt_measures_by_hand():
    pc = np.array([100.0, 200.0, 300.0, 400.0])
    persons = np.ones(4)
    h, g1, g2 = fgt(pc, persons, 250.0)
    assert h == pytest.approx(0.5)
    assert g1 == pytest.approx((0.6 + 0.2) / 4)
    assert g2 == pytest.approx((0.36 + 0.04) / 4)


def test_fgt_weights_are_persons():
    # two households: 1 poor person, 3 non-poor persons -> headcount 1/4
    h, _, _ = fgt(np.array([100.0, 500.0]), np.array([1.0, 3.0]), 250.0)
    assert h == pytest.approx(0.25)


def test_gini_by_hand():
    assert weighted_gini(np.array([5.0, 5.0, 5.0]), np.ones(3)) == pytest.approx(0.0)
    assert weighted_gini(np.array([0.0, 0.0, 0.0, 1.0]), np.ones(4)) == pytest.approx(0.75)
    # mean absolute difference / (2 mean): {1, 2} -> (2 * 1 / 4) / (2 * 1.5) = 1/6
    assert weighted_gini(np.array([1.0, 2.0]), np.ones(2)) == pytest.approx(1 / 6)


def test_gini_weight_equals_duplication():
    rng = np.random.default_rng(3)
    x = rng.lognormal(size=50)
    w = rng.integers(1, 4, size=50).astype(float)
    assert weighted_gini(x, w) == pytest.approx(
        weighted_gini(np.repeat(x, w.astype(int)), np.ones(int(w.sum())))
    )


# ------------------------------------------------------------------ markets


def test_trader_margin_falls_with_local_capacity():
    assert trade.trader_margin(0.04, 0.10, 0.0, 1.0) == pytest.approx(0.10)
    # local buyers could take a quarter of the harvest: a quarter of the way to the minimum
    assert trade.trader_margin(0.04, 0.10, 0.25, 1.0) == pytest.approx(0.085)
    assert trade.trader_margin(0.04, 0.10, 0.25, 2.0) == pytest.approx(0.07)
    assert trade.trader_margin(0.04, 0.10, 3.0, 1.0) == pytest.approx(0.04)


def _sell(lots, capacity, price, trader_price):
    """The selling queue in household order (no rotation): revenue, trader lots, bought,
    trader kg."""
    lots = np.asarray(lots, dtype=float)
    revenue, trader_lot = np.zeros(lots.size), np.zeros(lots.size)
    bought = np.zeros(len(capacity))
    kg = kernels.sell_in_queue(
        lots,
        np.arange(lots.size),
        0,
        np.asarray(capacity, dtype=float),
        np.asarray(price, dtype=float),
        trader_price,
        revenue,
        trader_lot,
        bought,
        np.zeros(0, bool),
        np.zeros(0, bool),
        0.0,
        np.zeros(len(capacity)),
        np.zeros(len(capacity)),
    )
    return revenue, trader_lot, bought, kg


def test_selling_queue_by_hand():
    # lots 100, 50, 200 kg; buyer A 120 kg at 10, buyer B 100 kg at 8, trader at 5
    revenue, trader_lot, bought, kg = _sell([100.0, 50.0, 200.0], [120.0, 100.0], [10.0, 8.0], 5.0)
    assert_allclose(revenue, [1000.0, 20 * 10 + 30 * 8, 70 * 8 + 130 * 5])
    assert_allclose(trader_lot, [0.0, 0.0, 130.0])
    assert_allclose(bought, [120.0, 100.0])
    assert kg == pytest.approx(130.0)


def test_selling_queue_without_buyers_sells_all_to_trader():
    revenue, trader_lot, _, kg = _sell([3.0, 4.0], [], [], 2.0)
    assert_allclose(revenue, [6.0, 8.0])
    assert_allclose(trader_lot, [3.0, 4.0])
    assert kg == pytest.approx(7.0)
    # every lot to the traders in one pass: the same, booked per simulated household
    farm_revenue, inputs = np.zeros(2), np.zeros(2)
    kg, paid = kernels.sell_to_traders(
        np.array([1.5, 2.0]), np.array([2.0, 2.0]), 2.0, 0.25, farm_revenue, inputs
    )
    assert (kg, paid) == pytest.approx((7.0, 14.0))
    assert_allclose(farm_revenue, [3.0, 4.0])  # per household: 1.5 kg x 2, 2 kg x 2
    assert_allclose(inputs, [0.75, 1.0])


def test_hiring_and_lay_offs_round_to_the_nearest_household():
    queue = np.arange(3)
    weight = np.full(3, 2.0)
    skill, adults, barred = np.ones(3, np.int16), np.ones(3, np.int16), np.zeros(3, bool)

    def hire(need):
        job = np.full(3, -1, dtype=np.int32)
        return kernels.hire_in_queue(
            queue, job, skill, adults, barred, 0, weight, 0, 1, need, np.zeros(3), 1.0, job, False
        )

    assert hire(0.0) == 0.0
    assert hire(3.0) == 2.0  # 2 workers is as close to 3 as 4: take fewer
    assert hire(3.1) == 4.0
    assert hire(100.0) == 6.0
    # lay-offs round the same way, lowest priority (end of the queue) first
    job = np.zeros(3, dtype=np.int32)
    assert kernels.lay_off_in_queue(queue, job, 0, weight, 3.1) == 4.0
    assert job.tolist() == [0, -1, -1]
    job = np.zeros(3, dtype=np.int32)
    assert kernels.lay_off_in_queue(queue, job, 0, weight, math.inf) == 6.0
    assert job.tolist() == [-1, -1, -1]


def test_log_levels_mean_revert_and_followers_add_their_margin():
    level = np.log([100.0, 2.0])  # a root at 100 and a follower at twice its parent
    mean = np.log([110.0, 2.0])
    kappa = np.array([0.5, 0.5])
    out = prices.step_log_levels(level, mean, kappa, np.zeros(2), np.zeros(2))
    assert_allclose(out, [math.log(100.0) + 0.5 * math.log(1.1), math.log(2.0)])
    # each stage has its own noise: sigma z on each level
    out = prices.step_log_levels(level, level, np.zeros(2), np.full(2, 0.1), np.array([3.0, -3.0]))
    assert_allclose(out - level, [0.3, -0.3])
    # prices: a root's is its level, a follower's its parent's price times its ratio
    logp = prices.log_prices_of_levels(np.log([100.0, 2.0, 1.5]), np.array([-1, 0, 1]))
    assert_allclose(np.exp(logp), [100.0, 200.0, 300.0])


# ------------------------------------------------------------------ households


def test_harvest_by_hand():
    out = np.empty(3)
    scale = 813.0 * 0.25 * 1.1  # annual yield x season share x weather
    kernels.harvest_month(np.array([2.0, 2.0, 0.0]), np.array([0.0, 1.5, 9.0]), scale, 0.2, out)
    own = [math.exp(-0.02), math.exp(0.2 * 1.5 - 0.02), 0.0]  # exp(sd z - sd^2 / 2)
    assert_allclose(out, [2 * scale * own[0], 2 * scale * own[1], 0.0])


def _work(adults, job, weight, demand, *, p_informal, u):
    """Farm and informal work at a farm wage of 1000 and informal income of 600."""
    farm, informal = np.empty(len(adults)), np.empty(len(adults))
    filled, farm_months, idle = kernels.work_month(
        np.array(adults, dtype=np.int16),
        np.array(job, dtype=np.int32),
        np.full(len(adults), -1, dtype=np.int32),
        np.array(weight, dtype=float),
        np.array(u, dtype=float),
        demand,
        p_informal,
        1000.0,
        600.0,
        farm,
        informal,
    )
    return farm, informal, filled, farm_months, idle


def test_farm_and_informal_work_by_hand():
    # adults 3, 1, 0; the first household has one in a processing job
    farm, informal, filled, farm_months, idle = _work(
        [3, 1, 0], [0, -1, -1], [1.0, 1.0, 1.0], 1.5, p_informal=0.5, u=[0.2, 0.6, 0.9]
    )
    # supply 3, demand 1.5 -> each free worker works half a month on farms
    assert_allclose(farm, [1000.0, 500.0, 0.0])
    # k = floor(free * 0.5 + u) = [1, 1, 0] workers find informal work for the other half
    assert_allclose(informal, [300.0, 300.0, 0.0])
    assert idle == pytest.approx(0.5)
    assert filled == pytest.approx(1.0)
    assert farm_months == pytest.approx(1.5)


def test_farm_work_when_labour_is_short():
    farm, informal, filled, _, _ = _work([1], [-1], [2.0], 8.0, p_informal=1.0, u=[0.0])
    assert filled == pytest.approx(0.25)  # 2 of 8 worker-months found
    assert_allclose(farm, [1000.0])
    assert_allclose(informal, [0.0])


RULE = dict(mpc=0.1, buffer_months=3.0, borrowing_months=0.5, debt_interest=0.02, income_weight=0.1)


def consume(income, spending, savings, permanent):
    """The consumption rule for one household: (consumption, savings, permanent, interest)."""
    return kernels.consume_one(income, income, 0.0, spending, savings, permanent, *RULE.values())


def test_consumption_at_the_target_buffer_is_permanent_income():
    c, s, _, _ = consume(1000.0, 0.0, 3000.0, 1000.0)
    assert (c, s) == pytest.approx((1000.0, 3000.0))


def test_consumption_with_debt_by_hand():
    c_got, s_got, perm_got, interest = consume(500.0, 0.0, -200.0, 1000.0)
    perm = 0.9 * 1000 + 0.1 * 500  # 950
    cash = -200 + 500 - 0.02 * 200  # 296
    c = perm + 0.1 * (cash - perm * 4)  # 599.6 (below the ceiling 296 + 475)
    assert perm_got == pytest.approx(perm)
    assert interest == pytest.approx(4.0)
    assert c_got == pytest.approx(c)
    assert s_got == pytest.approx(cash - c)


def test_borrowing_limit_binds_and_consumption_is_never_negative():
    c, s, _, _ = consume(0.0, 900.0, -500.0, 1000.0)
    # cash = -500 + 0 - 900 - 10 = -1410; limit 0.5 * 900 = 450 -> nothing left to consume
    assert c == 0.0
    assert s == pytest.approx(-1410.0)


def _budget(income_parts: dict[str, float], **kw):
    """One household month through kernels.budget_month; returns the arrays it wrote."""
    n = 1
    flows = np.zeros((len(HOUSEHOLD_FLOWS), n))
    for name, value in income_parts.items():
        flows[HOUSEHOLD_FLOWS.index(name)] = value
    state = dict(
        savings=np.array([kw.get("savings", 3000.0)]),
        permanent=np.array([kw.get("permanent", 1000.0)]),
        consumption=np.zeros(n),
        income=np.zeros(n),
        is_poor=np.array([kw.get("is_poor", False)]),
        was_poor=np.zeros(n, dtype=bool),
        months_out=np.array([kw.get("months_out", 5)], dtype=np.int32),
    )
    kernels.budget_month(
        flows,
        np.array([kw.get("farm_revenue", 0.0)]),
        np.array([kw.get("other_median", 0.0)]),
        np.array([kw.get("z", 0.0)]),
        kw.get("other_sd", 0.0),
        np.array([kw.get("health_u", 0.9)]),
        0.1,  # p of a health shock
        np.array([kw.get("covered", False)]),
        np.zeros(n, dtype=bool),  # subsidised cover
        250.0,  # health cost
        0.5,  # lost work share
        state["savings"],
        state["permanent"],
        state["consumption"],
        state["income"],
        np.array([kw.get("size", 2.0)]),
        np.array(list(RULE.values())),
        np.array([[1.0]]),  # one hectare of one commodity
        np.array([kw.get("expected_farm", 600.0)]),  # expected net sales per hectare
        np.array([kw.get("reserve", 0.0)]),
        kw.get("line", 100.0),
        state["is_poor"],
        state["was_poor"],
        state["months_out"],
        kw.get("first", False),
    )
    return flows, state


def test_budget_month_income_and_consumption_by_hand():
    flows, st_ = _budget(
        {"farm_inputs": 100.0, "informal": 200.0, "transfers": 50.0},
        farm_revenue=700.0,
        other_median=400.0,
        z=0.5,
        other_sd=0.2,
    )
    other = 400.0 * math.exp(0.2 * 0.5 - 0.02)
    income = 700.0 - 100.0 + 200.0 + other + 50.0
    assert st_["income"][0] == pytest.approx(income)
    assert flows[HOUSEHOLD_FLOWS.index("other"), 0] == pytest.approx(other)
    c, s, perm, _ = consume(income, 0.0, 3000.0, 1000.0)
    assert (st_["consumption"][0], st_["savings"][0], st_["permanent"][0]) == pytest.approx(
        (c, s, perm)
    )


def test_budget_month_health_shock_by_hand():
    # sick (u < 0.1), not covered: pays 250 and loses half of informal and other income
    flows, st_ = _budget({"informal": 200.0}, other_median=400.0, health_u=0.05)
    row = HOUSEHOLD_FLOWS.index
    assert flows[row("health_cost"), 0] == 250.0
    assert flows[row("informal"), 0] == 100.0 and flows[row("other"), 0] == 200.0
    assert st_["income"][0] == pytest.approx(300.0)
    # covered: no cost, the lost work remains
    flows, _ = _budget({"informal": 200.0}, health_u=0.05, covered=True)
    assert flows[row("health_cost"), 0] == 0.0 and flows[row("informal"), 0] == 100.0


def test_budget_month_poverty_flags_and_spells_by_hand():
    # with savings 0 and income 0 consumption is 0: poor; the spell out restarts at 0
    _, st_ = _budget({}, savings=0.0, permanent=0.0, months_out=7)
    assert st_["is_poor"][0] and st_["months_out"][0] == 0 and not st_["was_poor"][0]
    # at the buffer target a household consumes 1000 / 2 = 500 per person: not poor
    _, st_ = _budget({}, savings=3000.0, permanent=1000.0, months_out=7, is_poor=True)
    assert not st_["is_poor"][0] and st_["months_out"][0] == 8 and st_["was_poor"][0]
    # in the first month, last month's status is this month's
    _, st_ = _budget({}, savings=0.0, permanent=0.0, is_poor=False, first=True)
    assert st_["was_poor"][0] and st_["is_poor"][0]


# ------------------------------------------------------------------ processors


def _processor(owner="private", dividend_share=0.5, **spec_kw):
    spec = ProcessorSpec(
        commodity="coffee",
        process="roast",
        owner=owner,
        capacity_t_per_month=10,
        wage_idr_per_month=3_000_000,
        fixed_cost_idr_per_month=5_000_000,
        target_utilisation=1.0,
        input_stock_months=0.0,
        dividend_share=dividend_share,
        **spec_kw,
    )
    process = Process(
        input_stage="green_asalan",
        output_stage="roasted",
        conversion_kg_per_kg=0.8,
        labour_worker_months_per_t=1.0,
        variable_cost_idr_per_kg_output=1000,
    )
    chain = default_chains()["coffee"].model_copy(update={"processes": {"roast": process}})
    return Processor(
        mesa.Model(seed=1), name="p", index=0, district=0, commodity=0, spec=spec, chain=chain
    )


def test_processor_accounts_by_hand():
    p = _processor()
    # margin per kg input: 0.8 (60000 - 1000) - 40000 - 3000 * 1/1000 = 4200
    assert p.unit_margin(40_000, 60_000) == pytest.approx(4200.0)
    assert p.plan(0, 40_000, 60_000, patience=3) == pytest.approx(10_000.0)
    assert p.books.vacancies == pytest.approx(10.0)
    p.books.workers = 10.0
    p.books.bought_direct_kg = 10_000.0
    p.books.paid_direct_idr = 400e6
    p.process_and_sell(0, 60_000)
    b = p.books
    assert b.output_kg == pytest.approx(8_000.0)
    assert b.revenue_idr == pytest.approx(480e6)
    assert b.wage_bill_idr == pytest.approx(30e6)
    assert b.variable_cost_idr == pytest.approx(8e6)
    assert b.profit_idr == pytest.approx(480e6 - 400e6 - 30e6 - 8e6 - 5e6)  # 37 M
    assert p.cash_idr == pytest.approx(37e6)
    assert p.stock_kg == pytest.approx(0.0)


def test_cooperative_pays_dividends_from_profit():
    p = _processor(owner="cooperative", dividend_share=0.5)
    p.plan(0, 40_000, 60_000, patience=3)
    p.books.workers = 10.0
    p.books.bought_direct_kg = 10_000.0
    p.books.paid_direct_idr = 400e6
    p.process_and_sell(0, 60_000)
    assert p.books.dividends_idr == pytest.approx(18.5e6)
    assert p.cash_idr == pytest.approx(18.5e6)


def test_processor_short_of_workers_processes_less_and_stocks_the_rest():
    p = _processor()
    p.plan(0, 40_000, 60_000, patience=3)
    p.books.workers = 5.0  # half the vacancies filled
    p.books.bought_direct_kg = 10_000.0
    p.books.paid_direct_idr = 400e6
    p.process_and_sell(0, 60_000)
    assert p.books.processed_kg == pytest.approx(5_000.0)
    assert p.stock_kg == pytest.approx(5_000.0)
    assert p.stock_value_idr == pytest.approx(200e6)  # held at cost
    assert p.books.input_cost_idr == pytest.approx(200e6)


def test_processor_idles_after_patience_months_of_negative_margin():
    p = _processor()
    plans = [p.plan(t, 60_000, 60_000, patience=3) for t in range(4)]
    assert plans == [10_000.0, 10_000.0, 0.0, 0.0]
    assert p.plan(4, 40_000, 60_000, patience=3) == pytest.approx(10_000.0)


def test_private_processor_exits_after_sustained_losses_public_stays():
    p = _processor()
    p.loss_months = 12
    assert p.maybe_exit(12) and p.exited and not p.operating(99)
    q = _processor(owner="public")
    q.loss_months = 50
    assert not q.maybe_exit(12)


def _indicator_sums(
    pc: np.ndarray,
    persons: np.ndarray,
    weight: np.ndarray,
    line: float,
    is_poor: np.ndarray | None = None,
    land_ha: np.ndarray | None = None,
) -> dict[str, float]:
    """The kernel's sums for households with no jobs, transfers, members or programmes."""
    n = pc.size
    false = np.zeros(n, dtype=bool)
    return dict(
        zip(
            kernels.SUMS,
            kernels.indicator_sums(
                pc,
                persons,
                weight,
                np.array([line, 2 * line, 3 * line]),
                false if is_poor is None else is_poor,
                false,
                false,
                np.zeros(n, dtype=np.int32),
                12,
                np.full(n, -1, dtype=np.int32),
                np.full(n, -1, dtype=np.int32),
                np.zeros(n, dtype=np.int16),
                false,
                np.ones(n, dtype=np.int16),
                np.zeros(n),
                false,
                np.zeros(n, dtype=np.int16),
                np.zeros(n, dtype=np.int16),
                np.full(n, -1, dtype=np.int32),
                np.zeros(0, dtype=bool),
                np.zeros((n, 1)) if land_ha is None else land_ha,
            ),
            strict=True,
        )
    )


@given(
    st.lists(st.floats(1.0, 1e8), min_size=1, max_size=60),
    st.lists(st.integers(1, 12), min_size=60, max_size=60),
    st.floats(1.0, 2e8),
)
def test_indicator_sums_and_gini_equal_the_direct_measures(values, sizes, line):
    x = np.array(values)
    size = np.array(sizes[: x.size], dtype=float)
    weight = np.full(x.size, 2.5)
    persons = weight * size
    consumption = x * size
    x = consumption / size  # per person as the kernel computes it (x * s / s may not be x)
    sums = _indicator_sums(consumption / size, persons, weight, line)
    total = persons.sum()
    h, g1, g2 = fgt(x, persons, line)
    assert_allclose(
        [sums["poor190"] / total, sums["gap190"] / total, sums["sev190"] / total],
        [h, g1, g2],
        rtol=1e-9,
        atol=1e-12,
    )
    assert sums["poor215"] / total == pytest.approx(fgt(x, persons, 2 * line)[0], abs=1e-12)
    assert_allclose(
        [sums["poor_nat"] / total, sums["gap_nat"] / total, sums["sev_nat"] / total],
        fgt(x, persons, 3 * line),
        rtol=1e-9,
        atol=1e-12,
    )
    assert sums["consumption"] / total == pytest.approx(np.average(x, weights=persons))
    assert sums["households"] == pytest.approx(weight.sum())
    assert gini(x, persons) == pytest.approx(weighted_gini(x, persons), abs=1e-12)


def test_the_farming_share_of_the_extreme_poor_counts_land_in_any_commodity():
    # four households of 2, 3, 4 and 5 persons (weight 1); the first three extreme poor; the
    # first holds coffee, the second a boat share in its second commodity, the third nothing
    persons = np.array([2.0, 3.0, 4.0, 5.0])
    poor = np.array([True, True, True, False])
    land = np.array([[0.5, 0.0], [0.0, 0.1], [0.0, 0.0], [2.0, 0.0]])
    sums = _indicator_sums(np.full(4, 1.0), persons, np.ones(4), 10.0, poor, land)
    assert sums["poor190_farming"] == 5.0  # 2 + 3 of the 9 extreme-poor persons


def test_sort_keys_order_values_and_carry_positions():
    x = np.array([3.0, 0.0, 2.5, 2.5, 7.0, 0.5])
    keys, mask = kernels.sort_keys(x, 1.0)
    order = np.sort(keys) & mask
    assert np.maximum(x, 1.0)[order].tolist() == [1.0, 1.0, 2.5, 2.5, 3.0, 7.0]
    assert sorted(order.tolist()) == list(range(x.size))


def test_binomial_by_inversion_matches_the_distribution():
    from scipy import stats

    u = (np.arange(20000) + 0.5) / 20000  # evenly spread quantiles
    n = np.full(u.size, 5)
    draws = kernels.binomial_by_inversion(n, 0.3, u)
    freq = np.bincount(draws, minlength=6) / u.size
    assert_allclose(freq, stats.binom.pmf(np.arange(6), 5, 0.3), atol=1e-4)
    assert (np.diff(draws) >= 0).all()  # monotone in u
    assert kernels.binomial_by_inversion(np.array([3]), 0.0, np.array([0.99]))[0] == 0
    assert kernels.binomial_by_inversion(np.array([3]), 1.0, np.array([0.01]))[0] == 3


def test_an_anticipated_harvest_leaves_permanent_income_and_the_reserve_is_kept():
    # income 1,500 of which farm sales 1,000 against an expected 250: permanent income learns
    # from 1,500 - 1,000 + 250 = 750, not 1,500; the reserve 600 joins the cash target
    c, s, perm, _ = kernels.consume_one(1500.0, 750.0, 600.0, 0.0, 3000.0, 1000.0, *RULE.values())
    assert perm == pytest.approx(0.9 * 1000 + 0.1 * 750)  # 975
    cash = 3000.0 + 1500.0
    assert c == pytest.approx(975 + 0.1 * (cash - 975 * 4 - 600))  # 975 + 0 = 975
    assert s == pytest.approx(cash - c)


def test_budget_month_replaces_farm_sales_by_their_expected_value_in_permanent_income():
    _, st_ = _budget({"farm_inputs": 100.0}, farm_revenue=700.0, expected_farm=200.0)
    # net farm sales 600 are replaced by 200: permanent income learns from 200
    assert st_["permanent"][0] == pytest.approx(0.9 * 1000 + 0.1 * 200)


def test_lean_season_reserve_by_hand():
    flat = budgets.lean_season_reserve(np.full(12, 1 / 12))
    assert_allclose(flat, 0.0, atol=1e-15)
    # everything harvested in June: after June, 11 months of 1/12 each lie ahead; after
    # May, the harvest comes next month, so nothing is needed
    june = np.zeros(12)
    june[5] = 1.0
    r = budgets.lean_season_reserve(june)
    assert r[5] == pytest.approx(11 / 12)
    assert r[4] == pytest.approx(0.0)
    assert r[0] == pytest.approx(4 / 12)  # after January: February to May before June


def test_farm_expectations_by_hand():
    expect = budgets.FarmExpectations(
        net_kg_per_ha_year=np.array([600.0, 0.0]), reserve_share=np.full((2, 12), 0.5)
    )
    monthly, reserve = budgets.farm_expectations(np.array([10.0, 99.0]), expect, 3)
    assert_allclose(monthly, [600 * 10 / 12, 0.0])  # 500 a hectare a month, and nothing
    assert_allclose(reserve, [600 * 10 * 0.5, 0.0])

"""Trade at the farmgate with hand-made households: prices, selling, top-up (ODD 7.3, 7.5)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from valuechain.model import trade


def test_trader_price_by_hand():
    assert trade.trader_price(10.0, 0.08, 0.1) == pytest.approx(8.2)
    assert trade.trader_price(10.0, 0.08, 1.0) == 0.0  # a rate of one is a ban
    assert trade.local_capacity_share(50.0, 100.0) == 0.5
    assert trade.local_capacity_share(7.0, 0.0) == 0.0  # nothing grows: no share
    assert trade.trader_margin(0.04, 0.10, 0.5, 1.0) == pytest.approx(0.07)
    assert trade.trader_margin(0.04, 0.10, 0.0, 1.0) == pytest.approx(0.10)


def _three_households(collective=()):
    """Households 0, 1, 2 with 100, 50 and 100 kg (household 2 stands for two); plant A is a
    cooperative (member: household 0) with room for 120 kg at 10 IDR/kg, plant B has room for
    100 kg at 8; traders pay 5; the reference is 10 and the export tax 10%."""
    farm_revenue, inputs = np.zeros(3), np.zeros(3)
    buyers = trade.Buyers(np.array([10.0, 8.0]), np.array([120.0, 100.0]), (np.array([0]), None))
    sale = trade.sell_harvest(
        harvest_kg=np.array([100.0, 50.0, 100.0]),
        weight=np.array([1.0, 1.0, 2.0]),
        queue=np.array([0, 1, 2]),
        queue_offset=0,
        buyers=buyers,
        trader_price_idr=5.0,
        reference_idr_per_kg=10.0,
        export_tax_rate=0.1,
        collective=collective,
        farm_cost_share=0.25,
        farm_revenue_idr=farm_revenue,
        farm_inputs_idr=inputs,
    )
    return sale, farm_revenue, inputs


def test_selling_with_three_households_by_hand():
    sale, farm_revenue, inputs = _three_households()
    # A takes its member's 100 kg (1000), then has 20 kg of room and the best offer: household
    # 1 sells 20 kg to A (200) and 30 kg to B (240); household 2's 200 kg: 70 to B (560) and
    # 130 to the traders (650)
    assert_allclose(sale.member_kg, [100.0, 0.0])
    assert_allclose(sale.queue_kg, [20.0, 100.0])
    assert sale.trader_kg == pytest.approx(130.0)
    assert sale.harvest_kg == pytest.approx(350.0)
    assert sale.farm_revenue_idr == pytest.approx(1000 + 440 + 1210)
    assert_allclose(farm_revenue, [1000.0, 440.0, 1210 / 2])  # per simulated household
    assert_allclose(inputs, [250.0, 110.0, 1210 / 2 * 0.25])
    assert sale.collective_idr == 0.0
    assert sale.paid_by_traders_idr == pytest.approx(650.0)
    assert sale.export_tax_idr == pytest.approx(130 * 10 * 0.1)


def test_collective_sellers_get_the_group_price_from_traders():
    # household 2 sells collectively at a 2% margin: 10 x (1 - 0.02 - 0.1) = 8.8 instead of 5
    group = (np.array([False, False, True]), 0.02)
    sale, farm_revenue, _ = _three_households(collective=[group])
    assert sale.collective_idr == pytest.approx(130 * 3.8)
    assert farm_revenue[2] == pytest.approx((1210 + 130 * 3.8) / 2)
    assert sale.paid_by_traders_idr == pytest.approx(650 + 130 * 3.8)
    assert sale.farm_revenue_idr == pytest.approx(2650 + 130 * 3.8)


def test_without_local_buyers_everything_goes_to_the_traders():
    farm_revenue, inputs = np.zeros(2), np.zeros(2)
    no_buyers = trade.Buyers(np.zeros(0), np.zeros(0), ())
    sale = trade.sell_harvest(
        np.array([1.5, 2.0]), np.array([2.0, 2.0]), np.array([0, 1]), 1, no_buyers,
        2.0, 4.0, 0.5, [], 0.25, farm_revenue, inputs,
    )  # fmt: skip
    assert (sale.trader_kg, sale.farm_revenue_idr) == pytest.approx((7.0, 14.0))
    assert_allclose(farm_revenue, [3.0, 4.0])
    assert_allclose(inputs, [0.75, 1.0])
    assert sale.export_tax_idr == pytest.approx(7 * 4 * 0.5)


def test_top_up_only_when_short_and_the_margin_pays():
    assert trade.top_up_kg(100.0, 20.0, 30.0, 1.0) == 50.0  # short 50, the margin pays
    assert trade.top_up_kg(100.0, 0.0, 0.0, -1.0) == 0.0  # short, but the margin is negative
    assert trade.top_up_kg(100.0, 150.0, 0.0, 5.0) == 0.0  # not short

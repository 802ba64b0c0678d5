"""The farm quality practice and its lever (ODD 7.5 "Quality practice", 7.7): by hand, and
metamorphic relations over paired runs."""

import mesa
import numpy as np
import pytest

from valuechain.config.districts import ProcessorSpec
from valuechain.config.loader import default_chains, load_scenario, scenario_from_dict
from valuechain.errors import ScenarioError
from valuechain.model import trade
from valuechain.model.firms import Processor, book_purchases
from valuechain.model.model import ValueChainModel

CHAINS = default_chains()
PREMIUM, LOSS, COST = 0.14, 0.05, 500.0
OFFER, TRADER = 10_000.0, 8_400.0


def _grading(practising, grades, premium=PREMIUM, loss=LOSS, cost=COST):
    return trade.Grading(
        np.asarray(practising, dtype=bool), np.asarray(grades, dtype=bool), premium, loss, cost
    )


def _sell(harvest, buyers, grading):
    """One district's sale (weight one each, queue in household order, no input cost share):
    the sale, each household's farm revenue and its farm costs."""
    n = harvest.size
    revenue, inputs = np.zeros(n), np.zeros(n)
    sale = trade.sell_harvest(
        harvest,
        np.ones(n),
        np.arange(n),
        0,
        buyers,
        TRADER,
        12_000.0,
        0.0,
        [],
        0.0,
        revenue,
        inputs,
        None,
        grading,
    )
    return sale, revenue, inputs


def test_a_practising_member_gets_the_premium_and_one_selling_to_traders_does_not():
    # a grading cooperative whose members are 0 and 1, with room for their 195 kg only
    buyers = trade.Buyers(np.array([OFFER]), np.array([195.0]), (np.array([0, 1]),))
    harvest = np.full(3, 100.0)
    # 0 practises and is a member; 1 is a member who does not; 2 practises, sells to traders
    sale, revenue, inputs = _sell(harvest, buyers, _grading([True, False, True], [True]))
    assert harvest.tolist() == pytest.approx([95.0, 100.0, 95.0])  # the loss never exists
    assert revenue.tolist() == pytest.approx([10_000 * 1.14 * 95, 10_000 * 100, 8_400 * 95])
    assert inputs.tolist() == pytest.approx([500 * 95, 0.0, 500 * 95])
    net = revenue - inputs
    assert net[0] == pytest.approx(1_083_000 - 47_500)
    assert net[2] == pytest.approx(798_000 - 47_500)  # a loss against 840,000 unpractised
    assert sale.harvest_kg == pytest.approx(290)
    assert sale.member_kg[0] == pytest.approx(195)
    assert sale.trader_kg == pytest.approx(95)
    assert sale.graded_kg.tolist() == pytest.approx([95])
    assert sale.premium_idr.tolist() == pytest.approx([0.14 * 10_000 * 95])


def test_in_the_queue_only_a_grading_plant_pays_the_premium():
    # plant 0 grades and offers more, with room for 150 kg; plant 1 does not grade
    buyers = trade.Buyers(np.array([OFFER, 9_000.0]), np.array([150.0, 1_000.0]), (None, None))
    harvest = np.full(3, 100.0)
    sale, revenue, _ = _sell(harvest, buyers, _grading([True, True, False], [True, False]))
    # 0 sells its 95 kg to plant 0; 1 sells 55 kg to plant 0 and 40 kg to plant 1; 2 to plant 1
    assert revenue.tolist() == pytest.approx(
        [10_000 * 1.14 * 95, 10_000 * 1.14 * 55 + 9_000 * 40, 9_000 * 100]
    )
    assert sale.queue_kg.tolist() == pytest.approx([150, 140])
    assert sale.graded_kg.tolist() == pytest.approx([150, 0])
    assert sale.premium_idr.tolist() == pytest.approx([0.14 * 10_000 * 150, 0])


def test_no_premium_no_loss_no_cost_sells_as_without_the_practice():
    buyers = trade.Buyers(
        np.array([OFFER, 9_000.0]), np.array([170.0, 60.0]), (np.array([0, 2]), None)
    )
    plain, plain_revenue, plain_inputs = _sell(np.full(4, 100.0), buyers, None)
    free = _grading([True, True, False, True], [True, False], premium=0.0, loss=0.0, cost=0.0)
    graded, revenue, inputs = _sell(np.full(4, 100.0), buyers, free)
    assert revenue.tolist() == plain_revenue.tolist()  # bit for bit
    assert inputs.tolist() == plain_inputs.tolist()
    assert graded.member_kg.tolist() == plain.member_kg.tolist()
    assert graded.queue_kg.tolist() == plain.queue_kg.tolist()
    assert graded.trader_kg == plain.trader_kg


def _huller(grades=True):
    spec = ProcessorSpec(
        commodity="coffee",
        process="hull_grade",
        owner="cooperative",
        capacity_t_per_month=100,
        wage_idr_per_month=3_000_000,
        member_share=0.1,
        grades=grades,
    )
    return Processor(
        mesa.Model(seed=1),
        name="p",
        index=0,
        district=0,
        commodity=0,
        spec=spec,
        chain=CHAINS["coffee"],
        premium_share=PREMIUM,
    )


def test_the_graded_share_of_what_a_plant_processes_earns_the_output_premium():
    p = _huller()
    p.books.planned_kg = 100.0
    p.books.workers = 1e6  # staffed for its plan: it processes 100 kg of the 200 it buys
    offer = 8_400 * 1.02  # the trader price and the plant's 2% premium
    assert p.offer_price(TRADER) == pytest.approx(offer)
    market = trade.Buyers(np.array([offer]), np.array([1e6]), (np.arange(2),))
    sale, _, _ = _sell(np.array([100 / 0.95, 100.0]), market, _grading([True, False], [True]))
    book_purchases([p], market, sale, 12_000.0)
    b = p.books
    assert b.bought_direct_kg == pytest.approx(200)
    assert b.graded_bought_kg == pytest.approx(100)
    # the premium is paid to the farms: 100 kg x 8,568 x 0.14 on top of 200 kg x 8,568
    assert b.premium_paid_idr == pytest.approx(100 * 8_568 * 0.14)
    assert b.paid_direct_idr == pytest.approx(200 * 8_568 + 100 * 8_568 * 0.14)
    p.process_input(0)
    assert b.processed_kg == pytest.approx(100)
    assert b.graded_processed_kg == pytest.approx(50)  # half the stock is graded
    assert p.graded_stock_kg == pytest.approx(50)
    p.sell_and_settle(0, 60_000.0)
    sales = 95 * 60_000.0  # 100 kg x 0.95 conversion at 60,000
    assert b.output_premium_idr == pytest.approx(0.14 * sales * 0.5)
    assert b.revenue_idr == pytest.approx(sales * (1 + 0.14 * 0.5))


def test_a_plant_that_does_not_grade_earns_no_premium():
    p = _huller(grades=False)
    assert p.premium_share == 0.0


# ---------------------------------------------------------------------------- in the model
def _scenario(quality=None, grades=False, extension=None, months=8, n=1_500, tied=0.0, **overrides):
    """hilirisasi_coffee, small and short, with a quality table, the cooperative grading or
    not, and a quality extension programme."""
    sc = load_scenario(
        "scenarios/hilirisasi_coffee.toml",
        [
            f"months={months}",
            f"districts.lampung_barat.n_households={n}",
            f"districts.lampung_barat.crops.coffee.tied_share={tied}",
        ],
    ).scenario
    doc = sc.model_dump()
    d = doc["districts"]["lampung_barat"]
    if quality is not None:
        d["crops"]["coffee"]["quality"] = quality
    d["processors"]["koperasi_huller"]["grades"] = grades
    if extension is not None:
        doc["policies"]["extension"] = {
            "kind": "quality_extension",
            "commodity": "coffee",
            "funding": "district",
            **extension,
        }
    doc.update(overrides)
    return scenario_from_dict(doc)


QUALITY = {"know_share": 0.3, "premium_share": PREMIUM, "yield_loss_share": LOSS}


def _run(scenario, seed=3, each_month=None):
    model = ValueChainModel(scenario, seed=seed)
    for _ in range(scenario.months):
        model.step()
        if each_month is not None:
            each_month(model)
    return model


def test_a_free_practice_gives_the_same_run_as_no_practice():
    free = {
        "know_share": 0.5,
        "premium_share": 0.0,
        "yield_loss_share": 0.0,
        "cost_idr_per_kg": 0.0,
    }
    plain = _run(_scenario())
    graded = _run(_scenario(free, grades=True))
    assert graded.indicators()["growers_practising_quality"].max() > 0
    new = ["graded_kg", "growers_practising_quality"]
    a = plain.indicators().drop(columns=new)
    b = graded.indicators().drop(columns=new)
    assert a.equals(b)
    assert plain.summary() == pytest.approx(graded.summary(), nan_ok=True)
    plain.release()
    graded.release()


def test_without_a_grading_plant_nobody_practises():
    seen = []
    model = _run(
        _scenario(QUALITY, grades=False),
        each_month=lambda m: seen.append(m.households.practises_quality.any()),
    )
    assert model.households.knows_quality.any()
    assert not any(seen)
    assert (model.indicators()["growers_practising_quality"] == 0).all()
    model.release()


def test_with_a_grading_cooperative_only_its_members_who_know_practise():
    practising = []

    def check(m):
        hh = m.households
        p = hh.practises_quality[:, 0]
        coop = m.processors[0].index  # the cooperative grading unit, first plant
        assert not (p & ~hh.knows_quality[:, 0]).any()
        assert not (p & (hh.coop != coop)).any()
        practising.append(float(hh.weight[p].sum()))

    model = _run(_scenario(QUALITY, grades=True), each_month=check)
    assert max(practising) > 0
    rows = model.indicators()
    all_rows = rows[rows["district"] == "all"]
    assert all_rows["growers_practising_quality"].tolist() == pytest.approx(practising)
    assert all_rows["graded_kg"].max() > 0
    model.release()


def test_extension_seats_teach_growers_and_an_outgrower_plant_buys_more_graded_coffee():
    def run(seats):
        extension = {
            "seats_per_month": seats,
            "cost_per_grower_idr": 500_000.0,
            "outgrower_plant": "koperasi_huller",
        }
        model = _run(_scenario(QUALITY, grades=True, extension=extension))
        hh = model.households
        knows = float(hh.weight[hh.knows_quality[:, 0]].sum())
        rows = model.indicators()
        graded = float(rows.loc[rows["district"] == "all", "graded_kg"].sum())
        spent = float(rows.loc[rows["district"] == "all", "spending_extension"].sum())
        model.release()
        return knows, graded, spent

    knows_0, graded_0, spent_0 = run(0.0)
    knows_1, graded_1, spent_1 = run(1_000.0)
    assert knows_1 > knows_0
    assert graded_1 > graded_0
    assert spent_0 == 0.0
    # each real grower taught costs 500,000: the spending is what the new knowers cost (the
    # spin-up teaches no one: the programme starts at month 0)
    assert spent_1 == pytest.approx((knows_1 - knows_0) * 500_000.0)


def test_taught_outgrowers_are_freed_of_their_trader():
    extension = {"seats_per_month": 2_000.0, "outgrower_plant": "koperasi_huller"}

    def tied(ext):
        model = _run(_scenario(QUALITY, grades=True, extension=ext, tied=0.5))
        hh = model.households
        out = float(hh.weight[hh.tied[:, 0]].sum())
        model.release()
        return out

    assert tied(extension) < tied({"seats_per_month": 0.0})


def test_the_books_balance_every_month_with_the_practice_and_the_lever():
    extension = {"seats_per_month": 800.0, "outgrower_plant": "koperasi_huller"}
    scenario = _scenario(
        {**QUALITY, "cost_idr_per_kg": 800.0},
        grades=True,
        extension=extension,
        months=14,
        tied=0.4,
    )

    def check(m):
        if m.t <= 0:
            return
        hh = m.households
        harvest = float((hh.harvest_kg * hh.weight[:, None]).sum())
        scale = float(np.abs(hh.income_idr * hh.weight).sum()) + sum(
            abs(p.books.revenue_idr) + abs(p.books.paid_idr) for p in m.processors
        )
        for row in (r for r in m._records if r["step"] == m.t - 1):
            assert row["mass_balance_residual"] <= 1e-9 * harvest + 1e-6
            assert row["money_balance_residual"] <= 1e-9 * scale + 1e-3
        for p in m.processors:
            assert 0.0 <= p.graded_stock_kg <= p.stock_kg * (1 + 1e-12) + 1e-9

    model = _run(scenario, each_month=check)
    assert model.indicators()["graded_kg"].max() > 0
    model.release()


# ---------------------------------------------------------------------------- bad input
def test_a_grading_plant_needs_the_crops_quality_table():
    with pytest.raises(ScenarioError, match="quality"):
        _scenario(None, grades=True)


def test_the_premium_must_be_given():
    with pytest.raises(ScenarioError, match="premium_share"):
        _scenario({"know_share": 0.1}, grades=True)


def test_a_plant_that_grades_buys_from_farms():
    sc = _scenario(QUALITY).model_dump()
    sc["districts"]["lampung_barat"]["processors"]["roastery_a"]["grades"] = True
    with pytest.raises(ScenarioError, match="buys from farms"):
        scenario_from_dict(sc)


def test_an_outgrower_plant_must_grade():
    with pytest.raises(ScenarioError, match="grading plant"):
        _scenario(QUALITY, grades=False, extension={"outgrower_plant": "koperasi_huller"})
    with pytest.raises(ScenarioError, match="plant of district"):
        _scenario(QUALITY, grades=True, extension={"outgrower_plant": "no_such_plant"})

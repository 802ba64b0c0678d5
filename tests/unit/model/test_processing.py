"""Processing as it is: prices that follow their input, plants buying from plants, fresh latex
from members, demand limits, displacement, and what the defaults imply (ODD 7.1, 7.5, 7.6)."""

import math

import mesa
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from valuechain.config.chains import Demand, PriceShock
from valuechain.config.districts import ProcessorSpec
from valuechain.config.loader import default_chains, load_scenario, scenario_from_dict
from valuechain.errors import ScenarioError
from valuechain.model import trade
from valuechain.model.firms import (
    Processor,
    as_buyers,
    demand_price,
    demand_quantity_kg,
    unit_cost_per_kg_output,
)
from valuechain.model.model import ValueChainModel
from valuechain.model.prices import ReferencePrices
from valuechain.outputs.plant_economics import plant_economics

CHAINS = default_chains()


# ---------------------------------------------------------------------------- prices
def test_a_processed_price_is_its_inputs_times_a_margin_ratio():
    chain = CHAINS["coffee"].model_copy(deep=True)
    for s in ("green_graded", "roasted"):
        chain.stages[s].volatility_month = 0.0  # the margins keep their start ratio
    pr = ReferencePrices("coffee", chain)
    rng = np.random.default_rng(3)
    for t in range(12):
        pr.step(t, [], rng)
        assert pr.price("green_graded") / pr.price("green_asalan") == pytest.approx(54_600 / 50_000)
        assert pr.price("roasted") / pr.price("green_graded") == pytest.approx(80_000 / 54_600)
    assert pr.price("green_asalan") != pytest.approx(50_000)  # the farm stage moved


def test_a_shock_on_the_farm_stage_carries_to_the_stages_that_follow_it():
    chain = CHAINS["coffee"].model_copy(deep=True)
    for st_ in chain.stages.values():
        st_.volatility_month = 0.0
    crash = PriceShock(month=0, commodity="coffee", factor=0.5)  # no stages: the roots
    margin = PriceShock(month=1, commodity="coffee", factor=1.2, stages=["roasted"])
    pr = ReferencePrices("coffee", chain)
    rng = np.random.default_rng(0)
    pr.step(0, [crash, margin], rng)
    # reversion pulls half a month's 5% back towards the mean before it is read: persistent
    # shocks move the mean too, so none here
    assert pr.price("green_asalan") == pytest.approx(25_000)
    assert pr.price("roasted") == pytest.approx(40_000)
    pr.step(1, [crash, margin], rng)
    assert pr.price("green_graded") == pytest.approx(27_300)
    assert pr.price("roasted") == pytest.approx(40_000 * 1.2)  # its margin alone


def test_latex_follows_slab_and_the_chain_is_ordered_parents_first():
    chain = CHAINS["rubber"]
    assert chain.price_parent("latex") == "slab"
    assert chain.price_parent("rss") == "latex"
    order = chain.stage_order()
    assert order.index("slab") < order.index("latex") < order.index("rss")
    assert chain.process_depth("smoke") == 0  # fresh latex comes from farms
    assert CHAINS["coffee"].process_depth("roast") == 1  # graded green comes from a plant


# ---------------------------------------------------------------------------- demand
def test_demand_price_and_quantity_by_hand():
    d = Demand(market_t_per_month=40, price_elasticity=2.0)
    assert demand_price(80_000, 30_000, d) == 80_000
    assert demand_price(80_000, 160_000, d) == pytest.approx(80_000 * 4**-0.5)  # 40,000
    assert demand_price(80_000, 1e9, None) == 80_000
    # the market takes 40 t x (80,000 / 20,000)^2 = 640 t at a price of 20,000
    assert demand_quantity_kg(80_000, 20_000, d) == pytest.approx(640_000)
    assert demand_price(80_000, 640_000, d) == pytest.approx(20_000)
    assert demand_quantity_kg(80_000, 90_000, d) == pytest.approx(40_000)  # never below market
    assert math.isinf(demand_quantity_kg(80_000, 20_000, None))


# ---------------------------------------------------------------------------- displacement
def test_displaced_kg_by_hand():
    # room for twice what arrives: every kg bought locally is a kg lost elsewhere
    assert trade.displaced_kg(2.0, 700, 300) == pytest.approx(300)
    # room for half: 500 processed with or without the 300 bought locally
    assert trade.displaced_kg(0.5, 700, 300) == pytest.approx(0)
    # room for 800: 800 processed without, 700 with
    assert trade.displaced_kg(0.8, 700, 300) == pytest.approx(100)


@given(
    st.floats(0, 3),
    st.floats(0, 3),
    st.floats(0, 1e6),
    st.floats(0, 1e6),
)
def test_more_capacity_elsewhere_never_means_less_displacement(a, b, left, bought):
    low, high = sorted((a, b))
    d_low = trade.displaced_kg(low, left, bought)
    d_high = trade.displaced_kg(high, left, bought)
    assert d_high >= d_low - 1e-9 * (left + bought)
    assert -1e-9 <= d_low <= bought + 1e-9 * (left + bought)


# ---------------------------------------------------------------------------- plants
def _plant(process, *, owner="private", premium=0.02, member_share=0.0, commodity="rubber"):
    chain = CHAINS[commodity]
    spec = ProcessorSpec(
        commodity=commodity,
        process=process,
        owner=owner,
        capacity_t_per_month=100,
        wage_idr_per_month=3_000_000,
        offer_premium=premium,
        member_share=member_share,
    )
    return Processor(
        mesa.Model(seed=1), name="p", index=0, district=0, commodity=0, spec=spec, chain=chain
    )


def test_a_private_plant_pays_the_plant_gate_price_and_a_cooperative_collects_itself():
    pr = {"rubber": ReferencePrices("rubber", CHAINS["rubber"])}
    trader = 8_400.0  # 12,000 x (1 - 0.30)
    private = _plant("crumb")
    assert private.offer_price(trader) == pytest.approx(8_568)
    assert private.input_price(trader, pr) == pytest.approx(12_000)  # the reference, in all
    coop = _plant("crumb", owner="cooperative", member_share=0.1)
    assert coop.input_price(trader, pr) == pytest.approx(8_568 + 0.08 * 12_000)
    # a 10% export duty on slab: a domestic plant pays the plant gate less the duty
    taxed = 12_000 * (1 - 0.3 - 0.1)  # the trader passes the duty on to farmers
    assert private.input_price(taxed, pr, 0.1) == pytest.approx(10_800)
    assert coop.input_price(taxed, pr, 0.1) == pytest.approx(taxed * 1.02 + 0.08 * 12_000)
    # capital and fixed cost from the process, per t/month of capacity
    assert private.capex_idr == pytest.approx(100 * 60e6)
    assert private.fixed_cost_idr == pytest.approx(100 * 300_000)


def _sell(harvest, buyers, tied=None):
    """One district's sale at a trader price of 8,400 (reference 12,000, no duty): each
    household a weight of one, queued in household order. Returns the sale and revenues."""
    n = harvest.size
    revenue, inputs = np.zeros(n), np.zeros(n)
    sale = trade.sell_harvest(
        harvest,
        np.ones(n),
        np.arange(n),
        0,
        buyers,
        8_400.0,
        12_000.0,
        0.0,
        [],
        0.15,
        revenue,
        inputs,
        tied,
    )
    return sale, revenue


def test_latex_is_sold_only_when_the_smokehouse_pays_enough_for_the_effort():
    members = {0: np.arange(5)}
    trader = 8_400.0
    keen = _plant("smoke", owner="cooperative", premium=0.10, member_share=0.1)
    keen.books.planned_kg = 10_000.0
    market = as_buyers([keen], trader, members, {"latex": 0.05})
    # 8,400 x 1.10 per kg of slab, or 9,240 / 1.83 per kg of latex; room in kg of slab
    assert market.offer_idr_per_kg[0] == pytest.approx(9_240)
    assert keen.offer_price(trader) == pytest.approx(9_240 / 1.83)
    assert market.room_kg[0] == pytest.approx(keen.purchase_room_kg() / 1.83)
    assert market.member_only[0]
    shy = _plant("smoke", owner="cooperative", premium=0.02, member_share=0.1)
    shy.books.planned_kg = 10_000.0
    assert as_buyers([shy], trader, members, {"latex": 0.05}).room_kg[0] == 0.0


def test_members_deliver_latex_and_the_plant_books_it_in_latex_kg():
    keen = _plant("smoke", owner="cooperative", premium=0.10, member_share=0.1)
    keen.books.planned_kg = 100_000.0
    members = {0: np.array([0, 2])}
    market = as_buyers([keen], 8_400.0, members, {"latex": 0.05})
    harvest = np.array([100.0, 100.0, 100.0, 100.0])  # kg of slab per simulated household
    sale, revenue = _sell(harvest, market)
    # members 0 and 2 sell latex to the smokehouse; 1 and 3 sell slab to traders (member only)
    assert sale.member_kg[0] == pytest.approx(200)
    assert sale.queue_kg[0] == 0.0
    assert sale.trader_kg == pytest.approx(200)
    assert revenue.tolist() == pytest.approx([9_240 * 100, 8_400 * 100, 9_240 * 100, 8_400 * 100])
    from valuechain.model.firms import book_purchases

    book_purchases([keen], market, sale, 12_000.0)
    assert keen.books.bought_direct_farm_kg == pytest.approx(200)
    assert keen.books.bought_direct_kg == pytest.approx(366)  # 200 kg of slab as latex
    assert keen.books.paid_direct_idr == pytest.approx(9_240 * 200)
    assert keen.books.collection_cost_idr == pytest.approx(0.08 * 12_000 * 200)


def test_unit_cost_by_hand():
    spec = ProcessorSpec(
        commodity="coffee", process="roast", capacity_t_per_month=10, wage_idr_per_month=3e6
    )
    roast = (
        CHAINS["coffee"]
        .processes["roast"]
        .model_copy(
            update={
                "conversion_kg_per_kg": 0.82,
                "labour_worker_months_per_t": 0.7,
                "variable_cost_idr_per_kg_output": 10_000,
            }
        )
    )
    # (54,600 + 3,000,000 x 0.7 / 1000) / 0.82 + 10,000
    assert unit_cost_per_kg_output(spec, roast, 54_600) == pytest.approx(
        (54_600 + 2_100) / 0.82 + 10_000
    )


def test_plant_economics_by_hand():
    chain = CHAINS["coffee"].model_copy(deep=True)
    chain.stages["green_asalan"].price_idr_per_kg = 50_000
    chain.stages["green_graded"].price_idr_per_kg = 54_600
    chain.processes["hull_grade"] = chain.processes["hull_grade"].model_copy(
        update={
            "conversion_kg_per_kg": 0.95,
            "labour_worker_months_per_t": 0.4,
            "variable_cost_idr_per_kg_output": 700,
            "capex_idr_per_t_month": 2_000_000,
            "fixed_cost_idr_per_t_month": 30_000,
        }
    )
    e = plant_economics(chain, "hull_grade")
    # 0.95 x (54,600 - 700) - 50,000 - 2,800,000 x 0.4 / 1000 = 85 per kg of asalan
    assert e.margin_idr_per_kg_input == pytest.approx(85)
    assert e.profit_idr_per_month == pytest.approx(0.85 * 1000 * 85 - 30_000)
    assert e.payback_years == pytest.approx(2_000_000 / (12 * 42_250))
    assert e.jobs_per_1000_t == pytest.approx(400)
    idle = plant_economics(chain, "hull_grade", utilisation=0.3)
    # a cooperative buying from members at 0.90 + 0.04 of the price keeps 3,000 a kg more
    coop = 0.85 * 1000 * (85 + 0.06 * 50_000) - 30_000
    assert e.coop_payback_years == pytest.approx(2_000_000 / (12 * coop))
    assert math.isinf(idle.payback_years)


# ---------------------------------------------------------------------------- validation
def _problems(doc_changes):
    doc = {
        "name": "x",
        "start": "2024-01",
        "months": 2,
        "districts": {
            "d": {
                "type": "lowland",
                "n_households": 50,
                "real_households": 1000,
                "minimum_wage_idr_per_month": 3e6,
                "crops": {"rubber": {"share_growing": 0.5, "land_ha_median": 1.0}},
                "processors": {},
            }
        },
    }
    for key, value in doc_changes.items():
        here = doc
        *path, last = key.split(".")
        for part in path:
            here = here.setdefault(part, {})
        here[last] = value
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(doc)
    return str(err.value)


def test_a_latex_buyer_without_members_is_refused_with_the_reason():
    msg = _problems(
        {
            "districts.d.processors.s": {
                "commodity": "rubber",
                "process": "smoke",
                "capacity_t_per_month": 10,
                "wage_idr_per_month": 3e6,
            }
        }
    )
    assert "needs members" in msg and "latex" in msg


def test_a_following_stage_with_a_drift_of_its_own_is_refused():
    msg = _problems({"chains.rubber.stages.sir20.drift_month": 0.01})
    assert "chains.rubber.stages.sir20.drift_month" in msg and "no drift of its own" in msg


def test_price_correlation_is_refused_with_what_replaced_it():
    msg = _problems({"chains.rubber.price_correlation": 0.8})
    assert "price_correlation was removed" in msg


def test_a_stage_made_from_two_stages_must_say_which_price_it_follows():
    msg = _problems(
        {
            "chains.rubber.processes.resmoke": {
                "input_stage": "sir20",
                "output_stage": "rss",
                "conversion_kg_per_kg": 1.0,
                "labour_worker_months_per_t": 0.1,
                "variable_cost_idr_per_kg_output": 0,
            }
        }
    )
    assert "chains.rubber.stages.rss.follows" in msg and "several stages" in msg


def test_processes_in_a_circle_are_refused():
    msg = _problems(
        {
            "chains.rubber.stages.sir20.follows": "slab",
            "chains.rubber.stages.rss.follows": "latex",
            "chains.rubber.processes.back": {
                "input_stage": "rss",
                "output_stage": "sir20",
                "conversion_kg_per_kg": 1.0,
                "labour_worker_months_per_t": 0.1,
                "variable_cost_idr_per_kg_output": 0,
            },
            "chains.rubber.processes.forth": {
                "input_stage": "sir20",
                "output_stage": "rss",
                "conversion_kg_per_kg": 1.0,
                "labour_worker_months_per_t": 0.1,
                "variable_cost_idr_per_kg_output": 0,
            },
        }
    )
    assert "circle" in msg


# ---------------------------------------------------------------------------- a three-step chain
COCOA = {
    "farm_stage": "wet_beans",
    "season_share_by_month": [1 / 12] * 12,
    "yield_kg_per_ha_year": 1500,
    "farm_cost_share": 0.2,
    "hired_labour_worker_months_per_t": 0.5,
    "trader_margin_max": 0.2,
    "trader_margin_min": 0.05,
    "elsewhere": {"process": "ferment", "capacity_share": 1.5},
    "stages": {
        "wet_beans": {"price_idr_per_kg": 12_000},
        "dried_beans": {"price_idr_per_kg": 38_000},
        "liquor": {
            "price_idr_per_kg": 60_000,
            "demand": {"market_t_per_month": 3, "price_elasticity": 2.0},
        },
    },
    "processes": {
        "ferment": {
            "input_stage": "wet_beans",
            "output_stage": "dried_beans",
            "conversion_kg_per_kg": 0.35,
            "labour_worker_months_per_t": 0.5,
            "variable_cost_idr_per_kg_output": 1_000,
            "capex_idr_per_t_month": 3e6,
            "fixed_cost_idr_per_t_month": 45_000,
        },
        "grind": {
            "input_stage": "dried_beans",
            "output_stage": "liquor",
            "conversion_kg_per_kg": 0.8,
            "labour_worker_months_per_t": 1.0,
            "variable_cost_idr_per_kg_output": 5_000,
            "capex_idr_per_t_month": 20e6,
        },
    },
}


def _cocoa(
    months=24,
    market=3.0,
    capacity_share=1.5,
    grinders=60.0,
    tied_share=0.0,
    member_share=0.2,
    buyout=None,
):
    chain = {**COCOA, "elsewhere": {"process": "ferment", "capacity_share": capacity_share}}
    chain["stages"] = {**COCOA["stages"]}
    chain["stages"]["liquor"] = {
        "price_idr_per_kg": 60_000,
        "demand": {"market_t_per_month": market, "price_elasticity": 2.0},
    }
    plant = {
        "wage_idr_per_month": 2_800_000,
        "commodity": "cocoa",
        "initial_cash_idr": 1e9,
        "tie_buyout_idr": buyout,
    }
    doc = {
        "name": "cocoa",
        "start": "2024-01",
        "months": months,
        "chains": {"cocoa": chain},
        "districts": {
            "sulawesi": {
                "type": "upland",
                "n_households": 2_000,
                "real_households": 40_000,
                "minimum_wage_idr_per_month": 2_800_000,
                "crops": {
                    "cocoa": {
                        "share_growing": 0.6,
                        "land_ha_median": 1.0,
                        "tied_share": tied_share,
                    }
                },
                "processors": {
                    "fermentary": {**plant, "process": "ferment", "capacity_t_per_month": 300},
                    "coop_fermentary": {
                        **plant,
                        "process": "ferment",
                        "owner": "cooperative",
                        "member_share": member_share,
                        "capacity_t_per_month": 100,
                    },
                    "grinder": {**plant, "process": "grind", "capacity_t_per_month": grinders},
                },
            }
        },
    }
    return ValueChainModel(scenario_from_dict(doc), seed=5)


def test_a_three_step_chain_balances_its_books_every_month():
    model = _cocoa()
    for _ in range(24):
        model.step()
        row = model._records[-1]
        assert row["mass_balance_residual"] < 1e-6
        assert row["money_balance_residual"] < 1.0
        grinder = model.processors[2]
        made = sum(p.books.output_kg for p in model.processors[:2])
        # what the grinder bought from plants never exceeds what they made this month
        assert grinder.books.bought_plants_kg <= made + 1e-9
        sold = sum(p.books.sold_plants_kg for p in model.processors[:2])
        assert grinder.books.bought_plants_kg == pytest.approx(sold)
    plants = model.plants()
    grind = plants[plants.process == "grind"]
    assert grind.bought_plants_kg.sum() > 0  # it does buy from the fermentaries
    model.release()


def test_a_tighter_demand_limit_never_means_more_output():
    wide = _cocoa(months=18, market=50.0).run().plants()
    tight = _cocoa(months=18, market=0.5).run().plants()
    out = [p[p.process == "grind"].output_kg.sum() for p in (wide, tight)]
    assert out[1] <= out[0] + 1e-6
    assert out[1] < out[0]  # and here it binds


def test_more_capacity_elsewhere_displaces_more_jobs():
    low = _cocoa(months=12, capacity_share=0.7).run().indicators()
    high = _cocoa(months=12, capacity_share=1.5).run().indicators()
    d = [x.query("district == 'all'").jobs_displaced_elsewhere.sum() for x in (low, high)]
    assert d[1] >= d[0]
    assert d[1] > 0
    # with room for everything, every kg bought locally is lost elsewhere, at 0.5 per t
    rows = high.query("district == 'all'")
    local = rows.harvest_cocoa * rows.local_processing_share_cocoa + rows.processor_imports_cocoa
    # ... spread over the year plants elsewhere would have worked on it (none before month 0)
    yearly = local.rolling(12, min_periods=1).sum() / 12
    assert rows.jobs_displaced_elsewhere.to_numpy() == pytest.approx(yearly.to_numpy() * 0.5e-3)
    assert (rows.net_processing_jobs == rows.processing_jobs - rows.jobs_displaced_elsewhere).all()


def test_every_shipped_hilirisasi_scenario_balances_with_every_mechanism():
    shipped = {
        "hilirisasi_coffee": "lampung_barat",
        "hilirisasi_rubber": "jambi_lowland",
        "hilirisasi_coastal": "pesisir",
    }
    for name, district in shipped.items():
        sc = load_scenario(
            f"scenarios/{name}.toml", ["months=13", f"districts.{district}.n_households=3000"]
        ).scenario
        model = ValueChainModel(sc, seed=2).run()
        ts = model.indicators()
        assert ts.mass_balance_residual.max() < 1e-5, name
        assert ts.money_balance_residual.max() < 10.0, name
        plants = model.plants()
        assert (plants.bought_plants_kg >= 0).all()
        model.release()


# ---------------------------------------------------------------------------- trader ties
def test_a_tied_grower_sells_to_the_trader_even_when_a_plant_pays_more():
    buyers = trade.Buyers(np.array([9_000.0]), np.array([1e9]), (None,))
    sale, revenue = _sell(np.full(3, 100.0), buyers, tied=np.array([False, True, False]))
    assert sale.queue_kg[0] == pytest.approx(200)
    assert sale.trader_kg == pytest.approx(100)
    assert revenue.tolist() == pytest.approx([900_000, 840_000, 900_000])


def test_when_every_grower_is_tied_plants_buy_nothing_from_farmers():
    model = _cocoa(months=8, tied_share=1.0, member_share=0.0).run()
    plants = model.plants()
    assert (plants.bought_local_kg == 0).all()
    rows = model.indicators().query("district == 'all'")
    assert rows.raw_exports_cocoa.to_numpy() == pytest.approx(rows.harvest_cocoa.to_numpy())
    assert rows.mass_balance_residual.max() < 1e-5
    model.release()


def test_a_cooperative_frees_its_members_and_plants_reach_only_them():
    model = _cocoa(months=8, tied_share=1.0)
    hh = model.households
    members = hh.coop == 1  # the cooperative fermentary's
    growers = hh.land_ha[:, 0] > 0
    assert members.any() and not hh.tied[members].any()
    assert hh.tied[~members & growers].all()
    for _ in range(8):
        model.step()
        members_kg = float((hh.harvest_kg[members, 0] * hh.weight[members]).sum())
        from_farms = sum(p.books.bought_direct_farm_kg for p in model.processors)
        assert from_farms <= members_kg * (1 + 1e-12) + 1e-9
    model.release()


def test_growers_to_free_by_hand():
    tied = np.array([True, False, True, True, True])
    queue = np.array([4, 3, 2, 1, 0])
    expected = np.array([10.0, 50.0, 1.0, 20.0, 30.0])  # kg a month per simulated household
    weight = np.full(5, 2.0)

    def free(gap, saving=100.0):
        # debt 24,000, paid back over 12 months: growers expecting >= 20 kg a month are worth it
        return trade.growers_to_free(
            tied, queue, expected, weight, gap, saving, 24_000.0, 12
        ).tolist()

    assert free(0.0) == [] and free(100.0, saving=0.0) == []
    # worth it, in queue order: 4 (60 real kg), 3 (40); 2 (1 kg a month) is not worth 24,000
    assert free(50.0) == [4]  # 60 is nearer 50 than 100
    assert free(85.0) == [4, 3]
    assert free(1e9) == [4, 3]


def test_a_cooperative_settles_tied_growers_debts_and_buys_their_harvest():
    def run(buyout):
        model = _cocoa(months=12, tied_share=1.0, member_share=0.05, buyout=buyout, grinders=1.0)
        tied_start = float(model.households.weight[model.households.tied[:, 0]].sum())
        model.run()
        return model, tied_start

    model, tied_start = run(3e6)
    hh = model.households
    plants = model.plants()
    coop = plants[plants.plant == "sulawesi/coop_fermentary"]
    private = plants[plants.plant == "sulawesi/fermentary"]
    freed = coop.growers_freed.sum()
    assert freed > 0
    assert coop.tie_buyouts_idr.sum() == pytest.approx(3e6 * freed)
    # a private plant pays the plant-gate price wherever it buys: settling debts saves nothing
    assert (private.growers_freed == 0).all()
    assert float(hh.weight[hh.tied[:, 0]].sum()) == pytest.approx(tied_start - freed)
    rows = model.indicators().query("district == 'all'")
    assert rows.money_balance_residual.max() < 1.0 and rows.mass_balance_residual.max() < 1e-5
    # the freed sell to the district's plants: more is bought from farms in the district
    without, _ = run(None)
    assert plants.bought_local_kg.sum() > without.plants().bought_local_kg.sum()
    for m in (model, without):
        m.release()


def test_a_programme_loan_frees_a_tied_grower():
    def tied_after(loans):
        sc = load_scenario(
            "scenarios/baseline_rubber.toml",
            [
                "months=6",
                "districts.jambi_lowland.n_households=2000",
                "districts.jambi_lowland.crops.rubber.tied_share=0.5",
            ],
        ).scenario
        doc = sc.model_dump()
        doc["policies"]["credit"] = {
            "kind": "credit",
            "loans_per_month": loans,
            "start_month": 0,
            "funding": "district",
        }
        model = ValueChainModel(scenario_from_dict(doc), seed=1).run()
        hh = model.households
        tied = float(hh.weight[hh.tied[:, 0]].sum())
        model.release()
        return tied

    assert tied_after(2_000) < tied_after(0)

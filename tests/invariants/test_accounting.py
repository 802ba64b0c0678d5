"""Accounting identities and bounds hold at every step of random scenarios (hypothesis)."""

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuechain.config.loader import scenario_from_dict
from valuechain.model.model import ValueChainModel

PROCESSES = {"coffee": ["hull_grade", "roast"], "rubber": ["crumb", "smoke"]}


@st.composite
def programmes(draw, months, district_names, grown):
    """Any mix of programmes, with windows, budgets (some too small) and district lists."""
    out = {}
    kinds = draw(st.lists(st.sampled_from(KINDS), max_size=5))
    for i, kind in enumerate(kinds):
        start = draw(st.integers(0, months - 1))
        spec = {
            "kind": kind,
            "start_month": start,
            "end_month": draw(st.none() | st.integers(start, months + 3)),
            "budget_idr": draw(st.none() | st.floats(0, 5e9)),
            "funding": draw(st.sampled_from(["central", "district"])),
            "districts": draw(st.none() | st.lists(st.sampled_from(district_names), min_size=1)),
        }
        if kind in ("bpnt", "pkh", "health_insurance", "education", "village_cash"):
            spec["quota_share"] = draw(st.floats(0, 1))
        if kind in ("export_tax", "marketing_cooperative"):
            spec["commodity"] = draw(st.sampled_from(grown))
        if kind == "export_tax":  # a national duty: every district, central revenue
            spec["rate"] = draw(st.floats(0, 1))
            spec["districts"] = None
            spec["funding"] = "central"
        if kind == "marketing_cooperative":
            spec["member_share"] = draw(st.floats(0, 1))
            spec["margin"] = draw(st.floats(0, 0.5))
        if kind == "credit":
            spec["loans_per_month"] = draw(st.floats(0, 3000))
            spec["term_months"] = draw(st.integers(1, 6))
            spec["p_default_month"] = draw(st.floats(0, 0.5))
            spec["interest_month"] = draw(st.floats(0, 0.05))
        if kind == "training":
            spec["seats_per_month"] = draw(st.floats(0, 2000))
            spec["duration_months"] = draw(st.integers(1, 4))
        if kind == "quality_extension":
            spec["commodity"] = draw(st.sampled_from(grown))
            spec["seats_per_month"] = draw(st.floats(0, 3000))
            spec["cost_per_grower_idr"] = draw(st.floats(0, 2e6))
        out[f"{kind}_{i}"] = spec
    return out


KINDS = [
    "bpnt",
    "pkh",
    "elderly_disability",
    "training",
    "health_insurance",
    "export_tax",
    "marketing_cooperative",
    "credit",
    "education",
    "village_cash",
    "registry_update",
    "quality_extension",
]


@st.composite
def scenarios(draw):
    n_districts = draw(st.integers(1, 2))
    districts = {}
    for k in range(n_districts):
        crops = draw(st.sets(st.sampled_from(["coffee", "rubber"]), min_size=1))
        quality = {
            c: draw(
                st.none()
                | st.fixed_dictionaries(
                    {
                        "know_share": st.floats(0, 1),
                        "premium_share": st.floats(0, 0.5),
                        "yield_loss_share": st.floats(0, 0.5),
                        "cost_idr_per_kg": st.floats(0, 3000),
                    }
                )
            )
            for c in sorted(crops)
        }
        wage_min = 2_500_000
        processors = {}
        for i in range(draw(st.integers(0, 4))):
            c = draw(st.sampled_from(sorted(crops)))
            process = draw(st.sampled_from(PROCESSES[c]))
            owner = draw(st.sampled_from(["private", "cooperative", "public"]))
            if process == "smoke":  # fresh latex comes from members only
                owner = "cooperative"
            processors[f"p{i}"] = {
                "commodity": c,
                "process": process,
                "owner": owner,
                "offer_premium": draw(st.floats(0, 0.3)),
                "screening": draw(st.sampled_from(["skill", "none"])),
                "season_months": draw(
                    st.none() | st.lists(st.integers(1, 12), min_size=1, max_size=12, unique=True)
                ),
                "capacity_t_per_month": draw(st.floats(1, 400)),
                "wage_idr_per_month": wage_min + draw(st.floats(0, 1e6)),
                "skill_required": draw(st.integers(0, 3)),
                "fixed_cost_idr_per_month": draw(st.floats(0, 1e8)),
                "capex_idr": draw(st.floats(0, 1e9)),
                "operating_subsidy_idr_per_month": draw(st.floats(0, 1e7)),
                "open_month": draw(st.integers(0, 4)),
                "input_stock_months": draw(st.floats(0, 4)),
                "initial_cash_idr": draw(st.floats(0, 1e9)),
                "member_share": draw(st.floats(0.05 if process == "smoke" else 0, 0.6))
                if owner == "cooperative"
                else 0.0,
                "tie_buyout_idr": draw(st.sampled_from([None, 2e6, 5e6])),
                "piece_rate": draw(st.booleans()),
                "grades": quality[c] is not None and process != "roast" and draw(st.booleans()),
            }
        districts[f"d{k}"] = {
            "type": draw(st.sampled_from(["upland", "lowland", "coastal"])),
            "n_households": draw(st.integers(30, 300)),
            "real_households": draw(st.floats(100, 50_000)),
            "minimum_wage_idr_per_month": wage_min,
            "labour": {
                "local_spending_share": draw(st.sampled_from([0.0, 0.3, 0.7])),
                "reservation_share": draw(st.sampled_from([0.0, 0.8, 2.0])),
                "max_workers_per_household": draw(st.sampled_from([1, 2])),
            },
            "crops": {
                c: {
                    "share_growing": draw(st.floats(0, 1)),
                    "land_ha_median": draw(st.floats(0.2, 4)),
                    "tied_share": draw(st.sampled_from([0.0, 0.4, 1.0])),
                    **({} if quality[c] is None else {"quality": quality[c]}),
                }
                for c in crops
            },
            "processors": processors,
        }
    months = draw(st.integers(2, 14))
    shocks = []
    if draw(st.booleans()):
        shocks.append(
            {
                "month": draw(st.integers(0, months - 1)),
                "commodity": "coffee",
                "factor": draw(st.floats(0.3, 2.0)),
            }
        )
    doc = {
        "name": "random",
        "start": f"2024-{draw(st.integers(1, 12)):02d}",
        "months": months,
        "registry": {
            "coverage_share": draw(st.floats(0, 1)),
            "score_noise_sd": draw(st.floats(0, 1)),
            "recertify_every_months": draw(st.integers(1, 6)),
        },
        "policies": draw(
            programmes(
                months,
                sorted(districts),
                sorted({c for d in districts.values() for c in d["crops"]}),
            )
        ),
        "health": {"p_shock_month": draw(st.floats(0, 0.2))},
        "chains": {
            "coffee": {
                "trader_margin_max": draw(st.floats(0.04, 0.5)),
                "elsewhere": {"capacity_share": draw(st.floats(0, 3))},
                "stages": {
                    "roasted": {
                        "demand": {
                            "market_t_per_month": draw(st.floats(0.1, 50)),
                            "price_elasticity": draw(st.floats(0.3, 5)),
                        }
                    }
                },
            },
            "rubber": {
                "elsewhere": {"capacity_share": draw(st.floats(0, 3))},
                "stages": {"latex": {"selling_effort_share": draw(st.floats(0, 0.3))}},
            },
        },
        "districts": districts,
        "shocks": shocks,
    }
    return scenario_from_dict(doc), draw(st.integers(0, 2**32))


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_every_kilogram_and_rupiah_is_booked(case):
    scenario, seed = case
    model = ValueChainModel(scenario, seed=seed)
    for _ in range(scenario.months):
        model.step()
        rows = [r for r in model._records if r["step"] == model.t - 1]  # every district row
        hh = model.households
        harvest = float((hh.harvest_kg * hh.weight[:, None]).sum())
        money_scale = float(np.abs(hh.income_idr * hh.weight).sum()) + sum(
            abs(p.books.revenue_idr) + abs(p.books.paid_idr) for p in model.processors
        )
        assert rows or model.t <= 0  # the spin-up is not recorded
        for row in rows:
            assert row["mass_balance_residual"] <= 1e-9 * harvest + 1e-6, row["district"]
            assert row["money_balance_residual"] <= 1e-9 * money_scale + 1e-3, row["district"]
        # only growers who know a quality practice use it; graded input is part of the stock
        assert not (hh.practises_quality & ~hh.knows_quality).any()
        for p in model.processors:
            assert -1e-9 <= p.graded_stock_kg <= p.stock_kg * (1 + 1e-12) + 1e-9
        # a plant buying a stage plants make never buys more of it from the district's plants
        # than they made this month (the rest it must bring in from outside)
        for p in model.processors:
            if p.buys_from_farms:
                continue
            made = sum(
                q.books.output_kg
                for q in model.processors
                if (q.district, q.commodity, q.process.output_stage)
                == (p.district, p.commodity, p.process.input_stage)
            )
            assert p.books.bought_plants_kg <= made * (1 + 1e-12) + 1e-9
    model.release()


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_indicators_stay_in_bounds(case):
    scenario, seed = case
    model = ValueChainModel(scenario, seed=seed)
    model.run()
    ts = model.indicators()
    for col in [
        "extreme_poverty_rate",
        "extreme_poverty_rate_215",
        "poverty_rate",
        "poverty_gap",
        "poverty_severity",
        "poverty_gap_national",
        "poverty_severity_national",
        "unemployment_rate",
    ]:
        assert ts[col].between(0, 1).all(), col
    # a higher line never counts fewer poor (which of the two extreme lines is higher in
    # start-month rupiah depends on their base months and the CPI path)
    z190, z215, znat = model.poverty_lines[0]
    by_line = sorted(
        [(z190, "extreme_poverty_rate"), (z215, "extreme_poverty_rate_215"), (znat, "poverty_rate")]
    )
    for (_, lower), (_, higher) in itertools.pairwise(by_line):
        assert (ts[lower] <= ts[higher] + 1e-12).all(), (lower, higher)
    assert (ts["poverty_severity"] <= ts["poverty_gap"] + 1e-12).all()
    assert (ts["poverty_severity_national"] <= ts["poverty_gap_national"] + 1e-12).all()
    assert (ts["poverty_gap_national"] <= ts["poverty_rate"] + 1e-12).all()
    assert (ts["extreme_poverty_gap_idr"] >= 0).all()
    assert (ts["processing_jobs_poor"] <= ts["processing_jobs"] + 1e-9).all()
    assert ts["gini"].dropna().between(0, 1).all()
    hh = model.households
    assert (hh.consumption_idr >= 0).all()
    # processing jobs never exceed what the plants asked for (plus half a household)
    for p in model.processors:
        assert p.books.workers <= p.books.vacancies + hh.weight.max() / 2 + 1e-9
        assert p.stock_kg >= -1e-9
    model.release()


def test_every_lever_at_once_keeps_the_books_balanced():
    """All programme kinds, processors of all owner types, two districts, every step."""
    from valuechain.config.loader import load_scenario

    loaded = load_scenario(
        "scenarios/percepatan_2024.toml",
        [
            "districts.lampung_barat.n_households=800",
            "districts.jambi_lowland.n_households=800",
            "months=26",
            "spinup_months=3",
        ],
    )
    doc = loaded.scenario.model_dump()
    doc["policies"].update(
        {
            "bpnt_top_up": {"kind": "bpnt", "quota_share": 0.3, "budget_idr": 5e10},
            "education": {"kind": "education"},
            "credit": {"kind": "credit", "loans_per_month": 500, "p_default_month": 0.05},
            "tax": {"kind": "export_tax", "commodity": "coffee", "rate": 0.03},
            "coffee_groups": {"kind": "marketing_cooperative", "commodity": "coffee"},
            "dtsen": {"kind": "registry_update", "start_month": 6},
            "red_cherry": {
                "kind": "quality_extension",
                "commodity": "coffee",
                "districts": ["lampung_barat"],
                "seats_per_month": 1_000,
                "outgrower_plant": "koperasi_huller",
            },
        }
    )
    coffee = doc["districts"]["lampung_barat"]
    coffee["crops"]["coffee"]["quality"] = {"premium_share": 0.14, "cost_idr_per_kg": 800}
    coffee["processors"]["koperasi_huller"]["grades"] = True
    scenario = type(loaded.scenario).model_validate(doc)
    kinds = {p.kind for p in scenario.policies.values()}
    assert kinds == set(KINDS)
    model = ValueChainModel(scenario, seed=2)
    for _ in range(scenario.months):
        model.step()
        rows = model.indicators().query(f"step == {model.t - 1}")
        assert (rows["mass_balance_residual"] < 1e-3).all()
        assert (rows["money_balance_residual"] < 1.0).all()
    ts = model.indicators()
    for p in scenario.policies:
        if p != "tax":  # a tax raises revenue instead
            assert ts[f"spending_{p}"].abs().sum() > 0, p
    assert ts["tax_revenue"].sum() > 0
    assert ts["graded_kg"].sum() > 0
    assert ts["budget_exhausted_bpnt_top_up"].iloc[-1] == 1  # ~9 bn a month on 50 bn
    model.release()

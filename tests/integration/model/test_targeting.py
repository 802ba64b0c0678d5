"""Programmes enrolling from the registry in a small coffee district: lists by their own
rules, exclusions, village selection, the registry update, switches and the spin-up, the
list cache, and the targeting indicators, each a relation worked out by hand."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from tests.programme_cases import BASE, scenario_with
from valuechain.config.loader import load_scenario
from valuechain.model.model import ValueChainModel

NO_NOISE = {"list_noise_sd": 0.0}


def _named(model: ValueChainModel, name: str):
    return next(p for p in model.programmes if p.name == name)


def test_lists_by_rule_and_exclusion_and_villages_choose_unregistered_households():
    sc = scenario_with(
        pkh={"kind": "pkh", "quota_share": 0.1, **NO_NOISE},
        food={"kind": "bpnt", "quota_share": 0.1, "excluding": ["pkh"], **NO_NOISE},
        blt={
            "kind": "village_cash",
            "quota_share": 0.1,
            "community_noise_sd": 0.0,
            "excluding": ["pkh", "food"],
        },
    )
    model = ValueChainModel(sc, seed=3)
    hh = model.households
    n = hh.n
    i = np.arange(n)
    # by hand: household i has score i; the first 300 are registered; even households have
    # a young child (PKH's rule), odd ones no component member; the last ones are poorest
    hh.registry_score[:] = i
    hh.registered[:] = i < 300
    for counts in (hh.n_young, hh.n_primary, hh.n_junior, hh.n_senior, hh.n_elderly):
        counts[:] = 0
    hh.n_disabled[:] = 0
    hh.n_young[:] = i % 2 == 0
    hh.consumption_idr[:] = hh.size * (10_000.0 - i)
    for p in model.programmes:
        p.registry_certified(model, 0)
        p.advance(model)  # the villages select
    pkh, food, blt = (_named(model, x).enrolled(model, 0) for x in ("pkh", "food", "blt"))
    # 50 households each (0.1 x 500)
    assert_array_equal(np.flatnonzero(pkh), np.arange(0, 100, 2))  # even, lowest scores
    assert_array_equal(np.flatnonzero(food), np.arange(1, 100, 2))  # registered, not PKH
    assert_array_equal(np.flatnonzero(blt), np.arange(450, 500))  # poorest, none registered
    assert not hh.registered[blt].any()


def test_a_cycle_of_exclusions_is_an_error_naming_the_keys():
    with pytest.raises(ValueError, match="no cycle of exclusions"):
        scenario_with(
            a={"kind": "pkh", "excluding": ["b"]},
            b={"kind": "bpnt", "excluding": ["c"]},
            c={"kind": "village_cash", "excluding": ["a"]},
        )


def test_the_cached_lists_are_those_computed_afresh_after_certification_and_ageing():
    sc = scenario_with(
        pkh={"kind": "pkh", "quota_share": 0.1, "end_month": 8},
        food={"kind": "bpnt", "quota_share": 0.1, "excluding": ["pkh"]},
        edu={"kind": "education", "quota_share": 0.1},
    )
    sc.demography.p_birth_year = 0.5  # many births: January changes who qualifies
    model = ValueChainModel(sc, seed=11)
    lists = []
    for _ in range(sc.months):
        model.step()  # 2024-08 (certified) ... 2025-01 (ageing) 2025-02 ... 2025-08 (certified)
        for p in model.programmes:
            if p.name in ("pkh", "food", "edu"):
                fresh = p.compute_list(model, 0, p.excluded(model))
                assert_array_equal(p.enrolled(model, 0), fresh, err_msg=f"{p.name} {model.date}")
        lists.append([_named(model, x).enrolled(model, 0).copy() for x in ("edu", "food")])
    # between certifications EDU's list changed only with the ageing of January 2025: after
    # the step of month 5 (January) the model stands in February, members aged; BPNT's also
    # when PKH, which it excludes, stopped after month 8
    edu = [t for t in range(1, 12) if (lists[t][0] != lists[t - 1][0]).any()]
    food = [t for t in range(1, 12) if (lists[t][1] != lists[t - 1][1]).any()]
    assert (edu, food) == ([5], [5, 8]), (edu, food)


def test_a_registry_update_enumerates_more_certifies_at_once_and_costs_once():
    update = {
        "kind": "registry_update",
        "start_month": 2,
        "enumeration_miss_share": {"upland": 0.05},
        "score_noise_sd": 0.1,
        "recertify_every_months": 6,
        "cost_idr_per_household": 20_000,
    }
    model = ValueChainModel(scenario_with(dtsen=update), seed=2)
    hh = model.households
    model.step()
    model.step()
    before = hh.enumerated.copy()
    certified = model.registry.certifications[0]
    model.step()  # month 2: the update
    assert (hh.enumerated[before]).all() and hh.enumerated.sum() > before.sum()
    assert_array_equal(hh.enumerated, hh.u_enum >= 0.05)
    assert model.registry.certifications[0] == certified + 1
    assert model.registry.score_noise_sd[0] == 0.1
    model.run()
    ts = model.indicators().query("district == 'all'").reset_index(drop=True)
    assert ts["spending_dtsen"].iloc[2] == pytest.approx(80_000 * 20_000)
    assert ts["spending_dtsen"].drop(index=2).eq(0).all()
    # from the update on it certifies every six months: months 6 and 12
    assert model.registry.certifications[0] == certified + 3


def test_a_disabled_programme_never_acts_and_changes_nothing_else():
    base = ValueChainModel(BASE.scenario, seed=4).run().indicators()
    off = ValueChainModel(scenario_with(extra={"kind": "pkh", "enabled": False}), seed=4).run()
    ts = off.indicators()
    assert (ts["spending_extra"] == 0).all() and (ts["recipients_extra"] == 0).all()
    same = ts.drop(columns=[c for c in ts.columns if c.endswith("_extra")])
    pd.testing.assert_frame_equal(same, base)


def test_a_programme_running_before_the_start_pays_in_the_spin_up_but_reports_nothing_of_it():
    extra = {"kind": "bpnt", "quota_share": 0.2, "amount_idr_per_month": 100_000}
    month = 100 * 160 * 100_000  # 0.2 x 500 households of 160 real ones
    ran = {**extra, "since_before_start": True, "budget_idr": 1.5 * month}
    before = ValueChainModel(scenario_with(extra=ran), seed=4)
    after = ValueChainModel(scenario_with(extra=extra), seed=4)
    p = _named(before, "extra")
    assert p.delivered and p.spent_idr == 0.0  # it paid in the last spin-up month
    assert not _named(after, "extra").delivered
    assert (before.households.savings_idr > after.households.savings_idr).any()
    before.run()
    ts = before.indicators().query("district == 'all'").reset_index(drop=True)
    # the budget counts from month 0: one month fits, the second does not
    assert ts["spending_extra"].iloc[0] == pytest.approx(month)
    assert (ts["spending_extra"].iloc[1:] == 0).all()
    assert ts["fiscal_cost_cum"].iloc[0] == pytest.approx(ts["fiscal_cost"].iloc[0])


def test_konvergensi_shares_sum_to_one_and_give_the_mean():
    sc = scenario_with(
        pkh={"kind": "pkh", "quota_share": 0.15},
        pbi={"kind": "health_insurance", "quota_share": 0.35},
        blt={"kind": "village_cash", "excluding": ["pkh", "bpnt"]},
    )
    sc.months = 4
    ts = ValueChainModel(sc, seed=6).run().indicators()
    shares = ts[[f"extreme_poor_programmes_{c}" for c in ("0", "1", "2", "3plus")]]
    assert np.allclose(shares.sum(axis=1), 1.0)
    assert (shares["extreme_poor_programmes_2"] > 0).any()  # overlap happens, imperfectly
    low = shares.to_numpy() @ np.array([0, 1, 2, 3])
    assert (ts["extreme_poor_programmes_mean"] >= low - 1e-12).all()
    # BLT DD excludes PKH and BPNT recipients; PBI's list is its own
    assert (ts["recipients_blt"] > 0).all()


def test_combined_districts_add_sums_and_do_not_average_ratios():
    loaded = load_scenario(
        "scenarios/baseline_2024.toml",
        [
            "districts.lampung_barat.n_households=400",
            "districts.jambi_lowland.n_households=300",
            "months=2",
            "spinup_months=2",
        ],
    )
    sc = loaded.scenario
    model = ValueChainModel(sc, seed=1).run()
    ts = model.indicators()
    last = ts[ts["step"] == 1].set_index("district")
    names = list(sc.districts)
    target = {
        d: np.ceil(0.4 * sc.districts[d].n_households)
        * (sc.districts[d].real_households / sc.districts[d].n_households)
        for d in names
    }
    programme = next(c for c in ts.columns if c.startswith("recipients_")).removeprefix(
        "recipients_"
    )
    col = f"exclusion_error_{programme}"
    missed = sum(last.loc[d, col] * target[d] for d in names)
    assert last.loc["all", col] == pytest.approx(missed / sum(target.values()))
    recipients = sum(last.loc[d, f"recipients_{programme}"] for d in names)
    outside = sum(
        last.loc[d, f"inclusion_error_{programme}"] * last.loc[d, f"recipients_{programme}"]
        for d in names
    )
    assert last.loc["all", f"inclusion_error_{programme}"] == pytest.approx(outside / recipients)
    assert last.loc["all", "exclusion_error"] == pytest.approx(
        sum(last.loc[d, "exclusion_error"] * target[d] for d in names) / sum(target.values())
    )

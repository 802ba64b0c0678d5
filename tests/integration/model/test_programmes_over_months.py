"""Programmes over months of a small coffee district: budgets, windows, training intake,
taxes, loans and ageing, each a relation worked out by hand on whole runs.

Moved out of tests/unit (they run the whole model for 6-40 months).
"""

import copy

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from tests.programme_cases import BASE, CREDIT, TRAINING, scenario_with
from valuechain.config import Scenario
from valuechain.config.loader import load_scenario
from valuechain.model.model import ValueChainModel


def run(scenario: Scenario, seed: int = 4) -> ValueChainModel:
    model = ValueChainModel(scenario, seed=seed).run()
    model.release()
    return model


def test_a_fuller_and_less_noisy_registry_errs_less():
    better = BASE.scenario.model_copy(deep=True)
    better.registry.score_noise_sd = 0.0
    better.registry.enumeration_miss_share = {"upland": 0.0, "lowland": 0.0, "coastal": 0.0}
    better.registry.recertify_every_months = 1
    good = run(better).indicators()
    noisy = run(BASE.scenario).indicators()
    # the proxy-means fit alone still errs (it sees assets, not consumption), less so
    assert (good["exclusion_error"] < noisy["exclusion_error"]).all()
    assert (good["inclusion_error"] < noisy["inclusion_error"]).all()
    assert (good["exclusion_error"] > 0).all()


def test_budget_exhaustion_stops_the_programme_and_says_so():
    probe = run(scenario_with(extra={"kind": "bpnt", "amount_idr_per_month": 100_000}))
    month_cost = probe.indicators().query("district == 'all'")["spending_extra"].iloc[0]
    budget = 2.5 * month_cost
    capped = run(
        scenario_with(extra={"kind": "bpnt", "amount_idr_per_month": 100_000, "budget_idr": budget})
    )
    ts = capped.indicators().query("district == 'all'").reset_index(drop=True)
    spent = ts["spending_extra"]
    assert spent.iloc[0] > 0 and spent.iloc[1] > 0
    assert (spent.iloc[3:] == 0).all()
    assert spent.sum() <= budget
    assert ts["budget_exhausted_extra"].iloc[-1] == 1.0
    assert capped.summary()["budget_exhausted_extra"] == 1.0


def test_a_zero_budget_programme_changes_nothing_and_costs_nothing():
    base = run(BASE.scenario).indicators()
    zero = run(scenario_with(extra={"kind": "pkh", "budget_idr": 0.0})).indicators()
    assert (zero["spending_extra"] == 0).all()
    assert (zero["recipients_extra"] == 0).all()
    same = zero.drop(columns=[c for c in zero.columns if c.endswith("_extra")])
    pd.testing.assert_frame_equal(same, base)


def test_a_programme_outside_its_window_pays_nothing():
    ts = run(scenario_with(extra={"kind": "bpnt", "start_month": 4, "end_month": 6})).indicators()
    spent = ts.query("district == 'all'")["spending_extra"].to_numpy()
    assert (spent[:4] == 0).all() and (spent[4:7] > 0).all() and (spent[7:] == 0).all()


def test_training_intake_completion_and_skill_gain():
    model = ValueChainModel(scenario_with(training=TRAINING), seed=5)
    hh = model.households
    skill_before = hh.skill.copy()
    model.run()
    ts = model.indicators().query("district == 'all'").reset_index(drop=True)
    w = hh.weight[0]
    intake = np.floor(400 / w)  # households per month (u decides the last one)
    assert ts["trainees"].iloc[0] == pytest.approx(w * intake, abs=w)
    # with p_complete = 1 everyone who started three months ago completes
    assert ts["training_completions"].iloc[:3].sum() == 0
    assert ts["training_completions"].iloc[3] == pytest.approx(ts["trainees"].iloc[0])
    assert (hh.skill >= skill_before).all() and (hh.skill > skill_before).any()
    cost = ts["spending_training"].iloc[0]
    assert cost == pytest.approx(ts["trainees"].iloc[0] * 3_000_000)


def test_doubling_training_seats_never_lowers_trainees():
    one = run(scenario_with(training=TRAINING)).indicators()
    two = run(scenario_with(training={**TRAINING, "seats_per_month": 800})).indicators()
    assert (two["trainees"] >= one["trainees"]).all()
    assert (two["trainees"] > one["trainees"]).any()


def test_an_export_tax_lowers_the_trader_price_and_raises_revenue():
    tax = run(scenario_with(tax={"kind": "export_tax", "commodity": "coffee", "rate": 0.05}))
    ts = tax.indicators().query("district == 'all'")
    # no local buyer: farmers get the reference price less the trader margin and the tax
    assert_allclose(ts["farmgate_share_coffee"], 1 - 0.10 - 0.05)
    expected = 0.05 * ts["reference_price_coffee"] * ts["raw_exports_coffee"]
    assert_allclose(ts["tax_revenue"], expected)
    assert ts["tax_revenue"].sum() > 0


def test_loans_run_on_after_the_programme_stops_lending():
    model = run(scenario_with(credit={**CREDIT, "end_month": 1}))
    ts = model.indicators().query("district == 'all'").reset_index(drop=True)
    assert (ts["spending_credit"].iloc[:2] > 0).all()
    assert (ts["spending_credit"].iloc[2:8] < 0).any()  # repayments come back
    assert ts["borrowers"].iloc[-1] == 0


def test_education_raises_the_skill_of_new_workers():
    years = BASE.scenario.model_copy(deep=True)
    years.months = 37
    years.registry.coverage_share = 1.0
    edu = {"kind": "education", "quota_share": 1.0, "skill_gain": 1}
    doc = years.model_dump()
    plain = ValueChainModel(Scenario.model_validate(doc), seed=9).run()
    doc["policies"]["edu"] = edu
    taught = ValueChainModel(Scenario.model_validate(doc), seed=9).run()
    # same ageing draws; where a young person reached working age, skill is at least as high
    assert (taught.households.skill >= plain.households.skill).all()
    assert (taught.households.skill > plain.households.skill).any()
    ts = taught.indicators()
    assert (ts["spending_edu"] > 0).all()


def test_a_worker_who_grows_old_leaves_the_processing_job():
    doc = copy.deepcopy(
        load_scenario(
            "scenarios/hilirisasi_coffee.toml",
            [
                "districts.lampung_barat.n_households=3000",
                "months=40",
                "spinup_months=2",
                "demography.p_adult_to_elderly_year=0.6",
            ],
        ).scenario.model_dump()
    )
    model = ValueChainModel(Scenario.model_validate(doc), seed=3)
    hh = model.households
    n_grew_old = 0
    for _ in range(model.scenario.months):
        held = hh.job_firm >= 0
        model.step()
        grew_old = held & (hh.n_adults == 0)  # a job holder's household has no adult left
        n_grew_old += int(grew_old.sum())
        assert (hh.job_firm[grew_old] < 0).all()
        assert not ((hh.n_adults == 0) & (hh.job_firm >= 0)).any()
        assert (hh.n_adults >= 0).all()
    assert n_grew_old > 0, "no worker grew old: the case under test never happened"
    model.release()

"""Each policy lever against numbers computed by hand, and its budget rules."""

import copy

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from tests.programme_cases import BASE, CREDIT, TRAINING, scenario_with
from valuechain.config import Scenario
from valuechain.config.loader import load_scenario
from valuechain.model.model import ValueChainModel
from valuechain.model.policies.base import Intake, Plan, ProgrammeRun
from valuechain.outputs.indicators import district_rows

# ------------------------------------------------------------------ transfers


def test_pkh_components_by_hand():
    sc = scenario_with(pkh={"kind": "pkh", "quota_share": 1.0, "max_components": 4})
    sc.registry.coverage_share = 1.0
    sc.registry.enumeration_miss_share = {"upland": 0.0, "lowland": 0.0, "coastal": 0.0}
    model = ValueChainModel(sc, seed=1)
    hh = model.households
    i = 0  # give household 0 a known composition
    hh.n_young[i], hh.n_elderly[i], hh.n_disabled[i] = 2, 1, 0
    hh.n_senior[i], hh.n_junior[i], hh.n_primary[i] = 1, 0, 2
    pkh = next(p for p in model.programmes if p.name == "pkh")
    pay = pkh.entitlement(model, 0)
    # four components: two young children, the elderly member, the senior-school child
    assert pay[i] == pytest.approx((2 * 3_000_000 + 2_400_000 + 2_000_000) / 12 * 0.9)


def test_elderly_and_disabled_assistance_per_member():
    sc = scenario_with(ed={"kind": "elderly_disability", "amount_idr_per_person_month": 150_000})
    model = ValueChainModel(sc, seed=2)
    hh = model.households
    # four households of known composition: (elderly, disabled, registered)
    for i, (elderly, disabled, registered) in enumerate(
        [(1, 0, True), (2, 1, True), (1, 1, False), (0, 0, True)]
    ):
        hh.n_elderly[i], hh.n_disabled[i], hh.registered[i] = elderly, disabled, registered
    ed = next(p for p in model.programmes if p.name == "ed")
    pay = ed.entitlement(model, 0)
    # 1 x 150,000; 3 x 150,000; not registered; nobody elderly or disabled
    assert_allclose(pay[:4], [150_000, 450_000, 0, 0])


def test_spending_is_split_by_funding_source():
    extra = {"kind": "bpnt", "funding": "district", "quota_share": 1.0, "amount_idr_per_month": 1e5}
    sc = scenario_with(extra=extra)
    sc.registry.coverage_share = 1.0  # every household registered, ranks 0, 1/500, ...
    sc.registry.enumeration_miss_share = {"upland": 0.0, "lowland": 0.0, "coastal": 0.0}
    model = ValueChainModel(sc, seed=4)
    model.step()
    ts = model.indicators().query("district == 'all'").iloc[-1]
    # 80,000 real households in 500 simulated ones: 160 each.
    # the baseline's BPNT (central): ranks below 0.2 = 100 households x 160 x 200,000 IDR
    assert ts["spending_bpnt"] == pytest.approx(100 * 160 * 200_000)
    assert ts["spending_central"] == pytest.approx(3.2e9)
    # the extra one (district): all 500 x 160 x 100,000 IDR
    assert ts["spending_extra"] == pytest.approx(500 * 160 * 100_000)
    assert ts["spending_district"] == pytest.approx(8.0e9)
    assert ts["fiscal_cost"] == pytest.approx(3.2e9 + 8.0e9)


# ------------------------------------------------------------------ health


def test_subsidised_insurance_covers_health_costs():
    sick = BASE.scenario.model_copy(deep=True)
    sick.health.p_shock_month = 1.0
    sick.health.share_covered = 0.0
    sc = scenario_with(pbi={"kind": "health_insurance", "quota_share": 1.0})
    sc.health = sick.health
    sc.registry.coverage_share = 1.0
    sc.registry.enumeration_miss_share = {"upland": 0.0, "lowland": 0.0, "coastal": 0.0}
    model = ValueChainModel(sc, seed=3)
    model.step()
    assert (model.ledger.health_cost == 0).all()
    ts = model.indicators()
    persons = model.households.persons.sum()
    assert ts["spending_pbi"].iloc[-1] == pytest.approx(persons * 42_000)


# ------------------------------------------------------------------ trade and cooperatives


RUBBER = load_scenario(
    "scenarios/baseline_rubber.toml",
    ["districts.jambi_lowland.n_households=600", "months=6", "spinup_months=2"],
)


def test_collective_selling_pays_members_the_group_price():
    doc = copy.deepcopy(RUBBER.scenario.model_dump())
    doc["policies"]["uppb"] = {
        "kind": "marketing_cooperative",
        "commodity": "rubber",
        "member_share": 0.5,
        "margin": 0.08,
    }
    model = ValueChainModel(Scenario.model_validate(doc), seed=8)
    model.step()
    hh = model.households
    uppb = next(p for p in model.programmes if p.name == "uppb")
    sold = hh.harvest_kg[:, 0] > 0
    price = hh.farm_revenue_idr[sold] / hh.harvest_kg[sold, 0]
    members = uppb.members[sold]
    assert members.any() and (~members).any()
    ref = model.prices["rubber"].farm_price
    assert_allclose(price[members], ref * (1 - 0.08))
    assert_allclose(price[~members], ref * (1 - 0.30))
    # FACTS:rubber_uppb_price_vs_non_member_2021_08: 11,658 vs 8,847 IDR/kg (ratio 1.32)
    assert price[members].mean() / price[~members].mean() == pytest.approx(11658 / 8847, rel=0.02)
    group = uppb.selling_group(model, 0)
    with pytest.raises(ValueError):  # what a programme reports cannot change its members
        group[0] = not group[0]
    ts = model.indicators()
    assert ts["cooperative_members"].iloc[-1] == pytest.approx(hh.weight[0] * uppb.members.sum())
    # the farmgate price indicator is what farmers received, members included
    received = (hh.farm_revenue_idr * hh.weight).sum() / (hh.harvest_kg[:, 0] * hh.weight).sum()
    assert ts["farmgate_price_rubber"].iloc[-1] == pytest.approx(received)


# ------------------------------------------------------------------ credit


def test_credit_instalments_balances_and_net_lending_by_hand():
    model = ValueChainModel(scenario_with(credit=CREDIT), seed=6)
    credit = next(p for p in model.programmes if p.name == "credit")
    # annuity: L r / (1 - (1 + r)^-n)
    assert credit.instalment == pytest.approx(5_000_000 * 0.01 / (1 - 1.01**-6))
    model.step()  # month 0: first loans, no repayment yet
    borrowers = credit.months_left > 0
    w = model.households.weight[0]
    assert credit.month_cost[0] == pytest.approx(borrowers.sum() * w * 5_000_000)
    assert_allclose(model.ledger.credit[borrowers], 5_000_000)
    model.step()  # month 1: the first borrowers pay their first instalment
    first = borrowers & (credit.months_left == 5)
    assert_allclose(credit.balance[first], 5_000_000 * 1.01 - credit.instalment)
    assert_allclose(model.ledger.credit_returns[first], 5_000_000 * 0.03)
    for _ in range(6):
        model.step()
    # with no defaults a loan is repaid to zero after its term
    done = first & (credit.months_left == 0)
    assert done.any()
    assert_allclose(credit.balance[done], 0.0, atol=1e-6)


# ------------------------------------------------------------------ demography and education


def test_a_year_of_ageing_keeps_everyone_accounted_for():
    from valuechain.model.households.demography import COUNTS, age_one_year

    rng = np.random.default_rng(0)
    n = 2000
    counts = {k: rng.integers(0, 4, n) for k in COUNTS}
    counts["n_adults"][:50] = 0  # elderly-only homes
    before = sum(counts.values()).copy()
    res = age_one_year(counts, rng, p_birth=0.1, p_adult_to_elderly=0.05, p_elderly_death=0.5)
    after = sum(counts.values())
    assert_allclose(after, before + res.births - res.deaths)
    assert all((v >= 0).all() for v in counts.values())
    assert (after[before > 0] >= 1).all()  # no home is left empty
    assert res.new_adults.sum() > 0 and res.births[:50].sum() == 0


# ------------------------------------------------------------------ hooks


class Silent(ProgrammeRun):
    """A programme that costs nothing, hands out nothing and overrides no hook."""

    def plan(self, model: ValueChainModel) -> Plan:
        return Plan(np.zeros(len(model.district_names)), {})

    def deliver(self, model: ValueChainModel, plan: Plan) -> None:
        pass


def test_a_programme_that_overrides_no_hook_reports_the_neutral_values():
    sc = scenario_with(extra={"kind": "bpnt"})
    model = ValueChainModel(sc, seed=1)
    p = Silent("silent", sc.policies["extra"], model)
    assert p.trainees(model, 0) == 0
    assert p.completions(model, 0) == 0
    assert p.borrowers(model, 0) == 0
    assert p.selling_group(model, 0) is None
    assert p.net_lending_idr(model, 0) == 0.0
    assert p.export_tax_rate(model, 0, 0) == 0.0
    assert p.collective_margin(model, 0, 0) is None
    assert p.education_gain(model, 0) == 0
    with pytest.raises(AttributeError):  # it declares no random process: no stream
        p.stream(model, 0)


class Reporting(Silent):
    """Reports fixed numbers through every reporting hook."""

    def trainees(self, model: ValueChainModel, k: int) -> float:
        return 7.0

    def completions(self, model: ValueChainModel, k: int) -> float:
        return 2.0

    def borrowers(self, model: ValueChainModel, k: int) -> float:
        return 3.0

    def selling_group(self, model: ValueChainModel, k: int) -> np.ndarray | None:
        s = model.households.district_slices[k]
        return np.ones(s.stop - s.start, dtype=bool)  # everyone sells together

    def net_lending_idr(self, model: ValueChainModel, k: int) -> float:
        return 5_000_000.0


def test_indicators_and_accounts_report_what_the_hooks_say():
    sc = scenario_with(extra={"kind": "bpnt"})
    model = ValueChainModel(sc, seed=1)
    model.step()
    balanced = model.ledger.money_residual(model, 0)
    model.programmes.append(Reporting("reporting", sc.policies["extra"], model))
    row = district_rows(model)[0]
    assert (row["trainees"], row["training_completions"], row["borrowers"]) == (7.0, 2.0, 3.0)
    # every household in a selling group: the members are all the (real) households
    assert row["cooperative_members"] == pytest.approx(model.households.weight.sum())
    # households got no loan but the hook says 5 million were lent: the accounts see it
    residual = model.ledger.money_residual(model, 0)
    assert residual == pytest.approx(balanced + 5_000_000.0)


def _report(model: ValueChainModel, p: ProgrammeRun, k: int) -> list:
    """Everything programme ``p`` reports about district ``k``, as plain values."""
    group = p.selling_group(model, k)
    margins = [p.collective_margin(model, k, j) for j in range(len(model.commodities))]
    return [
        p.trainees(model, k),
        p.completions(model, k),
        p.borrowers(model, k),
        None if group is None else group.tolist(),
        p.net_lending_idr(model, k),
        [p.export_tax_rate(model, k, j) for j in range(len(model.commodities))],
        [None if m is None else (m[0].tolist(), m[1]) for m in margins],
        np.asarray(p.education_gain(model, k)).tolist(),
        p.month_cost.tolist(),
        None if (r := p.recipients(model, k)) is None else r.tolist(),
    ]


EVERY_KIND = {
    "bpnt": {"kind": "bpnt"},
    "pkh": {"kind": "pkh"},
    "ed": {"kind": "elderly_disability"},
    "edu": {"kind": "education"},
    "pbi": {"kind": "health_insurance"},
    "training": TRAINING,
    "credit": CREDIT,
    "coop": {"kind": "marketing_cooperative", "commodity": "coffee", "member_share": 0.5},
    "tax": {"kind": "export_tax", "commodity": "coffee", "rate": 0.05},
    "blt": {"kind": "village_cash", "excluding": ["pkh", "bpnt"]},
    "dtsen": {"kind": "registry_update", "start_month": 2},
}


def test_reporting_twice_gives_the_same_answer_and_changes_nothing():
    sc = scenario_with(**EVERY_KIND)
    sc.spinup_months = 1  # the fewest (the cohort is measured at the end of the spin-up)
    asked, left_alone = ValueChainModel(sc, seed=7), ValueChainModel(sc, seed=7)
    for _ in range(5):
        asked.step()
        left_alone.step()
        transfers_before = asked.ledger.transfers.copy()
        for p in asked.programmes:
            for k in range(len(asked.district_names)):
                assert _report(asked, p, k) == _report(asked, p, k), p.name
            if not isinstance(p, Intake):  # a plan that draws nothing only reads
                one, two = p.plan(asked), p.plan(asked)
                assert_array_equal(one.cost_idr, two.cost_idr)
                assert one.delivery.keys() == two.delivery.keys()
                for k in one.delivery:
                    assert_array_equal(one.delivery[k], two.delivery[k])
        assert_array_equal(asked.ledger.transfers, transfers_before)
    assert asked.indicators()["borrowers"].iloc[-1] > 0  # every lever was at work
    assert asked.indicators()["trainees"].iloc[-1] > 0
    pd.testing.assert_frame_equal(asked.indicators(), left_alone.indicators())


def test_deliver_hands_out_the_plan_it_is_given():
    model = ValueChainModel(scenario_with(training=TRAINING), seed=5)
    training = next(p for p in model.programmes if p.name == "training")
    checked = training.plan(model)  # the plan whose cost the budget saw
    training.plan(model)  # a second look draws another intake ...
    training.deliver(model, checked)  # ... but what is delivered is the plan checked
    started = np.flatnonzero(training.months_left > 0)
    assert_array_equal(started, np.sort(np.concatenate(list(checked.delivery.values()))))

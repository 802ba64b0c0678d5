"""Poverty measured as BPS measures it: lines in start-month rupiah, district lines, the cohort
fixed before any transfer of month 0, and the new monthly measures (hand-computed or relations)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from tests.programme_cases import BASE, scenario_with
from valuechain.config.loader import load_scenario
from valuechain.model.households.budgets import mark_poverty_at_start, poverty_lines
from valuechain.model.model import ValueChainModel

DISTRICT_LINE = [
    "districts.lampung_barat.poverty_line_idr_per_person_month=563561",
    'districts.lampung_barat.poverty_line_base_month="2024-03"',
]


def test_the_model_s_lines_are_in_rupiah_of_the_start_month() -> None:
    sc = BASE.scenario  # starts August 2024
    assert sc.start == "2024-08"
    lines = poverty_lines(sc)
    # March 2023 to August 2024: Apr-Dec 2023, Jan-Aug 2024
    usd190 = 351_957 * 1.0261**0.75 * 1.0157 ** (8 / 12)
    assert lines.shape == (1, 3)
    assert lines[0, 0] == pytest.approx(usd190, rel=1e-12)
    # the baseline gives Lampung Barat's own line of March 2024
    assert lines[0, 2] == pytest.approx(563_561 * 1.0157 ** (5 / 12), rel=1e-12)
    national = load_scenario(
        "scenarios/baseline_coffee.toml",
        ["districts.lampung_barat.poverty_line_idr_per_person_month=582932"],  # March 2024 too
    ).scenario
    assert poverty_lines(national)[0, 2] == pytest.approx(582_932 * 1.0157 ** (5 / 12), rel=1e-12)


def test_a_district_line_replaces_the_national_one() -> None:
    sc = load_scenario("scenarios/baseline_coffee.toml", DISTRICT_LINE).scenario
    lines = poverty_lines(sc)
    assert lines[0, 2] == pytest.approx(563_561 * 1.0157 ** (5 / 12), rel=1e-12)
    assert lines[0, 0] == poverty_lines(BASE.scenario)[0, 0]  # the extreme lines stay


def test_the_cohort_is_marked_by_hand() -> None:
    hh = SimpleNamespace(
        consumption_idr=np.array([900.0, 2000.0, 3000.0, 5000.0]),
        size=np.array([1.0, 4.0, 2.0, 2.0]),  # 900, 500, 1500, 2500 per person
        is_extreme_poor=np.array([True, True, False, False]),
        poor_at_start=np.zeros(4, dtype=bool),
        extreme_poor_at_start=np.zeros(4, dtype=bool),
    )
    mark_poverty_at_start(hh, slice(1, 4), 1_600.0)  # only households 1-3
    assert hh.poor_at_start.tolist() == [False, True, True, False]
    assert hh.extreme_poor_at_start.tolist() == [False, True, False, False]


def test_a_transfer_from_month_0_does_not_change_who_is_in_the_cohort() -> None:
    """A scenario paying PKH from month 0 and its baseline follow the same households."""
    pkh = {"kind": "pkh", "start_month": 0}
    scenario, baseline = scenario_with(pkh=pkh), BASE.scenario
    a, b = ValueChainModel(scenario, seed=11), ValueChainModel(baseline, seed=11)
    a.step()  # month 0: the transfer is paid
    b.step()
    assert a.ledger.transfers.sum() > b.ledger.transfers.sum()  # it was paid
    assert_array_equal(a.households.poor_at_start, b.households.poor_at_start)
    assert_array_equal(a.households.extreme_poor_at_start, b.households.extreme_poor_at_start)
    assert a.households.extreme_poor_at_start.any()


def test_the_cohort_is_the_poor_at_the_end_of_the_spin_up() -> None:
    model = ValueChainModel(BASE.scenario, seed=3)  # built: the spin-up has run
    hh = model.households
    pc = hh.consumption_idr / hh.size
    assert_array_equal(hh.poor_at_start, pc < model.poverty_lines[0, 2])
    assert_array_equal(hh.extreme_poor_at_start, pc < model.poverty_lines[0, 0])


def test_the_gap_in_rupiah_and_the_lines_in_current_rupiah() -> None:
    sc = load_scenario(
        "scenarios/baseline_coffee.toml",
        ["districts.lampung_barat.n_households=300", "months=6", *DISTRICT_LINE],
    ).scenario
    model = ValueChainModel(sc, seed=5)
    model.step()  # August 2024
    hh = model.households
    z190, _, znat = model.poverty_lines[0]
    pc = hh.consumption_idr / hh.size
    row = model.indicators().set_index("district").loc["all"]
    below = pc < z190
    assert row["extreme_poor_persons"] == pytest.approx(hh.persons[below].sum())
    gap_idr = (hh.persons * np.maximum(0.0, z190 - pc)).sum()
    assert row["extreme_poverty_gap_idr"] == pytest.approx(gap_idr, rel=1e-9)
    poor = pc < znat
    depth = np.where(poor, 1 - pc / znat, 0.0)
    assert row["poverty_gap_national"] == pytest.approx(
        (hh.persons * depth).sum() / hh.persons.sum(), rel=1e-9
    )
    assert row["line_national_idr_current"] == pytest.approx(znat, rel=1e-12)  # start month
    for _ in range(5):
        model.step()  # to January 2025
    ts = model.indicators()
    row = ts[(ts["date"] == "2025-01") & (ts["district"] == "all")].iloc[0]
    # the district's March-2024 line in January 2025: Apr-Dec 2024, then January 2025
    expected = 563_561 * 1.0157 ** (9 / 12) * 1.0292 ** (1 / 12)
    assert row["line_national_idr_current"] == pytest.approx(expected, rel=1e-12)
    assert row["line_190_idr_current"] == pytest.approx(
        351_957 * 1.0261**0.75 * 1.0157 * 1.0292 ** (1 / 12), rel=1e-12
    )
    assert row["line_215_idr_current"] == pytest.approx(391_000, rel=1e-12)  # its base month

"""Hiring that fits the jobs (ODD 7.4): reservation wages, screening, seasonal plants, and
training that changes who can be hired."""

import numpy as np
import pytest

from valuechain.config.loader import load_scenario
from valuechain.model.households.labour import reservation_wages
from valuechain.model.model import ValueChainModel

HILIR = "scenarios/hilirisasi_coffee.toml"
SIZE = ["districts.lampung_barat.n_households=6000", "months=24"]


def _model(path=HILIR, *overrides, seed=3):
    sc = load_scenario(path, [*SIZE, *overrides]).scenario
    return ValueChainModel(sc, seed=seed).run()


def test_reservation_wages_by_hand():
    model = _model(HILIR, "months=1")
    hh = model.households
    s = hh.district_slices[0]
    hh.permanent_income_idr[s][:3] = [3e6, 6e6, 1e6]
    hh.n_adults[s][:3] = [1, 2, 0]
    reservation_wages(hh, s, 1.5)
    # 1.5 x permanent income per working-age adult (a household without one counts as one)
    assert hh.reservation_idr[s][:3].tolist() == pytest.approx([4.5e6, 4.5e6, 1.5e6])
    reservation_wages(hh, s, 0.0)
    assert (hh.reservation_idr[s] == 0).all()
    model.release()


def test_reservation_wages_below_every_wage_are_todays_hiring():
    # a reservation of a few rupiah is below every plant's wage: the kernel's comparison
    # runs for every candidate and must turn nobody away, as with no reservation at all
    default = _model().summary()
    tiny = _model(HILIR, "districts.lampung_barat.labour.reservation_share=1e-9").summary()
    assert tiny == default


def test_reservation_wages_leave_the_low_paid_jobs_to_poorer_households():
    base = _model()
    picky = _model(HILIR, "districts.lampung_barat.labour.reservation_share=1.5")

    def mean_permanent_income_of_workers(m):
        hh = m.households
        held = hh.job_firm >= 0
        return float(np.average(hh.permanent_income_idr[held], weights=hh.weight[held]))

    assert mean_permanent_income_of_workers(picky) < mean_permanent_income_of_workers(base)
    for m in (base, picky):
        assert m.indicators().money_balance_residual.max() < 1.0
        m.release()


def test_a_plant_that_does_not_screen_hires_by_luck_not_skill():
    screen = _model()
    luck = _model(HILIR, "districts.lampung_barat.processors.koperasi_huller.screening=none")

    def mean_skill_of_huller_workers(m):
        hh = m.households
        held = hh.job_firm == 0  # the huller is the first plant
        return float(np.average(hh.skill[held], weights=hh.weight[held]))

    assert mean_skill_of_huller_workers(luck) < mean_skill_of_huller_workers(screen)


def test_a_seasonal_plant_runs_only_in_its_months():
    m = _model(
        HILIR, "districts.lampung_barat.processors.koperasi_huller.season_months=[5,6,7,8,9]"
    )
    plants = m.plants()
    huller = plants[plants.plant == "lampung_barat/koperasi_huller"]
    month = huller.date.str[5:].astype(int)
    outside = huller[~month.isin([5, 6, 7, 8, 9])]
    assert (outside.status == "off_season").all() and len(outside) > 0
    assert (outside.workers == 0).all() and (outside.processed_kg == 0).all()
    assert (huller[month.isin([5, 6, 7, 8, 9])].status != "off_season").all()
    assert m.indicators().mass_balance_residual.max() < 1e-5


def test_more_training_seats_never_mean_fewer_trained_workers_hired():
    # a roastery that needs skill 3, which few have: training widens its pool
    need = "districts.lampung_barat.processors.roastery_a.skill_required=3"
    hired = []
    for seats in (0, 400):
        m = _model(
            "scenarios/coffee_training.toml",
            need,
            f"policies.training.seats_per_month={seats}",
            "months=36",
        )
        hired.append(m.summary()["processing_jobs_trained_last12"])
        m.release()
    assert hired[1] >= hired[0]
    assert hired[1] > 0

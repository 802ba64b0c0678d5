"""Hiring that fits the jobs (ODD 7.4): reservation wages, screening, seasonal plants, and
training that changes who can be hired."""

import numpy as np
import pytest

from valuechain.config.loader import load_scenario
from valuechain.model import kernels
from valuechain.model.households.demography import women_after_ageing
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


# ------------------------------------------------------------------ second earners
def test_a_second_earner_takes_a_job_only_beside_a_first_and_with_a_second_adult():
    # household 0: one job, two adults -> its second earner is hired; 1: one job, one adult ->
    # skipped; 2: no job -> first job; 3: two jobs already -> skipped
    job = np.array([5, 5, -1, 5], dtype=np.int32)
    job2 = np.array([-1, -1, -1, 5], dtype=np.int32)
    adults = np.array([2, 1, 3, 2], dtype=np.int16)
    args = (np.ones(4, np.int16), adults, np.zeros(4, bool), 0, np.full(4, 2.0), 7, 1, 100.0)
    hired = kernels.hire_in_queue(np.arange(4), job, *args, np.zeros(4), 1.0, job2, True)
    assert hired == 4.0
    assert job.tolist() == [5, 5, 7, 5] and job2.tolist() == [7, -1, -1, 5]
    # without second earners nobody with a job is hired again
    job, job2 = np.array([5, -1], np.int32), np.full(2, -1, np.int32)
    args = (np.ones(2, np.int16), np.full(2, 2, np.int16), np.zeros(2, bool), 0, np.ones(2), 7)
    assert kernels.hire_in_queue(np.arange(2), job, *args, 1, 9.0, np.zeros(2), 1.0, job2, False)
    assert job.tolist() == [5, 7] and job2.tolist() == [-1, -1]


def test_a_first_job_that_ends_hands_its_place_to_the_second_earners():
    job = np.array([-1, -1, 3, 2], dtype=np.int32)
    job2 = np.array([4, -1, 1, -1], dtype=np.int32)
    kernels.promote_second_jobs(job, job2)
    assert job.tolist() == [4, -1, 3, 2] and job2.tolist() == [-1, -1, 1, -1]
    out = np.empty(4)
    wage = np.array([10.0, 20.0, 30.0, 40.0, 50.0, 0.0])  # the last (index -1): no job
    kernels.gather_wages(wage, job, job2, out)
    assert out.tolist() == [50.0, 0.0, 40.0 + 20.0, 30.0]


def test_free_workers_are_the_adults_less_both_jobs():
    farm, informal = np.empty(2), np.empty(2)
    # three adults with two jobs: one free worker; demand 1 worker-month fills it
    filled, farm_months, idle = kernels.work_month(
        np.array([3, 1], np.int16),
        np.array([0, 0], np.int32),
        np.array([1, -1], np.int32),
        np.ones(2),
        np.zeros(2),
        1.0,
        0.0,
        1000.0,
        600.0,
        farm,
        informal,
    )
    assert farm.tolist() == [1000.0, 0.0] and farm_months == 1.0 and filled == 1.0
    assert idle == 0.0 and informal.tolist() == [0.0, 0.0]


def test_women_follow_the_adults_as_they_age():
    rng = np.random.default_rng(0)
    # all-women households lose women, all-men ones none; new adults are women with share 1
    women = women_after_ageing(
        np.array([2, 0, 1]), np.array([2, 2, 1]), np.array([0, 0, 2]), np.array([1, 2, 0]), 1.0, rng
    )
    assert women.tolist() == [1, 0, 3]


def test_second_earners_hold_more_jobs_with_books_balanced():
    two = "districts.lampung_barat.labour.max_workers_per_household=2"
    one, both = _model(), _model(HILIR, two)
    hh = both.households
    held2 = hh.job_firm2 >= 0
    assert held2.any()
    assert (hh.n_adults[held2] >= 2).all() and (hh.job_firm[held2] >= 0).all()
    # the jobs counted in the indicators are the plants' workers
    ind = both.indicators()
    plants = both.plants()
    last = plants[plants.date == plants.date.max()]
    assert ind.processing_jobs.iloc[-1] == pytest.approx(last.workers.sum())
    assert ind.money_balance_residual.max() < 1.0 and ind.mass_balance_residual.max() < 1e-5
    # second earners are women where the household has one: more jobs held by women
    assert ind.processing_jobs_women.iloc[-1] > one.indicators().processing_jobs_women.iloc[-1]
    for m in (one, both):
        m.release()


def test_a_piece_rate_pays_for_the_work_there_was():
    m = _model(HILIR, "districts.lampung_barat.processors.koperasi_huller.piece_rate=true")
    plants = m.plants()
    huller = plants[plants.plant == "lampung_barat/koperasi_huller"]
    wage, per_kg = 2_716_496, 2_716_496 * 0.4 / 1000  # hull_grade: 0.4 worker-months per t
    full = huller.workers * wage
    assert huller.wage_bill_idr.to_numpy() == pytest.approx(
        np.minimum(full, huller.processed_kg * per_kg).to_numpy()
    )
    assert (huller.wage_bill_idr < full - 1.0).any()  # months of short work paid less
    assert m.indicators().money_balance_residual.max() < 1.0
    m.release()

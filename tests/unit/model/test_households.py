"""Household submodels on hand-made arrays: job matching, the registry's month."""

import numpy as np
from numpy.testing import assert_allclose

from valuechain.model.households.labour import Employers, match_jobs
from valuechain.model.households.state import FIELDS, Households


def _households(n, **arrays):
    """``n`` households of weight one in one district growing one commodity: every field
    zero but for ``arrays``; the hiring queue is household order."""
    columns = ("land_ha", "harvest_kg")  # one column per commodity
    state = {
        name: np.zeros((n, 1) if name in columns else n, dtype=dtype)
        for name, (dtype, _unit, _meaning) in FIELDS.items()
    }
    state["weight"] = np.ones(n)
    state |= {name: np.asarray(value, dtype=FIELDS[name][0]) for name, value in arrays.items()}
    hh = Households(commodities=("coffee",), district_slices=[slice(0, n)], **state)
    hh.labour_queue = [np.arange(n)]
    return hh


def _match(job_firm, skill, u, vacancies, wage, skill_required, plants=(0, 1)):
    n = len(job_firm)
    hh = _households(n, job_firm=job_firm, skill=skill, n_adults=[1] * n)
    employers = Employers(
        plant=np.array(plants),
        vacancies=np.array(vacancies, dtype=float),
        wage_idr=np.array(wage, dtype=float),
        skill_required=np.array(skill_required),
        n_plants=2,
    )
    workers = match_jobs(hh, 0, np.array(u, dtype=float), 0.02, employers)
    return workers, hh.job_firm.tolist()


def test_the_better_wage_hires_first():
    # plant 1 pays more and needs no skill: it takes the first in the queue (skill 2);
    # plant 0 needs skill 1 and gets the next
    workers, jobs = _match([-1, -1, -1], [2, 1, 0], [1, 1, 1], [1, 1], [100, 200], [1, 0])
    assert_allclose(workers, [1.0, 1.0])
    assert jobs == [1, 0, -1]


def test_who_leaves_is_not_rehired_and_skill_bars_the_rest():
    # household 0 leaves (u < 0.02); plant 0 wants 2 but 1 has a job and 2 lacks the skill
    workers, jobs = _match([0, 0, -1], [1, 1, 0], [0.01, 0.5, 0.5], [2], [100], [1], plants=(0,))
    assert_allclose(workers, [1.0])
    assert jobs == [-1, 0, -1]


def test_a_plant_with_no_vacancy_lets_everyone_go():
    workers, jobs = _match([0, 0, 0], [1, 1, 1], [1, 1, 1], [0], [100], [1], plants=(0,))
    assert_allclose(workers, [0.0])
    assert jobs == [-1, -1, -1]

"""The registry and the targeting sums against numbers worked out by hand."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from valuechain.config.programmes import Registry
from valuechain.model import kernels
from valuechain.model.households.state import FIELDS, Households
from valuechain.model.policies.base import quota_count, top_k
from valuechain.model.policies.registry import (
    RegistryState,
    certify,
    fit_pmt,
    pmt_observables,
)
from valuechain.model.rng import Streams


def _households(n, **arrays):
    """``n`` households of weight one in one upland district growing one commodity: every
    field zero but for ``arrays``."""
    columns = ("land_ha", "harvest_kg")
    state = {
        name: np.zeros((n, 1) if name in columns else n, dtype=dtype)
        for name, (dtype, _unit, _meaning) in FIELDS.items()
    }
    state["weight"] = np.ones(n)
    state["job_firm"] = np.full(n, -1, dtype=np.int32)
    state |= {name: np.asarray(value, dtype=FIELDS[name][0]) for name, value in arrays.items()}
    return Households(commodities=("coffee",), district_slices=[slice(0, n)], **state)


# ------------------------------------------------------------------ proxy-means fit

#: six households: adults (size), skill and land; log consumption per person is exactly
#: 7 - 0.3 log(size) + 0.5 skill + 0.2 log(1 + land)
SIZE = [1, 2, 3, 4, 2, 5]
SKILL = [0, 1, 2, 0, 3, 1]
LAND = [0.0, 1.0, 0.5, 2.0, 0.0, 3.0]
Y = 7 - 0.3 * np.log(SIZE) + 0.5 * np.array(SKILL) + 0.2 * np.log1p(LAND)


def _six():
    return _households(
        6,
        n_adults=SIZE,
        size=SIZE,
        skill=SKILL,
        land_ha=np.array(LAND)[:, None],
        consumption_idr=np.exp(Y) * np.array(SIZE),
    )


def test_the_proxy_means_fit_recovers_a_linear_relation_exactly():
    hh = _six()
    fit = fit_pmt(pmt_observables(hh, slice(0, 6)), Y, np.ones(6, dtype=bool))
    assert fit.r2 == pytest.approx(1.0, abs=1e-12)
    assert_allclose(fit.prediction, Y, atol=1e-9)
    # constant, log size, skill, log(1 + land); the columns that never vary get nothing
    assert_allclose(fit.coef[[0, 1, 9, 8]], [7.0, -0.3, 0.5, 0.2], atol=1e-9)
    assert_allclose(fit.coef[[2, 3, 4, 5, 6, 7, 10, 11]], 0.0, atol=1e-9)


def test_the_fit_uses_only_the_households_it_is_given():
    hh = _six()
    y = Y.copy()
    y[5] += 1.0  # household 5 breaks the relation, but it is left out of the fit
    fit = fit_pmt(pmt_observables(hh, slice(0, 6)), y, np.array([1, 1, 1, 1, 1, 0], bool))
    assert fit.r2 == pytest.approx(1.0, abs=1e-12)
    assert fit.prediction[5] == pytest.approx(Y[5])  # predicted from the others' fit


def test_certification_without_noise_scores_by_the_fit_and_registers_the_lowest():
    hh = _six()
    registry = Registry(score_noise_sd=0.0, coverage_share=0.5)
    state = RegistryState(registry, ["upland"], ["d"], hh, Streams(1))
    hh.enumerated[:] = True
    state.certify(hh, 0, np.zeros(6))
    assert_allclose(hh.registry_score, Y, atol=1e-9)
    # by hand: Y = 7.000, 7.431, 7.752, 6.804, 8.292, 7.295, so the order by score is
    # 3, 0, 5, 1, 2, 4 and the lowest half (ranks below 0.5) are households 3, 0 and 5
    assert_allclose(Y, [7.000, 7.431, 7.752, 6.804, 8.292, 7.295], atol=1e-3)
    assert_allclose(hh.registry_rank, [1 / 6, 3 / 6, 4 / 6, 0, 5 / 6, 2 / 6])
    assert hh.registered.tolist() == [True, False, False, True, False, True]
    assert state.fit_r2[0] == pytest.approx(1.0)
    assert state.certifications[0] == 1


def test_ranks_run_over_the_enumerated_only():
    score = np.array([4.0, 1.0, 3.0, 2.0])
    enumerated = np.array([True, True, False, True])
    cert = certify(score, enumerated, coverage_share=0.5)
    # enumerated by score: 1, 3, 0 -> ranks 0, 1/4, 2/4; household 2 was never seen
    assert_allclose(cert.rank, [0.5, 0.0, 1.0, 0.25])
    assert cert.registered.tolist() == [False, True, False, True]
    # even a registry for everyone cannot register a household it never enumerated
    assert certify(score, enumerated, 1.0).registered.tolist() == [True, True, False, True]


# ------------------------------------------------------------------ enumeration


def test_enumeration_draws_once_and_is_nested_when_the_share_falls():
    n = 200
    hh = _households(n, size=[1.0] * n, n_adults=[1] * n)
    registry = Registry(enumeration_miss_share={"upland": 0.3, "lowland": 0.1, "coastal": 0.1})
    state = RegistryState(registry, ["upland"], ["d"], hh, Streams(5))
    u = Streams(5).stream("targeting/enumeration/d").random(n)
    assert_array_equal(hh.u_enum, u)
    assert_array_equal(hh.enumerated, u >= 0.3)
    before = hh.enumerated.copy()
    state.update(hh, 0, miss_share=0.1, score_noise_sd=0.2, recertify_every_months=6)
    assert (hh.enumerated[before]).all()  # whoever was enumerated still is
    assert_array_equal(hh.enumerated, u >= 0.1)
    assert hh.enumerated.sum() > before.sum()
    # the update asks for a certification now, and takes its settings
    assert state.due(0, t=5, first=False)
    assert (state.score_noise_sd[0], state.recertify_every_months[0]) == (0.2, 6)
    state.certify(hh, 0, np.zeros(n))
    assert not state.due(0, t=5, first=False) and state.due(0, t=6, first=False)


def test_miss_shares_must_name_every_district_type():
    with pytest.raises(ValueError, match="every district type"):
        Registry(enumeration_miss_share={"upland": 0.2})


# ------------------------------------------------------------------ top-k enrolment


def test_top_k_takes_the_lowest_scores_among_the_eligible():
    score = np.array([5.0, 1.0, 4.0, 2.0, 3.0, 0.0])
    eligible = np.array([True, True, True, True, True, False])  # the lowest is not eligible
    assert top_k(score, eligible, 2).tolist() == [False, True, False, True, False, False]
    assert top_k(score, eligible, 0).tolist() == [False] * 6
    assert top_k(score, eligible, 9).tolist() == eligible.tolist()  # fewer than the quota
    assert quota_count(0.1, 500) == 50 and quota_count(0.07, 10) == 1


# ------------------------------------------------------------------ targeting sums


def test_targeting_sums_by_hand():
    n = 10
    keys = np.arange(n, dtype=np.int64)  # household i is the (i+1)-th poorest
    extreme = np.zeros(n, dtype=bool)
    extreme[:2] = True
    registered = np.zeros(n, dtype=bool)
    registered[[0, 1, 2, 7]] = True
    codes = np.zeros(n, dtype=np.uint64)
    codes[[0, 5]] |= np.uint64(1)  # programme 0, small: one poor household, one not
    codes[:6] |= np.uint64(2)  # programme 1, wide: the six poorest
    weight = np.ones(n)
    persons = np.full(n, 2.0)
    # target: the four poorest (keys <= 3); poorest decile: household 0
    per, common = kernels.targeting_sums(codes, 2, keys, 3, 0, extreme, registered, weight, persons)
    got = dict(zip(kernels.TARGETING_COMMON, common.tolist(), strict=True))
    assert got["target_households"] == 4 and got["decile_households"] == 1
    assert got["extreme_persons"] == 4
    # registry: 1 missed (household 3), 1 outside (household 7), 4 registered
    assert (got["registry_missed"], got["registry_outside"], got["registry_households"]) == (
        1,
        1,
        4,
    )
    # household 0 gets two programmes, household 1 one: 2 persons each
    assert [got[f"extreme_programmes_{c}"] for c in ("0", "1", "2", "3plus")] == [0, 2, 2, 0]
    assert got["extreme_programme_count"] == 2 * 2 + 2 * 1
    names = kernels.TARGETING_PER_PROGRAMME
    small, wide = (dict(zip(names, row, strict=True)) for row in per.tolist())
    assert small == {
        "recipients": 2,
        "target_missed": 3,
        "outside_target": 1,
        "extreme_receiving": 2,
        "decile_receiving": 1,
    }
    # the point of per-programme errors: a quota smaller than the target group misses 3 of
    # its 4 households (exclusion 0.75) while only half its recipients are outside (0.5)
    assert small["target_missed"] / 4 == 0.75
    assert small["outside_target"] / small["recipients"] == 0.5
    assert wide == {
        "recipients": 6,
        "target_missed": 0,
        "outside_target": 2,
        "extreme_receiving": 4,
        "decile_receiving": 1,
    }

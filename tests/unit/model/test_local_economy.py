"""The local multiplier (ODD 7.4): spending in the district comes back as informal income."""

import numpy as np
import pytest

from valuechain.config.loader import load_scenario
from valuechain.model.local_economy import LocalSpending, induced_income
from valuechain.model.model import ValueChainModel


def test_induced_income_follows_informal_earnings_by_hand():
    informal = np.array([100.0, 0.0, 200.0])
    weight = np.array([1.0, 2.0, 0.5])  # real informal earnings 100 + 0 + 100 = 200
    out = np.empty(3)
    assert induced_income(300.0, informal, weight, out) == pytest.approx(300.0)
    assert out.tolist() == pytest.approx([150.0, 0.0, 300.0])  # g = 300 / 200
    # a fall in spending cuts informal earnings to zero at most; the rest leaks out
    assert induced_income(-500.0, informal, weight, out) == pytest.approx(-200.0)
    assert out.tolist() == pytest.approx([-100.0, 0.0, -200.0])
    assert induced_income(50.0, np.zeros(3), weight, out) == 0.0
    assert (out == 0).all()


def test_spending_change_against_the_spin_up_year_by_hand():
    ls = LocalSpending([0.6, 0.0])
    for t, spent in zip(range(-14, 0), [50.0, 60.0, *[100.0] * 6, *[200.0] * 6], strict=True):
        assert ls.spending_change(t, 0, spent) == 0.0  # nothing induced before the start
    # reference: the last twelve months, (4 x 100 + 6 x 200 + 2 x 100) / 12... in order:
    # months -12..-1 were 100 x 6 and 200 x 6 -> 150
    assert ls.spending_change(0, 0, 250.0) == pytest.approx(0.6 * (250.0 - 150.0))


def _run(share, seed, path="scenarios/baseline_rubber.toml"):
    sc = load_scenario(
        path,
        [
            "districts.jambi_lowland.n_households=2000",
            "months=36",
            f"districts.jambi_lowland.labour.local_spending_share={share}",
        ],
    ).scenario
    model = ValueChainModel(sc, seed=seed).run()
    summary = model.summary()
    model.release()
    return summary


def test_no_multiplier_induces_nothing():
    s = _run(0.0, 1)
    assert s["cohort_income_change_induced"] == 0.0


@pytest.mark.parametrize("seed", [1, 2])
def test_a_larger_multiplier_never_means_fewer_exits_from_an_injection(seed):
    # the multiplier carries every change of spending, a fall in the rubber price as much as
    # a transfer; what it must never do is shrink the paired effect of an injection (PKH for
    # 10% more households, against the same baseline under the same shocks)
    effect = {}
    for share in (0.3, 0.6):
        pkh = _run(share, seed, "scenarios/rubber_pkh.toml")
        base = _run(share, seed)
        effect[share] = pkh["sustained_exits_final"] - base["sustained_exits_final"]
        assert pkh["max_abs_money_balance_residual"] < 1.0
    assert effect[0.6] >= effect[0.3]

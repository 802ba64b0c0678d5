"""Sensitivity analysis against analytic functions with known answers, and one real run.

The analysis layer is driven by SALib's own Ishigami function, ``f = sin x1 + 7 sin^2 x2 +
0.1 x3^4 sin x1`` on ``[-pi, pi]^3``, whose Sobol indices are known analytically
(S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437), and by a linear function whose Morris
elementary effects are its coefficients with no spread.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from SALib.analyze import morris as salib_morris
from SALib.analyze import sobol as salib_sobol
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from SALib.test_functions import Ishigami

from tests.sweep_cases import MORRIS_FACTORS, write_experiment
from valuechain.experiments.sensitivity import analyse_samples, write_sensitivity
from valuechain.experiments.sweep import run_experiment

ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
S1 = [0.3139, 0.4424, 0.0]
ST = [0.5576, 0.4424, 0.2437]


def test_sobol_indices_of_ishigami_match_the_analytic_values() -> None:
    X = sobol_sample.sample(ISHIGAMI, 2048, calc_second_order=True, seed=3)
    table, s2 = analyse_samples(
        "sobol", ISHIGAMI, X, Ishigami.evaluate(X), calc_second_order=True, seed=3
    )
    np.testing.assert_allclose(table["S1"], S1, atol=0.05)
    np.testing.assert_allclose(table["ST"], ST, atol=0.05)
    assert (table["S1_conf"] > 0).all() and (table["S1_conf"] < 0.1).all()
    s13 = s2.set_index(["factor_i", "factor_j"]).loc[("x1", "x3"), "S2"]
    assert s13 == pytest.approx(ST[0] - S1[0], abs=0.08)  # x1 and x3 interact, nothing else


def test_morris_of_a_linear_function_is_its_coefficients() -> None:
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    X = morris_sample.sample(problem, 20, num_levels=4, seed=1)
    Y = X @ np.array([3.0, -1.0, 0.0])
    table, _ = analyse_samples("morris", problem, X, Y, seed=1)
    np.testing.assert_allclose(table["mu"], [3.0, -1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(table["mu_star"], [3.0, 1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(table["sigma"], 0.0, atol=1e-12)


def test_morris_of_ishigami_is_salibs_analysis() -> None:
    X = morris_sample.sample(ISHIGAMI, 40, num_levels=4, seed=2)
    Y = Ishigami.evaluate(X)
    table, _ = analyse_samples("morris", ISHIGAMI, X, Y, seed=5, num_resamples=200)
    ref = salib_morris.analyze(ISHIGAMI, X, Y, num_resamples=200, num_levels=4, seed=5)
    for col in ("mu", "mu_star", "mu_star_conf", "sigma"):
        np.testing.assert_allclose(table[col], ref[col])
    assert table["mu_star"].iloc[2] < table["mu_star"].iloc[0]  # x3 acts through x1 only


# --------------------------------------------------------------------------- through a sweep

#: three keys that accept [-0.1, 0.1]: the drift of each chain's farm stage (a stage that
#: follows another has no drift of its own)
DRIFT = "chains.{}.stages.{}.drift_month"
STAGES = (("rubber", "slab"), ("coffee", "green_asalan"), ("fish", "fresh"))


class IshigamiModel:
    """Stands in for the model: its 'extreme_poverty_rate' is Ishigami of three scenario keys."""

    def __init__(self, scenario, seed: int):
        chains = scenario.chains
        x = np.array([chains[c].stages[s].drift_month for c, s in STAGES]) / 0.1 * np.pi
        self.y = float(Ishigami.evaluate(x[None, :])[0]) + 1e-3 * (seed % 7)  # a little noise

    def run(self):
        return self

    def indicators(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "step": [0],
                "date": ["2024-08"],
                "district": ["all"],
                "extreme_poverty_rate": [self.y],
            }
        )

    def summary(self) -> dict[str, float]:
        return {}

    def plants(self) -> pd.DataFrame:
        return pd.DataFrame()  # no plants

    def release(self) -> None:
        pass


def _ishigami_experiment(folder: Path, design: str) -> Path:
    factors = "".join(
        f'[factors.x{i + 1}]\nkey = "{DRIFT.format(*cs)}"\nbounds = [-0.1, 0.1]\n\n'
        for i, cs in enumerate(STAGES)
    )
    outputs = '[outputs.y]\nindicator = "extreme_poverty_rate"\naggregation = "final"\n'
    return write_experiment(folder, design=design, factors=factors, outputs=outputs)


@pytest.mark.parametrize(
    "design", ['kind = "sobol"\nbase_samples = 64', 'kind = "morris"\ntrajectories = 10']
)
def test_sweep_analysis_equals_salib_on_the_same_design(tmp_path: Path, design: str) -> None:
    """The analysis of a sweep is SALib's on the design and the replication means."""
    path = _ishigami_experiment(tmp_path, design)
    res = run_experiment(path, workers=1, out=tmp_path / "out", model_class=IshigamiModel)
    got = res.sensitivity(num_resamples=100)
    X = res.design[["x1", "x2", "x3"]].to_numpy()
    Y = res.runs.groupby("point")["y"].mean().to_numpy()  # replications averaged first
    np.testing.assert_allclose(Y, Ishigami.evaluate(X / 0.1 * np.pi) + 1e-3 * (11 % 7 + 12 % 7) / 2)
    kind = "sobol" if "sobol" in design else "morris"
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-0.1, 0.1]] * 3}
    # SALib called directly (not through the package), on the same design and means
    if kind == "sobol":
        want = salib_sobol.analyze(problem, Y, calc_second_order=False, num_resamples=100, seed=11)
        cols = ["S1", "ST"]
    else:
        want = salib_morris.analyze(problem, X, Y, num_resamples=100, num_levels=4, seed=11)
        cols = ["mu_star", "sigma"]
    np.testing.assert_allclose(
        got[cols].to_numpy(), np.column_stack([np.asarray(want[c]) for c in cols])
    )
    assert list(got["key"]) == [DRIFT.format(*cs) for cs in STAGES]
    if kind == "morris":
        assert got["mu_star"].idxmin() == 2  # x3 least influential


def test_a_small_real_morris_sweep_writes_its_indices_and_draws_nothing(tmp_path: Path) -> None:
    """The experiments stage computes and writes the table; figures are present's job."""
    path = write_experiment(
        tmp_path, design='kind = "morris"\ntrajectories = 3', factors=MORRIS_FACTORS, replications=1
    )
    res = run_experiment(path, workers=1, out=tmp_path / "out")
    written = write_sensitivity(res, num_resamples=50)
    assert written == [tmp_path / "out" / "sensitivity.csv"]
    table = pd.read_csv(written[0])
    assert set(table["output"]) == {"poverty", "jobs"} and len(table) == 6
    assert np.isfinite(table[["mu_star", "mu_star_conf", "sigma"]].to_numpy()).all()
    assert table.loc[table.output == "jobs", "unit"].iloc[0] == "workers"
    assert not (tmp_path / "out" / "figures").exists()

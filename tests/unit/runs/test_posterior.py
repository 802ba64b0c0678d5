"""``run --posterior``: replications draw their parameters from a calibration's posterior;
the total interval is never narrower than the shocks-only one, and a posterior concentrated
on one point gives the shocks-only interval."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from valuechain.errors import UserError
from valuechain.experiments.abc import read_posterior
from valuechain.runs.posterior import Posterior
from valuechain.runs.replications import run_scenario

KEY = "districts.lampung_barat.population.other_income_idr_per_month_median"
SIZE = ["districts.lampung_barat.n_households=1500", "months=14"]


def _calibration(tmp_path, values, weights=None, folder="cal", name="other_income", key=KEY):
    """A finished calibration folder holding ``values`` as its last generation."""
    d = tmp_path / folder
    d.mkdir()
    w = np.ones(len(values)) if weights is None else np.asarray(weights, float)
    pd.DataFrame({"generation": 0, name: values, "weight": w}).to_parquet(d / "posterior.parquet")
    median = float(np.median(values))
    manifest = {
        "kind": "calibration",
        "parameters": {name: {"median": median, "p05": median, "p95": median}},
        "keys": {name: key},
    }
    (d / "manifest.json").write_text(json.dumps(manifest))
    return d


def _run(posterior):
    return run_scenario(
        "scenarios/hilirisasi_coffee.toml",
        replications=3,
        overrides=SIZE,
        workers=1,
        posterior=posterior,
    )


def test_a_point_posterior_gives_the_shocks_only_interval(tmp_path):
    res = _run(read_posterior(_calibration(tmp_path, [900_000.0] * 5)))
    c = res.comparison.dropna(subset=["ci_low_total"])
    assert len(c) > 10
    assert np.allclose(c.difference_total, c.difference)
    assert np.allclose(c.ci_low_total, c.ci_low) and np.allclose(c.ci_high_total, c.ci_high)
    assert [d["values"]["other_income"] for d in res.posterior["draws"]] == [900_000.0] * 3


def test_the_total_interval_is_never_narrower_and_draws_follow_the_weights(tmp_path):
    post = read_posterior(_calibration(tmp_path, [500_000.0, 2_500_000.0], [1.0, 3.0]))
    res = _run(post)
    c = res.comparison.dropna(subset=["ci_low_total"])
    shocks = c.ci_high - c.ci_low
    total = c.ci_high_total - c.ci_low_total
    assert (total >= shocks - 1e-9 * np.maximum(1.0, shocks.abs())).all()
    assert (total > shocks).any()  # the parameters matter for some indicator
    # draws: weight 3 against 1 (many draws, fixed seed)
    values = [d["values"]["other_income"] for d in post.draws(7, 400)]
    assert 0.68 < np.mean(np.array(values) == 2_500_000.0) < 0.82
    assert res.draw_runs is not None and set(res.draw_runs.side) == {"scenario", "baseline"}


def test_posterior_needs_a_baseline_and_a_complete_calibration(tmp_path):
    with pytest.raises(UserError, match="no finished calibration"):
        read_posterior(tmp_path)
    post = read_posterior(_calibration(tmp_path, [900_000.0]))
    with pytest.raises(UserError, match="names none"):
        run_scenario(
            "scenarios/baseline_coffee.toml", replications=2, overrides=SIZE, posterior=post
        )
    assert math.isfinite(post.medians["other_income"])


def test_calibrations_of_two_districts_combine_and_draw_independently(tmp_path):
    coffee = read_posterior(_calibration(tmp_path, [1e6, 2e6, 3e6], folder="coffee"))
    other = "districts.jambi_lowland.population.other_income_idr_per_month_median"
    rubber = read_posterior(_calibration(tmp_path, [5e6, 6e6], folder="rubber", key=other))
    both = Posterior.combine([coffee, rubber])
    assert both.keys == {"coffee.other_income": KEY, "rubber.other_income": other}
    assert both.medians == {"coffee.other_income": 2e6, "rubber.other_income": 5.5e6}
    draws = both.draws(11, 300)
    # the first calibration draws as it does alone; the second from a stream of its own
    alone = [d["values"]["other_income"] for d in coffee.draws(11, 300)]
    assert [d["values"]["coffee.other_income"] for d in draws] == alone
    pairs = pd.DataFrame([d["values"] for d in draws])
    assert set(pairs["rubber.other_income"]) == {5e6, 6e6}
    # independent: each coffee value meets each rubber value about equally often
    counts = pd.crosstab(pairs["coffee.other_income"], pairs["rubber.other_income"])
    assert counts.shape == (3, 2) and counts.to_numpy().min() > 30
    assert [o.key for o in both.median_overrides()] == [KEY, other]


def test_two_calibrations_of_one_key_are_refused(tmp_path):
    a = read_posterior(_calibration(tmp_path, [1e6], folder="a"))
    b = read_posterior(_calibration(tmp_path, [2e6], folder="b"))
    with pytest.raises(UserError, match="both set"):
        Posterior.combine([a, b])

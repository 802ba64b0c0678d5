"""Every shipped scenario loads, names a baseline that loads, says what it asks, and runs."""

from pathlib import Path

import pytest

from valuechain.config.loader import load_scenario
from valuechain.model.model import ValueChainModel

SCENARIOS = sorted((Path(__file__).resolve().parents[2] / "scenarios").glob("*.toml"))


def test_the_library_is_complete():
    names = {p.stem for p in SCENARIOS}
    levers = [
        "pkh",
        "elderly_disability",
        "health_insurance",
        "dtsen_2025",
        "education",
        "training",
        "export_tax",
    ]
    for district in ("coffee", "rubber", "coastal"):
        assert f"baseline_{district}" in names and f"hilirisasi_{district}" in names
        assert f"no_assistance_{district}" in names  # the world without the 2024 system
        for lever in levers:
            assert f"{district}_{lever}" in names
    assert {"rubber_uppb", "coffee_cooperative", "coastal_cooperative"} <= names
    assert {"percepatan_2024", "baseline_2024"} <= names


def test_every_baseline_runs_the_2024_status_quo_and_every_lever_is_an_increment():
    """Each district baseline has the six programmes of 2024 running since before the start;
    a lever scenario keeps all of them as they are (it adds, it does not replace)."""
    status_quo = {"pkh", "bpnt", "pbi", "pbi_daerah", "pip", "atensi", "blt_dana_desa"}
    for path in SCENARIOS:
        sc = load_scenario(path).scenario
        if path.stem.startswith("no_assistance_"):
            assert not any(sc.policies[p].enabled for p in status_quo)
            continue
        assert status_quo <= set(sc.policies), path.stem
        for name in status_quo:
            assert sc.policies[name].enabled and sc.policies[name].since_before_start, name
        if sc.baseline:
            base = load_scenario(path.parent / sc.baseline).scenario
            for name in status_quo:
                assert sc.policies[name] == base.policies[name], (path.stem, name)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenario_runs(path):
    text = path.read_text()
    assert text.startswith(f"# {path.stem} —"), "a comment header naming the scenario"
    assert "Question" in text or path.stem.startswith("baseline"), "say what it answers"
    loaded = load_scenario(path)
    small = [f"districts.{d}.n_households=400" for d in loaded.scenario.districts]
    loaded = load_scenario(path, [*small, "months=8", "spinup_months=2"])
    if loaded.scenario.baseline:
        assert loaded.baseline_path().is_file()
        load_scenario(loaded.baseline_path())
    model = ValueChainModel(loaded.scenario, seed=1).run()
    ts = model.indicators()
    model.release()
    districts = loaded.scenario.districts
    types = {d.type for d in districts.values()} if len(districts) > 1 else set()
    assert len(ts) == 8 * (len(districts) + 1 + len(types))  # districts, all, type:<t>
    assert ts["mass_balance_residual"].abs().max() < 1e-3
    assert ts["money_balance_residual"].abs().max() < 1.0

"""Experiments in studies: a sweep against a baseline run into sweeps/<id>, reused when
nothing changed, run again from nothing when the experiment changed, resumed when unfinished;
clear errors for an experiment a report cannot use; sweep folders given directly."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.sweep_cases import BASELINE_RUBBER, CAPACITY, OUTPUTS, RUBBER, experiment_text
from valuechain.errors import MISSING, UserError
from valuechain.experiments import study as study_module
from valuechain.experiments import sweep as sweep_module
from valuechain.experiments.spec import load_experiment
from valuechain.experiments.study import (
    StudyError,
    load_study,
    match_sweep,
    open_result_folders,
    run_study,
)
from valuechain.experiments.sweep import EFFECTS_CSV
from valuechain.runs.parts import PARTS_DIR, part_paths
from valuechain.runs.replications import run_one_replication
from valuechain.runs.results import MANIFEST

REPO = Path(__file__).resolve().parents[3]
#: The study's settings: they apply to its scenario, not to its experiment.
STUDY_REPS, STUDY_SEED, STUDY_HOUSEHOLDS, MONTHS = 2, 5, 300, 12
#: The experiment's own: 2 capacities x 2 replications, and its baseline's 2 runs.
SWEEP_REPS, SWEEP_SEED, SWEEP_HOUSEHOLDS = 2, 11, 200
SWEEP_RUNS = 2 * SWEEP_REPS + SWEEP_REPS
ONE_FACTOR = f"""
[factors.capacity]
key = "{CAPACITY}"
levels = [{{low}}, 4000]
integer = true
"""


def _experiment(low: int = 500) -> str:
    return experiment_text(
        factors=ONE_FACTOR.format(low=low),
        outputs=OUTPUTS,
        replications=SWEEP_REPS,
        seed=SWEEP_SEED,
        households=SWEEP_HOUSEHOLDS,
        months=MONTHS,
        baseline=BASELINE_RUBBER.as_posix(),
    )


def _study_text(*, experiment: str = "", extra: str = "") -> str:
    experiment = experiment or (
        '[experiments.sizes]\nfile = "sizes.toml"\nlabel = "Remiller size"\ngroup = "rubber"\n'
    )
    return f"""
name = "small"

[settings]
replications = {STUDY_REPS}
seed = {STUDY_SEED}
months = {MONTHS}
households = {STUDY_HOUSEHOLDS}

[groups.rubber]
label = "Rubber"

[scenarios.plant]
file = "{RUBBER.as_posix()}"
label = "Remiller and smokehouses"
group = "rubber"

{experiment}
{extra}
"""


def _write_study(folder: Path, **kwargs) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sizes.toml").write_text(_experiment(), "utf-8")
    path = folder / "study.toml"
    path.write_text(_study_text(**kwargs), "utf-8")
    return path


class Counter:
    """Counts the runs of scenarios and of sweeps (workers=1 runs them in this process)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.scenario_runs = self.sweep_runs = 0
        monkeypatch.setattr(study_module, "run_one_replication", self.scenario)
        monkeypatch.setattr(sweep_module, "run_one_replication", self.sweep)

    def scenario(self, *args, **kwargs):
        self.scenario_runs += 1
        return run_one_replication(*args, **kwargs)

    def sweep(self, *args, **kwargs):
        self.sweep_runs += 1
        return run_one_replication(*args, **kwargs)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> tuple[Path, object, Counter]:
    """The small study run once from nothing: its folder, the StudyRuns, the runs made."""
    folder = tmp_path_factory.mktemp("study_x")
    path = _write_study(folder)
    with pytest.MonkeyPatch.context() as mp:
        counter = Counter(mp)
        runs = run_study(path, folder / "out", workers=1)
    return folder, runs, counter


@pytest.fixture
def copied(first_run, tmp_path) -> Path:
    """A copy of the first run's folder (study, experiment and results) to change."""
    folder = tmp_path / "study"
    shutil.copytree(first_run[0], folder)
    return folder


def _sweep_manifest(folder: Path) -> dict:
    return json.loads((folder / "out" / "sweeps" / "sizes" / MANIFEST).read_text())


# --------------------------------------------------------------------------- running


def test_an_experiment_runs_into_sweeps_with_its_paired_effects(first_run) -> None:
    folder, runs, counter = first_run
    assert counter.scenario_runs == 2 * STUDY_REPS  # the scenario and its baseline
    assert counter.sweep_runs == SWEEP_RUNS
    (e,) = runs.experiments
    assert (e.id, e.label, e.group, e.reused) == ("sizes", "Remiller size", "rubber", False)
    assert e.path == folder / "out" / "sweeps" / "sizes"
    assert (e.path / EFFECTS_CSV).is_file()
    effects = e.results().effects
    assert sorted(effects["point"].unique()) == [0, 1]
    assert set(effects["output"]) >= {"poverty", "jobs"}
    assert runs.n_run == 2
    assert runs.summary == (
        "0 scenarios reused, 1 run (plant: no results yet); "
        "0 experiments reused, 1 run (sizes: no results yet)"
    )


def test_the_studys_settings_do_not_apply_to_its_experiment(first_run) -> None:
    _, runs, _ = first_run
    res = runs.experiments[0].results()
    assert res.manifest["seeds"] == [SWEEP_SEED, SWEEP_SEED + 1]  # not the study's 5, 6
    assert res.manifest["replications"] == SWEEP_REPS
    for text in (res.manifest["scenario_text"], res.manifest["baseline"]["scenario_text"]):
        district = json.loads(text)["districts"]["jambi_lowland"]
        assert district["n_households"] == SWEEP_HOUSEHOLDS  # not the study's 300
    assert list(runs.scenarios[0].results().runs["seed"]) == [STUDY_SEED, STUDY_SEED + 1]


def test_a_second_call_runs_nothing_and_says_the_experiment_was_reused(copied, monkeypatch) -> None:
    before = _sweep_manifest(copied)
    counter = Counter(monkeypatch)
    runs = run_study(copied / "study.toml", copied / "out", workers=1)
    assert (counter.scenario_runs, counter.sweep_runs) == (0, 0)
    assert runs.summary == "1 scenario reused, none run; 1 experiment reused, none run"
    assert runs.n_run == 0 and runs.wall_time_s == 0
    assert runs.experiments[0].reused and runs.experiments[0].reason == ""
    assert _sweep_manifest(copied) == before


def test_a_changed_experiment_file_is_run_again_from_nothing(copied, monkeypatch) -> None:
    before = _sweep_manifest(copied)
    (copied / "sizes.toml").write_text(_experiment(low=1000), "utf-8")
    counter = Counter(monkeypatch)
    runs = run_study(copied / "study.toml", copied / "out", workers=1)
    assert (counter.scenario_runs, counter.sweep_runs) == (0, SWEEP_RUNS)  # the baseline too
    assert runs.summary == (
        "1 scenario reused, none run; 0 experiments reused, 1 run (sizes: experiment changed)"
    )
    after = _sweep_manifest(copied)
    assert after["content_hash"] != before["content_hash"] and after["runs_resumed"] == 0
    assert sorted(runs.experiments[0].results().effects["capacity"].unique()) == [1000, 4000]


def test_a_changed_set_runs_the_experiment_again(copied, monkeypatch) -> None:
    key = "districts.jambi_lowland.real_households"
    (copied / "study.toml").write_text(
        _study_text(
            experiment='[experiments.sizes]\nfile = "sizes.toml"\nlabel = "Remiller size"\n'
            f'set = ["{key} = 90000"]\n'
        )
    )
    counter = Counter(monkeypatch)
    runs = run_study(copied / "study.toml", copied / "out", workers=1)
    assert counter.sweep_runs == SWEEP_RUNS
    assert runs.experiments[0].reason == "experiment changed"
    m = runs.experiments[0].results().manifest
    for text in (m["scenario_text"], m["baseline"]["scenario_text"]):  # its base and baseline
        assert json.loads(text)["districts"]["jambi_lowland"]["real_households"] == 90000


def test_an_unfinished_sweep_resumes_its_finished_runs(copied, monkeypatch) -> None:
    folder = copied / "out" / "sweeps" / "sizes"
    (folder / MANIFEST).unlink()
    for f in part_paths(folder / PARTS_DIR, 1, 0):
        f.unlink()
    counter = Counter(monkeypatch)
    runs = run_study(copied / "study.toml", copied / "out", workers=1)
    assert counter.sweep_runs == 1
    assert runs.experiments[0].reason == "sweep unfinished"
    assert _sweep_manifest(copied)["runs_resumed"] == SWEEP_RUNS - 1


def test_match_sweep_decides_reuse_resume_or_restart(copied, monkeypatch) -> None:
    folder = copied / "out" / "sweeps" / "sizes"
    loaded = load_study(copied / "study.toml").experiments["sizes"].loaded
    found = match_sweep(loaded, folder)
    assert (found.reason, found.restart) == ("", False) and found.read is not None
    assert match_sweep(loaded, copied / "nowhere").reason == "no results yet"
    # another experiment's unfinished runs are discarded, not mixed with this one's
    (copied / "other.toml").write_text(_experiment(low=1000), "utf-8")
    other = load_experiment(copied / "other.toml")
    assert (match_sweep(other, folder).reason, match_sweep(other, folder).restart) == (
        "experiment changed",
        True,
    )
    (folder / MANIFEST).rename(folder / "kept.json")
    assert match_sweep(other, folder).restart  # the parts are this experiment's, not other's
    assert not match_sweep(loaded, folder).restart  # ... so this one resumes them
    (folder / "kept.json").rename(folder / MANIFEST)
    # another package version, or a damaged file: run from nothing
    monkeypatch.setattr(study_module, "package_version", lambda: "0.0.0")
    assert match_sweep(loaded, folder).reason == "package version changed"
    monkeypatch.undo()
    (folder / EFFECTS_CSV).write_text("x")
    damaged = match_sweep(loaded, folder)
    assert (damaged.reason, damaged.restart) == ("results incomplete", True)


# --------------------------------------------------------------------------- bad files


def _no_baseline(folder: Path) -> None:
    text = _experiment().replace(f'baseline = "{BASELINE_RUBBER.as_posix()}"', "")
    (folder / "sizes.toml").write_text(text, "utf-8")


@pytest.mark.parametrize(
    ("change", "key", "expected"),
    [
        (_no_baseline, "experiments.sizes.file", "an experiment that names a baseline"),
        (
            lambda f: (f / "study.toml").write_text(
                _study_text().replace('group = "rubber"\n\n\n', 'group = "x"\n\n\n')
            ),
            "experiments.sizes.group",
            "one of the [groups]",
        ),
        (
            lambda f: (f / "sizes.toml").unlink(),
            "experiments.sizes.file",
            "an existing experiment file",
        ),
        (
            lambda f: (f / "study.toml").write_text(
                _study_text().replace('label = "Remiller size"\n', "")
            ),
            "experiments.sizes.label",
            "missing",
        ),
        (
            lambda f: (f / "study.toml").write_text(
                _study_text().replace("[experiments.sizes]", "[experiments.Plant]")
            ),
            "experiments.Plant",
            "an id other than scenarios.plant's",
        ),
        (
            lambda f: (f / "study.toml").write_text(
                _study_text(extra='[experiments.again]\nfile = "sizes.toml"\nlabel = "Again"\n')
            ),
            "experiments.again.file",
            "runs the same as experiments.sizes",
        ),
        (
            lambda f: (f / "study.toml").write_text(
                _study_text().replace('group = "rubber"\n\n\n', 'set = ["polices.x = 1"]\n\n\n')
            ),
            "experiments.sizes.set: polices.x",
            "unknown key 'polices'",
        ),
    ],
    ids=[
        "no-baseline",
        "group-not-listed",
        "missing-file",
        "no-label",
        "id-of-a-scenario",
        "same-experiment-twice",
        "unknown-set-key",
    ],
)
def test_an_experiment_a_report_cannot_use_is_one_clear_error(
    tmp_path, change, key, expected
) -> None:
    path = _write_study(tmp_path)
    change(tmp_path)
    with pytest.raises(StudyError) as info:
        load_study(path)
    assert len(info.value.problems) == 1, str(info.value)
    problem = info.value.problems[0]
    assert problem.source == str(path)
    assert problem.path == key
    assert expected in problem.expected
    if key == "experiments.sizes.file" and "baseline" in expected:
        assert problem.value == "sizes.toml"
        assert [(r.path, r.value) for r in problem.related] == [("baseline", MISSING)]


def test_an_experiment_files_own_problem_names_the_study_key(tmp_path) -> None:
    path = _write_study(tmp_path)
    experiment = tmp_path / "sizes.toml"
    experiment.write_text(_experiment().replace(CAPACITY, CAPACITY + "_typo"), "utf-8")
    with pytest.raises(StudyError) as info:
        load_study(path)
    (problem,) = info.value.problems
    assert (problem.source, problem.path) == (str(experiment), "factors.capacity.key")
    assert [(r.source, r.path, r.value) for r in problem.related] == [
        (str(path), "experiments.sizes.file", "sizes.toml")
    ]


# --------------------------------------------------------------------------- result folders


def test_a_sweep_folder_with_effects_opens_beside_a_result_folder(first_run) -> None:
    _, runs, _ = first_run
    opened = open_result_folders([runs.scenarios[0].path, runs.experiments[0].path])
    assert [s.id for s in opened.scenarios] == ["plant"]
    (e,) = opened.experiments
    assert (e.id, e.group, e.reused) == ("sizes", None, True)
    assert e.label == "sizes"  # the experiment's name: its file has no description
    pd.testing.assert_frame_equal(e.results().effects, runs.experiments[0].results().effects)
    assert opened.name == "out"  # the study's folder, not sweeps/
    assert opened.summary == "2 result folders read, nothing run"


def _edit_manifest(folder: Path, edit) -> None:
    path = folder / MANIFEST
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda f: _edit_manifest(f, lambda m: (m.update(baseline=None), m["files"].clear())),
            "holds a sweep without a baseline",
        ),
        (lambda f: (f / EFFECTS_CSV).write_text("x"), "do not match the SHA-256"),
        (lambda f: (f / MANIFEST).unlink(), "not a complete result"),
    ],
    ids=["no-baseline", "damaged-file", "no-manifest"],
)
def test_a_sweep_folder_a_report_cannot_use_is_refused(copied, damage, message) -> None:
    folder = copied / "out" / "sweeps" / "sizes"
    damage(folder)
    with pytest.raises(UserError) as info:
        open_result_folders([folder])
    assert str(folder) in str(info.value) and message in str(info.value)
    assert info.value.hint


# --------------------------------------------------------------------------- shipped study


def test_hilirisasi_holds_the_remiller_experiment() -> None:
    study = load_study(REPO / "studies" / "hilirisasi.toml")
    e = study.experiments["remiller_capacity"]
    assert e.group == "rubber" and e.label
    assert e.file == REPO / "experiments" / "remiller_capacity_effects.toml"
    assert e.loaded.baseline is not None
    assert e.loaded.spec.replications == 4  # its own budget, not the study's 10

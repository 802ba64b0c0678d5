"""Studies: study files and their errors, running only what is missing (each result reused
when its manifest matches), atomic replacement, result folders given directly, and the
shipped studies."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from valuechain.errors import UserError
from valuechain.experiments import study as study_module
from valuechain.experiments.study import (
    StudyError,
    load_study,
    open_result_folders,
    run_study,
)
from valuechain.runs.replications import ScenarioRuns, run_one_replication, run_scenario
from valuechain.runs.results import MANIFEST, read_results

REPO = Path(__file__).resolve().parents[3]
SCENARIOS = REPO / "scenarios"
BASELINE = (SCENARIOS / "baseline_coffee.toml").as_posix()
REPS, MONTHS, HOUSEHOLDS = 2, 14, 300


def _scenario(extends: str, name: str, extra: str = "") -> str:
    return (
        f'extends = "{(SCENARIOS / extends).as_posix()}"\nbaseline = "{BASELINE}"\n'
        f'name = "{name}"\n{extra}'
    )


def _study_text(*, replications: int = REPS, b_set: str = "", extra: str = "") -> str:
    return f"""
name = "small"
description = "two levers of the coffee district"

[settings]
replications = {replications}
months = {MONTHS}
households = {HOUSEHOLDS}

[groups.transfers]
label = "Transfers"

[scenarios.a]
file = "a.toml"
group = "transfers"

[scenarios.b]
file = "b.toml"
label = "School support"
group = "transfers"
set = [{b_set}]
{extra}
"""


def _write_study(folder: Path, **kwargs) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.toml").write_text(_scenario("coffee_pkh.toml", "study_a"))
    (folder / "b.toml").write_text(_scenario("coffee_education.toml", "study_b"))
    path = folder / "study.toml"
    path.write_text(_study_text(**kwargs))
    return path


class Counter:
    """Counts the runs made (run_study with workers=1 runs them in this process)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.n = 0
        monkeypatch.setattr(study_module, "run_one_replication", self)

    def __call__(self, *args, **kwargs):
        self.n += 1
        return run_one_replication(*args, **kwargs)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> tuple[Path, object, int]:
    """The small study run once from nothing: its folder, the StudyRuns, the runs made."""
    folder = tmp_path_factory.mktemp("study")
    path = _write_study(folder)
    with pytest.MonkeyPatch.context() as mp:
        counter = Counter(mp)
        runs = run_study(path, folder / "out", workers=1)
    return folder, runs, counter.n


@pytest.fixture
def copied(first_run, tmp_path) -> Path:
    """A copy of the first run's folder (study, scenarios and results) to change."""
    folder = tmp_path / "study"
    shutil.copytree(first_run[0], folder)
    return folder


def _manifest(folder: Path, sid: str) -> dict:
    return json.loads((folder / "out" / "runs" / sid / MANIFEST).read_text())


# --------------------------------------------------------------------------- loading


def test_a_study_loads_with_its_settings_labels_and_groups(tmp_path) -> None:
    study = load_study(_write_study(tmp_path))
    assert study.name == "small"
    assert list(study.scenarios) == ["a", "b"]
    assert study.groups == {"transfers": "Transfers"}
    a, b = study.scenarios["a"], study.scenarios["b"]
    assert a.label == a.loaded.scenario.description != ""  # default: the description
    assert b.label == "School support"
    for s in (a, b):
        for loaded in (s.loaded, s.baseline):
            assert loaded.scenario.months == MONTHS
            assert loaded.scenario.districts["lampung_barat"].n_households == HOUSEHOLDS
        assert s.seeds == [s.loaded.scenario.seed, s.loaded.scenario.seed + 1]
        assert s.baseline.scenario.name == "baseline_coffee"


# --------------------------------------------------------------------------- running


def test_a_study_runs_each_world_once_and_writes_a_folder_per_scenario(first_run) -> None:
    folder, runs, n = first_run
    assert n == 3 * REPS  # a, b and their one shared baseline
    assert [s.id for s in runs.scenarios] == ["a", "b"]
    assert [s.reused for s in runs.scenarios] == [False, False]
    assert runs.summary == "0 scenarios reused, 2 run (a: no results yet; b: no results yet)"
    for s in runs.scenarios:
        assert s.path == folder / "out" / "runs" / s.id
        res = s.results()
        assert res.comparison is not None and res.baseline is not None
        assert list(res.runs["seed"]) == s.scenario.seeds


def test_a_study_folder_holds_what_run_scenario_gives(first_run) -> None:
    folder, _, _ = first_run
    sr = run_scenario(
        folder / "a.toml",
        replications=REPS,
        months=MONTHS,
        overrides=[f"districts.lampung_barat.n_households={HOUSEHOLDS}"],
    )
    res = read_results(folder / "out" / "runs" / "a")
    pd.testing.assert_frame_equal(res.runs, sr.runs)
    pd.testing.assert_frame_equal(res.baseline.runs, sr.baseline.runs)
    expected = sr.comparison.assign(note=sr.comparison["note"].fillna(""))
    pd.testing.assert_frame_equal(res.comparison, expected, check_dtype=False)


def test_a_second_call_runs_nothing_and_says_so(copied, monkeypatch) -> None:
    before = {s: _manifest(copied, s) for s in ("a", "b")}
    counter = Counter(monkeypatch)
    runs = run_study(copied / "study.toml", copied / "out", workers=1)
    assert counter.n == 0
    assert runs.summary == "2 scenarios reused, none run"
    assert all(s.reused for s in runs.scenarios) and runs.wall_time_s == 0
    assert {s: _manifest(copied, s) for s in ("a", "b")} == before


def test_a_changed_scenario_file_reruns_that_scenario_only(copied, monkeypatch) -> None:
    b_before = _manifest(copied, "b")
    a_before = _manifest(copied, "a")
    extra = "[policies.pkh_expansion]\nquota_share = 0.12\n"
    (copied / "a.toml").write_text(_scenario("coffee_pkh.toml", "study_a", extra))
    counter = Counter(monkeypatch)
    runs = run_study(copied / "study.toml", copied / "out", workers=1)
    assert counter.n == 2 * REPS  # a and its baseline
    assert runs.summary == "1 scenario reused, 1 run (a: scenario changed)"
    assert _manifest(copied, "b") == b_before
    a_after = _manifest(copied, "a")
    assert a_after["content_hash"] != a_before["content_hash"]
    assert a_after["baseline"]["content_hash"] == a_before["baseline"]["content_hash"]


def test_a_changed_set_reruns_that_scenario_only(copied, monkeypatch) -> None:
    a_before = _manifest(copied, "a")
    (copied / "study.toml").write_text(
        _study_text(b_set='"districts.lampung_barat.real_households = 81000"')
    )
    counter = Counter(monkeypatch)
    runs = run_study(copied / "study.toml", copied / "out", workers=1)
    assert counter.n == 2 * REPS
    assert [s.reused for s in runs.scenarios] == [True, False]
    assert _manifest(copied, "a") == a_before


def test_changed_replications_rerun_every_scenario(copied, monkeypatch) -> None:
    (copied / "study.toml").write_text(_study_text(replications=REPS + 1))
    counter = Counter(monkeypatch)
    runs = run_study(copied / "study.toml", copied / "out", workers=1)
    assert counter.n == 3 * (REPS + 1)
    assert runs.summary == (
        "0 scenarios reused, 2 run (a: replications changed; b: replications changed)"
    )
    assert _manifest(copied, "a")["replications"] == REPS + 1


def test_scenarios_of_different_replications_share_their_baseline(tmp_path) -> None:
    path = _write_study(tmp_path)
    path.write_text(path.read_text().replace(f"replications = {REPS}\n", ""))
    (tmp_path / "a.toml").write_text(_scenario("coffee_pkh.toml", "study_a", "replications = 2"))
    (tmp_path / "b.toml").write_text(
        _scenario("coffee_education.toml", "study_b", "replications = 1")
    )
    runs = run_study(path, tmp_path / "out", workers=1)
    assert [s.results().replications for s in runs.scenarios] == [2, 1]
    assert [s.results().baseline.replications for s in runs.scenarios] == [2, 1]


def test_an_incomplete_folder_is_run_again(copied, monkeypatch) -> None:
    (copied / "out" / "runs" / "b" / MANIFEST).unlink()
    runs = run_study(copied / "study.toml", copied / "out", workers=1)
    assert runs.summary == "1 scenario reused, 1 run (b: results incomplete)"
    read_results(copied / "out" / "runs" / "b")


def test_an_interrupted_write_leaves_the_previous_result_whole(copied, monkeypatch) -> None:
    before = _manifest(copied, "a")
    extra = "[policies.pkh_expansion]\nquota_share = 0.12\n"
    (copied / "a.toml").write_text(_scenario("coffee_pkh.toml", "study_a", extra))
    real_write = ScenarioRuns.write

    def write_then_fail(self, directory):
        real_write(self, directory)
        (Path(directory) / MANIFEST).unlink()  # as if killed before the manifest
        raise KeyboardInterrupt

    monkeypatch.setattr(ScenarioRuns, "write", write_then_fail)
    with pytest.raises(KeyboardInterrupt):
        run_study(copied / "study.toml", copied / "out", workers=1)
    runs_dir = copied / "out" / "runs"
    assert read_results(runs_dir / "a").manifest["content_hash"] == before["content_hash"]
    monkeypatch.undo()
    runs = run_study(copied / "study.toml", copied / "out", workers=1)
    assert runs.summary == "1 scenario reused, 1 run (a: scenario changed)"
    assert sorted(p.name for p in runs_dir.iterdir()) == ["a", "b"]  # no stray folder


# --------------------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    ("change", "key", "expected"),
    [
        (lambda t: "colour = 1\n" + t, "colour", "unknown key"),
        (
            lambda t: t.replace("months = 14", "monhts = 14"),
            "settings.monhts",
            "unknown key",
        ),
        (
            lambda t: t.replace('label = "School support"', 'lable = "x"'),
            "scenarios.b.lable",
            "unknown key",
        ),
        (
            lambda t: t.replace('file = "a.toml"', 'file = "nowhere.toml"'),
            "scenarios.a.file",
            "an existing scenario file",
        ),
        (
            lambda t: t.replace('file = "a.toml"', f'file = "{BASELINE}"'),
            "scenarios.a.file",
            "names a baseline",
        ),
        (
            lambda t: t.replace('file = "b.toml"', 'file = "a.toml"'),
            "scenarios.b.file",
            "runs the same as scenarios.a",
        ),
        (
            lambda t: t + '\n[scenarios.A]\nfile = "b.toml"\nset = ["seed = 3"]\n',
            "scenarios.A",
            "an id not 'a' in another case",
        ),
        (lambda t: t + '\n[scenarios.a]\nfile = "b.toml"\n', "", "malformed TOML"),
        (
            lambda t: t.replace(
                'group = "transfers"\n\n[scenarios.b]', 'group = "x"\n\n[scenarios.b]'
            ),
            "scenarios.a.group",
            "one of the [groups]",
        ),
        (
            lambda t: t.replace("set = []", 'set = ["months"]'),
            "scenarios.b.set",
            "expected KEY=VALUE",
        ),
        (
            lambda t: t.replace("set = []", 'set = ["polices.x = 1"]'),
            "scenarios.b.set: polices.x",
            "unknown key 'polices'",
        ),
        (
            lambda t: t.replace("replications = 2", "replications = 0"),
            "settings.replications",
            "greater than or equal to 1",
        ),
    ],
    ids=[
        "unknown-top-key",
        "unknown-setting",
        "unknown-scenario-key",
        "missing-file",
        "no-baseline",
        "same-scenario-twice",
        "id-differing-in-case",
        "duplicate-id",
        "group-not-listed",
        "bad-set-text",
        "unknown-set-key",
        "no-replications",
    ],
)
def test_a_bad_study_file_is_one_clear_error(tmp_path, change, key, expected) -> None:
    path = _write_study(tmp_path)
    path.write_text(change(path.read_text()))
    with pytest.raises(StudyError) as info:
        load_study(path)
    assert len(info.value.problems) == 1, str(info.value)
    problem = info.value.problems[0]
    assert problem.source == str(path)
    assert problem.path == key
    assert expected in problem.expected


# --------------------------------------------------------------------------- result folders


def test_result_folders_open_as_a_study(first_run) -> None:
    _, runs, _ = first_run
    opened = open_result_folders([s.path for s in runs.scenarios])
    assert [s.id for s in opened.scenarios] == ["a", "b"]
    assert [s.label for s in opened.scenarios] == [
        s.scenario.loaded.scenario.description for s in runs.scenarios
    ]
    assert all(s.group is None and s.reused for s in opened.scenarios)
    assert opened.name == "out" and opened.study is None  # the study's folder, not runs/
    assert opened.summary == "2 result folders read, nothing run"
    assert opened.scenarios[0].results().comparison is not None


def _edit_manifest(folder: Path, edit) -> None:
    path = folder / MANIFEST
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / MANIFEST).unlink(), "not a complete result"),
        (lambda f: _edit_manifest(f, lambda m: m.pop("content_hash")), "older results format"),
        (lambda f: _edit_manifest(f, lambda m: m.pop("package_version")), "lacks package_version"),
        (lambda f: _edit_manifest(f, lambda m: m.update(format_version=2)), "older results"),
        (
            lambda f: _edit_manifest(f, lambda m: (m.update(baseline=None), m["files"].clear())),
            "no baseline/ and comparison.csv",
        ),
        (lambda f: _edit_manifest(f, lambda m: m.update(kind="sweep")), "holds a sweep"),
        (lambda f: _edit_manifest(f, lambda m: m.update(kind="calibration")), "a calibration"),
        (lambda f: (f / "runs.parquet").write_bytes(b"x"), "does not match the SHA-256"),
        (lambda f: shutil.rmtree(f), "no results folder"),
    ],
    ids=[
        "no-manifest",
        "no-content-hash",
        "no-package-version",
        "old-format-version",
        "no-baseline",
        "sweep",
        "calibration",
        "damaged-file",
        "missing",
    ],
)
def test_a_result_folder_a_report_cannot_use_is_refused(copied, damage, message) -> None:
    folder = copied / "out" / "runs" / "a"
    damage(folder)
    with pytest.raises(UserError) as info:
        open_result_folders([folder, copied / "out" / "runs" / "b"])
    assert str(folder) in str(info.value) and message in str(info.value)
    assert info.value.hint


def test_a_result_folder_given_twice_is_refused(first_run) -> None:
    path = first_run[1].scenarios[0].path
    with pytest.raises(UserError, match="given twice"):
        open_result_folders([path, path])


# --------------------------------------------------------------------------- shipped studies


@pytest.mark.parametrize("name", ["levers_2024", "hilirisasi"])
def test_the_shipped_studies_load_and_every_scenario_has_a_baseline(name) -> None:
    study = load_study(REPO / "studies" / f"{name}.toml")
    for s in study.scenarios.values():
        assert s.file.is_file() and s.baseline.path is not None
        assert s.group in study.groups


def test_levers_2024_holds_every_lever_scenario() -> None:
    study = load_study(REPO / "studies" / "levers_2024.toml")
    # the three shipped districts' levers (the cocoa district is docs/new_district.md's example)
    levers = {
        p.name
        for pattern in ("coffee_*", "rubber_*", "coastal_*", "hilirisasi_*", "no_assistance_*")
        for p in SCENARIOS.glob(f"{pattern}.toml")
        if "cocoa" not in p.name
    } | {"percepatan_2024.toml"}
    assert {s.file.name for s in study.scenarios.values()} == levers


def test_the_documented_example_loads(tmp_path) -> None:
    doc = study_module.__doc__
    example = doc[doc.index("::\n") + 3 : doc.index("A scenario's ``set``")]
    text = "\n".join(line.removeprefix("    ") for line in example.splitlines())
    path = tmp_path / "example.toml"
    text = text.replace("../scenarios/", f"{SCENARIOS.as_posix()}/")
    path.write_text(text.replace("../experiments/", f"{(REPO / 'experiments').as_posix()}/"))
    study = load_study(path)
    roastery = study.scenarios["big_roastery"]
    plant = roastery.loaded.scenario.districts["lampung_barat"].processors["roastery_a"]
    assert plant.capacity_t_per_month == 80  # set_scenario: the scenario alone
    for loaded in (roastery.loaded, roastery.baseline):
        district = loaded.scenario.districts["lampung_barat"]
        assert district.real_households == 90_000  # set: both
        assert district.n_households == 4000
        assert loaded.scenario.registry.score_noise_sd == 0.5
    assert study.groups == {"transfers": "Transfers", "processing": "Processing"}
    remiller = study.experiments["remiller_size"]
    assert (remiller.label, remiller.group) == ("Remiller size", "processing")
    for loaded in (remiller.loaded.base, remiller.loaded.baseline):
        district = loaded.scenario.districts["jambi_lowland"]
        assert district.real_households == 90_000  # set: its base and its baseline
        assert district.n_households == 5000  # the experiment's own, not the settings'
        assert loaded.scenario.registry.score_noise_sd != 0.5  # settings.set does not apply

"""The real command line, in a subprocess, on tiny scenarios."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from tests.cli_run import cli
from tests.scenario_text import BASE, PLANT, SHIPPED_BASELINE
from valuechain.runs.replications import run_scenario

REPLICATIONS, MONTHS, DISTRICTS = 2, 6, 1
KEYS = ["scenario", "replication", "seed"]
TS_KEYS = [*KEYS, "step", "date", "district"]
COMPARISON_COLUMNS = [
    "indicator", "label", "unit", "n", "scenario_mean", "baseline_mean",
    "difference", "se", "ci_low", "ci_high", "note",
]  # fmt: skip


@pytest.fixture(scope="module")
def paired(tmp_path_factory, tiny_factory):
    """One `valuechain run` of the tiny scenario with its baseline, on two workers."""
    files = tiny_factory(tmp_path_factory.mktemp("e2e"))
    out = files.folder / "out"
    proc = cli("run", files.scenario, "--out", out, "--workers", "2", cwd=files.folder)
    assert proc.returncode == 0, proc.stderr
    return files, out, proc


def test_run_writes_every_file(paired):
    _, out, _ = paired
    for d in (out, out / "baseline"):
        for name in ("manifest.json", "runs.parquet", "timeseries.parquet"):
            assert (d / name).is_file(), d / name
    assert (out / "comparison.csv").is_file()
    for stem in ("extreme_poverty", "processing_jobs"):
        for ext in ("png", "svg"):
            assert (out / "figures" / f"{stem}.{ext}").stat().st_size > 1000
    assert not list(out.rglob("*.tmp"))


def test_tables_have_the_documented_layout(paired):
    _, out, _ = paired
    for d, name in ((out, "tiny_huller"), (out / "baseline", "tiny_baseline")):
        runs = pd.read_parquet(d / "runs.parquet")
        ts = pd.read_parquet(d / "timeseries.parquet")
        assert list(runs.columns[:3]) == KEYS
        assert "extreme_poverty_rate_march_last" in runs.columns
        assert len(runs) == REPLICATIONS
        assert runs["seed"].tolist() == [1234, 1235]
        assert list(ts.columns[:6]) == TS_KEYS
        for col in ("extreme_poverty_rate", "processing_jobs", "farmgate_price_coffee"):
            assert col in ts.columns
        assert len(ts) == REPLICATIONS * MONTHS * (DISTRICTS + 1)
        assert set(ts["district"]) == {"lampung_barat", "all"}
        assert set(ts["scenario"]) == set(runs["scenario"]) == {name}


def test_manifest_records_what_was_run(paired):
    _, out, _ = paired
    m = json.loads((out / "manifest.json").read_text())
    assert m["scenario"] == "tiny_huller"
    assert m["seeds"] == [1234, 1235] and m["replications"] == REPLICATIONS
    assert m["package_version"]
    assert m["git_revision"] is None  # run from a temporary folder, no git checkout
    text = json.loads(m["scenario_text"])
    assert text["name"] == "tiny_huller" and text["months"] == MONTHS
    assert len(m["content_hash"]) == 64
    assert len(m["wall_time_s"]["per_run"]) == REPLICATIONS and m["wall_time_s"]["total"] > 0
    assert {"python", "numpy", "mesa"} <= set(m["versions"])
    assert m["overrides"] == []
    assert m["command"][:2] == ["valuechain", "run"]
    b = m["baseline"]
    assert b["scenario"] == "tiny_baseline"
    assert json.loads(b["scenario_text"])["name"] == "tiny_baseline"
    bm = json.loads((out / "baseline" / "manifest.json").read_text())
    assert bm["seeds"] == m["seeds"]  # common random numbers
    assert bm["content_hash"] == b["content_hash"]


def test_comparison_is_written_and_printed(paired):
    _, out, proc = paired
    comp = pd.read_csv(out / "comparison.csv")
    assert list(comp.columns) == COMPARISON_COLUMNS
    for key in ("extreme_poverty_rate_march_last", "extreme_poverty_rate_mean_last12",
                "sustained_exits_final", "processing_jobs_last12", "poverty_rate_march_last",
                "farmgate_price_coffee_last12", "fiscal_cost_cum"):  # fmt: skip
        assert key in set(comp["indicator"])
    # the tiny run (August 2024 on) has a September but no March: those rows have no pairs
    march = comp["indicator"].str.contains("_march_")
    assert (comp.loc[march, "n"] == 0).all() and march.any()
    # a replication of this tiny district with nobody extreme poor at the start (or no
    # sustained exit) has no income change by channel for them (NaN): no pair
    channels = comp["indicator"].str.contains("_income_change_")
    assert (comp.loc[~march & ~channels, "n"] == REPLICATIONS).all()
    assert (comp.loc[channels, "n"] <= REPLICATIONS).all() and channels.any()
    assert "cost_per_poverty_person_year_avoided" in set(comp["indicator"])
    assert "Poverty by BPS round" in proc.stdout
    assert str(out) in proc.stdout
    assert "Compared with baseline tiny_baseline" in proc.stdout
    assert "extreme_poverty_rate_march_last" in proc.stdout
    assert "extreme_poverty.png" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_python_api_gives_the_same_results_as_the_cli(paired):
    files, out, _ = paired
    sr = run_scenario(files.scenario, workers=1)
    pd.testing.assert_frame_equal(sr.timeseries, pd.read_parquet(out / "timeseries.parquet"))
    pd.testing.assert_frame_equal(sr.runs, pd.read_parquet(out / "runs.parquet"))
    pd.testing.assert_frame_equal(
        sr.baseline.timeseries, pd.read_parquet(out / "baseline" / "timeseries.parquet")
    )


def test_figures_command_redraws_from_the_results(paired, tmp_path):
    _, out, _ = paired
    proc = cli("figures", out, "--out", tmp_path / "figs")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "figs" / "extreme_poverty.svg").is_file()
    assert (tmp_path / "figs" / "processing_jobs.png").is_file()


def test_options_are_overrides_and_one_replication_explains_its_nan(tiny):
    out = tiny.folder / "one"
    proc = cli(
        "run", tiny.baseline, "--replications", "1", "--seed", "7", "--months", "3",
        "--set", "policies.bpnt.amount_idr_per_month=250000", "--out", out, "--no-figures",
        "--workers", "1",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    m = json.loads((out / "manifest.json").read_text())
    assert m["seeds"] == [7]
    assert m["overrides"] == ["policies.bpnt.amount_idr_per_month=250000", "seed=7", "months=3"]
    text = json.loads(m["scenario_text"])
    assert text["policies"]["bpnt"]["amount_idr_per_month"] == 250000
    assert len(pd.read_parquet(out / "timeseries.parquet")) == 3 * (DISTRICTS + 1)
    assert not (out / "figures").exists() and not (out / "comparison.csv").exists()
    assert "1 replication" in proc.stdout and "at least 2 replications" in proc.stdout


def test_default_output_folder_is_results_slash_name(tiny):
    proc = cli("run", tiny.baseline, "-n", "1", "--months", "2", "--no-figures", cwd=tiny.folder)
    assert proc.returncode == 0, proc.stderr
    assert (tiny.folder / "results" / "tiny_baseline" / "manifest.json").is_file()


def test_validate_ok(tiny):
    proc = cli("validate", tiny.scenario)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("OK: tiny_huller (1 district, coffee, 6 months); hash ")
    assert len(lines[0].rsplit("hash ", 1)[1]) == 12
    assert lines[1].startswith("OK: baseline tiny_baseline")


# --------------------------------------------------------------------------- user errors

#: name -> (file text or None, extra arguments, texts stderr must contain)
ERRORS = {
    "unknown key": (BASE + "monthz = 3\n", [], ["case.toml", "monthz", "unknown key"]),
    "wrong type": (BASE + 'months = "many"\n', [], ["case.toml", "months", "'many'"]),
    "negative capacity": (
        BASE + PLANT.format(capacity=-5),
        [],
        ["case.toml", "capacity_t_per_month", "-5"],
    ),
    "share out of range": (
        BASE + "[districts.lampung_barat.crops.coffee]\nshare_growing = 1.5\n",
        [],
        ["case.toml", "share_growing", "1.5"],
    ),
    "malformed TOML": (BASE + "months = = 3\n", [], ["case.toml", "malformed TOML"]),
    "missing file": (None, [], ["case.toml", "no such scenario file"]),
    "missing extends target": ('extends = "gone.toml"\n', [], ["gone.toml", "no such"]),
    "unknown --set key": (BASE, ["--set", "monthz=3"], ["--set", "monthz", "unknown key"]),
    "bad --set syntax": (BASE, ["--set", "months"], ["--set", "KEY=VALUE"]),
    "boolean for a number": (
        BASE + "[health]\ncost_idr = true\n",
        [],
        ["case.toml: health.cost_idr = true", "not true or false"],
    ),
    "infinite number": (BASE + "[health]\ncost_idr = inf\n", [], ["health.cost_idr = inf"]),
    "nan override": (BASE, ["--set", "health.cost_idr=nan"], ["--set: health.cost_idr = nan"]),
    "absurd money": (
        BASE + '[policies.ed]\nkind = "elderly_disability"\namount_idr_per_person_month = 1e20\n',
        [],
        ["case.toml: policies.ed.amount_idr_per_person_month = 1e+20", "less than or equal"],
    ),
    "shares not summing to one": (
        BASE
        + "[chains.coffee]\nseason_share_by_month = [0.5, 0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n",
        [],
        ["case.toml: chains.coffee.season_share_by_month", "sum to 1", "1.5"],
    ),
    "wage below the inherited minimum wage": (
        BASE + PLANT.format(capacity=10).replace("3000000", "1000000"),
        [],
        [
            "case.toml: districts.lampung_barat.processors.h1.wage_idr_per_month = 1000000",
            f"{SHIPPED_BASELINE}: districts.lampung_barat.minimum_wage_idr_per_month = 2716496",
        ],
    ),
}


#: `validate` is tried on every mistake; `run` (the same loader) on a few.
ERROR_CASES = [("validate", case) for case in sorted(ERRORS)] + [
    ("run", case) for case in ("unknown key", "missing file", "bad --set syntax")
]


@pytest.mark.parametrize(("command", "case"), ERROR_CASES)
def test_user_errors_exit_2_with_a_message_and_no_traceback(command, case, tmp_path):
    text, extra, expected = ERRORS[case]
    path = tmp_path / "case.toml"
    if text is not None:
        path.write_text(text)
    proc = (
        cli(command, path, *extra, "--out", tmp_path / "o")
        if command == "run"
        else cli(command, path, *extra)
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: ")
    assert "hint: " in proc.stderr
    for bit in expected:
        assert bit in proc.stderr, f"{bit!r} missing from: {proc.stderr}"
    if command == "run":
        assert not (tmp_path / "o").exists()  # nothing written


def test_override_unknown_to_the_baseline(tiny):
    key = "districts.lampung_barat.processors.huller.capacity_t_per_month"
    proc = cli("run", tiny.scenario, "--set", f"{key}=10", "--out", tiny.folder / "o")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "baseline" in proc.stderr and "huller" in proc.stderr
    assert "hint: " in proc.stderr and "--set-scenario" in proc.stderr


def test_set_scenario_changes_a_plant_the_baseline_lacks(tiny):
    key = "districts.lampung_barat.processors.huller.capacity_t_per_month"
    out = tiny.folder / "o"
    proc = cli(
        "run", tiny.scenario, "--set-scenario", f"{key}=10", "--set", "months=2", "-n", "1",
        "--out", out, "--no-figures", "--workers", "1",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = json.loads(json.loads((out / "manifest.json").read_text())["scenario_text"])
    assert text["districts"]["lampung_barat"]["processors"]["huller"]["capacity_t_per_month"] == 10
    assert json.loads((out / "baseline" / "manifest.json").read_text())["seeds"] == [1234]


def test_set_takes_a_list_value(tiny):
    shares = "districts.lampung_barat.population.skill_shares=[0.5, 0.3, 0.15, 0.05]"
    proc = cli("validate", tiny.scenario, "--set", shares)
    assert proc.returncode == 0, proc.stderr
    # the list arrives as a list: one that does not sum to one is refused, naming the key
    wrong = shares.replace("0.05]", "0.5]")
    proc = cli("validate", tiny.scenario, "--set", wrong)
    assert proc.returncode == 2 and "population.skill_shares" in proc.stderr, proc.stderr


def test_inherited_baseline_is_found_beside_the_file_that_names_it(tmp_path):
    rubber = SHIPPED_BASELINE.parent / "hilirisasi_rubber.toml"
    mine = tmp_path / "mine.toml"
    mine.write_text(f'extends = "{rubber.as_posix()}"\nname = "mine"\n')
    proc = cli("validate", mine, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1].startswith("OK: baseline baseline_rubber")


def test_unwritable_output_folder(tiny):
    blocker = tiny.folder / "a_file"
    blocker.write_text("not a folder")
    proc = cli("run", tiny.baseline, "--out", blocker / "out", "-n", "1", "--months", "1")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "cannot write" in proc.stderr and "--out" in proc.stderr


def test_figures_of_a_missing_or_incomplete_result(tmp_path):
    proc = cli("figures", tmp_path / "nothing")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "no results directory" in proc.stderr
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "runs.parquet").write_bytes(b"")
    proc = cli("figures", tmp_path / "half")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "no manifest.json" in proc.stderr and "valuechain run" in proc.stderr


def test_bad_option_values_are_usage_errors(tiny):
    proc = cli("run", tiny.baseline, "--replications", "0")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--replications" in proc.stderr


def test_run_says_when_a_programme_ran_out_of_budget(tmp_path):
    scen = tmp_path / "budget.toml"
    scen.write_text(
        f'extends = "{SHIPPED_BASELINE.as_posix()}"\n'
        'name = "budget"\nmonths = 4\nspinup_months = 1\nreplications = 2\n'
        "[districts.lampung_barat]\nn_households = 300\n"
        '[policies.small]\nkind = "bpnt"\nbudget_idr = 5e9\n'
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "valuechain",
            "run",
            str(scen),
            "--out",
            str(tmp_path / "o"),
            "--no-figures",
            "--workers",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "programme 'small' ran out of budget in 2 of 2 replications" in proc.stdout

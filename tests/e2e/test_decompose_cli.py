"""`valuechain decompose` in a subprocess, on the tiny scenario with a programme added."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.conftest import TINY_SCENARIO
from tests.e2e.test_cli import cli

#: the tiny huller scenario plus an allowance: two levers, four coalitions
TWO_LEVERS = (
    TINY_SCENARIO
    + """
[policies.allowance]
kind = "elderly_disability"
amount_idr_per_person_month = 200000
funding = "district"
"""
)


@pytest.fixture
def two_levers(tiny):
    tiny.scenario.write_text(TWO_LEVERS, "utf-8")
    return tiny


def test_dry_run_prints_the_levers_and_the_runs_and_stops(two_levers):
    out = two_levers.folder / "out"
    proc = cli("decompose", two_levers.scenario, "--dry-run", "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "2 levers, 4 coalitions (exact Shapley) x 2 replications = 8 runs" in proc.stdout
    assert "allowance: policies.allowance" in proc.stdout
    assert "lampung_barat.huller: districts.lampung_barat.processors.huller" in proc.stdout
    assert not out.exists()


def test_decompose_writes_the_table_and_the_coalitions(two_levers):
    out = two_levers.folder / "out"
    proc = cli(
        "decompose", two_levers.scenario, "-j", "2", "--out", out,
        "--lever", "plant=districts.*", "--indicators", "fiscal_cost_cum", "mean_consumption_*",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "= 8 runs" in proc.stderr  # said before the runs start
    table = pd.read_csv(out / "decomposition.csv")
    assert list(table.columns) == [
        "indicator", "label", "unit", "lever", "n", "shapley", "se", "ci_low", "ci_high", "share",
    ]  # fmt: skip
    assert set(table["indicator"]) == {"fiscal_cost_cum", "mean_consumption_pc_last12"}
    assert list(table["lever"].unique()) == ["plant", "allowance", "(package)"]
    cost = table[table["indicator"] == "fiscal_cost_cum"].set_index("lever")
    assert cost.loc["plant", "shapley"] + cost.loc["allowance", "shapley"] == pytest.approx(
        cost.loc["(package)", "shapley"]
    )
    runs = pd.read_parquet(out / "coalitions.parquet")
    assert sorted(runs["coalition"].unique()) == ["", "allowance", "allowance+plant", "plant"]
    assert runs["seed"].tolist() == [1234, 1235] * 4
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "decomposition" and manifest["runs"] == 8
    assert manifest["levers"] == {
        "plant": ["districts.lampung_barat.processors.huller"],
        "allowance": ["policies.allowance"],
    }
    assert "fiscal_cost_cum (" in proc.stdout and "(package)" in proc.stdout
    assert not list(out.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lever", "plant=districts.*.procesors.*"], "the pattern 'districts.*.procesors.*'"),
        (["--lever", "plant"], "is not NAME=PATTERN"),
        (["--indicators", "no_such_indicator"], "matches no summary indicator"),
    ],
)
def test_user_errors_exit_2_without_a_traceback(two_levers, args, message):
    proc = cli("decompose", two_levers.scenario, "--dry-run", *args)
    assert proc.returncode == 2
    assert message in proc.stderr and "hint:" in proc.stderr
    assert "Traceback" not in proc.stderr

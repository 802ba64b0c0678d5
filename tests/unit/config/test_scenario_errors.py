"""Every kind of scenario mistake is a ScenarioError naming the file, the key and the value."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenario_text import BASE, PLANT
from valuechain.errors import ScenarioError, UserError
from valuechain.runs.replications import load_with_baseline

#: name -> (file text or None for a missing file, overrides, texts the message must contain)
CASES: dict[str, tuple[str | None, list[str], list[str]]] = {
    "unknown key": (BASE + "monthz = 3\n", [], ["monthz", "3", "unknown key"]),
    "wrong type": (BASE + 'months = "many"\n', [], ["months", "'many'", "integer"]),
    "negative capacity": (
        BASE + PLANT.format(capacity=-5),
        [],
        ["districts.lampung_barat.processors.h1.capacity_t_per_month", "-5", "greater than 0"],
    ),
    "share above one": (
        BASE + "[districts.lampung_barat.crops.coffee]\nshare_growing = 1.5\n",
        [],
        ["districts.lampung_barat.crops.coffee.share_growing", "1.5", "less than or equal to 1"],
    ),
    "malformed TOML": (BASE + "months = = 3\n", [], ["malformed TOML", "line 2"]),
    "missing file": (None, [], ["no such scenario file"]),
    "missing extends target": (
        'extends = "nothere.toml"\n',
        [],
        ["nothere.toml", "no such scenario file"],
    ),
    "unknown --set key": (BASE, ["household.mpc=0.1"], ["--set", "household", "unknown key"]),
    "--set without =": (BASE, ["months"], ["--set", "KEY=VALUE"]),
    "--set value out of range": (BASE, ["months=0"], ["months", "0", "greater than or equal"]),
    "cycle of exclusions": (
        BASE
        + '[policies.blt]\nkind = "village_cash"\nexcluding = ["pkh"]\n'
        + '[policies.pkh]\nkind = "pkh"\nexcluding = ["blt"]\n',
        [],
        ["policies.blt.excluding", "policies.pkh.excluding", "no cycle of exclusions"],
    ),
    "excluding an unknown programme": (
        BASE + '[policies.blt]\nkind = "village_cash"\nexcluding = ["pkh_plus"]\n',
        [],
        ["policies.blt.excluding", "no programme 'pkh_plus' with a list of enrolled households"],
    ),
    "excluding itself": (
        BASE + '[policies.blt]\nkind = "village_cash"\nexcluding = ["blt"]\n',
        [],
        ["policies.blt.excluding", "a programme other than itself"],
    ),
    "an export duty for one district": (
        BASE
        + '[policies.duty]\nkind = "export_tax"\ncommodity = "coffee"\n'
        + 'districts = ["lampung_barat"]\n',
        [],
        ["policies.duty.districts", "an export duty is national"],
    ),
    "an export duty paid to a district": (
        BASE + '[policies.duty]\nkind = "export_tax"\ncommodity = "coffee"\nfunding = "district"\n',
        [],
        ["policies.duty.funding", "an export duty is central revenue"],
    ),
    "unknown district type in miss shares": (
        BASE + "[registry.enumeration_miss_share]\nhighland = 0.2\n",
        [],
        ["registry.enumeration_miss_share", "highland"],
    ),
}


def write_case(folder: Path, text: str | None) -> Path:
    path = folder / "case.toml"
    if text is not None:
        path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_scenario_mistakes_name_file_key_and_value(case, tmp_path):
    text, overrides, expected = CASES[case]
    path = write_case(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        load_with_baseline(path, overrides)
    message = str(err.value)
    names_origin = str(path) in message or "--set" in message
    assert names_origin, message
    for bit in expected:
        assert bit in message, f"{bit!r} missing from: {message}"


def test_all_problems_are_reported_at_once(tmp_path):
    path = write_case(tmp_path, BASE + "monthz = 3\nseed = -1\n")
    with pytest.raises(ScenarioError) as err:
        load_with_baseline(path)
    assert len(err.value.problems) == 2


def test_a_broken_baseline_is_a_user_error_naming_both_files(tmp_path):
    (tmp_path / "base.toml").write_text(BASE + "monthz = 2\n")
    scenario = write_case(tmp_path, BASE + 'baseline = "base.toml"\n')
    with pytest.raises(UserError) as err:
        load_with_baseline(scenario)
    message = str(err.value)
    for bit in (str(tmp_path / "base.toml"), str(scenario), "monthz", "baseline"):
        assert bit in message, f"{bit!r} missing from: {message}"

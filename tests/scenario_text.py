"""Scenario text shared by the tests of bad input (API and command line)."""

from __future__ import annotations

from pathlib import Path

SHIPPED_BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline_coffee.toml"

#: a scenario file's first line: extend the shipped coffee baseline
BASE = f'extends = "{SHIPPED_BASELINE.as_posix()}"\n'

#: a coffee huller in West Lampung with the capacity left to fill in
PLANT = """
[districts.lampung_barat.processors.h1]
commodity = "coffee"
process = "hull_grade"
capacity_t_per_month = {capacity}
wage_idr_per_month = 3000000
fixed_cost_idr_per_month = 0
"""

"""Time each phase of the monthly step in one process, for A/B comparisons of the schedule.

Builds a scenario (resized to ``--households`` in its first district), steps a few warm-up
months, then times every phase method of ``ValueChainModel.step`` over ``--blocks`` blocks of
24 months and prints, per phase, the best block's mean milliseconds a month (one JSON object).
The best block is the least disturbed by the machine; a phase's total over the block spreads
the yearly demography over its months.

    python benchmarks/phase_times.py --scenario baseline_coffee --no-demography
    PYTHONPATH=/path/to/other/checkout/src python /path/to/other/checkout/benchmarks/phase_times.py

Run the two sides of an A/B in turn, several times, in the same minutes; on a shared virtual
machine fix glibc's allocator thresholds for both (``MALLOC_MMAP_THRESHOLD_=4194304
MALLOC_TRIM_THRESHOLD_=67108864``), or the same code runs up to a third faster or slower
depending on what the process allocated before (``benchmarks/README.md``).
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BLOCK_MONTHS = 24  # a multiple of 12: coffee is harvested April-December only


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scenario", default="hilirisasi_coffee", help="a shipped scenario's name")
    p.add_argument("--households", type=int, default=10_000, help="simulated households")
    p.add_argument("--blocks", type=int, default=5, help="timed blocks of 24 months")
    p.add_argument("--no-demography", action="store_true", help="switch the yearly ageing off")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario key, as valuechain run does (repeatable)",
    )
    args = p.parse_args()

    from valuechain import ValueChainModel, load_scenario

    path = REPO / "scenarios" / f"{args.scenario}.toml"
    first = next(iter(load_scenario(path).scenario.districts))
    overrides = [
        f"months={6 + BLOCK_MONTHS * args.blocks}",
        f"districts.{first}.n_households={args.households}",
    ]
    if args.no_demography:
        overrides.append("demography.enabled=false")
    overrides.extend(args.set)
    model = ValueChainModel(load_scenario(path, overrides).scenario, seed=1)
    for _ in range(6):  # warm-up: compiled kernels loaded, caches filled
        model.step()
    # the numbered phases of step(), read as docs/ODD.md's generator reads them
    step = inspect.getsource(ValueChainModel.step)
    phases = re.findall(r"^\s+self\.(\w+)\(\)\s+# \d+", step, flags=re.MULTILINE)
    seconds: dict[str, list[float]] = defaultdict(list)
    for name in phases:
        phase = getattr(model, name)

        def timed(phase=phase, name=name) -> None:
            t0 = time.perf_counter()
            phase()
            seconds[name].append(time.perf_counter() - t0)

        setattr(model, name, timed)
    for _ in range(BLOCK_MONTHS * args.blocks):
        model.step()
    out = {}
    for name in phases:
        blocks = [
            sum(seconds[name][b * BLOCK_MONTHS : (b + 1) * BLOCK_MONTHS])
            for b in range(args.blocks)
        ]
        out[name] = round(min(blocks) / BLOCK_MONTHS * 1e3, 4)
    out["total_ms_per_month"] = round(sum(out.values()), 4)
    print(json.dumps({"scenario": args.scenario, "households": args.households, **out}))


if __name__ == "__main__":
    main()

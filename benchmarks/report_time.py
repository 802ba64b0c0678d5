"""Time writing a study's report from results that exist.

Loads the study and checks its result folders as ``valuechain report`` does (every folder
whose manifest matches is reused; the study must have been run into ``OUT`` before, or its
missing runs are run and timed too), then writes the whole report (tables, figures, HTML,
PDF) into a scratch folder and prints the seconds of each step and in all (one JSON object).
Run the study once first (``valuechain report studies/levers_2024.toml --out OUT``: that is
the time "from nothing").

    python benchmarks/report_time.py studies/levers_2024.toml results/levers_2024 --lang id
    python benchmarks/report_time.py studies/levers_2024.toml results/levers_2024 --workers 1

The issue's target: under 30 s on two cores for ``levers_2024`` (32 scenarios).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("study", type=Path, help="the study file")
    p.add_argument("out", type=Path, help="the study's output folder (holds runs/, sweeps/)")
    p.add_argument("--lang", default="en", choices=("en", "id"))
    p.add_argument("--workers", type=int, default=None, help="figure processes (default all)")
    args = p.parse_args()

    from valuechain.experiments.study import load_study, run_study
    from valuechain.present.report.build import write_report

    t0 = time.perf_counter()
    runs = run_study(load_study(args.study), args.out, workers=args.workers)
    opened = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as scratch:
        files = write_report(runs, scratch, args.lang, workers=args.workers)
        pages = _pages(files.pdf)
    total = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "study": runs.name,
                "scenarios": len(runs.scenarios),
                "run": runs.n_run,
                "experiments": len(runs.experiments),
                "figures": len(files.figures) // 2,
                "pdf_pages": pages,
                "load_and_check_s": round(opened, 2),
                **{f"{k}_s": round(v, 2) for k, v in files.seconds.items()},
                "total_s": round(total, 2),
            }
        )
    )


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


if __name__ == "__main__":
    main()

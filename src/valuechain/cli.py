"""The ``valuechain`` command: run scenarios, validate files, draw figures.

A thin layer over :mod:`valuechain.runs.replications`, :mod:`valuechain.runs.results` and
:mod:`valuechain.present.figures`: what the command does, Python code can do with the same results.
User errors (a wrong file, key, value or option) print ``error: ...`` and a hint on stderr and
exit with status 2, never with a traceback; a traceback means a bug in valuechain.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from valuechain.config.loader import LoadedScenario
from valuechain.errors import UserError
from valuechain.runs.results import FIGURES_DIR

__all__ = ["main"]

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    args = parser.parse_args(argv)
    args.argv = argv
    try:
        return args.func(args)
    except UserError as exc:
        return _fail(str(exc), exc.hint)
    except KeyboardInterrupt:
        print("\ninterrupted: no complete result was written", file=sys.stderr)
        return EXIT_INTERRUPTED


def _fail(message: str, hint: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    if hint:
        print(f"hint: {hint}", file=sys.stderr)
    return EXIT_USER_ERROR


# --------------------------------------------------------------------------- arguments


def _int_at_least(low: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} is below the minimum {low}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    from valuechain import __version__

    p = argparse.ArgumentParser(
        prog="valuechain",
        description="Agent-based model of agricultural value chains and extreme poverty.",
    )
    p.add_argument("--version", action="version", version=f"valuechain {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run replications of a scenario (and of its baseline)",
        description="Run replications of a scenario; when it names a baseline, run the "
        "baseline with the same seeds and compare them (paired differences, 95% intervals).",
    )
    run.add_argument("scenario", metavar="SCENARIO", help="scenario file (TOML)")
    run.add_argument(
        "--replications",
        "-n",
        type=_int_at_least(1),
        metavar="N",
        help="replications (default: the scenario's `replications`)",
    )
    run.add_argument(
        "--seed",
        type=_int_at_least(0),
        metavar="S",
        help="seed of replication 0 (replication r uses S + r); overrides `seed`",
    )
    run.add_argument(
        "--months", type=_int_at_least(1), metavar="M", help="simulated months; overrides `months`"
    )
    _add_set(run)
    run.add_argument(
        "--out",
        "-o",
        type=Path,
        metavar="DIR",
        help="results directory (default: results/<scenario name>/)",
    )
    run.add_argument(
        "--workers",
        "-j",
        type=_int_at_least(1),
        metavar="N",
        help="worker processes (default: min(runs, CPUs)); results do not depend on it",
    )
    run.add_argument("--no-figures", action="store_true", help="do not draw figures")
    run.set_defaults(func=_cmd_run)

    val = sub.add_parser(
        "validate",
        help="check a scenario file (and its baseline) without running it",
        description="Load and validate a scenario file and the baseline it names.",
    )
    val.add_argument("scenario", metavar="FILE", help="scenario file (TOML)")
    _add_set(val)
    val.set_defaults(func=_cmd_validate)

    fig = sub.add_parser(
        "figures",
        help="draw the standard figures of a results directory",
        description="Draw the standard figures (PNG and SVG) from a results directory.",
    )
    fig.add_argument("results", metavar="DIR", type=Path, help="results directory")
    fig.add_argument(
        "--out", "-o", type=Path, metavar="FIGDIR", help="where to write (default: DIR/figures)"
    )
    fig.set_defaults(func=_cmd_figures)

    sweep = sub.add_parser(
        "sweep",
        help="run every design point x replication of an experiment (resumable)",
        description="Run an experiment file: every design point x replication, common random "
        "numbers across points, each run written to DIR/parts/ as it finishes, then "
        "consolidated into runs.parquet and timeseries.parquet. Run it again after an "
        "interruption: finished runs are skipped.",
    )
    _add_sweep_options(sweep)
    sweep.set_defaults(func=_cmd_sweep)

    sens = sub.add_parser(
        "sensitivity",
        help="Morris or Sobol sensitivity indices of an experiment (runs or resumes its sweep)",
        description="Run (or resume) the sweep of a morris or sobol experiment, then compute "
        "Morris elementary effects or Sobol indices for each output with SALib (replications "
        "averaged per design point first); writes sensitivity.csv and figures.",
    )
    _add_sweep_options(sens)
    sens.add_argument(
        "--conf-level", type=float, default=0.95, metavar="C", help="confidence level (0.95)"
    )
    sens.add_argument(
        "--resamples", type=_int_at_least(10), default=1000, metavar="B", help="bootstrap (1000)"
    )
    sens.set_defaults(func=_cmd_sensitivity)
    return p


def _add_sweep_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("experiment", metavar="EXPERIMENT", help="experiment file (TOML)")
    parser.add_argument(
        "--workers",
        "-j",
        type=_int_at_least(1),
        metavar="N",
        help="local worker processes (default: all CPUs); results do not depend on it",
    )
    parser.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="send runs to a Dask distributed scheduler, e.g. tcp://10.0.0.5:8786 "
        '(pip install "valuechain[cluster]")',
    )
    parser.add_argument(
        "--out", "-o", type=Path, metavar="DIR", help="results (default: results/<experiment>/)"
    )
    parser.add_argument(
        "--restart",
        action="store_true",
        help="discard the runs already in DIR (also those of a changed experiment file)",
    )


def _add_set(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a key of the scenario and of its baseline, e.g. --set months=24 or "
        "--set districts.lampung_barat.n_households=5000 (repeatable)",
    )
    parser.add_argument(
        "--set-scenario",
        dest="scenario_overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a key of the scenario alone, not of its baseline, e.g. a plant the "
        "baseline does not have (repeatable; applied after --set)",
    )


# --------------------------------------------------------------------------- commands


def _describe(loaded: LoadedScenario) -> str:
    s = loaded.scenario
    nd = len(s.districts)
    return (
        f"{s.name} ({nd} district{'s' if nd != 1 else ''}, {', '.join(s.commodities)}, "
        f"{s.months} months); hash {loaded.content_hash[:12]}"
    )


def _warn_resolution(loaded: LoadedScenario) -> None:
    from valuechain.config.loader import resolution_warnings

    for text in resolution_warnings(loaded.scenario):
        print(f"warning: {text}", file=sys.stderr)


def _cmd_validate(args: argparse.Namespace) -> int:
    from valuechain.runs.replications import load_with_baseline

    loaded, base = load_with_baseline(
        args.scenario, args.overrides, scenario_overrides=args.scenario_overrides
    )
    print(f"OK: {_describe(loaded)}")
    _warn_resolution(loaded)
    if base is not None:
        print(f"OK: baseline {_describe(base)}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from valuechain.runs import replications as runner
    from valuechain.runs.results import check_writable

    loaded, base = runner.load_with_baseline(
        args.scenario,
        args.overrides,
        scenario_overrides=args.scenario_overrides,
        seed=args.seed,
        months=args.months,
    )
    _warn_resolution(loaded)
    out: Path = args.out or Path("results") / loaded.scenario.name
    check_writable(out)  # fail now, not after the simulation
    reps = args.replications or loaded.scenario.replications
    n_runs = reps * (2 if base is not None else 1)
    workers = args.workers or runner.default_workers(n_runs)
    sr = runner.run_scenario(loaded, replications=reps, workers=workers, progress=True)
    sr.command = ["valuechain", *args.argv]
    if sr.baseline is not None:
        sr.baseline.command = sr.command
    try:
        sr.write(out)
    except OSError as exc:
        raise UserError(
            f"cannot write results to {out}: {exc}", hint="free space or choose --out DIR"
        ) from None
    figures: list[Path] = []
    if not args.no_figures:
        from valuechain.present.figures import write_figures

        figures = write_figures(out)
    print(_report(sr, out, figures))
    return 0


def _cmd_figures(args: argparse.Namespace) -> int:
    from valuechain.present.figures import write_figures
    from valuechain.runs.results import check_writable

    out = args.out or Path(args.results) / FIGURES_DIR
    if Path(args.results).is_dir():
        check_writable(out)
    written = write_figures(args.results, out)
    print(f"figures written to {out}/:")
    for p in written:
        print(f"  {p}")
    return 0


def _sweep(args: argparse.Namespace, for_sensitivity: bool = False):
    from concurrent.futures.process import BrokenProcessPool

    from valuechain.experiments.spec import load_experiment
    from valuechain.experiments.sweep import run_experiment

    loaded = load_experiment(args.experiment)
    if for_sensitivity and (
        loaded.spec.design.kind not in ("morris", "sobol") or not loaded.spec.outputs
    ):
        raise UserError(
            f"{args.experiment}: sensitivity indices need a morris or sobol design with at least "
            f"one [outputs.*] (this one: kind = {loaded.spec.design.kind!r}, "
            f"{len(loaded.spec.outputs)} outputs)",
            hint="use `valuechain sweep` for grid and lhs designs, or set [design] kind = "
            "'morris' (screening) or 'sobol' (variance shares)",
        )
    out = args.out or Path("results") / loaded.name
    print(
        f"{loaded.name}: {loaded.spec.design.kind} design, {len(loaded.design)} points x "
        f"{loaded.spec.replications} replications = {loaded.n_runs} runs of "
        f"{loaded.base.scenario.name} (seeds {loaded.seeds[0]}..{loaded.seeds[-1]})",
        file=sys.stderr,
    )
    try:
        return run_experiment(
            loaded,
            workers=args.workers,
            cluster=args.cluster,
            out=out,
            restart=args.restart,
            progress=True,
            command=["valuechain", *args.argv],
        )
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: finished runs are kept in {out}/parts/; run the same command "
            "again to finish the others",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_INTERRUPTED) from None
    except BrokenProcessPool:
        raise UserError(
            "a worker process died (killed, or out of memory); the finished runs are kept",
            hint="run the same command again to finish the others (fewer --workers if memory "
            "is short)",
        ) from None


def _cmd_sweep(args: argparse.Namespace) -> int:
    res = _sweep(args)
    m = res.manifest
    wall = m["wall_time_s"]
    print(
        f"{m['experiment']}: {m['runs']} runs ({m['runs_resumed']} done before), "
        f"{wall['this_session']:.1f} s on {m['backend']} with {m['workers']} worker(s)\n"
        f"results written to {res.path}/ (manifest.json, runs.parquet, timeseries.parquet, "
        "design.parquet, parts/)"
    )
    if res.outputs:
        table = res.runs.groupby("point")[[*res.factors, *res.outputs]].mean()
        print("\nOutputs by design point (mean over replications):")
        print(table.head(20).to_string(float_format=lambda x: f"{x:.4g}"))
        if len(table) > 20:
            print(f"... {len(table) - 20} more points (read {res.path / 'runs.parquet'})")
    return 0


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from valuechain.experiments.sensitivity import write_sensitivity

    res = _sweep(args, for_sensitivity=True)
    written = write_sensitivity(res, conf_level=args.conf_level, num_resamples=args.resamples)
    table = pd.read_csv(written[0])
    kind = res.manifest["design"]["kind"]
    print(
        f"{res.manifest['experiment']}: {kind} indices over {res.manifest['design']['points']} "
        f"design points ({res.manifest['replications']} replication(s) of each point "
        f"averaged first; {args.conf_level:.0%} bootstrap intervals)"
    )
    cols = (
        ["mu_star", "mu_star_conf", "sigma"]
        if kind == "morris"
        else ["S1", "S1_conf", "ST", "ST_conf"]
    )
    for name, part in table.groupby("output", sort=False):
        part = part.sort_values(cols[0] if kind == "morris" else "ST", ascending=False)
        print(f"\n{name}: {part['label'].iloc[0]} [{part['unit'].iloc[0]}]")
        print(part[["factor", *cols]].to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    print(f"\nwritten: {written[0]}")
    for p in written[1:]:
        if p.suffix != ".svg":
            print(f"  {p}")
    return 0


# --------------------------------------------------------------------------- printing


def _num(x: float, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "nan"
    if abs(x) >= 1_000:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def _scaled(unit: str) -> tuple[str, float]:
    """Shares are printed in percent."""
    if unit.startswith("share"):
        return "%" + unit[len("share") :], 100.0
    return unit, 1.0


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        cells += [c.rjust(w) for c, w in zip(row[2:], widths[2:], strict=True)]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines)


def _interval(lo: float, hi: float, scale: float) -> str:
    if math.isnan(lo) or math.isnan(hi):
        return "nan"
    return f"[{_num(lo * scale, 3)}, {_num(hi * scale, 3)}]"


def _summary_table(summary: pd.DataFrame) -> str:
    rows = []
    for r in summary.itertuples(index=False):
        unit, scale = _scaled(r.unit)
        rows.append(
            [r.indicator, unit, _num(r.mean * scale), _interval(r.ci_low, r.ci_high, scale)]
        )
    return _table(rows, ["indicator", "unit", "mean", "95% CI of mean"])


def _comparison_table(comp: pd.DataFrame) -> str:
    rows = []
    for r in comp.itertuples(index=False):
        unit, scale = _scaled(r.unit)
        rows.append(
            [
                r.indicator,
                unit,
                _num(r.scenario_mean * scale),
                _num(r.baseline_mean * scale),
                _num(r.difference * scale, 3),
                _interval(r.ci_low, r.ci_high, scale),
            ]
        )
    return _table(rows, ["indicator", "unit", "scenario", "baseline", "difference", "95% CI"])


def _report(sr, out: Path, figures: list[Path]) -> str:
    from valuechain.runs.statistics import summarise_runs

    n = sr.replications
    seeds = f"seed {sr.seeds[0]}" if n == 1 else f"seeds {sr.seeds[0]}..{sr.seeds[-1]}"
    lines = [
        f"{sr.name}: {n} replication{'s' if n != 1 else ''} ({seeds}), "
        f"{sr.loaded.scenario.months} months, {sr.total_wall_time_s:.1f} s on "
        f"{sr.workers} worker{'s' if sr.workers != 1 else ''}",
        f"results written to {out}/ (manifest.json, runs.parquet, timeseries.parquet"
        + (", comparison.csv, baseline/)" if sr.baseline is not None else ")"),
        "",
        f"Main indicators ({sr.name}; mean over replications, 95% t-interval of the mean):",
        _summary_table(summarise_runs(sr.runs)),
    ]
    if sr.comparison is not None:
        base = sr.baseline.name
        lines += [
            "",
            f"Compared with baseline {base} (paired over the same {n} seeds; "
            "difference = scenario - baseline):",
            _comparison_table(sr.comparison),
        ]
    lines += _budget_notes(sr.runs)
    if n < 2:
        lines += [
            "",
            "note: with 1 replication the 95% intervals are nan: a standard error needs at "
            "least 2 replications (use --replications 2 or more).",
        ]
    if figures:
        lines += ["", "figures:"] + [f"  {p}" for p in figures if p.suffix == ".png"]
        lines.append("  (and an .svg beside each)")
    return "\n".join(lines)


def _budget_notes(runs: pd.DataFrame) -> list[str]:
    """Say which programmes ran out of budget, and in how many replications."""
    notes = []
    for col in sorted(c for c in runs.columns if c.startswith("budget_exhausted_")):
        hit = int((runs[col] > 0).sum())
        if hit:
            name = col.removeprefix("budget_exhausted_")
            notes.append(
                f"note: programme {name!r} ran out of budget in {hit} of {len(runs)} "
                f"replications and stopped (see budget_exhausted_{name} in timeseries.parquet)"
            )
    return ["", *notes] if notes else []

"""The ``valuechain`` command: run scenarios, validate files, draw figures, decompose effects.

A thin layer over :mod:`valuechain.runs.replications`, :mod:`valuechain.runs.results` and
:mod:`valuechain.present.figures`: what the command does, Python code can do with the same results.
User errors (a wrong file, key, value or option) print ``error: ...`` and a hint on stderr and
exit with status 2, never with a traceback; a traceback means a bug in valuechain.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

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


def _confidence_level(text: str) -> float:
    """A confidence level strictly between 0 and 1 (SALib refuses others, after the sweep)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1 (say 0.95)")
    return value


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
    run.add_argument(
        "--posterior",
        type=Path,
        action="append",
        metavar="CALIBRATION_DIR",
        help="carry parameter uncertainty: run at a calibration's posterior medians, and again "
        "with each replication's parameters drawn from its posterior (scenario and baseline "
        "share each draw); the comparison gains the total interval. Repeat it for a scenario "
        "of several districts (one calibration each, drawn independently)",
    )
    run.add_argument(
        "--draws",
        type=_int_at_least(1),
        metavar="K",
        help="distinct posterior draws (default: one per replication)",
    )
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
        help="draw the standard figures of a results directory or a sweep",
        description="Draw the standard figures (PNG and SVG) from a results directory. On a "
        "sweep folder: the paired effects of every design point against the experiment's "
        "baseline, against the design factors, and each indicator over time with one band "
        "per design point (or per level of --by FACTOR), never one band pooled over all.",
    )
    fig.add_argument("results", metavar="DIR", type=Path, help="results directory")
    fig.add_argument(
        "--out", "-o", type=Path, metavar="FIGDIR", help="where to write (default: DIR/figures)"
    )
    fig.add_argument(
        "--lang",
        choices=("en", "id"),
        default="en",
        help="language of a sweep's figures: English or Bahasa Indonesia (default en)",
    )
    fig.add_argument(
        "--by",
        metavar="FACTOR",
        help="sweeps with many points: one band per level of this factor over time (pooled "
        "over the other factors, and labelled so)",
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
        "--conf-level",
        type=_confidence_level,
        default=0.95,
        metavar="C",
        help="confidence level (0.95)",
    )
    sens.add_argument(
        "--resamples", type=_int_at_least(10), default=1000, metavar="B", help="bootstrap (1000)"
    )
    sens.set_defaults(func=_cmd_sensitivity)
    _add_decompose(sub)
    _add_calibrate(sub)
    _add_report(sub)
    return p


def _add_report(sub: argparse._SubParsersAction) -> None:
    rep = sub.add_parser(
        "report",
        help="the report of a study (or of result folders) in English or Bahasa Indonesia",
        description="Run what a study file is missing and reuse each scenario's results whose "
        "manifest matches, or read result folders of `valuechain run`; then write the report "
        "to DIR/report/: report.html (one self-contained page), report.pdf (the same, page-"
        "numbered), tables.xlsx (one sheet per table, units in the headers, a sheet of "
        "definitions and sources), csv/<table>.csv and figures/ (PNG and SVG).",
    )
    rep.add_argument(
        "inputs",
        nargs="+",
        type=Path,
        metavar="STUDY_OR_DIRS",
        help="one study file (.toml), or result folders of `valuechain run`",
    )
    rep.add_argument(
        "--lang",
        choices=("en", "id"),
        default="en",
        help="English or Bahasa Indonesia (default en)",
    )
    rep.add_argument(
        "--workers",
        "-j",
        type=_int_at_least(1),
        metavar="N",
        help="local worker processes for the runs a study is missing and for drawing the "
        "report's figures (default: all CPUs)",
    )
    rep.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="send a study's runs to a Dask distributed scheduler, e.g. tcp://10.0.0.5:8786",
    )
    rep.add_argument(
        "--out",
        "-o",
        type=Path,
        metavar="DIR",
        help="where to write (default: results/<study>/ for a study, results/report/ for "
        "folders); the report goes to DIR/report/",
    )
    rep.set_defaults(func=_cmd_report)


def _add_calibrate(sub: argparse._SubParsersAction) -> None:
    cal = sub.add_parser(
        "calibrate",
        help="fit a district's parameters to its published statistics (ABC-SMC, resumable)",
        description="Fit the parameters of a calibration file to its targets by approximate "
        "Bayesian computation (ABC-SMC with pyabc): each evaluation runs the base scenario "
        "with the same seeds (common random numbers). Writes posterior.parquet, fit.csv, "
        "calibrated.toml and manifest.json (last). Run it again after an interruption: "
        "finished generations are kept. The same file gives the same posterior with any "
        "number of workers.",
    )
    cal.add_argument("calibration", metavar="FILE", help="calibration file (TOML)")
    cal.add_argument(
        "--workers",
        "-j",
        type=_int_at_least(1),
        default=os.cpu_count() or 1,
        metavar="N",
        help="local worker processes (default: all CPUs); results do not depend on it",
    )
    cal.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="send evaluations to a Dask distributed scheduler, e.g. tcp://10.0.0.5:8786",
    )
    cal.add_argument(
        "--out", "-o", type=Path, metavar="DIR", help="results (default: results/<calibration>/)"
    )
    cal.add_argument("--no-figures", action="store_true", help="do not draw figures")
    cal.set_defaults(func=_cmd_calibrate)


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from concurrent.futures.process import BrokenProcessPool

    from valuechain.experiments.abc import run_calibration
    from valuechain.experiments.calibration import load_calibration

    loaded = load_calibration(args.calibration)
    m = loaded.spec.method
    out = args.out or Path("results") / loaded.name
    print(
        f"{loaded.name}: {len(loaded.spec.parameters)} parameters, {len(loaded.fitted)} targets "
        f"fitted and {len(loaded.held_out)} held out; ABC-SMC, {m.generations} generations of "
        f"{m.population_size} particles, {m.replications} replication(s) per evaluation "
        f"(seeds {loaded.seeds[0]}..{loaded.seeds[-1]})",
        file=sys.stderr,
    )
    try:
        res = run_calibration(
            loaded,
            out,
            workers=args.workers,
            cluster=args.cluster,
            command=" ".join(["valuechain", *args.argv]),
        )
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: finished generations are kept in {out}/abc.db; run the same "
            "command again to go on",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_INTERRUPTED) from None
    except BrokenProcessPool:
        raise UserError(
            "a worker process died (killed, or out of memory); finished generations are kept",
            hint="run the same command again (fewer --workers if memory is short)",
        ) from None
    man = res.manifest
    figures = ""
    if not args.no_figures:
        from valuechain.present.calibration_figures import write_calibration_figures

        write_calibration_figures(res.path)
        figures = ", figures/"
    print(
        f"{man['calibration']}: {man['generations']} generations, {man['evaluations']} "
        f"evaluations; results written to {res.path}/ (manifest.json, posterior.parquet, "
        f"fit.csv, calibrated.toml{figures})"
    )
    print(res.fit.to_string(index=False))
    return 0


def _add_decompose(sub: argparse._SubParsersAction) -> None:
    dec = sub.add_parser(
        "decompose",
        help="share of each lever of a package in its effect (Shapley values over levers)",
        description="Split a scenario's paired effect against its baseline into the Shapley "
        "value of each lever (a programme, a plant, an entry rule or another key the scenario "
        "changes): run the baseline plus every coalition of levers with the same seeds "
        "(2^levers coalitions x replications runs), average each lever's marginal "
        "contributions per replication, and report means with t-intervals over replications "
        "and shares of the whole effect. Writes decomposition.csv and coalitions.parquet.",
    )
    dec.add_argument("scenario", metavar="SCENARIO", help="scenario file naming a baseline")
    dec.add_argument(
        "--lever",
        dest="levers",
        action="append",
        default=[],
        metavar="NAME=PATTERNS",
        help="group the levers whose key paths match comma-separated fnmatch patterns into "
        "one, e.g. --lever hilirisasi='districts.*.processors.*' (repeatable); see --dry-run",
    )
    dec.add_argument(
        "--replications",
        "-n",
        type=_int_at_least(1),
        metavar="N",
        help="replications of each coalition (default: the scenario's `replications`)",
    )
    dec.add_argument(
        "--workers",
        "-j",
        type=_int_at_least(1),
        metavar="N",
        help="worker processes (default: min(runs, CPUs)); results do not depend on it",
    )
    dec.add_argument(
        "--out",
        "-o",
        type=Path,
        metavar="DIR",
        help="where to write (default: results/<scenario name>_decomposition/)",
    )
    _add_set(dec)
    dec.add_argument(
        "--max-exact",
        type=_int_at_least(0),
        default=6,
        metavar="N",
        help="run every coalition (exact values) up to N levers (6); beyond, random orders",
    )
    dec.add_argument(
        "--permutations",
        type=_int_at_least(1),
        default=20,
        metavar="N",
        help="random orders of the levers when there are more than --max-exact (20)",
    )
    dec.add_argument(
        "--indicators",
        nargs="+",
        metavar="PATTERN",
        help="indicators to decompose (fnmatch patterns; default: the main indicators)",
    )
    dec.add_argument(
        "--dry-run", action="store_true", help="print the levers and the number of runs, then stop"
    )
    dec.set_defaults(func=_cmd_decompose)


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
    posterior = None
    if args.posterior is not None:
        from valuechain.experiments.abc import read_posterior
        from valuechain.runs.posterior import Posterior

        posterior = Posterior.combine([read_posterior(d) for d in args.posterior])
    elif args.draws is not None:
        raise UserError("--draws goes with --posterior", hint="add --posterior CALIBRATION_DIR")
    reps = args.replications or loaded.scenario.replications
    # each side once, and once more with drawn parameters under --posterior
    n_runs = reps * (2 if base is not None else 1) * (2 if posterior is not None else 1)
    workers = args.workers or runner.default_workers(n_runs)
    sr = runner.run_scenario(
        loaded,
        replications=reps,
        workers=workers,
        progress=True,
        posterior=posterior,
        draws=args.draws,
    )
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
    from valuechain.present.tables import run_report

    print(run_report(sr, out, figures))
    return 0


def _cmd_figures(args: argparse.Namespace) -> int:
    from valuechain.present.figures import write_figures
    from valuechain.present.sweep_figures import is_sweep_folder, write_sweep_figures
    from valuechain.runs.results import check_writable

    out = args.out or Path(args.results) / FIGURES_DIR
    if Path(args.results).is_dir():
        check_writable(out)
    skipped: list[str] = []
    if is_sweep_folder(args.results):
        drawn = write_sweep_figures(args.results, out, lang=args.lang, by=args.by)
        written, skipped = drawn.written, drawn.skipped
    elif args.by is not None:
        raise UserError(
            f"--by applies to sweep folders; {args.results} holds a scenario's results",
            hint="leave --by out",
        )
    else:
        written = write_figures(args.results, out)
    print(f"figures written to {out}/:")
    for p in written:
        print(f"  {p}")
    for why in skipped:
        print(f"not drawn: {why}", file=sys.stderr)
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
        "design.parquet, points.parquet, parts/"
        + (", baseline_runs.parquet, effects.csv" if res.has_baseline else "")
        + ")"
    )
    if res.outputs:
        from valuechain.present.tables import sweep_outputs_table

        print("\n" + sweep_outputs_table(res))
    return 0


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from valuechain.experiments.sensitivity import write_sensitivity
    from valuechain.present.sensitivity_figures import read_sensitivity, write_sensitivity_figures
    from valuechain.present.tables import sensitivity_tables

    res = _sweep(args, for_sensitivity=True)
    written = write_sensitivity(res, conf_level=args.conf_level, num_resamples=args.resamples)
    written += write_sensitivity_figures(res)
    table = read_sensitivity(written[0])
    kind = res.manifest["design"]["kind"]
    print(
        f"{res.manifest['experiment']}: {kind} indices over {res.manifest['design']['points']} "
        f"design points ({res.manifest['replications']} replication(s) of each point "
        f"averaged first; {args.conf_level:.0%} bootstrap intervals)"
    )
    print("\n" + sensitivity_tables(table, kind))
    print(f"\nwritten: {written[0]}")
    for p in written[1:]:
        if p.suffix != ".svg":
            print(f"  {p}")
    return 0


def _cmd_decompose(args: argparse.Namespace) -> int:
    from valuechain.runs import decompose
    from valuechain.runs.replications import default_workers
    from valuechain.runs.results import check_writable

    plan = decompose.plan_decomposition(
        args.scenario,
        args.overrides,
        scenario_overrides=args.scenario_overrides,
        groups=[decompose.parse_lever_option(text) for text in args.levers],
        replications=args.replications,
        max_exact=args.max_exact,
        permutations=args.permutations,
    )
    if args.indicators:
        decompose.check_indicator_patterns(plan, args.indicators)
    print(plan.describe(), file=sys.stderr if not args.dry_run else sys.stdout)
    if args.dry_run:
        print("levers:")
        for lever in plan.levers:
            print(f"  {lever.name}: {', '.join(lever.paths)}")
        return 0
    _warn_resolution(plan.scenario)
    out: Path = args.out or Path("results") / f"{plan.scenario.scenario.name}_decomposition"
    check_writable(out)  # fail now, not after the simulation
    workers = args.workers or default_workers(plan.n_runs)
    dec = decompose.run_decomposition(
        plan, indicators=args.indicators, workers=workers, progress=True
    )
    dec.command = ["valuechain", *args.argv]
    try:
        written = dec.write(out)
    except OSError as exc:
        raise UserError(
            f"cannot write results to {out}: {exc}", hint="free space or choose --out DIR"
        ) from None
    from valuechain.present.tables import decomposition_report

    print(decomposition_report(dec))
    print(f"\nwritten: {', '.join(str(p) for p in written)}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from valuechain.experiments.study import load_study, open_result_folders, run_study
    from valuechain.present.language import language
    from valuechain.present.report.build import write_report

    inputs: list[Path] = args.inputs
    studies = [p for p in inputs if p.suffix == ".toml"]
    if studies and len(inputs) > 1:
        raise UserError(
            f"{len(inputs)} inputs given with the study file {studies[0]}: a report is of one "
            "study or of result folders",
            hint="give one study file, or only result folders",
        )
    if studies:
        study = load_study(studies[0])
        out = args.out or Path("results") / study.name
        runs = run_study(
            study,
            out,
            workers=args.workers,
            cluster=args.cluster,
            progress=True,
            command=["valuechain", *args.argv],
        )
    else:
        if args.cluster:
            print("note: --cluster applies to a study's runs; folders run nothing")
        runs = open_result_folders(inputs)
        out = args.out or Path("results") / "report"
    print(f"{runs.name}: {runs.summary}")
    print(f"writing the report ({args.lang}) to {out / 'report'}/ ...", flush=True)
    files = write_report(runs, out, language(args.lang), workers=args.workers, progress=True)
    print(f"report:  {files.html}")
    print(f"         {files.pdf}")
    print(f"tables:  {files.xlsx} and {len(files.csv)} CSV files in {files.csv[0].parent}/")
    print(
        f"figures: {len(files.figures) // 2} figures (PNG and SVG) in {files.folder / 'figures'}/"
    )
    return 0

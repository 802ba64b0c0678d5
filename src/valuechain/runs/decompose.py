"""How much of a package's paired effect each of its levers makes: Shapley values over levers.

A package scenario differs from its baseline by *levers*, found by comparing the two resolved
documents (:func:`differing_entries`): each programme ``policies.<name>`` the scenario adds or
changes, each plant ``districts.<d>.processors.<p>``, each entry rule ``districts.<d>.entry``,
and every other key path where they differ (the shallowest path: a district the baseline lacks
is one lever). The keys that only describe the file (``name``, ``description``, ``baseline``,
``replications``) are never levers. Levers can be grouped by ``fnmatch`` patterns over their key
paths (``hilirisasi = districts.*.processors.*``).

A *coalition* S of levers is the baseline document with the scenario's entries of the levers in
S copied over it (an entry the scenario lacks is removed): the empty coalition is the baseline,
the whole set the scenario. Every coalition is validated like a scenario file before anything
runs, and every coalition runs with the seeds of the scenario's replications (replication r:
seed + r), so its effects are paired under common random numbers.

The Shapley value of lever i for indicator y, in replication r, is

    phi_i(r) = sum over S not holding i of |S|! (n - |S| - 1)! / n! * (v_r(S + i) - v_r(S))

with v_r(S) the indicator in coalition S, replication r: over all 2^n coalitions when there are
at most ``max_exact`` levers, otherwise the mean marginal contribution over random orders of the
levers (seeded by the scenario's seed), which needs only the coalitions the orders pass through.
Either way the values of a replication add up to its paired effect v_r(all) - v_r(none)
exactly (efficiency). The reported value is the mean over replications, with a t-interval
(:func:`valuechain.runs.statistics.summarise_runs`); its share is the mean value over the mean
paired effect of the whole package.

Example:
    >>> from valuechain.runs.decompose import *  # doctest: +SKIP
    >>> plan = plan_decomposition("scenarios/percepatan_2024.toml", replications=3,
    ...     groups=[("hilirisasi", ["districts.*.processors.*"])])
    >>> dec = run_decomposition(plan, workers=2)
    >>> dec.table.query("indicator == 'sustained_exits_final'")
"""

from __future__ import annotations

import copy
import fnmatch
import itertools
import json
import math
import platform
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from valuechain.config.loader import LoadedScenario, scenario_from_dict
from valuechain.config.overrides import Override, Source, source_of
from valuechain.config.scenario import Scenario
from valuechain.errors import MISSING, ScenarioError, UserError
from valuechain.runs.provenance import git_revision, library_versions, package_version
from valuechain.runs.replications import execute_runs, load_with_baseline, replication_seeds
from valuechain.runs.results import (
    MANIFEST,
    atomic_write_text,
    check_writable,
    file_digest,
    write_csv_atomic,
    write_table_atomic,
)
from valuechain.runs.statistics import MAIN_INDICATORS, main_indicators, summarise_runs

__all__ = [
    "COALITIONS_TABLE",
    "DECOMPOSITION_CSV",
    "DEFAULT_MAX_EXACT",
    "DEFAULT_PERMUTATIONS",
    "METADATA_KEYS",
    "PACKAGE",
    "Decomposition",
    "DecompositionPlan",
    "Lever",
    "all_coalitions",
    "check_indicator_patterns",
    "coalition_label",
    "differing_entries",
    "exact_shapley",
    "group_levers",
    "parse_lever_option",
    "permutation_shapley",
    "plan_decomposition",
    "run_decomposition",
]

DECOMPOSITION_CSV = "decomposition.csv"
COALITIONS_TABLE = "coalitions.parquet"
#: levers up to which every coalition is run (exact Shapley values); beyond, random orders
DEFAULT_MAX_EXACT = 6
#: random orders of the levers when there are more than ``max_exact``
DEFAULT_PERMUTATIONS = 20
#: top-level keys that describe the file, not the simulated world: never levers
METADATA_KEYS = frozenset({"name", "description", "baseline", "replications"})
#: the ``lever`` of the rows holding the whole package's paired effect
PACKAGE = "(package)"

#: key paths that are one lever as a whole (``*``: any one key)
_WHOLE_ENTRIES = (
    ("policies", "*"),
    ("districts", "*", "processors", "*"),
    ("districts", "*", "entry"),
)
_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_HINT_LEVER = "write --lever NAME=PATTERN[,PATTERN...] with fnmatch patterns over the key paths"


# --------------------------------------------------------------------------- levers


@dataclass(frozen=True)
class Lever:
    """One lever: a name and the key paths of the scenario entries it sets."""

    name: str
    paths: tuple[str, ...]


def _matches(parts: tuple[str, ...], pattern: tuple[str, ...]) -> bool:
    return len(parts) == len(pattern) and all(
        p in ("*", x) for p, x in zip(pattern, parts, strict=True)
    )


def _is_whole_entry(parts: tuple[str, ...]) -> bool:
    return any(_matches(parts, pat) for pat in _WHOLE_ENTRIES)


def _holds_whole_entries(parts: tuple[str, ...]) -> bool:
    """``policies`` or ``districts.<d>.processors``: a table whose entries are levers."""
    return any(_matches(parts, pat[:-1]) for pat in _WHOLE_ENTRIES if pat[-1] == "*")


def differing_entries(
    scenario_doc: Mapping[str, Any], baseline_doc: Mapping[str, Any]
) -> list[str]:
    """The dotted key paths where two resolved scenario documents differ, one per lever.

    A programme (``policies.<name>``), a plant (``districts.<d>.processors.<p>``) and an entry
    rule (``districts.<d>.entry``) are compared whole; elsewhere the documents are compared key
    by key down to the first key that differs or that only one of them has (a table of
    programmes or plants only one of them has counts as empty there). Keys of
    :data:`METADATA_KEYS` are left out. Paths come in the scenario's key order.
    """
    out: list[str] = []

    def visit(a: Any, b: Any, parts: tuple[str, ...]) -> None:
        if len(parts) == 1 and parts[0] in METADATA_KEYS:
            return
        if _holds_whole_entries(parts):  # a table of programmes or plants only one side has
            a = {} if a is MISSING else a
            b = {} if b is MISSING else b
        if isinstance(a, Mapping) and isinstance(b, Mapping) and not _is_whole_entry(parts):
            for key in [*a, *(k for k in b if k not in a)]:
                visit(a.get(key, MISSING), b.get(key, MISSING), (*parts, key))
        elif a is MISSING or b is MISSING or a != b:
            out.append(".".join(parts))

    visit(scenario_doc, baseline_doc, ())
    return out


def _default_name(path: str) -> str:
    """``policies.X`` -> ``X``; ``districts.D.processors.P`` -> ``D.P``; others the path."""
    parts = path.split(".")
    if len(parts) == 2 and parts[0] == "policies":
        return parts[1]
    if len(parts) == 4 and parts[0] == "districts" and parts[2] == "processors":
        return f"{parts[1]}.{parts[3]}"
    if len(parts) == 3 and parts[0] == "districts":
        return f"{parts[1]}.{parts[2]}"
    return path


def parse_lever_option(text: str) -> tuple[str, list[str]]:
    """``NAME=PATTERN[,PATTERN...]`` (the ``--lever`` option) as a name and its patterns."""
    name, sep, rest = text.partition("=")
    patterns = [p.strip() for p in rest.split(",") if p.strip()]
    if not sep or not name.strip() or not patterns:
        raise UserError(f"--lever {text!r} is not NAME=PATTERN[,PATTERN...]", hint=_HINT_LEVER)
    return name.strip(), patterns


def group_levers(
    paths: Sequence[str], groups: Sequence[tuple[str, Sequence[str]]] = ()
) -> tuple[Lever, ...]:
    """The levers: each group (a name and ``fnmatch`` patterns over ``paths``), then every path
    no group took as a lever of its own (named by :func:`_default_name`).

    Raises:
        UserError: a pattern matches no path, a path is in two groups, or two levers share a
            name (or a name is not letters, digits, ``_ . -``).
    """
    listing = ", ".join(paths)
    taken: dict[str, str] = {}
    levers: list[Lever] = []
    for name, patterns in groups:
        chosen: list[str] = []
        for pat in patterns:
            hits = [p for p in paths if fnmatch.fnmatchcase(p, pat)]
            if not hits:
                raise UserError(
                    f"--lever {name}: the pattern {pat!r} matches none of the key paths where "
                    f"the scenario differs from its baseline ({listing})",
                    hint="patterns are fnmatch patterns over those paths, e.g. "
                    "'policies.elderly_*' or 'districts.*.processors.*'",
                )
            chosen += [p for p in hits if p not in chosen]
        for p in chosen:
            if p in taken:
                raise UserError(
                    f"{p} is in two levers, {taken[p]} and {name}",
                    hint="make the --lever patterns match disjoint key paths",
                )
            taken[p] = name
        levers.append(Lever(name, tuple(chosen)))
    levers += [Lever(_default_name(p), (p,)) for p in paths if p not in taken]
    names = [lever.name for lever in levers]
    for name in names:
        if names.count(name) > 1 or not _NAME.match(name):
            raise UserError(
                f"lever name {name!r} is used twice or is not letters, digits, _ . -",
                hint=_HINT_LEVER + " and a NAME of its own",
            )
    return tuple(levers)


# --------------------------------------------------------------------------- coalitions


def coalition_label(coalition: Iterable[str]) -> str:
    """A coalition as text: its levers sorted and joined by ``+`` (empty: the baseline)."""
    return "+".join(sorted(coalition))


def all_coalitions(levers: Sequence[str]) -> list[frozenset[str]]:
    """Every subset of ``levers``, by size and then in the levers' order."""
    return [frozenset(c) for k in range(len(levers) + 1) for c in itertools.combinations(levers, k)]


def _coalitions_of_orders(orders: Sequence[Sequence[str]]) -> list[frozenset[str]]:
    """The coalitions random orders pass through (each order's prefixes), by size."""
    seen: dict[frozenset[str], None] = {}
    for order in orders:
        for k in range(len(order) + 1):
            seen.setdefault(frozenset(order[:k]))
    return sorted(seen, key=lambda c: (len(c), coalition_label(c)))


def _get(doc: Mapping[str, Any], path: str) -> Any:
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return MISSING
        node = node[part]
    return node


def _put(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` to ``value`` in place (remove it when ``value`` is MISSING)."""
    *head, last = path.split(".")
    node = doc
    for part in head:
        if not isinstance(node.get(part), dict):
            if value is MISSING:
                return
            node[part] = {}
        node = node[part]
    if value is MISSING:
        node.pop(last, None)
    else:
        node[last] = copy.deepcopy(value)


def _coalition_document(
    scenario: LoadedScenario, baseline: LoadedScenario, paths: Iterable[str]
) -> tuple[dict[str, Any], dict[str, Source]]:
    """The baseline document with the scenario's entries at ``paths``, and who set each key."""
    doc = copy.deepcopy(baseline.document)
    origin = dict(baseline.origin)
    default = Source.file(scenario.path) if scenario.path else Source("<scenario>", Path.cwd())
    for path in paths:
        _put(doc, path, _get(scenario.document, path))
        below = path + "."
        for key in [k for k in origin if k == path or k.startswith(below)]:
            del origin[key]
        origin[path] = source_of(path, scenario.origin, default)
        origin.update(
            {k: v for k, v in scenario.origin.items() if k == path or k.startswith(below)}
        )
    return doc, origin


# --------------------------------------------------------------------------- Shapley values


def exact_shapley(values: Mapping[frozenset[str], Any], levers: Sequence[str]) -> dict[str, Any]:
    """Shapley values of ``levers`` from the value of every coalition (numbers or arrays).

    ``phi_i = sum over S without i of |S|! (n-|S|-1)! / n! * (v(S + i) - v(S))``.
    """
    n = len(levers)
    weight = [math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)]
    out = {}
    for lever in levers:
        others = [x for x in levers if x != lever]
        total: Any = 0.0
        for k in range(n):
            for s in itertools.combinations(others, k):
                without = frozenset(s)
                total = total + weight[k] * (values[without | {lever}] - values[without])
        out[lever] = total
    return out


def permutation_shapley(
    values: Mapping[frozenset[str], Any], orders: Sequence[Sequence[str]]
) -> dict[str, Any]:
    """Shapley values estimated as the mean marginal contribution over ``orders`` of the levers."""
    sums: dict[str, Any] = dict.fromkeys(orders[0], 0.0)
    for order in orders:
        before: frozenset[str] = frozenset()
        for lever in order:
            after = before | {lever}
            sums[lever] = sums[lever] + (values[after] - values[before])
            before = after
    return {lever: total / len(orders) for lever, total in sums.items()}


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class DecompositionPlan:
    """What a decomposition will run: the levers, the coalitions (validated), the seeds.

    Attributes:
        scenario: the package scenario, resolved (with ``--set``).
        baseline: its baseline, with the same overrides and the scenario's seed.
        levers: the levers, in order (groups first).
        seeds: the seed of each replication (scenario seed + r).
        orders: the random orders of the levers (Monte Carlo), or None for exact values.
        coalitions: each coalition to run and its validated scenario, by size.
    """

    scenario: LoadedScenario
    baseline: LoadedScenario
    levers: tuple[Lever, ...]
    seeds: tuple[int, ...]
    orders: tuple[tuple[str, ...], ...] | None
    coalitions: Mapping[frozenset[str], Scenario]

    @property
    def lever_names(self) -> list[str]:
        """The levers' names, in order."""
        return [lever.name for lever in self.levers]

    @property
    def exact(self) -> bool:
        """Every coalition is run (exact Shapley values)."""
        return self.orders is None

    @property
    def n_runs(self) -> int:
        """Coalitions x replications."""
        return len(self.coalitions) * len(self.seeds)

    def describe(self) -> str:
        """One line: levers, coalitions, method, replications and runs."""
        method = "exact Shapley" if self.exact else f"{len(self.orders or ())} random orders"
        return (
            f"{self.scenario.scenario.name} against {self.baseline.scenario.name}: "
            f"{len(self.levers)} levers, {len(self.coalitions)} coalitions ({method}) x "
            f"{len(self.seeds)} replications = {self.n_runs} runs "
            f"(seeds {self.seeds[0]}..{self.seeds[-1]})"
        )


def _validated(
    scenario: LoadedScenario,
    baseline: LoadedScenario,
    levers: Sequence[Lever],
    coalition: frozenset[str],
) -> Scenario:
    paths = [p for lever in levers if lever.name in coalition for p in lever.paths]
    doc, origin = _coalition_document(scenario, baseline, paths)
    try:
        return scenario_from_dict(
            doc, source="<coalition>", origin=origin, with_shipped_chains=False
        )
    except ScenarioError as exc:
        within = ", ".join(lv.name for lv in levers if lv.name in coalition)
        raise ScenarioError(
            exc.problems,
            hint="a lever that is not valid without another must be grouped with it: "
            "--lever NAME=PATTERN,PATTERN (patterns over the key paths of both)",
            subject=f"the baseline {baseline.scenario.name} with the lever(s) {within} of "
            f"{scenario.scenario.name} (and not the others)",
        ) from None


def plan_decomposition(
    scenario: str | Path | LoadedScenario,
    overrides: Mapping[str, Any] | Iterable[str | Override] = (),
    *,
    scenario_overrides: Mapping[str, Any] | Iterable[str | Override] = (),
    groups: Sequence[tuple[str, Sequence[str]]] = (),
    replications: int | None = None,
    max_exact: int = DEFAULT_MAX_EXACT,
    permutations: int = DEFAULT_PERMUTATIONS,
) -> DecompositionPlan:
    """Find the levers of a package scenario and validate the coalitions to run.

    Args:
        scenario: the scenario file (it must name a ``baseline``), or a loaded one.
        overrides: ``--set`` overrides, for the scenario and its baseline.
        scenario_overrides: ``--set-scenario`` overrides, for the scenario alone (they make
            levers of their own).
        groups: ``(name, patterns)`` of grouped levers (:func:`group_levers`).
        replications: replications per coalition (default: the scenario's).
        max_exact: with at most this many levers every coalition runs (exact values).
        permutations: random orders of the levers when there are more.

    Raises:
        UserError: no baseline, no lever, a bad group, or a coalition that is not a valid
            scenario (a :class:`ScenarioError` naming the levers in it).
    """
    loaded, base = load_with_baseline(scenario, overrides, scenario_overrides=scenario_overrides)
    if base is None:
        raise UserError(
            f"{loaded.scenario.name} names no baseline, so it has no effect to decompose",
            hint='decompose a scenario with a `baseline = "FILE"` key',
        )
    paths = differing_entries(loaded.document, base.document)
    if not paths:
        raise UserError(
            f"{loaded.scenario.name} simulates the same world as its baseline "
            f"{base.scenario.name}: there are no levers",
            hint="decompose a scenario that adds or changes programmes, plants or other keys",
        )
    levers = group_levers(paths, groups)
    reps = loaded.scenario.replications if replications is None else replications
    seeds = tuple(replication_seeds(loaded.scenario, reps))
    names = [lever.name for lever in levers]
    if permutations < 1:
        raise UserError(f"permutations must be at least 1, not {permutations}")
    orders: tuple[tuple[str, ...], ...] | None = None
    if len(levers) <= max_exact:
        coalitions = all_coalitions(names)
    else:
        rng = np.random.default_rng(loaded.scenario.seed)
        orders = tuple(
            tuple(names[i] for i in rng.permutation(len(names))) for _ in range(permutations)
        )
        coalitions = _coalitions_of_orders(orders)
    checked = {c: _validated(loaded, base, levers, c) for c in coalitions}
    return DecompositionPlan(loaded, base, levers, seeds, orders, checked)


def check_indicator_patterns(plan: DecompositionPlan, patterns: Sequence[str]) -> None:
    """Refuse, before running, ``--indicators`` patterns that match no summary of the runs.

    A summary is one of :data:`valuechain.outputs.metrics.SUMMARY`, a per-commodity one of
    the scenario's commodities, or a per-programme one of its programmes.
    """
    from valuechain.outputs.metrics import COMMODITY_SUMMARY, PROGRAMME_SUMMARY, SUMMARY

    s = plan.scenario.scenario
    known = [*SUMMARY]
    known += [k.format(c=c) for k in COMMODITY_SUMMARY for c in s.commodities]
    known += [k.format(p=p) for k in PROGRAMME_SUMMARY for p in s.policies]
    for pat in patterns:
        if not fnmatch.filter(known, pat):
            raise UserError(
                f"--indicators {pat!r} matches no summary indicator of the runs",
                hint="give fnmatch patterns over the columns of runs.parquet, e.g. "
                "sustained_exits_final or 'extreme_poverty_rate_*'",
            )


# --------------------------------------------------------------------------- running


@dataclass
class Decomposition:
    """The runs of every coalition and the Shapley value of each lever.

    Attributes:
        plan: what was run.
        runs: one row per coalition x replication: coalition (:func:`coalition_label`),
            n_levers, replication, seed, and the run's summary indicators
            (``coalitions.parquet``).
        indicators: the indicators decomposed.
        skipped: indicators left out because some coalition lacks them (a programme's own).
        by_replication: one row per lever x replication: lever, replication, seed, and the
            lever's Shapley value of each indicator in that replication; the rows of
            :data:`PACKAGE` hold the paired effect v(all) - v(none), which each replication's
            values add up to.
        table: one row per indicator x lever (``decomposition.csv``): indicator, label, unit,
            lever, n, shapley (mean over replications), se, ci_low, ci_high (t-interval), share
            (of the package's mean paired effect); then the package's row.
        wall_time_s: wall time of the runs.
        workers: processes used.
    """

    plan: DecompositionPlan
    runs: pd.DataFrame
    indicators: list[str]
    skipped: list[str]
    by_replication: pd.DataFrame
    table: pd.DataFrame
    wall_time_s: float
    workers: int
    started: str = ""
    command: list[str] | None = None

    def write(self, directory: str | Path) -> list[Path]:
        """Write ``decomposition.csv`` and ``coalitions.parquet`` atomically, the manifest last."""
        directory = check_writable(directory)
        (directory / MANIFEST).unlink(missing_ok=True)
        written = [
            write_csv_atomic(self.table, directory / DECOMPOSITION_CSV),
            write_table_atomic(self.runs, directory / COALITIONS_TABLE),
        ]
        manifest = _manifest(self, {p.name: file_digest(p) for p in written})
        text = json.dumps(manifest, indent=2, allow_nan=False, default=str) + "\n"
        return [*written, atomic_write_text(directory / MANIFEST, text)]


def _manifest(dec: Decomposition, files: dict[str, str]) -> dict[str, Any]:
    plan = dec.plan
    s, b = plan.scenario, plan.baseline
    return {
        "kind": "decomposition",
        "scenario": s.scenario.name,
        "scenario_file": str(s.path) if s.path else None,
        "content_hash": s.content_hash,
        "baseline": b.scenario.name,
        "baseline_file": str(b.path) if b.path else None,
        "baseline_content_hash": b.content_hash,
        "overrides": [str(o) for o in s.overrides],
        "levers": {lever.name: list(lever.paths) for lever in plan.levers},
        "method": "exact" if plan.exact else "permutations",
        "orders": None if plan.orders is None else [list(o) for o in plan.orders],
        "coalitions": len(plan.coalitions),
        "replications": len(plan.seeds),
        "seeds": list(plan.seeds),
        "runs": plan.n_runs,
        "indicators": dec.indicators,
        "skipped_indicators": dec.skipped,
        "started_utc": dec.started,
        "wall_time_s": round(dec.wall_time_s, 4),
        "workers": dec.workers,
        "package_version": package_version(),
        **git_revision(),
        "versions": library_versions(),
        "platform": platform.platform(),
        "command": dec.command,
        "files": {name: {"sha256": digest} for name, digest in files.items()},
    }


def run_decomposition(
    plan: DecompositionPlan,
    *,
    indicators: Sequence[str] | None = None,
    workers: int = 1,
    progress: bool = False,
    model_class: type | None = None,
) -> Decomposition:
    """Run every coalition of ``plan`` with the same seeds and compute the Shapley values.

    Args:
        plan: from :func:`plan_decomposition`.
        indicators: ``fnmatch`` patterns of the indicators to decompose (default
            :data:`valuechain.runs.statistics.MAIN_INDICATORS`); only those every coalition
            reports.
        workers: processes; 1 runs in this process. Results do not depend on it.
        progress: show a progress bar (when stderr is a terminal).
        model_class: the model (see :func:`valuechain.runs.replications.run_one_replication`).
    """
    if workers < 1:
        raise UserError(f"workers must be at least 1, not {workers}", hint="use --workers N")
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    labels = {c: coalition_label(c) for c in plan.coalitions}
    tasks = [
        ((labels[c], r), scenario, r, seed)
        for c, scenario in plan.coalitions.items()
        for r, seed in enumerate(plan.seeds)
    ]
    desc = f"{plan.scenario.scenario.name} coalitions"
    out = execute_runs(
        tasks, workers=workers, progress=progress, desc=desc, model_class=model_class
    )
    wall = time.perf_counter() - t0
    rows = [
        {
            "coalition": labels[c],
            "n_levers": len(c),
            "replication": r,
            "seed": seed,
            **out[labels[c], r].summary,
        }
        for c in plan.coalitions
        for r, seed in enumerate(plan.seeds)
    ]
    runs = pd.DataFrame(rows)
    common = set.intersection(*(set(res.summary) for res in out.values()))
    every = set().union(*(set(res.summary) for res in out.values()))
    patterns = MAIN_INDICATORS if indicators is None else tuple(indicators)
    chosen = main_indicators(sorted(common), patterns)
    skipped = [k for k in main_indicators(sorted(every), patterns) if k not in common]
    by_rep = _shapley_by_replication(plan, runs, chosen)
    return Decomposition(
        plan, runs, chosen, skipped, by_rep, _table(plan, by_rep, chosen), wall, workers, started
    )


def _shapley_by_replication(
    plan: DecompositionPlan, runs: pd.DataFrame, indicators: list[str]
) -> pd.DataFrame:
    """Each lever's Shapley value (and the package's effect) per replication."""
    values = {
        c: runs.loc[runs["coalition"] == coalition_label(c)]
        .sort_values("replication")[indicators]
        .to_numpy(dtype=float)
        for c in plan.coalitions
    }
    names = plan.lever_names
    phi = (
        exact_shapley(values, names)
        if plan.orders is None
        else permutation_shapley(values, plan.orders)
    )
    phi[PACKAGE] = values[frozenset(names)] - values[frozenset()]
    frames = []
    for lever in [*names, PACKAGE]:
        frame = pd.DataFrame(phi[lever], columns=indicators)
        frame.insert(0, "seed", list(plan.seeds))
        frame.insert(0, "replication", range(len(plan.seeds)))
        frame.insert(0, "lever", lever)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


_TABLE_COLUMNS = [
    "indicator", "label", "unit", "lever", "n", "shapley", "se", "ci_low", "ci_high", "share",
]  # fmt: skip


def _table(plan: DecompositionPlan, by_rep: pd.DataFrame, indicators: list[str]) -> pd.DataFrame:
    """Mean Shapley value of each lever over replications, t-interval and share."""
    levers = [*plan.lever_names, PACKAGE]
    summaries = {
        lever: summarise_runs(by_rep[by_rep["lever"] == lever], indicators).set_index("indicator")
        for lever in levers
    }
    rows = []
    for key in indicators:
        total = summaries[PACKAGE].loc[key, "mean"]
        for lever in levers:
            s = summaries[lever].loc[key]
            share = s["mean"] / total if total != 0 and math.isfinite(total) else math.nan
            rows.append(
                {
                    "indicator": key,
                    "label": s["label"],
                    "unit": s["unit"],
                    "lever": lever,
                    "n": int(s["n"]),
                    "shapley": s["mean"],
                    "se": s["se"],
                    "ci_low": s["ci_low"],
                    "ci_high": s["ci_high"],
                    "share": share,
                }
            )
    return pd.DataFrame(rows, columns=_TABLE_COLUMNS)

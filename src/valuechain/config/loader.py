"""Load scenario files: TOML, ``extends`` chains, overrides, one validation.

A scenario file is resolved in layers, each overriding the one before:

1. the value chains shipped in ``valuechain/config/data/chains.toml`` (under ``chains``);
2. the file named by ``extends`` (recursively, relative to the extending file);
3. the file itself;
4. overrides (``--set key.path=value``, an experiment's ``base_overrides`` and factors), in
   the order given. An override is a value: a list stays a list, a table a table. Only text
   from the command line is read as a TOML value, once.

The loader records the :class:`Source` of every key (which file, or which option, set it).
Errors name the source and key path of each value involved, also for checks across keys (a
wage in the scenario below a minimum wage in the file it extends), and a relative path is read
from the folder of the file it is written in (``baseline`` inherited through ``extends`` is
found beside the file that names it).

The merged document is validated once against :class:`valuechain.config.Scenario`. Every
problem is reported in one :class:`ScenarioError`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from valuechain.config.scenario import Scenario
from valuechain.config.schema import CrossKeyError
from valuechain.errors import MISSING, Problem, ProblemsError, Related

__all__ = [
    "LoadedScenario",
    "Override",
    "ScenarioError",
    "Source",
    "apply_overrides",
    "as_overrides",
    "load_scenario",
    "non_finite_problems",
    "parse_override",
    "problems_from_validation",
    "resolution_warnings",
    "scenario_from_dict",
    "source_of",
    "toml_text",
    "validate_document",
    "why_not_settable",
]

_MAX_EXTENDS_DEPTH = 16
_SHIPPED_CHAINS = "config/data/chains.toml"

HINT_SCENARIO = (
    "fix the key in the file named (or the --set value); "
    "`valuechain validate FILE` checks a file without running it"
)
HINT_PATH = "check the path (a relative path is read from the folder of the file that names it)"
HINT_SYNTAX = "fix the TOML syntax at the line and column shown"
HINT_SET = "write overrides as --set key.path=value, e.g. --set months=24"


class ScenarioError(ProblemsError):
    """A scenario that cannot be used; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem], hint: str = HINT_SCENARIO, subject: str = ""):
        super().__init__(problems, subject=subject or "the scenario", hint=hint)


@dataclass(frozen=True)
class Source:
    """Where values were written: a file, a command-line option, a key of an experiment file.

    Attributes:
        name: what errors print (a file path, ``--set``).
        folder: relative paths written there are read from this folder.
        prefix: put before a key path in errors (``base_overrides.`` for an experiment's).
    """

    name: str
    folder: Path
    prefix: str = ""

    @classmethod
    def command_line(cls, option: str = "--set") -> Source:
        """Values given on the command line (relative paths: the current directory)."""
        return cls(option, Path.cwd())

    @classmethod
    def file(cls, path: Path, name: str | None = None) -> Source:
        """Values written in a file (relative paths: the file's folder)."""
        return cls(str(path) if name is None else name, path.resolve().parent)


#: values no file or option set: the schema's defaults
DEFAULT = Source("schema default", Path("."))


@dataclass(frozen=True)
class Override:
    """Set ``key`` (a dotted path) to ``value``, as written by ``source``.

    Attributes:
        scenario_only: applied to the scenario but not to its baseline (``--set-scenario``).
        text: the text it was read from, when it came from the command line.
    """

    key: str
    value: Any
    source: Source
    scenario_only: bool = False
    text: str | None = None

    def __str__(self) -> str:
        return self.text if self.text is not None else f"{self.key}={toml_text(self.value)}"


def toml_text(value: Any) -> str:
    """A Python value written as a TOML value (for the record; never read back)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, Mapping):
        items = ", ".join(f"{json.dumps(str(k))} = {toml_text(v)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_text(v) for v in value) + "]"
    return json.dumps(str(value))


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario, where it came from and which source set each key."""

    scenario: Scenario
    path: Path | None
    document: dict[str, Any] = field(repr=False)
    overrides: tuple[Override, ...] = ()
    origin: Mapping[str, Source] = field(default_factory=dict, repr=False)

    @property
    def text(self) -> str:
        """The resolved scenario as canonical JSON (what the manifest stores)."""
        return json.dumps(self.scenario.model_dump(mode="json"), sort_keys=True, indent=1)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the resolved scenario: equal hashes mean the same simulated world."""
        return hashlib.sha256(self.text.encode()).hexdigest()

    @property
    def common_overrides(self) -> tuple[Override, ...]:
        """The overrides that apply to the baseline too (all but ``--set-scenario``)."""
        return tuple(o for o in self.overrides if not o.scenario_only)

    def resolve_path(self, key: str) -> Path | None:
        """The file named by a path-valued ``key``, read from the folder of the file (or
        option) that set it; None when the key is not set."""
        value = self.document.get(key)
        if value is None:
            return None
        path = Path(value)
        if path.is_absolute():
            return path
        here = self.path.parent if self.path is not None else Path.cwd()
        return source_of(key, self.origin, Source("", here)).folder / path

    def baseline_path(self) -> Path | None:
        """The baseline scenario file, read from the folder of the file that names it."""
        return self.resolve_path("baseline")


# --------------------------------------------------------------------------- reading files


def _shipped_chains() -> dict[str, Any]:
    data = resources.files("valuechain").joinpath(_SHIPPED_CHAINS).read_text("utf-8")
    return tomllib.loads(data)


def _shipped_source() -> Source:
    folder = Path(str(resources.files("valuechain").joinpath(_SHIPPED_CHAINS))).parent
    return Source(f"valuechain/{_SHIPPED_CHAINS}", folder)


def _read_toml(path: Path, requested_by: str, key: str = "") -> dict[str, Any]:
    if not path.is_file():
        problem = Problem(requested_by, key, str(path), "no such scenario file")
        raise ScenarioError([problem], hint=HINT_PATH)
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        problem = Problem(str(path), "", MISSING, f"malformed TOML: {exc}")
        raise ScenarioError([problem], hint=HINT_SYNTAX) from None
    except UnicodeDecodeError:
        problem = Problem(str(path), "", MISSING, "not a UTF-8 text file")
        raise ScenarioError([problem], hint=HINT_PATH) from None


def _set_origin(origin: dict[str, Source], path: str, source: Source) -> None:
    """Record that ``source`` set ``path`` (and everything beneath it)."""
    below = path + "."
    for key in [k for k in origin if k.startswith(below)]:
        del origin[key]
    origin[path] = source


def _merge(base: dict, top: Mapping, source: Source, origin: dict, prefix: str = "") -> None:
    """Deep-merge ``top`` into ``base`` in place, recording which source set each key."""
    for key, value in top.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value, source, origin, path + ".")
        else:
            base[key] = copy.deepcopy(value)
            _set_origin(origin, path, source)


def _resolve_file(
    path: Path,
    doc: dict,
    origin: dict,
    chain: tuple[Path, ...],
    requested_by: str,
    key: str = "",
    name: str | None = None,
) -> None:
    """Merge ``path`` (after the files it extends) into ``doc``."""
    resolved = path.resolve()
    if resolved in chain:
        cycle = " -> ".join(str(p) for p in (*chain, resolved))
        raise ScenarioError([Problem(str(resolved), "extends", str(resolved), f"a cycle: {cycle}")])
    if len(chain) > _MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            [Problem(str(resolved), "extends", MISSING, f"more than {_MAX_EXTENDS_DEPTH} levels")]
        )
    file_doc = _read_toml(path, requested_by, key)
    source = Source.file(path, name if name is not None else str(resolved))
    parent = file_doc.pop("extends", None)
    if parent is not None:
        if not isinstance(parent, str):
            raise ScenarioError(
                [Problem(source.name, "extends", parent, "a file name such as 'baseline.toml'")]
            )
        _resolve_file(
            source.folder / parent, doc, origin, (*chain, resolved), source.name, "extends"
        )
    _merge(doc, file_doc, source, origin)


# --------------------------------------------------------------------------- overrides


def parse_override(text: str, source: Source | None = None) -> Override:
    """Read ``a.b.c=VALUE`` from the command line: the key path and a TOML-typed value.

    The value is read as TOML where it parses (numbers, booleans, arrays, inline tables,
    quoted strings) and as a bare string otherwise, so ``--set name=my_run`` and
    ``--set months=24`` both work.
    """
    source = source or Source.command_line()
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        expected = (
            "expected KEY=VALUE with a dotted key, such as months=24 or "
            "districts.lampung_barat.n_households=5000"
        )
        raise ScenarioError([Problem(source.name, repr(text), MISSING, expected)], hint=HINT_SET)
    raw = raw.strip()
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return Override(key, value, source, text=text)


def as_overrides(
    overrides: Mapping[str, Any] | Iterable[str | Override],
    source: Source | None = None,
    *,
    scenario_only: bool = False,
) -> tuple[Override, ...]:
    """Overrides from a mapping of values, ``key=VALUE`` texts or :class:`Override` s.

    A mapping's values are used as they are; texts are read as the command line's ``--set``.
    """
    source = source or Source.command_line("--set-scenario" if scenario_only else "--set")
    if isinstance(overrides, Mapping):
        return tuple(Override(k, v, source, scenario_only) for k, v in overrides.items())
    out, problems = [], []
    for item in overrides:
        if isinstance(item, Override):
            out.append(item)
            continue
        try:
            parsed = parse_override(item, source)
        except ScenarioError as exc:
            problems += exc.problems
            continue
        out.append(Override(parsed.key, parsed.value, source, scenario_only, parsed.text))
    if problems:
        raise ScenarioError(problems, hint=HINT_SET)
    return tuple(out)


def why_not_settable(key: str, doc: Any, schema: type[BaseModel] = Scenario) -> str | None:
    """Why the dotted ``key`` cannot be set in the document ``doc``, or None when it can.

    A key must name a field of the schema or an existing entry of a table of entries (a
    district, a plant, a programme); the entries are listed when it does not.
    """
    parts = key.split(".")
    node_schema: Any = schema
    node_doc = doc
    for i, part in enumerate(parts):
        here = ".".join(parts[: i + 1])
        if isinstance(node_schema, type) and issubclass(node_schema, BaseModel):
            fields = node_schema.model_fields
            if part not in fields:
                return f"unknown key {here!r} (known here: {', '.join(sorted(fields))})"
            node_schema = fields[part].annotation
        elif _is_mapping_type(node_schema):
            if not isinstance(node_doc, dict) or part not in node_doc:
                have = sorted(node_doc) if isinstance(node_doc, dict) else []
                return f"unknown entry {here!r} (entries: {', '.join(have) or 'none'})"
            node_schema = _mapping_value_type(node_schema)
        else:
            return f"{'.'.join(parts[:i])!r} is a value, not a table"
        node_doc = node_doc.get(part) if isinstance(node_doc, dict) else None
        node_schema = _unwrap_optional(node_schema)
        members = _union_models(node_schema)
        if members:  # a tagged section such as [policies.<name>]: its `kind` says which
            kind = node_doc.get("kind") if isinstance(node_doc, dict) else None
            chosen = [m for m in members if kind in get_args(m.model_fields["kind"].annotation)]
            if not chosen:
                return f"{here!r} needs a valid `kind` before its keys can be set"
            node_schema = chosen[0]
    return None


def _union_models(tp: Any) -> list[type[BaseModel]]:
    """The models of a discriminated union (``Annotated[A | B, Field(discriminator=...)]``)."""
    if get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    args = get_args(tp)
    models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
    if models and len(models) == len(args) and all("kind" in m.model_fields for m in models):
        return models
    return []


def _unwrap_optional(tp: Any) -> Any:
    args = get_args(tp)
    if args and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return tp


def _is_mapping_type(tp: Any) -> bool:
    return get_origin(tp) is dict


def _mapping_value_type(tp: Any) -> Any:
    return get_args(tp)[1]


def apply_overrides(
    doc: dict[str, Any],
    overrides: Mapping[str, Any] | Iterable[str | Override],
    origin: dict[str, Source] | None = None,
) -> dict[str, Any]:
    """Apply overrides (values, or ``key=VALUE`` texts) to a resolved document.

    Returns a new document; ``origin`` (when given) records the source of each key set.
    """
    out = copy.deepcopy(doc)
    problems = []
    for o in as_overrides(overrides):
        wrong = why_not_settable(o.key, out)
        if wrong:
            problems.append(Problem(o.source.name, o.source.prefix + o.key, o.value, wrong))
            continue
        parts = o.key.split(".")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = copy.deepcopy(o.value)
        if origin is not None:
            _set_origin(origin, o.key, o.source)
    if problems:
        raise ScenarioError(problems)
    return out


# --------------------------------------------------------------------------- validation


def source_of(path: str, origin: Mapping[str, Source], default: Source) -> Source:
    """The source that set the dotted ``path`` (or the table holding it)."""
    parts = path.split(".")
    for n in range(len(parts), 0, -1):
        hit = origin.get(".".join(parts[:n]))
        if hit is not None:
            return hit
    return default


def _lookup(doc: Any, loc: tuple) -> Any:
    node = doc
    for part in loc:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_dict or in_list:
            node = node[part]
        else:
            return MISSING
    return node


def _drop_union_tags(doc: Any, loc: tuple) -> tuple:
    """Pydantic puts a tagged union's tag in the error location (``policies.x.bpnt.key``);
    users wrote ``policies.x.key``: drop the tag where it is the section's ``kind``."""
    out = []
    node = doc
    for part in loc:
        if isinstance(node, dict) and part not in node and node.get("kind") == part:
            continue
        out.append(part)
        node = node.get(part) if isinstance(node, dict) else None
    return tuple(out)


def _message(err: Mapping[str, Any]) -> str:
    """Pydantic's message, said for people writing TOML."""
    kind, given = err["type"], err.get("input")
    if kind in ("float_type", "int_type") and isinstance(given, bool):
        what = "a number" if kind == "float_type" else "a number (whole)"
        return f"{what}, not true or false"
    if kind == "int_type" and isinstance(given, float):
        return "a whole number (no decimal point; a factor over this key needs integer = true)"
    if kind == "finite_number":
        return "a finite number (not inf or nan)"
    return err["msg"].removeprefix("Value error, ")


def _walk(node: Any, path: str):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}.{i}" if path else str(i))
    else:
        yield path, node


def _non_finite(doc: Mapping[str, Any]) -> list[tuple[str, float]]:
    return [
        (path, value)
        for path, value in _walk(doc, "")
        if isinstance(value, float) and not math.isfinite(value)
    ]


def non_finite_problems(
    doc: Mapping[str, Any], origin: Mapping[str, Source], default: Source
) -> list[Problem]:
    """Every ``inf`` or ``nan`` in a document, wherever it is (a number must be finite)."""
    out = []
    for path, value in _non_finite(doc):
        src = source_of(path, origin, default)
        out.append(Problem(src.name, src.prefix + path, value, "a finite number (not inf or nan)"))
    return out


def _cross_key_problem(
    error: CrossKeyError,
    at: str,
    doc: Mapping[str, Any],
    origin: Mapping[str, Source],
    default: Source,
) -> Problem:
    """A broken rule over several keys, naming the source and value of each one (as written
    where it was written, else as validated)."""
    involved = []
    for key, value in error.values.items():
        path = f"{at}.{key}" if at else key
        written = _lookup(doc, tuple(int(p) if p.isdigit() else p for p in path.split(".")))
        if written is not MISSING and not isinstance(written, dict) and value is not MISSING:
            value = written
        src = source_of(path, origin, DEFAULT if _key_absent(origin, path) else default)
        involved.append(Related(src.name, src.prefix + path, value))
    first, *rest = involved
    return Problem(first.source, first.path, first.value, error.rule, tuple(rest))


def _key_absent(origin: Mapping[str, Source], path: str) -> bool:
    """True when no source set ``path`` nor a table holding it (the schema's default)."""
    return source_of(path, origin, DEFAULT) is DEFAULT


def problems_from_validation(
    exc: ValidationError,
    doc: Mapping[str, Any],
    origin: Mapping[str, Source],
    default: Source,
    skip: Iterable[str] = (),
) -> list[Problem]:
    """The problems of a pydantic ``ValidationError``, each with the source of its value.

    Union tags are dropped from key paths, a missing key is said to be missing, a table is
    never printed as a value, and a check across keys names the source of every key involved.
    Problems at a path in ``skip`` (already reported) are left out.
    """
    skip = set(skip)
    problems = []
    for err in exc.errors(include_url=False):
        loc = _drop_union_tags(doc, tuple(err["loc"]))
        path = ".".join(str(p) for p in loc)
        if path in skip:
            continue
        error = (err.get("ctx") or {}).get("error")
        if isinstance(error, CrossKeyError):
            problems.append(_cross_key_problem(error, path, doc, origin, default))
            continue
        src = source_of(path, origin, default)
        if err["type"] == "missing":
            value, msg = MISSING, "missing: this key is required"
        elif err["type"] == "extra_forbidden":
            value, msg = err["input"], "unknown key (misspelt? see docs/ODD.md for the schema)"
        else:
            value, msg = _lookup(doc, loc), _message(err)
            if isinstance(value, dict):  # a check over a table: its message names the keys
                value = MISSING
        problems.append(Problem(src.name, src.prefix + path, value, msg))
    return problems


def validate_document(
    doc: dict[str, Any], origin: Mapping[str, Source], default: Source
) -> Scenario:
    """Validate a merged document; raise one :class:`ScenarioError` listing every problem."""
    problems = non_finite_problems(doc, origin, default)
    try:
        scenario = Scenario.model_validate(doc)
    except ValidationError as exc:
        done = [path for path, _ in _non_finite(doc)]
        problems += problems_from_validation(exc, doc, origin, default, skip=done)
    if problems:
        raise ScenarioError(problems)
    return scenario


def scenario_from_dict(
    doc: Mapping[str, Any],
    *,
    source: str | Source = "<dict>",
    origin: Mapping[str, Source] | None = None,
    with_shipped_chains: bool = True,
) -> Scenario:
    """Validate a scenario document (the shipped chains are merged underneath it)."""
    default = source if isinstance(source, Source) else Source(source, Path.cwd())
    merged: dict[str, Any] = {}
    merged_origin: dict[str, Source] = {}
    if with_shipped_chains:
        _merge(merged, {"chains": _shipped_chains()}, _shipped_source(), merged_origin)
    _merge(merged, doc, default, merged_origin)
    if origin is not None:
        merged_origin.update(origin)
    return validate_document(merged, merged_origin, default)


def resolution_warnings(scenario: Scenario) -> list[str]:
    """Settings that are valid but will give coarse answers, as advice for the user.

    A simulated household stands for ``real_households / n_households`` real ones; jobs are
    filled in whole simulated households, so a plant needing fewer workers than that is
    rounded to zero or one household.
    """
    out = []
    for dname, d in scenario.districts.items():
        weight = d.real_households / d.n_households
        for pname, p in d.processors.items():
            chain = scenario.chains[p.commodity]
            workers = (
                p.capacity_t_per_month
                * p.target_utilisation
                * chain.processes[p.process].labour_worker_months_per_t
            )
            if workers < 2 * weight:
                need = int(2 * d.real_households / max(workers, 1e-9)) + 1
                out.append(
                    f"districts.{dname}.processors.{pname}: needs about {workers:.0f} workers "
                    f"but each simulated household stands for {weight:.0f} real households, so "
                    f"its jobs will be coarse; set districts.{dname}.n_households to at least "
                    f"{min(need, 5_000_000):,}"
                )
    return out


def load_scenario(
    path: str | Path, overrides: Mapping[str, Any] | Iterable[str | Override] = ()
) -> LoadedScenario:
    """Read, merge and validate a scenario file; raise :class:`ScenarioError` if it is wrong.

    Args:
        path: the scenario file.
        overrides: values by dotted key (``{"months": 24}``), ``key=VALUE`` texts as on the
            command line, or :class:`Override` s; applied after the file, in order.
    """
    path = Path(path)
    applied = as_overrides(overrides)
    origin: dict[str, Source] = {}
    doc: dict[str, Any] = {}
    _merge(doc, {"chains": _shipped_chains()}, _shipped_source(), origin)
    _resolve_file(path, doc, origin, (), "command line", name=str(path))
    doc = apply_overrides(doc, applied, origin)
    scenario = validate_document(doc, origin, Source.file(path))
    return LoadedScenario(scenario, path.resolve(), doc, applied, origin)

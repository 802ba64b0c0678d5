"""Load scenario files: TOML, ``extends`` chains, ``--set`` overrides, one validation.

A scenario file is resolved in layers, each overriding the one before:

1. the value chains shipped in ``valuechain/data/chains.toml`` (under ``chains``);
2. the file named by ``extends`` (recursively, relative to the extending file);
3. the file itself;
4. ``--set key.path=value`` overrides, in the order given.

The merged document is validated once against :class:`valuechain.config.Scenario`. Every
problem is reported as a :class:`ScenarioError` naming the file that set the key, the key
path, the value and what was expected.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from valuechain.config.scenario import Scenario

__all__ = [
    "LoadedScenario",
    "ScenarioError",
    "apply_overrides",
    "load_scenario",
    "parse_override",
    "resolution_warnings",
    "scenario_from_dict",
]

_MAX_EXTENDS_DEPTH = 16


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario."""

    source: str
    path: str
    value: Any
    expected: str

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        key = self.path or "(top level)"
        if self.value is _MISSING:
            return f"{where}{key}: {self.expected}"
        return f"{where}{key} = {_show(self.value)}: {self.expected}"


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``problems`` lists every reason found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        n = len(problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in the scenario:\n{lines}")


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario and where it came from."""

    scenario: Scenario
    path: Path | None
    document: dict[str, Any] = field(repr=False)
    overrides: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The resolved scenario as canonical JSON (what the manifest stores)."""
        return json.dumps(self.scenario.model_dump(mode="json"), sort_keys=True, indent=1)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the resolved scenario: equal hashes mean the same simulated world."""
        return hashlib.sha256(self.text.encode()).hexdigest()

    def baseline_path(self) -> Path | None:
        """The baseline scenario file, resolved relative to this file."""
        if self.scenario.baseline is None:
            return None
        base = Path(self.scenario.baseline)
        if not base.is_absolute() and self.path is not None:
            base = self.path.parent / base
        return base


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _shipped_chains() -> dict[str, Any]:
    data = resources.files("valuechain").joinpath("config/data/chains.toml").read_text("utf-8")
    return tomllib.loads(data)


def _read_toml(path: Path, requested_by: str, key: str = "") -> dict[str, Any]:
    if not path.is_file():
        raise ScenarioError(
            [Problem(requested_by, key, str(path), "no such scenario file (check the path)")]
        )
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([Problem(str(path), "", _MISSING, f"malformed TOML: {exc}")]) from None
    except UnicodeDecodeError:
        raise ScenarioError([Problem(str(path), "", _MISSING, "not a UTF-8 text file")]) from None


def _merge(base: dict, top: Mapping, source: str, origin: dict, prefix: str = "") -> None:
    """Deep-merge ``top`` into ``base`` in place, recording which source set each key."""
    for key, value in top.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value, source, origin, path + ".")
        else:
            base[key] = copy.deepcopy(value)
            origin[path] = source


def _resolve_file(
    path: Path, origin: dict, chain: tuple[Path, ...], requested_by: str, key: str = ""
) -> dict:
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(str(p) for p in (*chain, path))
        raise ScenarioError([Problem(str(path), "extends", str(path), f"a cycle: {cycle}")])
    if len(chain) > _MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            [Problem(str(path), "extends", _MISSING, f"more than {_MAX_EXTENDS_DEPTH} levels")]
        )
    doc = _read_toml(path, requested_by, key)
    parent = doc.pop("extends", None)
    merged: dict[str, Any] = {}
    if parent is not None:
        if not isinstance(parent, str):
            raise ScenarioError(
                [Problem(str(path), "extends", parent, "a file name such as 'baseline.toml'")]
            )
        merged = _resolve_file(path.parent / parent, origin, (*chain, path), str(path), "extends")
    _merge(merged, doc, str(path), origin)
    return merged


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``a.b.c=VALUE`` into the key path and a TOML-typed value.

    The value is read as TOML where it parses (numbers, booleans, arrays, quoted strings)
    and as a bare string otherwise, so ``--set name=my_run`` and ``--set months=24`` both work.
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise ScenarioError(
            [
                Problem(
                    "--set",
                    repr(text),
                    _MISSING,
                    "expected KEY=VALUE with a dotted key, such as months=24 or "
                    "districts.lampung_barat.n_households=5000",
                )
            ]
        )
    raw = raw.strip()
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key, value


def _known_path(schema: type[BaseModel], parts: list[str], doc: Any) -> str | None:
    """Return None when ``parts`` names a settable key, else what is wrong."""
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
    args = getattr(tp, "__args__", None)
    if args and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return tp


def _is_mapping_type(tp: Any) -> bool:
    return getattr(tp, "__origin__", None) is dict


def _mapping_value_type(tp: Any) -> Any:
    return tp.__args__[1]


def apply_overrides(
    doc: dict[str, Any], overrides: Iterable[str], origin: dict[str, str] | None = None
) -> dict[str, Any]:
    """Apply ``--set`` overrides to a resolved document (returns a new dict)."""
    out = copy.deepcopy(doc)
    problems = []
    for text in overrides:
        try:
            key, value = parse_override(text)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        parts = key.split(".")
        wrong = _known_path(Scenario, parts, out)
        if wrong:
            problems.append(Problem("--set", key, value, wrong))
            continue
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
        if origin is not None:
            origin[key] = "--set"
    if problems:
        raise ScenarioError(problems)
    return out


def _source_of(loc: str, origin: Mapping[str, str], default: str) -> str:
    parts = loc.split(".")
    for n in range(len(parts), 0, -1):
        hit = origin.get(".".join(parts[:n]))
        if hit:
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
            return _MISSING
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


def _problems_from(exc: ValidationError, doc: dict, origin: Mapping[str, str], default: str):
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        msg = err["msg"]
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        if err["type"] == "missing":
            value, msg = _MISSING, "missing: this key is required"
        elif err["type"] == "extra_forbidden":
            value, msg = err["input"], "unknown key (misspelt? see docs/ODD.md for the schema)"
        elif not loc:  # a check across keys: its message names the keys
            value = _MISSING
        else:
            value = _lookup(doc, loc)
        loc = _drop_union_tags(doc, loc)
        path = ".".join(str(p) for p in loc)
        # model-level validators report their own key path inside the message
        problems.append(Problem(_source_of(path, origin, default), path, value, msg))
    return problems


def scenario_from_dict(
    doc: Mapping[str, Any],
    *,
    source: str = "<dict>",
    origin: Mapping[str, str] | None = None,
    with_shipped_chains: bool = True,
) -> Scenario:
    """Validate a scenario document (the shipped chains are merged underneath it)."""
    merged: dict[str, Any] = {}
    if with_shipped_chains:
        merged["chains"] = _shipped_chains()
    _merge(merged, doc, source, {})
    try:
        return Scenario.model_validate(merged)
    except ValidationError as exc:
        raise ScenarioError(_problems_from(exc, merged, origin or {}, source)) from None


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


def load_scenario(path: str | Path, overrides: Iterable[str] = ()) -> LoadedScenario:
    """Read, merge and validate a scenario file; raise :class:`ScenarioError` if it is wrong."""
    path = Path(path)
    overrides = tuple(overrides)
    origin: dict[str, str] = {}
    doc: dict[str, Any] = {"chains": _shipped_chains()}
    file_doc = _resolve_file(path, origin, (), "command line")
    _merge(doc, file_doc, str(path), {})
    doc = apply_overrides(doc, overrides, origin)
    try:
        scenario = Scenario.model_validate(doc)
    except ValidationError as exc:
        raise ScenarioError(_problems_from(exc, doc, origin, str(path))) from None
    return LoadedScenario(scenario=scenario, path=path.resolve(), document=doc, overrides=overrides)

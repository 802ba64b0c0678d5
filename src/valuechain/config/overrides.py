"""Where a scenario's values come from, and overrides applied to a resolved document.

A :class:`Source` is a file, a command-line option or a key of an experiment file; the loader
records the source of every key (its *origin*), so that errors name where a value was written
and relative paths are read from the folder of the file that wrote them. An
:class:`Override` sets one dotted key to a value: a value stays a value (a list a list, a
table a table); only text from the command line is read as a TOML value, once
(:func:`parse_override`). :func:`why_not_settable` says why a key cannot be set, naming the
known keys or entries.
"""

from __future__ import annotations

import copy
import json
import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel

from valuechain.config.scenario import Scenario
from valuechain.errors import MISSING, Problem, ScenarioError, show_value

__all__ = [
    "DEFAULT",
    "HINT_SET",
    "Override",
    "Source",
    "apply_overrides",
    "as_overrides",
    "parse_override",
    "set_origin",
    "source_of",
    "toml_text",
    "why_not_settable",
]

HINT_SET = "write overrides as --set key.path=value, e.g. --set months=24"


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


def set_origin(origin: dict[str, Source], path: str, source: Source) -> None:
    """Record that ``source`` set ``path`` (and everything beneath it)."""
    below = path + "."
    for key in [k for k in origin if k.startswith(below)]:
        del origin[key]
    origin[path] = source


def source_of(path: str, origin: Mapping[str, Source], default: Source) -> Source:
    """The source that set the dotted ``path`` (or the table holding it)."""
    parts = path.split(".")
    for n in range(len(parts), 0, -1):
        hit = origin.get(".".join(parts[:n]))
        if hit is not None:
            return hit
    return default


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
        if node_doc is not None and not isinstance(node_doc, dict):  # written as a value
            return f"{'.'.join(parts[:i])!r} is {show_value(node_doc)} here, not a table"
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
            set_origin(origin, o.key, o.source)
    if problems:
        raise ScenarioError(problems)
    return out

"""One validation of a merged scenario document, with every problem reported at once.

Each problem names the source (file or option) and key path of its value: pydantic's union
tags are dropped from key paths, a missing key is said to be missing, a table is never printed
as a value, ``inf`` and ``nan`` are refused anywhere, and a rule across keys (a wage below the
minimum wage) names the source and value of every key involved.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from valuechain.config.overrides import DEFAULT, Source, source_of
from valuechain.config.scenario import Scenario
from valuechain.config.schema import CrossKeyError
from valuechain.errors import MISSING, Problem, Related, ScenarioError

__all__ = ["non_finite_problems", "problems_from_validation", "validate_document"]


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
        # a key nobody wrote is the schema's default; one written is named by who wrote it
        src = DEFAULT if written is MISSING else source_of(path, origin, default)
        involved.append(Related(src.name, src.prefix + path, value))
    first, *rest = involved
    return Problem(first.source, first.path, first.value, error.rule, tuple(rest))


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

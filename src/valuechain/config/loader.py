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
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from valuechain.config.chains import Chain
from valuechain.config.overrides import (
    Override,
    Source,
    apply_overrides,
    as_overrides,
    set_origin,
    source_of,
)
from valuechain.config.scenario import Scenario
from valuechain.config.validation import validate_document
from valuechain.errors import MISSING, Problem, ScenarioError

__all__ = [
    "LoadedScenario",
    "default_chains",
    "load_scenario",
    "read_toml",
    "resolution_warnings",
    "scenario_from_dict",
]

_MAX_EXTENDS_DEPTH = 16
_SHIPPED_CHAINS = "config/data/chains.toml"

HINT_PATH = "check the path (a relative path is read from the folder of the file that names it)"
HINT_SYNTAX = "fix the TOML syntax at the line and column shown"


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


def default_chains() -> dict[str, Chain]:
    """The value chains shipped with valuechain (``config/data/chains.toml``), validated."""
    return {name: Chain.model_validate(data) for name, data in _shipped_chains().items()}


def _shipped_source() -> Source:
    folder = Path(str(resources.files("valuechain").joinpath(_SHIPPED_CHAINS))).parent
    return Source(f"valuechain/{_SHIPPED_CHAINS}", folder)


def read_toml(
    path: Path, requested_by: str, key: str = "", what: str = "scenario file"
) -> tuple[dict[str, Any], str]:
    """A TOML file's document and text; a missing, unreadable, non-UTF-8 or malformed file is
    a :class:`ScenarioError` naming the file (or, when missing, who asked for it: the file
    and ``key`` that named it, or the command line)."""
    if not path.is_file():
        problem = Problem(requested_by, key, str(path), f"no such {what}")
        raise ScenarioError([problem], hint=HINT_PATH)
    try:
        text = path.read_text("utf-8")
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        problem = Problem(str(path), "", MISSING, f"malformed TOML: {exc}")
        raise ScenarioError([problem], hint=HINT_SYNTAX) from None
    except UnicodeDecodeError:
        problem = Problem(str(path), "", MISSING, "not a UTF-8 text file")
        raise ScenarioError([problem], hint=HINT_PATH) from None
    except OSError as exc:
        problem = Problem(str(path), "", MISSING, f"cannot be read ({exc.strerror})")
        raise ScenarioError([problem], hint=HINT_PATH) from None


def _merge(base: dict, top: Mapping, source: Source, origin: dict, prefix: str = "") -> None:
    """Deep-merge ``top`` into ``base`` in place, recording which source set each key."""
    for key, value in top.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _merge(base[key], value, source, origin, path + ".")
        else:
            base[key] = copy.deepcopy(value)
            set_origin(origin, path, source)


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
        raise ScenarioError([Problem(requested_by, key, str(path), f"a cycle: {cycle}")])
    if len(chain) > _MAX_EXTENDS_DEPTH:
        raise ScenarioError(
            [Problem(requested_by, key, str(path), f"more than {_MAX_EXTENDS_DEPTH} levels")]
        )
    file_doc, _ = read_toml(path, requested_by, key)
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

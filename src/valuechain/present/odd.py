"""Generate the parts of docs/ODD.md that the code knows better than prose.

``docs/ODD.md`` holds hand-written text with generated blocks between markers::

    <!-- BEGIN GENERATED: parameters -->
    ...
    <!-- END GENERATED: parameters -->

``python -m valuechain.present.odd docs/ODD.md`` rewrites the blocks in place; a test fails when the
committed copy is stale. Blocks: ``schedule``, ``state``, ``parameters``, ``chains``,
``streams``, ``indicators``.
"""

from __future__ import annotations

import inspect
import math
import re
import sys
from importlib import resources
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from valuechain import config as params
from valuechain.config.programmes import Policy, Programme
from valuechain.model.households.state import FIELDS
from valuechain.model.rng import STREAMS
from valuechain.outputs.aggregations import AGGREGATIONS
from valuechain.outputs.metrics import (
    COMMODITY_INDICATORS,
    COMMODITY_SUMMARY,
    INDICATORS,
    PROGRAMME_INDICATORS,
    PROGRAMME_SUMMARY,
    SUMMARY,
)

__all__ = ["generate", "render_blocks", "update_file"]

_BLOCK = re.compile(
    r"(<!-- BEGIN GENERATED: (?P<name>\w+) -->\n)(?P<body>.*?)(<!-- END GENERATED: (?P=name) -->)",
    re.S,
)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        out.append("| " + " | ".join(str(x).replace("|", "\\|") for x in r) + " |")
    return "\n".join(out) + "\n"


def _schedule() -> str:
    from valuechain.model.model import ValueChainModel

    lines = inspect.getsource(ValueChainModel.step).splitlines()
    rows = []
    for line in lines:
        m = re.match(r"\s+self\.(\w+)\(\)\s+# (\d+) (.*)", line)
        if m:
            method = getattr(ValueChainModel, m.group(1))
            summary = inspect.getdoc(method).splitlines()[0]
            rows.append([m.group(2), f"`{m.group(1)}`", m.group(3), summary])
    return _table(["#", "method", "what", "docstring (section and summary)"], rows)


def _state() -> str:
    rows = [[f"`{k}`", v[0], v[1], v[2]] for k, v in FIELDS.items()]
    return _table(["field", "dtype", "unit", "meaning"], rows)


def _bound(info) -> str:
    lo = hi = None
    for m in info.metadata:
        for attr, side in (("ge", "["), ("gt", "("), ("le", "]"), ("lt", ")")):
            v = getattr(m, attr, None)
            if v is not None:
                if side in "[(":
                    lo = f"{side}{v:g}"
                else:
                    hi = f"{v:g}{side}"
    if lo is None and hi is None:
        return ""
    return f"{lo or '(-inf'}, {hi or 'inf)'}"


def _default(info) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        return "(section)"
    d = info.default
    if isinstance(d, float):
        return f"{d:,.6g}"
    return f"{d!r}" if isinstance(d, str) else str(d)


def _walk(model: type[BaseModel], prefix: str, rows: list) -> None:
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra or {}
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            _walk(ann, f"{prefix}{name}.", rows)
            continue
        rows.append(
            [
                f"`{prefix}{name}`",
                _default(info),
                extra.get("unit", ""),
                _bound(info),
                extra.get("source", ""),
                info.description or "",
            ]
        )


def _programme_kinds() -> list[tuple[str, type]]:
    """Each programme schema of the ``policies`` union with its ``kind``."""
    union = get_args(Policy)[0]
    return [(get_args(m.model_fields["kind"].annotation)[0], m) for m in get_args(union)]


def _parameters() -> str:
    sections = [
        ("Scenario (top level)", params.Scenario, ""),
        ("District (`districts.<name>.`)", params.District, "districts.<name>."),
        ("Crop (`districts.<name>.crops.<commodity>.`)", params.Crop, ""),
        (
            "Quality practice (`districts.<name>.crops.<commodity>.quality.`)",
            params.Quality,
            "",
        ),
        ("Processor (`districts.<name>.processors.<plant>.`)", params.ProcessorSpec, ""),
        ("Entry rule (`districts.<name>.entry.`)", params.Entry, ""),
        ("Price shock (`[[shocks]]`)", params.PriceShock, ""),
        ("Chain (`chains.<commodity>.`)", params.Chain, ""),
        ("Stage (`chains.<commodity>.stages.<stage>.`)", params.Stage, ""),
        ("Process (`chains.<commodity>.processes.<process>.`)", params.Process, ""),
        ("Every programme (`policies.<name>.`)", Programme, ""),
        *(
            (f'Programme `kind = "{kind}"`, besides those', model, "")
            for kind, model in _programme_kinds()
        ),
    ]
    shared = {f"`{name}`" for name in Programme.model_fields}
    out = []
    for title, model, prefix in sections:
        rows: list = []
        _walk(model, prefix if model is params.District else "", rows)
        rows = [r for r in rows if r[1] != "(section)"]
        if model is not Programme and issubclass(model, Programme):
            rows = [r for r in rows if r[0] not in shared and r[0] != "`kind`"]
        out.append(f"**{title}**\n\n")
        out.append(_table(["key", "default", "unit", "range", "source", "meaning"], rows))
        out.append("\n")
    return "".join(out)


def _chains() -> str:
    text = resources.files("valuechain").joinpath("config/data/chains.toml").read_text("utf-8")
    rows = []
    table = ""
    last = None
    for line in text.splitlines():
        head = re.match(r"^\[([^\]]+)\]", line)
        if head:
            table = head.group(1)
            last = None
            continue
        kv = re.match(r"^(\w+)\s*=\s*(.+?)\s*(?:#\s*(.*))?$", line)
        if kv:
            last = [f"`{table}.{kv.group(1)}`", kv.group(2), kv.group(3) or ""]
            rows.append(last)
            continue
        cont = re.match(r"^\s+#\s*(.*)$", line)
        if cont and last is not None:
            last[2] = f"{last[2]} {cont.group(1)}".strip()
    return _table(["key", "value", "source / note (from data/chains.toml)"], rows)


def _years(x: float) -> str:
    if math.isnan(x):
        return "-"
    return "never" if math.isinf(x) else f"{x:.1f}"


def _processing() -> str:
    """Per process: what its defaults imply (jobs per 1,000 t, margin, payback), and the
    ranges tried."""
    from valuechain.config.loader import default_chains
    from valuechain.outputs.plant_economics import (
        TABLE_WAGE_IDR,
        economics_ranges,
        plant_economics,
    )

    rows = []
    for c, chain in default_chains().items():
        for name, p in chain.processes.items():
            e = plant_economics(chain, name)
            half = plant_economics(chain, name, utilisation=0.5)
            low, high = economics_ranges(chain, name)
            labour = p.tried.get("labour_worker_months_per_t", [p.labour_worker_months_per_t] * 2)
            rows.append(
                [
                    f"`{c}.{name}`",
                    f"{p.input_stage} → {p.output_stage}",
                    f"{e.jobs_per_1000_t:,.0f} ({labour[0] * 1000:,.0f}-{labour[1] * 1000:,.0f})",
                    f"{p.capex_idr_per_t_month / 1e6:,.1f}",
                    f"{e.margin_idr_per_kg_input:,.0f}",
                    _years(e.payback_years),
                    _years(half.payback_years),
                    f"{_years(low)}-{_years(high)}",
                    _years(e.coop_payback_years),
                ]
            )
    header = [
        "process",
        "stages",
        "jobs per 1,000 t input (range tried)",
        "capital, M IDR per t/month",
        "margin, IDR/kg input",
        "payback, years (85% use)",
        "at 50% use",
        "over the ranges tried",
        "as a cooperative",
    ]
    return _table(header, rows) + (
        f"\nA plant of one tonne a month of input capacity, paying IDR {TABLE_WAGE_IDR:,} a "
        "worker-month, buying at the input stage's start price (the plant gate) and selling at "
        "the output stage's; margin = conversion x (output price - variable cost) - input price "
        "- wage x labour per kg; payback = capital / (12 x (use x 1000 x margin - fixed cost)). "
        "'Over the ranges tried' moves one number at a time to each end of its range in the "
        "process's `tried` table. 'As a cooperative': the same plant buying from its members "
        "at the trader price (at `trader_margin_max`) plus its own collection "
        "(`trader_margin_min`), which keeps the trading margin as well. Built by "
        "`valuechain.outputs.plant_economics`.\n"
    )


def _streams() -> str:
    rows = [[f"`{k}`", v] for k, v in STREAMS.items()]
    return (
        _table(["stream", "drives"], rows)
        + "\nQualified names give each district, commodity, plant or programme its own "
        "stream: `prices/<commodity>`, `weather/<district>/<commodity>`, "
        "`harvest/<district>/<commodity>`, `income/<district>`, `labour/<district>`, "
        "`labour/<district>/separation`, `market/<district>`, `health/<district>`, "
        "`targeting/<district>` (the registry's score noise), "
        "`targeting/enumeration/<district>` (who is enumerated), `demography/<district>`, "
        "`membership/<district>/<plant>` (a cooperative plant's members), "
        "`ties/<district>/<commodity>` (growers tied to their trader), "
        "`quality/<district>/<commodity>` (growers who know a quality practice at the "
        "start), and, per programme and district, `training/<programme>/<district>`, "
        "`credit/<programme>/<district>`, `membership/<programme>/<district>` (a "
        "collective-selling group's members), `quality/<programme>/<district>` (the order "
        "in which a quality extension teaches growers) and "
        "`targeting/<programme>/<district>` (a programme's list noise or a village "
        "selection).\n"
    )


def _indicators() -> str:
    rows = [[f"`{k}`", v.label, v.unit] for k, v in INDICATORS.items()]
    rows += [[f"`{k}`", v.label, v.unit] for k, v in COMMODITY_INDICATORS.items()]
    rows += [[f"`{k}`", v.label, v.unit] for k, v in PROGRAMME_INDICATORS.items()]
    out = _table(["column", "meaning", "unit"], rows)
    tables = (SUMMARY, COMMODITY_SUMMARY, PROGRAMME_SUMMARY)
    srows = [
        [f"`{k}`", f"`{c}`", how, AGGREGATIONS[how].label]
        for table in tables
        for k, (c, how) in table.items()
    ]
    out += "\nRun summaries (one row per run in `runs.parquet`, from the `all` rows):\n\n"
    out += _table(["summary", "of column", "aggregation", "meaning"], srows)
    from valuechain.model.channels import CHANNELS
    from valuechain.outputs.metrics import CHANNEL_SUMMARY

    out += "\nIncome by channel (run summaries, not aggregations of a column; section 7.11):\n\n"
    out += _table(
        ["summary", "meaning", "unit"],
        [[f"`{k}`", v.label, v.unit] for k, v in CHANNEL_SUMMARY.items()],
    )
    out += "\nChannels (`valuechain.model.channels.CHANNELS`; `total` is their sum):\n\n"
    out += _table(["channel", "what it is"], [[f"`{k}`", v] for k, v in CHANNELS.items()])
    arows = [[f"`{a.name}`", a.label, a.window] for a in AGGREGATIONS.values()]
    out += "\nAggregations (`valuechain.outputs.aggregations`; months without data, NaN, "
    out += "are left out of the months read, and NaN is the result when none has data):\n\n"
    out += _table(["aggregation", "meaning", "months read"], arows)
    return out


GENERATORS = {
    "schedule": _schedule,
    "state": _state,
    "parameters": _parameters,
    "chains": _chains,
    "processing": _processing,
    "streams": _streams,
    "indicators": _indicators,
}


def generate(name: str) -> str:
    """The Markdown body of one generated block."""
    return GENERATORS[name]()


def render_blocks(text: str) -> str:
    """``text`` with every generated block refreshed."""

    def repl(m: re.Match) -> str:
        return m.group(1) + generate(m.group("name")) + m.group(4)

    return _BLOCK.sub(repl, text)


def update_file(path: str | Path) -> bool:
    """Rewrite the generated blocks of ``path``; True if the file changed."""
    path = Path(path)
    old = path.read_text("utf-8")
    new = render_blocks(old)
    if new != old:
        path.write_text(new, "utf-8")
    return new != old


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    target = sys.argv[1] if len(sys.argv) > 1 else "docs/ODD.md"
    print(f"{target}: {'updated' if update_file(target) else 'already current'}")

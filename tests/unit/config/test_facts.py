"""The facts table ships with the package; every ``FACTS:<id>`` citation names a row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

import valuechain.config  # noqa: F401 (registers every schema section)
from valuechain.config.facts import REQUIRED_COLUMNS, fact, find_citations, load_facts
from valuechain.config.schema import Strict

ROOT = Path(__file__).resolve().parents[3]

#: "FACTS" not followed by ":<id>": a citation someone forgot to convert (``FACTS:<id>`` itself,
#: the syntax written out in prose, is allowed)
LOOSE_MENTION = re.compile(r"\bFACTS\b(?!:[a-z0-9_]|:<id>)")


def _schema_sections(cls: type[BaseModel] = Strict) -> list[type[BaseModel]]:
    """Every schema section (each subclass of Strict, however deep)."""
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_schema_sections(sub))
    return out


def _schema_sources() -> dict[str, str]:
    """``Section.field`` → the field's declared source, for every field of every section."""
    sources = {}
    for section in _schema_sections():
        for name, info in section.model_fields.items():
            extra = info.json_schema_extra or {}
            if "source" in extra:
                sources[f"{section.__name__}.{name}"] = extra["source"]
    return sources


def _cited_files() -> list[Path]:
    """Files whose text may cite the table: data, scenarios, experiments, docs, code, tests."""
    files = [
        ROOT / "README.md",
        ROOT / "docs" / "ODD.md",
        *sorted((ROOT / "src" / "valuechain" / "config").glob("*.py")),
        *sorted((ROOT / "src" / "valuechain" / "config" / "data").glob("*.toml")),
        *sorted((ROOT / "scenarios").rglob("*.toml")),
        *sorted((ROOT / "experiments").rglob("*.toml")),
        *sorted((ROOT / "tests").rglob("*.py")),
    ]
    this_file = Path(__file__).resolve()
    facts_module = ROOT / "src" / "valuechain" / "config" / "facts.py"
    return [f for f in files if f.resolve() not in (this_file, facts_module)]


def _unknown_citations(text: str, ids: set[str]) -> list[str]:
    return [fact_id for fact_id in find_citations(text) if fact_id not in ids]


def test_the_table_has_its_columns_and_unique_stable_ids():
    facts = load_facts()
    assert list(facts.columns) == list(REQUIRED_COLUMNS)
    assert len(facts) >= 266, "rows are never dropped: a retracted figure keeps its row and id"
    assert facts["id"].is_unique
    assert all(re.fullmatch(r"[a-z0-9_]+", fact_id) for fact_id in facts["id"])
    for column in ("topic", "item", "source", "confidence"):
        assert (facts[column] != "").all(), f"a row without {column}"


def test_a_row_reads_back_as_published():
    row = fact("minimum_wage_jambi_2024")
    assert (row["item"], row["value"], row["unit"], row["year"]) == (
        "minimum wage Jambi",
        "3037121",
        "IDR per month",
        "2024",
    )
    assert fact("national_poverty_line_2024_03")["value"] == "582932"
    with pytest.raises(KeyError, match="no_such_row"):
        fact("no_such_row")


def test_find_citations_reads_ids_and_ignores_prose():
    text = "582,932 (FACTS:national_poverty_line_2024_03), see FACTS: the table; FACTS:a_1."
    assert find_citations(text) == ["national_poverty_line_2024_03", "a_1"]


def test_a_bad_id_is_reported():
    ids = set(load_facts()["id"])
    text = "# FACTS:minimum_wage_jambi_2024 and FACTS:minimum_wage_jambi_2042"
    assert _unknown_citations(text, ids) == ["minimum_wage_jambi_2042"]


def test_every_schema_source_citation_names_a_row():
    ids = set(load_facts()["id"])
    sources = _schema_sources()
    assert "PovertyLines.national_idr_per_person_month" in sources, "the walk missed a section"
    cited = {key: find_citations(src) for key, src in sources.items()}
    assert sum(map(len, cited.values())) >= 10, "the schema cites the table"
    bad = {key: ids_ for key, src in sources.items() if (ids_ := _unknown_citations(src, ids))}
    assert not bad, f"schema sources cite rows that do not exist: {bad}"
    loose = {key: src for key, src in sources.items() if LOOSE_MENTION.search(src)}
    assert not loose, f"cite a row as FACTS:<id>: {loose}"


@pytest.mark.parametrize("path", _cited_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_citation_in_the_files_names_a_row(path):
    ids = set(load_facts()["id"])
    text = path.read_text("utf-8")
    bad = _unknown_citations(text, ids)
    assert not bad, f"{path.name} cites rows that do not exist: {bad}"
    loose = [f"line {text.count(chr(10), 0, m.start()) + 1}" for m in LOOSE_MENTION.finditer(text)]
    assert not loose, f"{path.name}: cite a row as FACTS:<id> ({', '.join(loose)})"


def test_the_files_cite_the_table():
    cited = {f.name for f in _cited_files() if find_citations(f.read_text("utf-8"))}
    assert {"chains.toml", "ODD.md", "README.md", "baseline_coffee.toml"} <= cited

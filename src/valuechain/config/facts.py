"""The table of published figures the project cites, shipped with the package.

Every number taken from a publication (a poverty line, a minimum wage, a price, a yield) is a
row of ``valuechain/config/data/facts.csv`` with its unit, year, source and confidence. Each row
has a stable ``id`` (a short slug such as ``national_poverty_line_2024_03``) that is never
renumbered or reused. Schema sources, ``data/chains.toml``, scenario and experiment files and
docs/ODD.md cite a row as ``FACTS:<id>``; a test checks that every citation names a row.

Example:
    >>> fact("minimum_wage_jambi_2024")["value"]
    '3037121'
"""

from __future__ import annotations

import io
import re
from functools import cache
from importlib import resources

import pandas as pd

__all__ = [
    "CITATION",
    "FACTS_RESOURCE",
    "REQUIRED_COLUMNS",
    "cite",
    "fact",
    "find_citations",
    "load_facts",
]

#: where the table lives inside the installed package
FACTS_RESOURCE = "config/data/facts.csv"

#: the columns every row has; ``value`` is text (ranges such as ``840-1025`` are kept as given)
REQUIRED_COLUMNS = ("id", "topic", "item", "value", "unit", "year", "source", "confidence")

#: a citation of a row in text: ``FACTS:<id>``, the id in lower case letters, digits and ``_``
CITATION = re.compile(r"\bFACTS:([a-z0-9_]+)")


@cache
def _facts_text() -> str:
    return resources.files("valuechain").joinpath(FACTS_RESOURCE).read_text("utf-8")


def load_facts() -> pd.DataFrame:
    """Read the facts table: one row per published figure, every column as text.

    Returns:
        A new frame with the columns of :data:`REQUIRED_COLUMNS`, in file order; empty cells
        are empty strings.
    """
    return pd.read_csv(io.StringIO(_facts_text()), dtype=str, keep_default_na=False)


def fact(fact_id: str) -> pd.Series:
    """Return the row with this id.

    Args:
        fact_id: a row's ``id`` (``national_poverty_line_2024_03``).

    Raises:
        KeyError: no row has this id.
    """
    facts = load_facts()
    match = facts[facts["id"] == fact_id]
    if match.empty:
        raise KeyError(f"no row {fact_id!r} in the facts table ({FACTS_RESOURCE})")
    return match.iloc[0]


def cite(fact_id: str) -> str:
    """Return the citation text of a row (``FACTS:<id>``), checking that the row exists.

    Raises:
        KeyError: no row has this id.
    """
    fact(fact_id)
    return f"FACTS:{fact_id}"


def find_citations(text: str) -> list[str]:
    """Return the ids cited in ``text`` as ``FACTS:<id>``, in order of appearance."""
    return CITATION.findall(text)

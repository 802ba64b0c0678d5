"""The report as a document: sections of paragraphs, tables and figures, in one language.

The report's builders fill a :class:`Document`; :mod:`.html` and :mod:`.pdf` render the same
document, so the HTML page and the PDF hold the same content. Every text in a document is
already in the report's language (``valuechain.present.language``); the renderers add no
words of their own beyond what the document carries (title, page label, contents label).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

__all__ = ["Document", "FigureBlock", "Paragraph", "Section", "TableBlock"]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text (no markup)."""

    text: str


@dataclass(frozen=True)
class TableBlock:
    """A table: its stable name (file and anchor), caption, the cells as shown (strings or
    numbers, headers with units) and an optional note under it."""

    name: str
    caption: str
    frame: pd.DataFrame
    note: str = ""


@dataclass(frozen=True)
class FigureBlock:
    """A figure written as SVG (embedded in the HTML, drawn as vectors in the PDF) and PNG."""

    name: str
    caption: str
    svg: Path
    png: Path


Block = Paragraph | TableBlock | FigureBlock


@dataclass(frozen=True)
class Section:
    """A numbered section: its key (anchor), title and blocks in order."""

    key: str
    title: str
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class Document:
    """A whole report.

    Attributes:
        lang: the language code (``en`` or ``id``), for the HTML ``lang`` attribute.
        title: the report's title; ``subtitle`` a line under it (study, date, version).
        sections: in order.
        contents_label: the heading of the table of contents ("Contents" / "Daftar isi").
        page_label: the PDF's page number format, with ``{page}`` and optionally ``{pages}``
            ("Page {page} of {pages}").
        source: the source line printed at the foot of every PDF page and under the HTML.
    """

    lang: str
    title: str
    subtitle: str
    sections: tuple[Section, ...]
    contents_label: str
    page_label: str
    source: str = ""
    meta: dict[str, str] = field(default_factory=dict)

    def tables(self) -> list[TableBlock]:
        """Every table, in document order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, TableBlock)]

    def figures(self) -> list[FigureBlock]:
        """Every figure, in document order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, FigureBlock)]

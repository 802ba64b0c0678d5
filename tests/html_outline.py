"""A report page read back as a reader's browser would: its sections, tables, figures."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class Outline(HTMLParser):
    """Sections, tables (header and rows of cell texts), figures and external references.

    Attributes:
        sections: ``data-section`` of every section, in order.
        titles: the text of every section heading (``h2`` inside a section), in order.
        tables: ``data-table`` -> flat list of every cell text (header first).
        headers: ``data-table`` -> header cells; ``rows``: -> list of rows of cell texts.
        figures: ``data-figure`` of every figure; ``svgs``: inline SVG elements.
        external: ``src``/``href`` values pointing at the network.
    """

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.titles: list[str] = []
        self.tables: dict[str, list[str]] = {}
        self.headers: dict[str, list[str]] = {}
        self.rows: dict[str, list[list[str]]] = {}
        self.figures: list[str] = []
        self.external: list[str] = []
        self.svgs = 0
        self._table: str | None = None
        self._cell: str | None = None
        self._text: list[str] = []
        self._h2 = False

    @classmethod
    def read(cls, path: Path) -> Outline:
        """The outline of an HTML file."""
        page = cls()
        page.feed(path.read_text("utf-8"))
        page.close()
        return page

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.sections.append(a["data-section"])
        elif tag == "h2" and self.sections:
            self._h2, self._text = True, []
        elif tag == "table":
            self._table = a["data-table"]
            self.tables[self._table], self.headers[self._table] = [], []
            self.rows[self._table] = []
        elif tag == "tr" and self._table:
            self.rows[self._table].append([])
        elif tag == "figure":
            self.figures.append(a["data-figure"])
        elif tag == "svg":
            self.svgs += 1
        elif tag in ("td", "th"):
            self._cell, self._text = tag, []
        for key in ("src", "href"):
            if (a.get(key) or "").startswith(("http:", "https:", "//")) and tag != "svg":
                self.external.append(a[key])

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "h2" and self._h2:
            self._h2 = False
            self.titles.append("".join(self._text).strip())
        elif tag in ("td", "th") and self._cell:
            text = "".join(self._text)
            if self._table:
                self.tables[self._table].append(text)
                if tag == "th":
                    self.headers[self._table].append(text)
                else:
                    self.rows[self._table][-1].append(text)
            self._cell = None

    def handle_data(self, data):
        if self._cell or self._h2:
            self._text.append(data)

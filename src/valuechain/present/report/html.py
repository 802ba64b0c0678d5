"""The report as one self-contained HTML file: figures embedded as inline SVG, no network.

Rendered by Jinja2 from ``templates/report.html.j2`` with autoescaping (every text of the
document is escaped; only the project's own SVG figures are inserted as markup). The page
carries print rules (A4, headers repeated on each page, figures and rows never split), so a
browser prints it cleanly.
"""

from __future__ import annotations

import functools
import math
import re
from numbers import Number
from pathlib import Path
from typing import Any

import jinja2

from valuechain.present.report.document import (
    Document,
    FigureBlock,
    Paragraph,
    TableBlock,
)
from valuechain.runs.results import atomic_write_text

__all__ = ["cell_text", "render_html", "write_html"]

_TEMPLATE = "report.html.j2"
#: Words a formatted number may carry (rupiah, scales, "a to b", points), in en and id.
_NUMBER_WORDS = re.compile(
    r"\b(Rp|pp|to|thousand|million|billion|trillion|ribu|juta|miliar|triliun|persen poin)\b"
    r"|Rp"
)
#: What a formatted number never holds once those words are gone: a letter.
_NOT_NUMBER = re.compile(r"[^\W\d_]")
#: the XML prolog and DOCTYPE of a matplotlib SVG (not allowed inside an HTML body)
_SVG_PROLOG = re.compile(r"^\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?", re.S)


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("valuechain.present.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def cell_text(value: Any) -> tuple[str, bool]:
    """A cell's text and whether it is a number (right-aligned)."""
    if isinstance(value, Number) and not isinstance(value, bool):
        if isinstance(value, float) and math.isnan(value):
            return "—", True
        return str(value), True
    text = "" if value is None else str(value)
    # a formatted number ("−0,33 [−0,36; −0,31]", "Rp1,2 miliar [1,1; 1,3]", "12.5%") aligns
    # right too; a label that starts with one ("5% tax on raw exports") does not
    return text, bool(text) and not _NOT_NUMBER.search(_NUMBER_WORDS.sub("", text))


def _inline_svg(path: Path) -> str:
    return _SVG_PROLOG.sub("", path.read_text(encoding="utf-8"), count=1)


def _block(b: Paragraph | TableBlock | FigureBlock) -> dict[str, Any]:
    if isinstance(b, Paragraph):
        return {"kind": "paragraph", "text": b.text}
    if isinstance(b, TableBlock):
        rows = [[cell_text(v) for v in row] for row in b.frame.itertuples(index=False, name=None)]
        return {
            "kind": "table",
            "name": b.name,
            "caption": b.caption,
            "header": [str(c) for c in b.frame.columns],
            "rows": rows,
            "note": b.note,
        }
    return {"kind": "figure", "name": b.name, "caption": b.caption, "svg": _inline_svg(b.svg)}


def render_html(doc: Document) -> str:
    """The report's HTML text."""
    sections = [
        {"key": s.key, "title": s.title, "blocks": [_block(b) for b in s.blocks]}
        for s in doc.sections
    ]
    view = {
        "lang": doc.lang,
        "title": doc.title,
        "subtitle": doc.subtitle,
        "contents_label": doc.contents_label,
        "source": doc.source,
        "sections": sections,
    }
    return _environment().get_template(_TEMPLATE).render(doc=view)


def write_html(doc: Document, path: str | Path) -> Path:
    """Write ``report.html`` (atomically) and return its path."""
    return atomic_write_text(path, render_html(doc))

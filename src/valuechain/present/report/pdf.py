"""The report as a PDF: A4 pages, numbered, figures drawn as vectors, tables that split
across pages with their header repeated.

Rendered with ReportLab's page layout (platypus); figures are the report's SVG files turned
into ReportLab drawings by svglib, so they stay vectors. Text uses DejaVu Sans, the font
matplotlib ships (so the PDF shows the true minus sign, "Δ" and Indonesian text without a
system font).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph
from svglib.fonts import register_font
from svglib.svglib import svg2rlg

from valuechain.present.report.document import Document, FigureBlock, Paragraph, TableBlock
from valuechain.present.report.html import cell_text
from valuechain.runs.results import atomic_write_bytes

__all__ = ["render_pdf", "svg_drawing", "write_pdf"]

_FONT = "DejaVuSans"
_FONT_BOLD = "DejaVuSans-Bold"
_MARGIN = 16 * mm
_FOOT = 10 * mm
#: room a section heading or a table caption needs below it, or it starts the next page
_SECTION_START = 70 * mm
_TABLE_START = 35 * mm
#: table cells: font size (points), padding each side (points), widest share of the page
_CELL_PT, _CELL_PAD, _MAX_SHARE = 7.5, 3.0, 0.4


@functools.cache
def _fonts() -> None:
    """Register DejaVu Sans (regular and bold) from matplotlib's own fonts."""
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(_FONT, str(ttf / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(_FONT_BOLD, str(ttf / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(_FONT, normal=_FONT, bold=_FONT_BOLD)
    # the figures' text (SVG <text>, font-family "DejaVu Sans") drawn with the same fonts
    register_font("DejaVu Sans", str(ttf / "DejaVuSans.ttf"), rlgFontName=_FONT)
    register_font("DejaVu Sans", str(ttf / "DejaVuSans-Bold.ttf"), "bold", rlgFontName=_FONT_BOLD)


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=_FONT, fontSize=9.5, leading=13)
    return {
        "title": ParagraphStyle(
            "title", parent=body, fontName=_FONT_BOLD, fontSize=18, leading=22, spaceAfter=4
        ),
        "subtitle": ParagraphStyle("subtitle", parent=body, textColor=colors.HexColor("#555555")),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=_FONT_BOLD,
            fontSize=13,
            leading=16,
            spaceBefore=12,
            spaceAfter=6,
            keepWithNext=1,
        ),
        "body": body,
        "caption": ParagraphStyle(
            "caption",
            parent=body,
            fontName=_FONT_BOLD,
            fontSize=9,
            leading=11,
            spaceBefore=6,
            spaceAfter=3,
        ),
        "figcaption": ParagraphStyle(
            "figcaption", parent=body, fontSize=8.5, leading=11, spaceAfter=8
        ),
        "note": ParagraphStyle(
            "note",
            parent=body,
            fontSize=8,
            leading=10,
            textColor=colors.HexColor("#555555"),
            spaceAfter=6,
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=_CELL_PT, leading=9),
        "cellnum": ParagraphStyle(
            "cellnum", parent=body, fontSize=_CELL_PT, leading=9, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle(
            "head", parent=body, fontName=_FONT_BOLD, fontSize=_CELL_PT, leading=9
        ),
    }


def _p(text: str, style: str) -> RLParagraph:
    return RLParagraph(escape(text), _styles()[style])


def column_widths(header: list[str], body: list[list[str]], width: float) -> list[float]:
    """Widths of a table's columns (points) that share ``width``.

    A column needs at least its longest word (a cell wraps only between words); it would
    like its typical text on one line (the 90th percentile of its cells' widths, at most
    :data:`_MAX_SHARE` of the page). When the wishes fit, the room is shared in proportion
    to them; otherwise each column gets its need and a share of what is left in proportion to
    what it wished beyond it.
    """
    _fonts()
    pad = 2 * _CELL_PAD

    def text_w(text: str, bold: bool = False) -> float:
        return pdfmetrics.stringWidth(text, _FONT_BOLD if bold else _FONT, _CELL_PT)

    def word_w(text: str, bold: bool = False) -> float:
        return max((text_w(w, bold) for w in text.split()), default=0.0)

    need, wish = [], []
    for j, head in enumerate(header):
        cells = [row[j] for row in body]
        n = max([word_w(head, True), *(word_w(c) for c in cells)]) + pad
        typical = sorted(text_w(c) for c in cells)[int(0.9 * (len(cells) - 1))] if cells else 0
        need.append(n)
        wish.append(max(n, min(typical + pad, _MAX_SHARE * width)))
    if sum(wish) <= width:
        return [width * w / sum(wish) for w in wish]
    spare = width - sum(need)
    if spare <= 0:
        return need  # wider than the page: the longest words decide
    extra = [w - n for w, n in zip(wish, need, strict=True)]
    return [n + spare * e / sum(extra) for n, e in zip(need, extra, strict=True)]


def _table(b: TableBlock, width: float) -> list[Any]:
    header = [str(c) for c in b.frame.columns]
    body = [[cell_text(v) for v in row] for row in b.frame.itertuples(index=False, name=None)]
    widths = column_widths(header, [[t for t, _ in row] for row in body], width)
    rows = [[_p(t, "cellnum" if num else "cell") for t, num in row] for row in body]
    table = Table([[_p(h, "head") for h in header], *rows], repeatRows=1, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PAD),
                ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PAD),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    # a caption never ends a page: start the table on the next page unless a few rows fit
    out: list[Any] = [CondPageBreak(_TABLE_START), _p(b.caption, "caption"), table]
    if b.note:
        out.append(_p(b.note, "note"))
    return out


def svg_drawing(path: str | Path) -> Any:
    """A figure's SVG file as a ReportLab drawing (vectors; text in DejaVu Sans). Picklable,
    so the processes that draw the figures can convert them too (:func:`render_pdf`'s
    ``drawings``)."""
    _fonts()
    return svg2rlg(str(path))


def _figure(b: FigureBlock, width: float, height: float, drawings: Mapping[Path, Any]) -> Any:
    drawing = copy.deepcopy(drawings[b.svg]) if b.svg in drawings else svg_drawing(b.svg)
    scale = min(width / drawing.width, height / drawing.height)
    drawing.scale(scale, scale)
    drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
    return KeepTogether([drawing, _p(b.caption, "figcaption")])


def render_pdf(doc: Document, drawings: Mapping[Path, Any] | None = None) -> bytes:
    """The report's PDF bytes.

    Args:
        doc: the document.
        drawings: figures already converted by :func:`svg_drawing`, by SVG path (the rest
            are converted here).
    """
    drawings = drawings or {}
    styles = _styles()
    buf = BytesIO()
    width, height = A4
    frame_w = width - 2 * _MARGIN
    frame_h = height - 2 * _MARGIN - _FOOT

    class NumberedCanvas(Canvas):
        """A canvas that holds its pages until the end, then writes each page's foot with
        the number of pages ("Page 3 of 41")."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            for page in self._pages:
                self.__dict__.update(page)
                self.saveState()
                self.setFont(_FONT, 7.5)
                self.setFillColor(colors.HexColor("#666666"))
                self.drawString(_MARGIN, _MARGIN / 2, doc.source)
                label = doc.page_label.format(page=self._pageNumber, pages=len(self._pages))
                self.drawRightString(width - _MARGIN, _MARGIN / 2, label)
                self.restoreState()
                super().showPage()
            super().save()

    template = BaseDocTemplate(
        buf,
        pagesize=A4,
        title=doc.title,
        author="valuechain",
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN + _FOOT,
    )
    frame = Frame(_MARGIN, _MARGIN + _FOOT, frame_w, frame_h, id="body")
    template.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    story: list[Any] = [_p(doc.title, "title"), _p(doc.subtitle, "subtitle"), Spacer(1, 6)]
    story.append(_p(doc.contents_label, "h2"))
    for i, s in enumerate(doc.sections, start=1):
        story.append(_p(f"{i}. {s.title}", "body"))
    for i, s in enumerate(doc.sections, start=1):
        story.append(CondPageBreak(_SECTION_START))
        # a heading stays with what follows it up to the first figure (notes and a short
        # table start on its page; a figure that does not fit takes the heading along)
        head: list[Any] = [_p(f"{i}. {s.title}", "h2")]
        kept = True
        for b in s.blocks:
            if isinstance(b, Paragraph):
                flow = [RLParagraph(escape(b.text), styles["body"])]
            elif isinstance(b, TableBlock):
                flow = _table(b, frame_w)
            else:
                flow = [_figure(b, frame_w, frame_h * 0.8, drawings)]
            if kept and not isinstance(b, TableBlock):
                head += flow
                if isinstance(b, FigureBlock):
                    story.append(KeepTogether(head))
                    kept = False
                continue
            if kept:
                story.append(KeepTogether(head))
                kept = False
            story.extend(flow)
        if kept:
            story.append(KeepTogether(head))
    template.build(story, canvasmaker=NumberedCanvas)
    return buf.getvalue()


def write_pdf(doc: Document, path: str | Path, drawings: Mapping[Path, Any] | None = None) -> Path:
    """Write ``report.pdf`` (atomically) and return its path (``drawings``: as
    :func:`render_pdf`)."""
    data = render_pdf(doc, drawings)
    return atomic_write_bytes(path, lambda fh: fh.write(data))

"""The report's renderers: one document, the same content in a self-contained HTML page
(parsed, not grepped) and in a PDF (read back with pypdf), figures as vectors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from pypdf import PdfReader

from tests.html_outline import Outline
from valuechain.present.report.document import (
    Document,
    FigureBlock,
    Paragraph,
    Section,
    TableBlock,
)
from valuechain.present.report.html import cell_text, render_html, write_html
from valuechain.present.report.pdf import write_pdf

MINUS = "\u2212"


@pytest.fixture(scope="module")
def doc(tmp_path_factory) -> Document:
    d = tmp_path_factory.mktemp("report")
    fig, ax = plt.subplots(figsize=(6.3, 3.9))
    ax.plot([0, 1, 2], [0.8, 0.5, 0.4], label="Δ kemiskinan ekstrem")
    ax.set_xlabel("bulan")
    svg, png = d / "effects.svg", d / "effects.png"
    fig.savefig(svg)
    fig.savefig(png, dpi=100)
    plt.close(fig)
    rows = [
        {"Skenario": f"Skenario {i} <b>", "Δ kemiskinan ekstrem (poin persen)": f"{MINUS}0,3{i}"}
        for i in range(60)  # long enough to split across pages
    ]
    sections = (
        Section("summary", "Ringkasan", (Paragraph("Efek berpasangan & selang 95%."),)),
        Section(
            "effects",
            "Efek",
            (
                TableBlock("summary", "Tabel 1. Ringkasan", pd.DataFrame(rows), note="Catatan."),
                FigureBlock("effects_forest", "Gambar 1. Efek", svg, png),
            ),
        ),
        Section("methods", "Metode", (Paragraph("Replikasi: 10."),)),
    )
    return Document(
        lang="id",
        title="Laporan hilirisasi",
        subtitle="studi hilirisasi · valuechain 0.1.0",
        sections=sections,
        contents_label="Daftar isi",
        page_label="Halaman {page}",
        source="valuechain 0.1.0 · studi hilirisasi · 10 replikasi",
    )


def test_the_html_page_holds_every_section_table_and_figure_and_needs_no_network(doc, tmp_path):
    path = write_html(doc, tmp_path / "report.html")
    page = Outline()
    page.feed(path.read_text("utf-8"))
    assert page.sections == ["summary", "effects", "methods"]
    assert list(page.tables) == ["summary"]
    cells = page.tables["summary"]
    assert "Skenario 0 <b>" in cells  # escaped text comes back as text, not markup
    assert len(cells) == 2 + 2 * 60 and cells[3] == f"{MINUS}0,30"
    assert page.figures == ["effects_forest"] and page.svgs == 1  # the figure inline
    assert page.external == []
    assert '<html lang="id">' in render_html(doc)


def test_a_cell_that_is_a_number_or_a_formatted_number_aligns_right():
    assert cell_text(3.5) == ("3.5", True)
    assert cell_text(float("nan")) == ("—", True)
    assert cell_text(f"{MINUS}0,33 [{MINUS}0,36; {MINUS}0,31]")[1]
    assert cell_text("Rp1,2 miliar")[1]
    assert cell_text("Skenario")[1] is False
    # a label that starts with a number is text (it was right-aligned like a number)
    assert cell_text("5% tax on raw green-bean exports")[1] is False
    assert cell_text("Rp 589.7 million [552.1 to 627.4]")[1]


def test_the_pdf_has_numbered_pages_the_same_content_and_vector_figures(doc, tmp_path):
    path = write_pdf(doc, tmp_path / "report.pdf")
    reader = PdfReader(path)
    n = len(reader.pages)
    assert n >= 3  # 60 table rows, the figure and the front matter
    texts = [p.extract_text() for p in reader.pages]
    assert "Laporan hilirisasi" in texts[0] and "Daftar isi" in texts[0]
    for i, text in enumerate(texts, start=1):
        assert f"Halaman {i}" in text
    body = "\n".join(texts)
    assert "Skenario 59 <b>" in body and f"{MINUS}0,3" in body  # the true minus survives
    assert "Gambar 1. Efek" in body
    # vectors: no page holds a raster image
    for p in reader.pages:
        xobjects = p.get("/Resources", {}).get("/XObject", {}) or {}
        assert all(xobjects[k].get("/Subtype") != "/Image" for k in xobjects)

"""The report figures' style: palette, sizes, fonts, and axes in the report's language."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text

from valuechain.present.figures import save_figure
from valuechain.present.language import LANGUAGES, indicator_scale, language
from valuechain.present.style import (
    BASELINE_COLOUR,
    FIGURE_SIZES_IN,
    MIN_FONT_PT,
    PALETTE,
    PNG_DPI,
    SCENARIO_COLOUR,
    SERIES,
    axis_label,
    date_axis,
    draw_band,
    legend_above,
    month_dates,
    number_axis,
    report_figure,
    report_style,
    set_title,
    shade_window,
    source_note,
    source_text,
)

#: 24 months from the start of the 2024 push (August 2024).
MONTHS = [f"{2024 + (7 + i) // 12}-{(7 + i) % 12 + 1:02d}" for i in range(24)]


def demo_figure(code: str) -> Figure:
    """An 'over time' figure as the report draws it: two bands, a policy window, a note."""
    lang = language(code)
    when = month_dates(MONTHS)
    t = np.arange(len(MONTHS))
    scale = indicator_scale("extreme_poverty_rate")
    with report_style():
        fig, ax = report_figure("full")
        for level, colour, who in (
            (0.021 - 0.006 * (1 - np.exp(-t / 5)), SCENARIO_COLOUR, "percepatan_2024"),
            (0.021 - 0.001 * t / 24, BASELINE_COLOUR, lang.t("figure.legend.baseline")),
        ):
            mid = level * scale
            draw_band(ax, when, mid - 0.15, mid, mid + 0.15, colour, who)
        shade_window(ax, "2024-08", "2024-12", lang)
        ax.set_ylim(0, None)
        ax.set_ylabel(axis_label(lang, "extreme_poverty_rate"))
        set_title(
            fig,
            lang.t(
                "figure.title.over_time",
                indicator=lang.indicator_label("extreme_poverty_rate"),
                scenario="percepatan_2024",
            ),
        )
        date_axis(ax, lang)
        number_axis(ax, lang)
        legend_above(ax)
        source_note(fig, source_text(lang, "0.1.0", "levers_2024", 10))
    return fig


def rendered_texts(fig: Figure) -> list[Text]:
    """Every text a drawn figure shows (tick labels of ticks outside the view are not drawn,
    so they are left out)."""
    FigureCanvasAgg(fig).draw()  # lays out and makes the tick labels
    hidden = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for loc, label in zip(
                axis.get_majorticklocs(), axis.get_majorticklabels(), strict=True
            ):
                if not low - 1e-9 <= loc <= high + 1e-9:
                    hidden.add(id(label))
    return [
        t for t in fig.findobj(Text) if t.get_visible() and t.get_text() and id(t) not in hidden
    ]


def test_palette_is_okabe_ito():
    # Okabe & Ito (2008): the eight colours, by hand
    assert set(PALETTE.values()) == {
        "#000000",
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
    }
    assert len(set(SERIES)) == len(SERIES) == 8
    assert SCENARIO_COLOUR != BASELINE_COLOUR


def test_sizes_fit_a4():
    # A4 is 210 mm wide; 2.5 cm margins leave 160 mm = 6.30 in
    text_width_in = (210 - 2 * 25) / 25.4
    assert FIGURE_SIZES_IN["full"][0] == pytest.approx(text_width_in, abs=0.01)
    assert 2 * FIGURE_SIZES_IN["half"][0] <= text_width_in
    assert PNG_DPI >= 300
    with pytest.raises(KeyError, match="sizes"):
        report_figure("poster")


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_text_is_readable_at_print_size(code):
    fig = demo_figure(code)
    sizes = [t.get_fontsize() for t in rendered_texts(fig)]
    assert sizes and min(sizes) >= MIN_FONT_PT


@pytest.mark.parametrize("code", LANGUAGES)
def test_texts_stay_on_the_figure_and_apart(code):
    fig = demo_figure(code)
    texts = rendered_texts(fig)
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    boxes = [t.get_window_extent(renderer) for t in texts]
    for t, b in zip(texts, boxes, strict=True):
        assert page.x0 - 1 <= b.x0 and b.x1 <= page.x1 + 1, t.get_text()
        assert page.y0 - 1 <= b.y0 and b.y1 <= page.y1 + 1, t.get_text()
    note = next(b for t, b in zip(texts, boxes, strict=True) if t.get_text().startswith("value"))
    others = [b for t, b in zip(texts, boxes, strict=True) if not t.get_text().startswith("value")]
    assert not any(note.overlaps(b) for b in others), "the source note overlaps a label"


def test_labels_in_indonesian():
    fig = demo_figure("id")
    words = {t.get_text() for t in rendered_texts(fig)}
    assert "Kemiskinan ekstrem (USD 1,90)\n(% penduduk)" in words
    assert "valuechain 0.1.0 · studi levers_2024 · 10 replikasi" in words
    assert "periode kebijakan" in words
    assert {"Sep\n2024", "Mei"} <= words  # the first tick of a year has its year; May: Mei
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any("," in t for t in ticks)  # decimal commas
    assert not any("." in t for t in ticks)


def test_axis_label_names_the_unit():
    en, id_ = language("en"), language("id")
    assert axis_label(en, "processing_jobs") == "Processing jobs (workers)"
    assert axis_label(id_, "farmgate_price_coffee") == "Harga di tingkat petani, kopi (Rp/kg)"


def test_number_axis_uses_a_true_minus():
    en = language("en")
    with report_style():
        fig, ax = report_figure("half")
        ax.plot([0, 1], [-0.5, 0.5])
        number_axis(ax, en)
    labels = {t.get_text() for t in rendered_texts(fig)}
    assert "−0.4" in labels or "−0.5" in labels
    assert not any(s.startswith("-") for s in labels)


@pytest.mark.parametrize("code", LANGUAGES)
def test_demo_figure_saves_png_and_svg(code, tmp_path: Path):
    fig = demo_figure(code)
    written = save_figure(fig, tmp_path / f"over_time_{code}", dpi=PNG_DPI)
    png = next(p for p in written if p.suffix == ".png")
    width_px = int.from_bytes(png.read_bytes()[16:20], "big")
    assert width_px == math.ceil(FIGURE_SIZES_IN["full"][0] * PNG_DPI) or width_px == round(
        FIGURE_SIZES_IN["full"][0] * PNG_DPI
    )
    svg = next(p for p in written if p.suffix == ".svg").read_text()
    assert "<svg" in svg
    # the same figure saved again, and drawn afresh, gives the same bytes
    again = save_figure(fig, tmp_path / "again" / f"over_time_{code}", dpi=PNG_DPI)
    fresh = save_figure(demo_figure(code), tmp_path / "fresh" / f"over_time_{code}", dpi=PNG_DPI)
    for first, second, third in zip(written, again, fresh, strict=True):
        assert first.read_bytes() == second.read_bytes() == third.read_bytes(), first.name


def test_shading_and_bands_use_distinct_colours():
    fig = demo_figure("en")
    fills = [c.get_facecolor()[0][:3] for c in fig.axes[0].collections]
    assert len({tuple(np.round(f, 3)) for f in fills}) == len(fills) == 2
    assert to_rgb(SCENARIO_COLOUR) in [tuple(f) for f in fills]
    buf = io.BytesIO()
    fig.savefig(buf, format="png")

"""One style for every report figure: colours, sizes, fonts, axes in the report's language.

Colours are the Okabe–Ito palette, distinct for the common forms of colour blindness and in
grey print (Okabe & Ito 2008, "Color Universal Design", https://jfly.uni-koeln.de/color/;
Wong 2011, "Points of view: Color blindness", Nature Methods 8:441). Sizes fit an A4 page
with 2.5 cm margins (a text block 16 cm wide): a full-width figure is 6.3 in wide, a
half-width one 3.1 in; at that size every text is at least 9 pt. PNG at :data:`PNG_DPI`,
SVG as vectors (:func:`valuechain.present.figures.save_figure`).

Example:
    >>> from valuechain.present.language import language    # doctest: +SKIP
    >>> lang = language("id")
    >>> with report_style():
    ...     fig, ax = report_figure("full")
    ...     draw_band(ax, when, q05, median, q95, SCENARIO_COLOUR, "skenario")
    ...     shade_window(ax, "2024-08", "2024-12", lang)
    ...     ax.set_ylabel(axis_label(lang, "extreme_poverty_rate"))
    ...     set_title(fig, lang.t("figure.title.goal_reached")); legend_above(ax)
    ...     date_axis(ax, lang); number_axis(ax, lang)
    ...     source_note(fig, source_text(lang, "0.1.0", "levers_2024", 10))
    >>> save_figure(fig, "figures/extreme_poverty", dpi=PNG_DPI)

API:
    Colours: :data:`PALETTE` (name → hex), :data:`SERIES` (the order of series),
    :data:`SCENARIO_COLOUR`, :data:`BASELINE_COLOUR`, :data:`FUNDING_COLOURS`,
    :func:`series_colour`.
    Sizes: :data:`FIGURE_SIZES_IN`, :data:`PNG_DPI`, :data:`MIN_FONT_PT`.
    Style: :data:`REPORT_RC` (matplotlib rc), :func:`report_style` (a context with it),
    :func:`report_figure` (a Figure of a named size with one axes).
    Uncertainty and windows: :data:`BAND_ALPHA`, :data:`MEDIAN_LINEWIDTH`,
    :data:`INTERVAL_LINEWIDTH`, :data:`WINDOW_STYLE`, :func:`draw_band`, :func:`shade_window`
    (a policy window: whole months, ``YYYY-MM`` to ``YYYY-MM``).
    Layout: :func:`set_title` (the figure's title, wrapped to its width),
    :func:`legend_above` (the legend between title and axes), :func:`line_chars`.
    Text in the report's language: :func:`axis_label`, :func:`date_axis`,
    :func:`number_axis`, :func:`source_text`, :func:`source_note`; :func:`month_dates`
    (``YYYY-MM`` → dates for a date axis).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import textwrap
from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from valuechain.present.language import Language

__all__ = [
    "BAND_ALPHA",
    "BASELINE_COLOUR",
    "CHAR_WIDTH_EM",
    "FIGURE_SIZES_IN",
    "FUNDING_COLOURS",
    "INTERVAL_LINEWIDTH",
    "MEDIAN_LINEWIDTH",
    "MIN_FONT_PT",
    "NOTE_COLOUR",
    "PALETTE",
    "PNG_DPI",
    "REPORT_RC",
    "SCENARIO_COLOUR",
    "SERIES",
    "WINDOW_STYLE",
    "axis_label",
    "date_axis",
    "draw_band",
    "legend_above",
    "line_chars",
    "month_dates",
    "number_axis",
    "report_figure",
    "report_style",
    "series_colour",
    "set_title",
    "shade_window",
    "source_note",
    "source_text",
]

#: The Okabe–Ito palette (Okabe & Ito 2008; Wong 2011).
PALETTE: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: The order in which series take colours: the strongest contrasts on white first, yellow
#: (faint on white) last.
SERIES: tuple[str, ...] = (
    PALETTE["blue"],
    PALETTE["vermillion"],
    PALETTE["bluish_green"],
    PALETTE["reddish_purple"],
    PALETTE["sky_blue"],
    PALETTE["orange"],
    PALETTE["black"],
    PALETTE["yellow"],
)
SCENARIO_COLOUR = PALETTE["blue"]
BASELINE_COLOUR = PALETTE["vermillion"]
#: Spending by who pays (valuechain.config.programmes: ``funding``; processing plants).
FUNDING_COLOURS: dict[str, str] = {
    "central": PALETTE["blue"],
    "district": PALETTE["bluish_green"],
    "processing": PALETTE["reddish_purple"],
}

#: Figure sizes (width, height in inches): A4 with 2.5 cm margins leaves 16 cm = 6.3 in.
FIGURE_SIZES_IN: dict[str, tuple[float, float]] = {
    "full": (6.3, 3.9),
    "full_tall": (6.3, 6.3),
    "half": (3.1, 2.6),
}
#: Resolution of PNG files (print quality at the sizes above).
PNG_DPI = 300
#: The smallest text on a figure, in points at print size.
MIN_FONT_PT = 9.0

#: Opacity of an uncertainty band (5–95% of replications) and widths of the lines.
BAND_ALPHA = 0.2
MEDIAN_LINEWIDTH = 1.8
INTERVAL_LINEWIDTH = 1.4
#: How a policy window (the months a programme acts) is shaded: a neutral grey under the
#: data, apart from every series colour and visible in grey print.
#: An opaque light grey rather than a transparent black: a PDF drawn through svglib ignores
#: the opacity of an SVG group and would show a black block.
WINDOW_STYLE: dict[str, object] = {"color": "#ebebeb", "linewidth": 0, "zorder": 0}

#: Colour of the source note (grey, darker than the grid).
NOTE_COLOUR = "#555555"
#: Width of a character, as a share of the font size (DejaVu Sans, mixed text): how many
#: characters a line of a figure holds, for wrapping.
CHAR_WIDTH_EM = 0.55

#: The matplotlib style of every report figure.
REPORT_RC: dict[str, object] = {
    "font.size": 9.5,
    "axes.titlesize": 10.5,
    "axes.titlelocation": "left",
    "axes.labelsize": 9.5,
    "xtick.labelsize": MIN_FONT_PT,
    "ytick.labelsize": MIN_FONT_PT,
    "legend.fontsize": MIN_FONT_PT,
    "figure.titlesize": 10.5,
    "axes.prop_cycle": cycler(color=list(SERIES)),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "lines.linewidth": MEDIAN_LINEWIDTH,
    "legend.frameon": False,
    "savefig.dpi": PNG_DPI,
    "svg.hashsalt": "valuechain",  # stable ids in SVG output
    # text as text, not glyph outlines: a tenth of the size, searchable in the HTML page,
    # editable in a vector editor, and drawn with DejaVu Sans in the PDF (svglib)
    "svg.fonttype": "none",
    "axes.formatter.use_mathtext": False,
}


def report_style() -> contextlib.AbstractContextManager[None]:
    """A context in which matplotlib draws and saves in :data:`REPORT_RC`."""
    return mpl.rc_context(REPORT_RC)


def report_figure(kind: str = "full") -> tuple[Figure, Axes]:
    """A figure of a report size (``full``, ``full_tall``, ``half``) with one axes.

    Call it inside :func:`report_style` (the axes take their style when made). The layout is
    constrained: from the top, :func:`set_title`, :func:`legend_above`, the axes and their
    labels, :func:`source_note`; each takes the room it needs.

    Raises:
        KeyError: ``kind`` is not a size of :data:`FIGURE_SIZES_IN`.
    """
    if kind not in FIGURE_SIZES_IN:
        raise KeyError(f"no figure size {kind!r} (sizes: {sorted(FIGURE_SIZES_IN)})")
    fig = Figure(figsize=FIGURE_SIZES_IN[kind], layout="constrained")
    return fig, fig.add_subplot()


def series_colour(i: int) -> str:
    """The colour of the ``i``-th series (cycling through :data:`SERIES`)."""
    return SERIES[i % len(SERIES)]


def draw_band(
    ax: Axes,
    x: Sequence | np.ndarray,
    low: Sequence[float] | np.ndarray,
    mid: Sequence[float] | np.ndarray,
    high: Sequence[float] | np.ndarray,
    colour: str,
    label: str,
) -> None:
    """A median line over a shaded band (one legend entry, ``label``)."""
    ax.fill_between(x, low, high, color=colour, alpha=BAND_ALPHA, linewidth=0)
    ax.plot(x, mid, color=colour, linewidth=MEDIAN_LINEWIDTH, label=label, zorder=3)


def shade_window(
    ax: Axes, first_month: str, last_month: str, lang: Language, label: bool = True
) -> None:
    """Shade a policy window, the months ``first_month`` to ``last_month`` (``YYYY-MM``,
    both included), on a date axis whose points sit on each month's first day."""
    start = month_dates([first_month])[0]
    last = month_dates([last_month])[0]
    end = dt.date(last.year + last.month // 12, last.month % 12 + 1, 1)
    text = lang.t("figure.legend.policy_window") if label else None
    ax.axvspan(start, end, label=text, **WINDOW_STYLE)


def line_chars(width_in: float, fontsize_pt: float) -> int:
    """How many characters a line ``width_in`` inches long holds at ``fontsize_pt``."""
    return max(10, int(width_in * 72.0 / (CHAR_WIDTH_EM * fontsize_pt)))


def set_title(fig: Figure, text: str) -> None:
    """Set the figure's title at its top left, wrapped to its width (Indonesian titles run
    long). A figure title sits above :func:`legend_above`'s legend."""
    size_pt = mpl.font_manager.FontProperties(
        size=mpl.rcParams["figure.titlesize"]
    ).get_size_in_points()
    width = line_chars(fig.get_size_inches()[0] * 0.95, size_pt)
    fig.suptitle(textwrap.fill(text, width), x=0.01, ha="left")


def legend_above(ax: Axes, ncol: int = 3) -> None:
    """The legend in rows above the axes, under the figure's title.

    Bands of a whole run leave no free corner inside the axes, and a legend outside the
    figure's bottom would collide with the source note; above the axes it takes its own
    room in the constrained layout.
    """
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=ncol, borderaxespad=0.4)


def axis_label(lang: Language, indicator: str, wrap_at: int = 40) -> str:
    """An axis label with its unit: "Processing jobs (workers)"; longer than ``wrap_at``
    characters, wrapped with the unit on a line of its own.

    The values drawn must be in that unit: multiply them by
    :func:`valuechain.present.language.indicator_scale` (100 for shares).
    """
    label, unit = lang.indicator_label(indicator), lang.indicator_unit(indicator)
    text = lang.t("figure.axis.label_unit", label=label, unit=unit)
    if len(text) <= wrap_at:
        return text
    return "\n".join([*textwrap.wrap(label, wrap_at), f"({unit})"])


class _MonthFormatter(Formatter):
    """Month ticks in the report's language: "Mar", with the year under the first tick of
    each year ("Mar\\n2025")."""

    def __init__(self, lang: Language):
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self.format_ticks([x])[0]

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        labels, last_year = [], None
        for value in values:
            when = mdates.num2date(value)
            month = self.lang.month(f"{when.year:04d}-{when.month:02d}", short=True)
            name = month.rsplit(" ", 1)[0]
            labels.append(name if when.year == last_year else f"{name}\n{when.year}")
            last_year = when.year
        return labels


def date_axis(ax: Axes, lang: Language, axis: str = "x", max_ticks: int = 8) -> None:
    """Month ticks in the report's language on a date axis, and its label ("month")."""
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=max_ticks))
    target.set_major_formatter(_MonthFormatter(lang))
    (ax.set_xlabel if axis == "x" else ax.set_ylabel)(lang.t("figure.axis.month"))


class _NumberFormatter(Formatter):
    """Tick numbers in the report's language, with as many decimals as the tick step needs."""

    def __init__(self, lang: Language):
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self.format_ticks([x])[0]

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        finite = np.asarray([v for v in values if np.isfinite(v)], dtype=float)
        steps = np.abs(np.diff(np.sort(finite)))
        steps = steps[steps > 0]
        digits = 0
        if steps.size:
            digits = max(0, int(np.ceil(-np.log10(steps.min()) - 1e-9)))
        return [self.lang.number(v, min(digits, 6)) for v in values]


def number_axis(ax: Axes, lang: Language, axis: str = "y") -> None:
    """Tick numbers in the report's language (1.234,5 in Indonesian; a true minus)."""
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(_NumberFormatter(lang))


def source_text(lang: Language, version: str, study: str, replications: int) -> str:
    """The source line of a figure: "valuechain 0.1.0 · study levers_2024 · 10 replications"."""
    return lang.t(
        "report.note.source",
        version=version,
        study=study,
        replications=lang.plural("format.replications", replications),
    )


def source_note(fig: Figure, text: str) -> None:
    """Write ``text`` (:func:`source_text`) under everything else, at the left, in grey.

    The note is the figure's bottom label (``supxlabel``), so the constrained layout keeps
    room for it below the axes and below a legend drawn outside them.
    """
    fig.supxlabel(text, x=0.01, ha="left", fontsize=MIN_FONT_PT, color=NOTE_COLOUR)


def month_dates(year_months: Sequence[str]) -> list[dt.date]:
    """``YYYY-MM`` strings as the first day of each month (x values of a date axis)."""
    return [dt.datetime.strptime(str(m), "%Y-%m").date() for m in year_months]

"""The report's languages: message catalogs and number and date formats, English and Indonesian.

Every title, label, table header, note and number a report shows comes through a
:class:`Language`. Translations live in one catalog per language,
``valuechain/present/locales/<code>.toml``, never in code; digits, separators, month names
and compact amounts come from Babel (CLDR data). This module adds only what Babel lacks: a
true minus sign (U+2212) for every negative number, an em dash for a missing value,
percentage points, rupiah amounts in words of scale, intervals, and the names of indicators.

Example:
    >>> en, id_ = language("en"), language("id")
    >>> en.number(1234567.891, 2), id_.number(1234567.891, 2)
    ('1,234,567.89', '1.234.567,89')
    >>> en.points(-0.0033), id_.points(-0.0033)
    ('−0.33 pp', '−0,33 persen poin')
    >>> id_.idr(3.4e6), id_.month("2025-03")
    ('Rp3,4 juta', 'Maret 2025')
    >>> id_.indicator_label("farmgate_price_coffee")
    'Harga di tingkat petani, kopi'

API:
    ``language(code)``: the :class:`Language` of ``"en"`` or ``"id"`` (:data:`LANGUAGES`);
    another code is a :class:`~valuechain.errors.UserError` naming the choices.

    Text: ``t(msg_id, **values)`` (a message with its ``{placeholders}`` filled; an id the
    catalog lacks is a ``KeyError`` naming the id and the language, never an English
    fallback), ``plural(msg_id, n)`` (``msg_id.one`` or ``msg_id.other`` by the language's
    plural rule, with ``{n}``), ``has(msg_id)``.

    Names: ``indicator_label(name)``, ``indicator_unit(name)``, ``indicator_definition(name)``
    for every column of :mod:`valuechain.outputs.metrics` (also per commodity such as
    ``farmgate_price_coffee``, per programme such as ``spending_pkh``, per income channel
    such as ``cohort_income_change_farm``) and every cost ratio of
    :data:`valuechain.runs.statistics.COST_EFFECTIVENESS`; ``summary_label(key)``,
    ``summary_unit(key)`` and ``summary_definition(key)`` for run summaries
    (``extreme_poverty_rate_march_last``: the indicator's label and the aggregation's; a sum's
    unit without "/month");
    ``commodity(name)`` and ``programme(name)`` (the name itself when the catalog has no
    entry: scenarios name their own commodities and programmes), ``programme_kind(kind)``,
    ``funding(source)``, ``district_type(kind)`` (closed sets: a missing entry is an error).
    :func:`indicator_scale` gives the multiplier of a column's values in its shown unit (100
    for shares, shown in %).

    Numbers (NaN or None → "—"; negatives with U+2212): ``number(x, digits=2)``,
    ``integer(x)``, ``percent(share, digits=1)`` (0.0083 → "0.8%"), ``points(delta_share,
    digits=2)`` (a difference of shares in percentage points: −0.0033 → "−0.33 pp" /
    "−0,33 persen poin", as BPS writes it), ``idr(x, digits=1)`` (below a million in full,
    "Rp 550,458" / "Rp550.458"; above, in words: "Rp 1.2 billion" / "Rp1,2 miliar"),
    ``interval(mid, lo, hi, fmt=None)`` ("−0.33 [−0.36 to −0.31]" / "−0,33 [−0,36; −0,31]",
    each number by ``fmt``, default ``number(x, 2)``), ``month("2025-03", short=False)``
    ("March 2025" / "Maret 2025"; short "Mar 2025"), ``day(date)`` ("1 Maret 2025").

Catalog ids (the dotted paths of the TOML keys; both catalogs hold the same ids with the
same placeholders, tests/unit/present/test_language.py):

- ``language.name``.
- ``report.``: ``title`` {study}, ``subtitle``, ``contents``, ``page`` {page} {pages},
  ``generated`` {version} {date}, ``figure_number`` {n}, ``table_number`` {n}.
- ``report.section.``: ``summary``, ``effects``, ``cost_effectiveness``, ``over_time``,
  ``jobs``, ``budgets``, ``targeting``, ``methods``, ``definitions``, ``sweep``.
- ``report.note.``: ``paired``, ``interval``, ``cost_ratio``, ``lower_is_better``,
  ``no_effect``, ``unbounded`` (the notes of the comparison's cost rows), ``missing``,
  ``where_available``, ``none_available``, ``bands``, ``policy_windows``, ``goal``
  {threshold}, ``goal_not_reached``, ``budget_exhausted``, ``frontier``, ``survey_months``,
  ``no_difference``, ``differs``, ``seeds`` {n} {first} {last}, ``source`` {version} {study}
  {replications}, ``sweep_point``.
- ``table.header.``: ``scenario``, ``baseline``, ``description``, ``group``, ``indicator``,
  ``unit``, ``definition``, ``value``, ``change``, ``scenario_value``, ``baseline_value``,
  ``delta_extreme_190``, ``delta_extreme_215``, ``delta_extreme_190_march``,
  ``delta_extreme_190_september``, ``delta_extreme_215_march``,
  ``delta_extreme_215_september``, ``delta_national``, ``delta_sustained_exits``,
  ``delta_processing_jobs``, ``delta_processing_jobs_poor``, ``delta_spending``,
  ``delta_spending_central``, ``delta_spending_district``, ``cost_per_exit``,
  ``cost_per_person_year``, ``interval_95``, ``replications``, ``seeds``, ``n``, ``mean``,
  ``median``, ``sd``, ``se``, ``rank``, ``month``, ``source``, ``note``, ``key``,
  ``package_version``, ``programme``, ``programme_kind``, ``funding_source``, ``commodity``,
  ``plant``, ``district``, ``district_type``, ``share_reaching_goal``, ``first_month_goal``,
  ``months_exhausted``, ``exclusion_error``, ``inclusion_error``, ``coverage_poorest``,
  ``efficient``, ``design_point``, ``factor``.
- ``figure.title.``: ``effects`` {indicator}, ``cost_ranking``, ``frontier``, ``over_time``
  {indicator} {scenario}, ``goal_reached``, ``jobs_by_plant``, ``jobs_holders``,
  ``farmgate_prices``, ``local_processing``, ``spending``, ``budget_exhausted``,
  ``targeting``, ``poverty_by_group``, ``sweep_effects`` {factor}, ``sweep_effect_on``
  {indicator}, ``sweep_over_time`` {indicator}, ``sweep_over_time_baseline`` {indicator}.
- ``figure.axis.``: ``month``, ``scenario``, ``effect``, ``delta_spending``,
  ``delta_exits``, ``share_replications``, ``cost_per_exit``, ``label_unit`` {label} {unit},
  ``difference`` {label}, ``points_unit``.
- ``figure.legend.``: ``scenario``, ``baseline``, ``median``, ``band`` {low} {high},
  ``interval_95``, ``efficient_frontier``, ``policy_window``, ``goal`` {threshold},
  ``budget_exhausted``, ``central``, ``district``, ``factor_value`` {factor} {value},
  ``pooled`` {label} {factors}, ``effect_interval``, ``band_interval``,
  ``baseline_named`` {scenario}.
- ``group.``: ``all_districts``, ``district`` {district}, ``initially_poor``,
  ``elderly_disabled``, ``women``, ``men``, ``by_district``, ``by_lever``, ``other``.
- ``district_type.<upland|lowland|coastal>``; ``funding.<central|district|processing>``;
  ``commodity.<coffee|rubber|fish>``; ``programme_kind.<kind>`` (every kind of
  :mod:`valuechain.config.programmes`, and ``processing``); ``programme.<name>`` (the
  programmes the shipped scenarios name); ``channel.<name>`` (every income channel and
  ``total``); ``aggregation.<name>`` (every aggregation); ``summary.label`` {indicator}
  {aggregation}.
- ``indicator.<name>.label|unit|definition`` (and ``unit_total`` for a unit per month);
  ``commodity_indicator.<stem>.*`` with {commodity}; ``programme_indicator.<stem>.*`` with
  {programme}; ``channel_indicator.<stem>.*`` with {channel}; ``cost_ratio.<name>.*``.
- ``format.``: ``points`` {value}, ``idr`` {amount}, ``interval`` {mid} {lo} {hi},
  ``range`` {lo} {hi}, ``replications.one|other`` {n}.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import string
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from valuechain.errors import UserError

__all__ = [
    "LANGUAGES",
    "MINUS",
    "MISSING",
    "Language",
    "catalog",
    "indicator_scale",
    "language",
    "placeholders",
]

#: The languages a report can be written in (catalog file stems, Babel locale codes).
LANGUAGES = ("en", "id")
#: The minus sign of every negative number (U+2212; Babel gives a hyphen-minus).
MINUS = "\u2212"
#: How a missing value (NaN, None) is shown.
MISSING = "—"
#: Amounts of rupiah from this size on are written with a word of scale (juta, miliar...).
IDR_WORDS_FROM = 1e6

_NONZERO_DIGIT = re.compile(r"[1-9∞]")


def catalog(code: str) -> Mapping[str, str]:
    """The messages of a language's catalog file, by dotted id (read once).

    Raises:
        UserError: ``code`` is not one of :data:`LANGUAGES`.
    """
    return language(code).messages


def placeholders(text: str) -> frozenset[str]:
    """The ``{names}`` a message's text needs."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def _flatten(table: Mapping[str, object], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out |= _flatten(value, f"{path}.")
        elif isinstance(value, str):
            out[path] = value
        else:
            raise TypeError(f"catalog entry {path!r} is not text: {value!r}")
    return out


def _is_missing(x: float | None) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except TypeError:  # pandas.NA and the like
        return True


@functools.cache
def language(code: str) -> Language:
    """The language of ``code`` (``"en"`` or ``"id"``), its catalog read from package data.

    Raises:
        UserError: ``code`` is not one of :data:`LANGUAGES`.
    """
    if code not in LANGUAGES:
        raise UserError(
            f"unknown language {code!r}: choose one of {', '.join(LANGUAGES)}",
            hint="--lang en (English) or --lang id (Bahasa Indonesia)",
        )
    text = (
        resources.files("valuechain.present")
        .joinpath("locales", f"{code}.toml")
        .read_text(encoding="utf-8")
    )
    messages = _flatten(tomllib.loads(text))
    return Language(code, MappingProxyType(messages))


@functools.cache
def _templates() -> tuple[tuple[str, str, str], ...]:
    """(column prefix, catalog section, placeholder) of every templated column, longest
    prefix first (so ``farmgate_price_`` wins over ``price_``)."""
    from valuechain.outputs import metrics

    rows = []
    for table, section, placeholder, name in (
        (metrics.COMMODITY_INDICATORS, "commodity_indicator", "{c}", "commodity"),
        (metrics.PROGRAMME_INDICATORS, "programme_indicator", "{p}", "programme"),
        (metrics.CHANNEL_SUMMARY, "channel_indicator", "{channel}", "channel"),
    ):
        for template in table:
            stem = template.removesuffix(f"_{placeholder}")
            rows.append((f"{stem}_", f"{section}.{stem}", name))
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def _metrics_unit(name: str) -> str | None:
    """The unit :mod:`valuechain.outputs.metrics` gives a column, or None if it has none."""
    from valuechain.outputs import metrics

    if name in metrics.INDICATORS:
        return metrics.INDICATORS[name].unit
    tables = (metrics.COMMODITY_INDICATORS, metrics.PROGRAMME_INDICATORS, metrics.CHANNEL_SUMMARY)
    for table in tables:
        for template, ind in table.items():
            head = template[: template.index("{")]
            if name.startswith(head) and len(name) > len(head):
                return ind.unit
    return None


def indicator_scale(name: str) -> float:
    """The multiplier of a column's values in the unit a report shows: 100 for a share
    (shown in %), 1 otherwise."""
    unit = _metrics_unit(name)
    return 100.0 if unit is not None and unit.startswith("share") else 1.0


@dataclass(frozen=True)
class Language:
    """One language of the report: its catalog and its number and date formats.

    Made by :func:`language`; see the module docstring for the methods.

    Attributes:
        code: ``"en"`` or ``"id"`` (also the Babel locale).
        messages: the catalog, dotted id → text.
    """

    code: str
    messages: Mapping[str, str] = field(repr=False, compare=False)

    # ------------------------------------------------------------------ text
    @property
    def locale(self) -> Locale:
        """The Babel locale."""
        return Locale.parse(self.code)

    def has(self, msg_id: str) -> bool:
        """Whether the catalog holds ``msg_id``."""
        return msg_id in self.messages

    def t(self, msg_id: str, **values: object) -> str:
        """The message ``msg_id`` with its ``{placeholders}`` filled from ``values``.

        Raises:
            KeyError: the catalog has no ``msg_id``, or a placeholder has no value.
        """
        try:
            text = self.messages[msg_id]
        except KeyError:
            raise KeyError(
                f"no message {msg_id!r} in the {self.code!r} catalog "
                f"(valuechain/present/locales/{self.code}.toml)"
            ) from None
        try:
            return text.format_map(values)
        except KeyError as e:
            raise KeyError(
                f"message {msg_id!r} ({self.code}) needs a value for {{{e.args[0]}}}"
            ) from None

    def plural(self, msg_id: str, n: int) -> str:
        """``msg_id.one`` or ``msg_id.other`` by the language's plural rule, ``{n}`` filled."""
        form = self.locale.plural_form(n)
        key = f"{msg_id}.{form}" if self.has(f"{msg_id}.{form}") else f"{msg_id}.other"
        return self.t(key, n=self.integer(n))

    # ------------------------------------------------------------------ names
    def commodity(self, name: str) -> str:
        """A commodity's name; the commodity's id when the catalog has no entry for it."""
        key = f"commodity.{name}"
        return self.t(key) if self.has(key) else name

    def programme(self, name: str) -> str:
        """A programme's name (a scenario's section name): its entry, else its kind's, else
        the name itself."""
        for key in (f"programme.{name}", f"programme_kind.{name}"):
            if self.has(key):
                return self.t(key)
        return name

    def programme_kind(self, kind: str) -> str:
        """A programme kind (``pkh``, ``training``...)."""
        return self.t(f"programme_kind.{kind}")

    def funding(self, source: str) -> str:
        """A funding source (``central``, ``district``, ``processing``)."""
        return self.t(f"funding.{source}")

    def district_type(self, kind: str) -> str:
        """A district type (``upland``, ``lowland``, ``coastal``)."""
        return self.t(f"district_type.{kind}")

    def _indicator(self, name: str) -> tuple[str, dict[str, str]]:
        """The catalog section of an indicator and the values of its placeholders."""
        if self.has(f"indicator.{name}.label"):
            return f"indicator.{name}", {}
        if self.has(f"cost_ratio.{name}.label"):
            return f"cost_ratio.{name}", {}
        for prefix, section, placeholder in _templates():
            if name.startswith(prefix) and len(name) > len(prefix):
                rest = name[len(prefix) :]
                value = {
                    "commodity": self.commodity,
                    "programme": self.programme,
                    "channel": lambda c: self.t(f"channel.{c}"),
                }[placeholder](rest)
                return section, {placeholder: value}
        raise KeyError(f"no indicator {name!r} in the {self.code!r} catalog")

    def indicator_label(self, name: str) -> str:
        """The short label of an indicator (a time-series column or a cost ratio)."""
        section, values = self._indicator(name)
        return self.t(f"{section}.label", **values)

    def indicator_unit(self, name: str) -> str:
        """The unit an indicator is shown in (shares in %: see :func:`indicator_scale`)."""
        section, values = self._indicator(name)
        return self.t(f"{section}.unit", **values)

    def indicator_definition(self, name: str) -> str:
        """The full definition of an indicator (for a table of definitions)."""
        section, values = self._indicator(name)
        return self.t(f"{section}.definition", **values)

    def _summary(self, key: str) -> tuple[str, str] | None:
        """(column, aggregation) of a run summary key, or None if it is not one."""
        from valuechain.outputs import metrics

        if key in metrics.SUMMARY:
            return metrics.SUMMARY[key]
        for table, placeholder in (
            (metrics.COMMODITY_SUMMARY, "{c}"),
            (metrics.PROGRAMME_SUMMARY, "{p}"),
        ):
            for template, (column, how) in table.items():
                head, _, tail = template.partition(placeholder)
                if key.startswith(head) and key.endswith(tail) and len(key) > len(head + tail):
                    return column.replace(placeholder, key[len(head) : len(key) - len(tail)]), how
        return None

    def summary_label(self, key: str) -> str:
        """The label of a run summary (``poverty_rate_march_last``) or of an indicator."""
        summary = self._summary(key)
        if summary is None:
            return self.indicator_label(key)
        column, how = summary
        return self.t(
            "summary.label",
            indicator=self.indicator_label(column),
            aggregation=self.t(f"aggregation.{how}"),
        )

    def summary_definition(self, key: str) -> str:
        """The definition of a run summary (its indicator's, and how months are aggregated) or
        of an indicator."""
        summary = self._summary(key)
        if summary is None:
            return self.indicator_definition(key)
        column, how = summary
        return f"{self.indicator_definition(column)} ({self.t(f'aggregation.{how}')})"

    def summary_unit(self, key: str) -> str:
        """The unit of a run summary: its indicator's, a total's when it adds months up."""
        from valuechain.outputs.aggregations import AGGREGATIONS

        summary = self._summary(key)
        if summary is None:
            return self.indicator_unit(key)
        column, how = summary
        section, values = self._indicator(column)
        if AGGREGATIONS[how].adds_months and self.has(f"{section}.unit_total"):
            return self.t(f"{section}.unit_total", **values)
        return self.t(f"{section}.unit", **values)

    # ------------------------------------------------------------------ numbers
    def _signed(self, x: float, text: str) -> str:
        """``text`` (the formatted magnitude) with a true minus when ``x`` is negative and
        the text is not zero."""
        return f"{MINUS}{text}" if x < 0 and _NONZERO_DIGIT.search(text) else text

    def number(self, x: float | None, digits: int = 2) -> str:
        """``x`` with ``digits`` decimals and the language's separators (1,234.5 / 1.234,5)."""
        if _is_missing(x):
            return MISSING
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return self._signed(x, format_decimal(abs(x), format=pattern, locale=self.code))

    def integer(self, x: float | None) -> str:
        """``x`` rounded to a whole number, with thousands separators."""
        return self.number(x, 0)

    def percent(self, share: float | None, digits: int = 1) -> str:
        """A share as a percentage (0.0083 → "0.8%", "0,8%" with ``digits=1``)."""
        if _is_missing(share):
            return MISSING
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
        return self._signed(share, format_percent(abs(share), format=pattern, locale=self.code))

    def points(self, delta_share: float | None, digits: int = 2) -> str:
        """A difference of two shares in percentage points (−0.0033 → "−0.33 pp")."""
        if _is_missing(delta_share):
            return MISSING
        return self.t("format.points", value=self.number(delta_share * 100.0, digits))

    def idr(self, x: float | None, digits: int = 1) -> str:
        """Rupiah: in full below :data:`IDR_WORDS_FROM` ("Rp 550,458", "Rp550.458"), else with
        a word of scale and ``digits`` decimals ("Rp 3.4 million", "Rp3,4 juta")."""
        if _is_missing(x):
            return MISSING
        size = abs(x)
        if size < IDR_WORDS_FROM:
            amount = format_decimal(size, format="#,##0", locale=self.code)
        else:
            amount = format_compact_decimal(
                size, format_type="long", fraction_digits=digits, locale=self.code
            )
        return self._signed(x, self.t("format.idr", amount=amount))

    def interval(
        self,
        mid: float | None,
        lo: float | None,
        hi: float | None,
        fmt: Callable[[float | None], str] | None = None,
    ) -> str:
        """A value and its interval, each number by ``fmt`` (default: :meth:`number`, 2
        decimals): "−0.33 [−0.36 to −0.31]" (a comma would be read as a thousands separator
        in "345,676 [314,699, 378,335]"); Indonesian separates by ";" as its decimal mark is a
        comma. A missing bound shows as "—"; a missing value as "—" alone."""
        if _is_missing(mid):
            return MISSING
        show = fmt or self.number
        return self.t("format.interval", mid=show(mid), lo=show(lo), hi=show(hi))

    def idr_interval(self, mid: float | None, lo: float | None, hi: float | None) -> str:
        """Rupiah and its interval on one scale, the unit written once: "Rp 589.7 million
        [552.1 to 627.4]", "Rp589,7 juta [552,1; 627,4]" (below :data:`IDR_WORDS_FROM`: whole
        rupiah, "Rp 345,676 [314,699 to 378,335]"). The scale is that of the largest of the
        three, so the bounds read against the value without a word of their own."""
        if _is_missing(mid):
            return MISSING
        size = max(
            (abs(float(x)) for x in (mid, lo, hi) if not _is_missing(x) and math.isfinite(x)),
            default=0.0,
        )
        if size < IDR_WORDS_FROM:
            return self.t("format.idr", amount=self.interval(mid, lo, hi, self.integer))
        scale = 10.0 ** (3 * min(int(math.log10(size) // 3), 4))
        word = format_compact_decimal(scale, format_type="long", locale=self.code)
        word = word.lstrip("0123456789").strip()
        ratio = abs(float(mid)) / scale
        digits = 1 if ratio >= 1 or ratio == 0 else 2 if ratio >= 0.1 else 3

        def show(x: float | None) -> str:
            return self.number(None if _is_missing(x) else float(x) / scale, digits)

        text = self.t("format.interval", mid=show(mid), lo=show(lo), hi=show(hi))
        return self.t("format.idr", amount=text.replace(" [", f" {word} [", 1))

    # ------------------------------------------------------------------ dates
    def month(self, year_month: str | None, short: bool = False) -> str:
        """A month written ``YYYY-MM`` as words: "March 2025" / "Maret 2025" (short: "Mar 2025").

        Raises:
            ValueError: ``year_month`` is not ``YYYY-MM``.
        """
        if year_month is None or (isinstance(year_month, float) and math.isnan(year_month)):
            return MISSING
        when = dt.datetime.strptime(str(year_month), "%Y-%m").date()
        return format_date(when, "LLL yyyy" if short else "LLLL yyyy", locale=self.code)

    def day(self, when: dt.date) -> str:
        """A date in words: "March 1, 2025" / "1 Maret 2025"."""
        return format_date(when, "long", locale=self.code)

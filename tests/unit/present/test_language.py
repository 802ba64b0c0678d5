"""The report's languages: catalog coverage, hand-written formats in English and Indonesian."""

from __future__ import annotations

import math
import tomllib
import typing
from pathlib import Path

import pytest

from valuechain.config import programmes
from valuechain.errors import UserError
from valuechain.model.channels import CHANNELS
from valuechain.outputs import metrics
from valuechain.outputs.aggregations import AGGREGATIONS
from valuechain.present.language import (
    LANGUAGES,
    MINUS,
    MISSING,
    catalog,
    indicator_scale,
    language,
    placeholders,
)
from valuechain.runs.statistics import COST_EFFECTIVENESS

LOCALES = Path(__file__).resolve().parents[3] / "src" / "valuechain" / "present" / "locales"

#: Texts an Indonesian message may share with its English one: acronyms, names, symbols and
#: words that are the same in both languages. Any other equal text is an untranslated label.
COGNATES = frozenset(
    {
        "n",
        "median",
        "%",
        "kg",
        "Rp",
        "Rp/kg",
        "Rp/Rp",
        "PKH",
        "PBI JKN",
        "PIP",
        "BPNT/Sembako",
        "BLT Dana Desa",
        "{label} ({unit})",
        "{indicator}, {aggregation}",
        "{lo}–{hi}",
        "Δ {label}",
        "{factor} = {value}",
    }
)

#: Commodities of the shipped chains (valuechain/config/data/chains.toml).
COMMODITIES = ("coffee", "rubber", "fish")


def programme_kinds() -> list[str]:
    """Every ``kind`` a programme section may take (the Literal of each class of Policy)."""
    union = typing.get_args(programmes.Policy)[0]
    return [
        kind
        for cls in typing.get_args(union)
        for kind in typing.get_args(cls.model_fields["kind"].annotation)
    ]


def indicator_names() -> list[str]:
    """A column name for every indicator of :mod:`valuechain.outputs.metrics`."""
    names = list(metrics.INDICATORS)
    names += [t.replace("{c}", "coffee") for t in metrics.COMMODITY_INDICATORS]
    names += [t.replace("{p}", "pkh") for t in metrics.PROGRAMME_INDICATORS]
    names += [t.replace("{channel}", "farm") for t in metrics.CHANNEL_SUMMARY]
    names += [r.name for r in COST_EFFECTIVENESS]
    return names


# ---------------------------------------------------------------------------- catalogs


def test_the_catalogs_hold_the_same_ids():
    en, id_ = set(catalog("en")), set(catalog("id"))
    assert en - id_ == set(), "in en.toml, not in id.toml"
    assert id_ - en == set(), "in id.toml, not in en.toml"


def test_placeholders_match_between_languages():
    en, id_ = catalog("en"), catalog("id")
    differ = {k: (en[k], id_[k]) for k in en if placeholders(en[k]) != placeholders(id_[k])}
    assert differ == {}


def test_no_indonesian_text_is_left_in_english():
    en, id_ = catalog("en"), catalog("id")
    same = {k: v for k, v in id_.items() if v == en[k] and v not in COGNATES}
    assert same == {}, "untranslated (or add a true cognate to COGNATES)"


def test_the_catalogs_are_the_shipped_files():
    # the package data read through importlib is the file in the source tree
    for code in LANGUAGES:
        with open(LOCALES / f"{code}.toml", "rb") as fh:
            table = tomllib.load(fh)
        assert catalog(code)["language.name"] == table["language"]["name"]


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("name", indicator_names())
def test_every_indicator_has_a_label_unit_and_definition(code, name):
    lang = language(code)
    for text in (
        lang.indicator_label(name),
        lang.indicator_unit(name),
        lang.indicator_definition(name),
    ):
        assert text and "{" not in text


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_unit_per_month_has_a_total(code):
    # a sum over the run of a monthly flow ("IDR/month") is a total ("IDR"): the catalog says
    # how; a level per person and month (a poverty line) is never summed
    lang = language(code)
    sections = [(f"indicator.{n}", i) for n, i in metrics.INDICATORS.items()]
    for table, section in (
        (metrics.COMMODITY_INDICATORS, "commodity_indicator"),
        (metrics.PROGRAMME_INDICATORS, "programme_indicator"),
    ):
        sections += [(f"{section}.{t[: t.index('_{')]}", i) for t, i in table.items()]
    per_month = [
        s for s, ind in sections if ind.unit.endswith("/month") and "/person/" not in ind.unit
    ]
    assert "indicator.fiscal_cost" in per_month
    assert [s for s in per_month if not lang.has(f"{s}.unit_total")] == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_shares_are_shown_in_percent_and_money_in_rupiah(code):
    lang = language(code)
    for name in indicator_names():
        unit = lang.indicator_unit(name)
        if indicator_scale(name) == 100.0:
            assert "%" in unit, (name, unit)
        else:
            assert "%" not in unit, (name, unit)
        if name in metrics.INDICATORS and "IDR" in metrics.INDICATORS[name].unit:
            assert "Rp" in unit, (name, unit)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_closed_name_has_a_translation(code):
    lang = language(code)
    for how in AGGREGATIONS:
        assert lang.t(f"aggregation.{how}")
    for kind in programme_kinds():
        assert lang.programme_kind(kind)
    for source in ("central", "district", "processing"):
        assert lang.funding(source)
    for kind in programmes.DISTRICT_TYPES:
        assert lang.district_type(kind)
    for channel in [*CHANNELS, "total"]:
        assert lang.t(f"channel.{channel}")
    for commodity in COMMODITIES:
        assert lang.has(f"commodity.{commodity}")


def test_the_programme_kinds_are_found():
    # the coverage test above would pass vacuously if no kind were found
    assert {"pkh", "bpnt", "training", "registry_update"} <= set(programme_kinds())


def test_every_report_section_of_issue_13_is_there():
    sections = (
        "summary",
        "effects",
        "cost_effectiveness",
        "over_time",
        "jobs",
        "budgets",
        "targeting",
        "methods",
    )
    en, id_ = language("en"), language("id")
    assert [en.t(f"report.section.{s}") for s in sections] == [
        "Summary",
        "Effects",
        "Cost-effectiveness",
        "Over time",
        "Jobs",
        "Budgets",
        "Targeting and distribution",
        "Methods",
    ]
    assert id_.t("report.section.summary") == "Ringkasan"
    assert id_.t("table.header.delta_extreme_190") == "Δ kemiskinan ekstrem (USD 1,90)"


# ---------------------------------------------------------------------------- names


def test_bps_terms_in_indonesian():
    id_ = language("id")
    assert id_.indicator_label("poverty_rate") == "Persentase penduduk miskin (P0)"
    assert id_.indicator_label("poverty_gap_national") == "Indeks kedalaman kemiskinan (P1)"
    assert id_.indicator_label("poverty_severity_national") == "Indeks keparahan kemiskinan (P2)"
    assert id_.indicator_label("extreme_poverty_rate") == "Kemiskinan ekstrem (USD 1,90)"


def test_commodity_and_programme_columns():
    en, id_ = language("en"), language("id")
    assert en.indicator_label("farmgate_price_coffee") == "Farmgate price, coffee"
    assert id_.indicator_label("farmgate_price_coffee") == "Harga di tingkat petani, kopi"
    assert id_.indicator_label("spending_pkh") == "Belanja, PKH"
    assert en.indicator_unit("spending_pkh") == "Rp/month"
    # a direct entry wins over the programme template: spending_central is an indicator
    assert id_.indicator_label("spending_central") == "Belanja pusat (APBN)"
    # a commodity or programme the catalog does not know is shown by its id
    assert en.indicator_label("harvest_cocoa") == "Harvest, cocoa"
    assert id_.indicator_label("recipients_pkh_expansion") == "Penerima (KPM), pkh_expansion"
    # a programme named after its kind reads as the kind
    assert en.programme("credit") == "programme credit"


def test_summary_labels_and_units():
    en, id_ = language("en"), language("id")
    assert (
        en.summary_label("extreme_poverty_rate_march_last")
        == "Extreme poverty (USD 1.90), in the last March"
    )
    assert (
        id_.summary_label("farmgate_price_rubber_last12")
        == "Harga di tingkat petani, karet, rata-rata 12 bulan terakhir"
    )
    # a sum over the run of a monthly flow is a total
    assert en.summary_unit("spending_pkh_total") == "Rp"
    assert id_.summary_unit("extreme_poor_person_months") == "orang-bulan"
    assert en.summary_unit("processing_jobs_last12") == "workers"
    assert en.summary_label("cost_per_additional_sustained_exit").startswith("Cost per")


def test_indicator_scale():
    assert indicator_scale("extreme_poverty_rate") == 100.0
    assert indicator_scale("local_processing_share_fish") == 100.0
    assert indicator_scale("processing_jobs") == 1.0
    assert indicator_scale("farmgate_price_coffee") == 1.0


# ---------------------------------------------------------------------------- numbers


def test_numbers():
    en, id_ = language("en"), language("id")
    assert en.number(1234567.891, 2) == "1,234,567.89"
    assert id_.number(1234567.891, 2) == "1.234.567,89"
    assert en.number(-2.5, 1) == f"{MINUS}2.5"
    assert id_.integer(-1234.6) == f"{MINUS}1.235"
    # a negative that rounds to zero has no sign
    assert en.number(-0.001, 2) == "0.00"


def test_percent_and_points():
    en, id_ = language("en"), language("id")
    assert en.percent(0.0083, 2) == "0.83%"
    assert id_.percent(0.0083, 2) == "0,83%"
    assert en.points(-0.0033) == "−0.33 pp"
    assert id_.points(-0.0033) == "−0,33 persen poin"
    assert id_.points(0.012, 1) == "1,2 persen poin"


def test_rupiah():
    en, id_ = language("en"), language("id")
    assert en.idr(550458) == "Rp 550,458"
    assert id_.idr(550458) == "Rp550.458"
    assert en.idr(1.2e9) == "Rp 1.2 billion"
    assert id_.idr(1.2e9) == "Rp1,2 miliar"
    assert en.idr(3.4e6) == "Rp 3.4 million"
    assert id_.idr(3.4e6) == "Rp3,4 juta"
    assert id_.idr(5.6e12) == "Rp5,6 triliun"
    assert id_.idr(-3.4e6) == "−Rp3,4 juta"


def test_intervals():
    en, id_ = language("en"), language("id")
    assert en.interval(-0.33, -0.36, -0.31) == "−0.33 [−0.36 to −0.31]"
    assert id_.interval(-0.33, -0.36, -0.31) == "−0,33 [−0,36; −0,31]"
    assert id_.interval(0.0083, 0.0071, 0.0095, id_.percent) == "0,8% [0,7%; 1,0%]"
    # one replication: no interval
    assert en.interval(1.0, math.nan, math.nan) == "1.00 [— to —]"
    assert en.interval(math.nan, 1.0, 2.0) == MISSING


def test_months():
    en, id_ = language("en"), language("id")
    assert en.month("2025-03") == "March 2025"
    assert id_.month("2025-03") == "Maret 2025"
    assert id_.month("2024-08", short=True) == "Agu 2024"
    with pytest.raises(ValueError):
        en.month("March 2025")


@pytest.mark.parametrize("code", LANGUAGES)
def test_missing_values_are_an_em_dash(code):
    lang = language(code)
    for fmt in (lang.number, lang.integer, lang.percent, lang.points, lang.idr):
        assert fmt(math.nan) == "—"
        assert fmt(None) == "—"
    assert lang.month(None) == "—"


def test_replications_plural():
    en, id_ = language("en"), language("id")
    assert en.plural("format.replications", 1) == "1 replication"
    assert en.plural("format.replications", 10) == "10 replications"
    assert id_.plural("format.replications", 1000) == "1.000 replikasi"


# ---------------------------------------------------------------------------- errors


def test_an_unknown_language_names_the_choices():
    with pytest.raises(UserError, match=r"'fr'.*en, id"):
        language("fr")


def test_a_missing_message_names_the_id_and_the_language():
    with pytest.raises(KeyError, match=r"'report\.section\.nope'.*'id'"):
        language("id").t("report.section.nope")
    with pytest.raises(KeyError, match="no indicator 'nonsense'"):
        language("en").indicator_label("nonsense")


def test_a_missing_placeholder_value_is_an_error():
    with pytest.raises(KeyError, match="study"):
        language("en").t("report.title")
    assert language("en").t("report.title", study="levers_2024").endswith("levers_2024")


def test_rupiah_intervals_share_one_scale_and_write_the_unit_once():
    en, id_ = language("en"), language("id")
    assert en.idr_interval(589.7e6, 552.1e6, 627.4e6) == "Rp 589.7 million [552.1 to 627.4]"
    assert id_.idr_interval(589.7e6, 552.1e6, 627.4e6) == "Rp589,7 juta [552,1; 627,4]"
    # the scale of the largest bound: a mid of 0.85 billion reads against 1.2 billion
    assert en.idr_interval(0.85e9, 0.5e9, 1.2e9) == "Rp 0.85 billion [0.50 to 1.20]"
    assert en.idr_interval(345_676, 314_699, 378_335) == "Rp 345,676 [314,699 to 378,335]"
    assert id_.idr_interval(163.8e6, 48.3e6, math.inf) == "Rp163,8 juta [48,3; ∞]"
    assert en.idr_interval(math.nan, 1.0, 2.0) == MISSING

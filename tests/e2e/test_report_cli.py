"""`valuechain report` on a small study: every scenario in every table, the numbers of the
workbook and the CSV files equal to each scenario's comparison.csv, Indonesian headers and
decimal commas, the settings that differ, and a clear error for an incomplete folder."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.cli_run import cli
from tests.html_outline import Outline
from tests.sweep_cases import BASELINE_RUBBER, CAPACITY, OUTPUTS, RUBBER, experiment_text
from valuechain.experiments.study import run_study
from valuechain.present.language import language
from valuechain.present.report import report_tables, write_tables
from valuechain.present.report.build import SECTIONS
from valuechain.present.report.tables import TABLE_NAMES

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
BASELINE = (SCENARIOS / "baseline_coffee.toml").as_posix()
REPS, MONTHS, HOUSEHOLDS = 2, 14, 1500
#: summary columns and the comparison rows they hold
CHECKED = ("extreme_poverty_rate_march_last", "sustained_exits_final", "fiscal_cost_cum")


def _scenario(extends: str, name: str) -> str:
    return (
        f'extends = "{(SCENARIOS / extends).as_posix()}"\nbaseline = "{BASELINE}"\n'
        f'name = "{name}"\n'
    )


STUDY = f"""
name = "small"

[settings]
replications = {REPS}
months = {MONTHS}
households = {HOUSEHOLDS}

[groups.transfers]
label = "Transfers"

[scenarios.a]
file = "a.toml"
group = "transfers"

[scenarios.b]
file = "b.toml"
label = "School support"
group = "transfers"
"""


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """The study run once (2 scenarios, one shared baseline), its runs and folder."""
    folder = tmp_path_factory.mktemp("report")
    (folder / "a.toml").write_text(_scenario("coffee_pkh.toml", "report_a"))
    (folder / "b.toml").write_text(_scenario("coffee_education.toml", "report_b"))
    (folder / "study.toml").write_text(STUDY)
    runs = run_study(folder / "study.toml", folder / "out", workers=2)
    return folder, runs


@pytest.fixture(scope="module")
def written(study):
    """The report's tables in English and Indonesian, written by the command."""
    folder, _ = study
    out = {}
    for lang in ("en", "id"):
        done = cli("report", folder / "study.toml", "--lang", lang, "--out", folder / "out")
        assert done.returncode == 0, done.stderr
        assert "small: 2 scenarios reused, none run" in done.stdout
        out[lang] = shutil.copytree(folder / "out" / "report", folder / lang)
    return out


def test_every_scenario_is_in_every_table(study) -> None:
    _, runs = study
    tables = report_tables(runs, language("en"))
    assert list(tables) == list(TABLE_NAMES)
    for name, table in tables.items():
        if name == "definitions":
            continue
        assert set(table.numeric["scenario"]) == {"a", "b"}, name
        assert len(table.frame) == len(table.numeric), name
    assert set(tables["effects"].numeric["indicator"]) >= set(CHECKED)


def _comparison(runs, sid: str) -> pd.DataFrame:
    s = next(s for s in runs.scenarios if s.id == sid)
    return pd.read_csv(s.path / "comparison.csv").set_index("indicator")


def test_the_workbook_and_csv_hold_the_numbers_of_comparison_csv(study, written) -> None:
    _, runs = study
    en = language("en")
    tables = report_tables(runs, en)
    book = load_workbook(written["en"] / "tables.xlsx")
    assert book.sheetnames == list(TABLE_NAMES)
    for name in ("summary", "effects"):
        table = tables[name]
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        assert header == [table.headers[c] for c in table.numeric.columns]
        assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
        from_xlsx = pd.DataFrame(
            list(sheet.iter_rows(min_row=2, values_only=True)), columns=list(table.numeric)
        )
        from_csv = pd.read_csv(written["en"] / "csv" / f"{name}.csv")
        assert list(from_csv.columns) == header
        from_csv.columns = list(table.numeric)
        for sid in ("a", "b"):
            comp = _comparison(runs, sid)
            for frame in (from_xlsx, from_csv):
                rows = frame[frame["scenario"] == sid]
                for key in CHECKED:
                    want = comp.loc[key, ["difference", "ci_low", "ci_high"]].astype(float)
                    if name == "summary":
                        row = rows.iloc[0]
                        got = [row[f"{key}_mean"], row[f"{key}_low"], row[f"{key}_high"]]
                    else:
                        row = rows[rows["indicator"] == key].iloc[0]
                        got = [row["difference"], row["ci_low"], row["ci_high"]]
                    assert [float(x) for x in got] == pytest.approx(want.tolist(), rel=1e-12)
    share = book["summary"].cell(2, 4)
    assert share.number_format == "0.00%"


def test_indonesian_headers_and_decimal_commas(study, written) -> None:
    _, runs = study
    tables = report_tables(runs, language("id"))
    summary = tables["summary"].frame
    assert "Δ kemiskinan ekstrem (USD 1,90), Maret, persen poin" in summary.columns
    assert "skenario" in summary.columns
    cell = summary["Δ kemiskinan ekstrem (USD 1,90), Maret, persen poin"].iloc[0]
    assert "," in cell and ";" in cell and "." not in cell  # "−0,14 [−0,31; 0,03]"
    header = pd.read_csv(written["id"] / "csv" / "summary.csv", nrows=0).columns
    assert header[0] == "skenario"
    assert load_workbook(written["id"] / "tables.xlsx")["goal"]["A1"].value == "skenario"


def test_the_methods_table_lists_a_setting_that_differs(study) -> None:
    _, runs = study
    methods = report_tables(runs, language("en"))["methods"].numeric
    a = methods[methods["scenario"] == "a"]
    assert "policies.pkh_expansion.enabled" in set(a["key"])
    row = a[a["key"] == "policies.pkh_expansion.enabled"].iloc[0]
    assert row["scenario_value"] == "true"
    assert row["baseline_value"] is None  # the baseline has no such programme
    assert set(a["replications"]) == {REPS}
    defs = report_tables(runs, language("en"))["definitions"].numeric
    assert "policies.pkh_expansion.enabled" in set(defs["name"])


def test_result_folders_give_the_same_tables(study, tmp_path) -> None:
    _, runs = study
    paths = [s.path for s in runs.scenarios]
    done = cli("report", *paths, "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "2 result folders read, nothing run" in done.stdout
    from_folders = pd.read_csv(tmp_path / "report" / "csv" / "summary.csv")
    written_here = write_tables(report_tables(runs, language("en")), tmp_path / "again")
    from_study = pd.read_csv(written_here[1])
    pd.testing.assert_frame_equal(
        from_folders.drop(columns=from_folders.columns[1:3]),
        from_study.drop(columns=from_study.columns[1:3]),
    )


def test_an_incomplete_result_folder_is_one_clear_error(study, tmp_path) -> None:
    _, runs = study
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "runs.parquet").write_bytes(b"")
    done = cli("report", runs.scenarios[0].path, broken, "--out", tmp_path / "out")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.count("error:") == 1
    assert "not a complete result" in done.stderr and str(broken) in done.stderr
    assert not (tmp_path / "out" / "report").exists()


# --------------------------------------------------------------------------- the whole report

SECTIONS_SHOWN = [s for s in SECTIONS if s != "sweep"]
SCALE_WORDS = {
    "en": {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12},
    "id": {"ribu": 1e3, "juta": 1e6, "miliar": 1e9, "triliun": 1e12},
}


def _numbers(text: str, lang: str) -> list[tuple[float, float]]:
    """Every number of a cell as (value, half a unit of its last shown digit), the cell's
    word of scale ("Rp 1.2 billion [1.1 to 1.3]", "Rp1,2 miliar [1,1; 1,3]": one for all
    three) applied."""
    thousands, decimal = (",", ".") if lang == "en" else (".", ",")
    words = re.findall("|".join(SCALE_WORDS[lang]), text)
    scale = SCALE_WORDS[lang][words[0]] if words else 1.0
    out = []
    pattern = rf"([−-]?)(\d[\d{re.escape(thousands)}]*(?:{re.escape(decimal)}\d+)?)"
    for sign, digits in re.findall(pattern, text):
        whole, _, frac = digits.replace(thousands, "").partition(decimal)
        value = float(f"{whole}.{frac or 0}") * scale * (-1 if sign else 1)
        out.append((value, 0.5 * 10.0 ** -len(frac) * scale))
    return out


def _cell(page: Outline, table: str, label: str, header_start: str) -> str:
    col = next(i for i, h in enumerate(page.headers[table]) if h.startswith(header_start))
    row = next(r for r in page.rows[table] if r and r[0] == label)
    return row[col]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_report_page_holds_every_section_and_the_numbers_of_comparison_csv(
    study, written, lang
) -> None:
    _, runs = study
    words = language(lang)
    page = Outline.read(written[lang] / "report.html")
    assert page.sections == SECTIONS_SHOWN
    assert page.titles == [
        f"{i}. {words.t(f'report.section.{s}')}" for i, s in enumerate(SECTIONS_SHOWN, 1)
    ]
    assert page.external == []
    assert page.svgs == len(page.figures) > 0
    # every figure of the page is also a PNG and an SVG file in figures/, and its SVG has
    # no transparent group (the PDF, drawn through svglib, would show it black)
    for name in page.figures:
        for suffix in (".png", ".svg"):
            assert (written[lang] / "figures" / f"{name}{suffix}").stat().st_size > 0
        assert 'style="opacity' not in (written[lang] / "figures" / f"{name}.svg").read_text()
    labels = {s.label for s in runs.scenarios}
    for name in ("summary_poverty", "summary_money", "effects_shown", "cost_effectiveness"):
        cells = set(page.tables[name])
        assert labels <= cells, name
    checks = (
        ("summary_poverty", "extreme_poverty_rate_march_last", "delta_extreme_190_march", 100),
        ("summary_poverty", "sustained_exits_final", "delta_sustained_exits", 1),
        ("summary_money", "fiscal_cost_cum", "delta_spending", 1),
    )
    for s in runs.scenarios:
        comp = _comparison(runs, s.id)
        for table, key, header, scale in checks:
            text = _cell(page, table, s.label, words.t(f"table.header.{header}"))
            shown = _numbers(text, lang)
            want = comp.loc[key, ["difference", "ci_low", "ci_high"]].astype(float) * scale
            assert len(shown) == 3, text
            for (value, half_unit), expected in zip(shown, want, strict=True):
                assert abs(value - expected) <= half_unit * 1.0001, (s.id, key, text)


def test_the_pdf_opens_with_numbered_pages_and_every_section_in_order(written) -> None:
    en = language("en")
    reader = PdfReader(written["en"] / "report.pdf")
    n = len(reader.pages)
    texts = [p.extract_text() for p in reader.pages]
    assert 4 <= n <= 40  # two scenarios: a few pages per section at most
    for k, text in enumerate(texts, start=1):
        assert en.t("report.page", page=k, pages=n) in text
    whole = "\n".join(texts)
    # every section heading, in order, after the contents
    at = whole.index(en.t("report.section.definitions"))
    for i, key in enumerate(SECTIONS_SHOWN, start=1):
        found = whole.find(f"{i}. {en.t(f'report.section.{key}')}", at)
        assert found > 0, key
        at = found
    # the same numbered figures as the page
    page = Outline.read(written["en"] / "report.html")
    for i in range(1, len(page.figures) + 1):
        assert en.t("report.figure_number", n=i) in whole


def test_the_indonesian_report_leaves_no_english_and_writes_numbers_the_indonesian_way(
    written,
) -> None:
    en, id_ = (Outline.read(written[lang] / "report.html") for lang in ("en", "id"))
    english = set(en.titles) | {h for hs in en.headers.values() for h in hs}
    indonesian = set(id_.titles) | {h for hs in id_.headers.values() for h in hs}
    # headers that are the same words in both languages (units, names)
    same = {h for h in english & indonesian if not re.search(r"[a-z]{4,}", h)}
    assert english & indonesian == same
    poverty = language("id").t("table.header.delta_extreme_190_march")
    col = next(i for i, h in enumerate(id_.headers["summary_poverty"]) if h.startswith(poverty))
    cell = id_.rows["summary_poverty"][1][col]
    assert re.fullmatch(r"−?\d+,\d\d \[−?\d+,\d\d; −?\d+,\d\d\]", cell), cell
    text = PdfReader(written["id"] / "report.pdf").pages[0].extract_text()
    assert "Halaman 1 dari" in text and "Daftar isi" in text


SWEEP_STUDY = f"""
name = "with_sweep"

[settings]
replications = 2
months = 12
households = 300

[scenarios.plant]
file = "{RUBBER.as_posix()}"
label = "Remiller and smokehouses"

[experiments.sizes]
file = "sizes.toml"
label = "Remiller size"
"""


def test_a_study_with_an_experiment_reports_the_effects_of_each_design_point(tmp_path) -> None:
    (tmp_path / "sizes.toml").write_text(
        experiment_text(
            factors=f'[factors.capacity]\nkey = "{CAPACITY}"\nlevels = [500, 4000]\n'
            "integer = true\n",
            outputs=OUTPUTS,
            replications=2,
            seed=3,
            households=200,
            months=12,
            baseline=BASELINE_RUBBER.as_posix(),
        )
    )
    (tmp_path / "study.toml").write_text(SWEEP_STUDY)
    done = cli("report", tmp_path / "study.toml", "--out", tmp_path / "out", "-j", "2")
    assert done.returncode == 0, done.stderr
    report = tmp_path / "out" / "report"
    page = Outline.read(report / "report.html")
    assert "sweep" in page.sections
    assert {f"sweep_sizes_{o}" for o in ("poverty", "jobs")} <= set(page.figures)
    rows = page.rows["sweep_sizes"]
    effects = pd.read_csv(tmp_path / "out" / "sweeps" / "sizes" / "effects.csv")
    effects = effects[effects["output"].isin(["poverty", "jobs"])]
    assert len([r for r in rows if r]) == len(effects) == 4
    sheet = pd.read_csv(report / "csv" / "sweep_sizes.csv")
    assert sheet.iloc[:, 4].tolist() == pytest.approx(effects["difference"].tolist())
    # the sheet holds the poverty effect as a share, the page in percentage points
    en = language("en")
    assert set(sheet.loc[sheet["column"] == "poverty", "unit"]) == {en.t("table.unit.share")}
    poverty_rows = [r for r in rows if r and "overty" in r[1]]
    assert {r[2] for r in poverty_rows} == {en.t("figure.axis.points_unit")}
    # jobs are counted, not shares: the interval shown is the effect itself
    jobs = effects[effects["output"] == "jobs"].iloc[0]
    shown = _numbers(next(r for r in rows if r and r[0] == "500" and "job" in r[1])[-1], "en")
    for (value, half), want in zip(shown, jobs[["difference", "ci_low", "ci_high"]], strict=True):
        assert abs(value - want) <= half * 1.0001

"""docs/ODD.md's generated blocks match the code (regenerate: python -m valuechain.present.odd)."""

from pathlib import Path

from valuechain.present.odd import GENERATORS, generate, render_blocks

ODD = Path(__file__).resolve().parents[3] / "docs" / "ODD.md"


def test_generated_blocks_are_current():
    text = ODD.read_text("utf-8")
    assert render_blocks(text) == text, (
        "docs/ODD.md is stale: run `python -m valuechain.present.odd docs/ODD.md` and commit it"
    )


def test_every_block_is_present():
    text = ODD.read_text("utf-8")
    for name in GENERATORS:
        assert f"<!-- BEGIN GENERATED: {name} -->" in text, name


def _is_number(text: str) -> bool:
    return text.strip().replace(",", "").replace(".", "").replace("e+", "").isdigit()


def test_every_parameter_has_a_unit_and_a_source():
    """Numbers and lists of numbers (shares by skill level, ...) alike."""
    n_numeric = 0
    for line in generate("parameters").splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        key, default, unit, _range, source = cells[:5]
        numeric = _is_number(default) or (
            default.startswith("[") and all(_is_number(x) for x in default.strip("[]").split(","))
        )
        if numeric:
            n_numeric += 1
            assert unit and source, f"{key}: a number needs a unit and a source"
    assert n_numeric > 50, "the table's numeric defaults were not recognised: nothing was checked"

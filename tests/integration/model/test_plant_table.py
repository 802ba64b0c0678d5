"""The per-plant table follows each plant month by month, through opening and closing."""

from __future__ import annotations

from valuechain.config.loader import load_scenario
from valuechain.model.firms import PLANT_COLUMNS
from valuechain.model.model import ValueChainModel

SMALL = ["districts.lampung_barat.n_households=1500", "months=12", "spinup_months=2"]
ROASTERY = "districts.lampung_barat.processors.roastery_a"


def test_a_plant_is_not_open_then_open_and_a_losing_plant_closes_for_good() -> None:
    sc = load_scenario(
        "scenarios/hilirisasi_coffee.toml",
        [
            *SMALL,
            f"{ROASTERY}.open_month=2",
            f"{ROASTERY}.fixed_cost_idr_per_month=1e12",  # loses money every month
            "firms.exit_after_loss_months=2",
        ],
    ).scenario
    model = ValueChainModel(sc, seed=3).run()
    plants = model.plants()
    model.release()
    assert list(plants.columns) == list(PLANT_COLUMNS)
    assert len(plants) == 12 * len(sc.districts["lampung_barat"].processors)
    roastery = plants[plants["plant"] == "lampung_barat/roastery_a"].set_index("step")
    assert (roastery.loc[[0, 1], "status"] == "not_open").all()
    closed = roastery.index[roastery["status"] == "closed"]
    assert len(closed) > 0, "the losing plant never closed: nothing tested"
    first = closed.min()
    assert (roastery.loc[first:, "status"] == "closed").all()  # closed for good
    assert (roastery.loc[2 : first - 1, "status"].isin(["open", "idle"])).all()
    assert roastery.loc[first - 1, "profit_idr"] < 0


def test_a_run_without_plants_has_an_empty_table_with_its_columns() -> None:
    sc = load_scenario("scenarios/baseline_coffee.toml", SMALL).scenario
    model = ValueChainModel(sc, seed=3).run()
    plants = model.plants()
    model.release()
    assert plants.empty
    assert list(plants.columns) == list(PLANT_COLUMNS)

"""Equipment profiles and loading rules are data, validated at start-up."""

import pytest

from bot.coach.catalogue import Gear
from bot.coach.loading import DEFAULT_LOADING_PATH, LoadingError, grid_for, load_loading, plates_per_side, warmup_ramp
from bot.coach.vocabulary import Unit

LOADING = load_loading()


def test_every_number_cites_a_source():
    import tomllib

    raw = tomllib.loads(DEFAULT_LOADING_PATH.read_text())
    tables = [*raw["equipment"].values(), raw["progression"], raw["assistance"], raw["measures"]]
    for table in tables:
        for name in table:
            if name.endswith("_source"):
                continue
            stem = name.removesuffix("_low").removesuffix("_high")
            assert table.get(f"{name}_source") or table.get(f"{stem}_source"), name


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("bar = 20.0", "bar = -20.0", "equipment.kg.bar"),
        ("max_rise = 0.10", "max_rise = 0.5", "progression.max_rise"),
        ('kettlebell_sizes = [4.0, 6.0', 'kettlebell_sizes = [6.0, 4.0', "equipment.kg"),
    ],
)
def test_a_broken_loading_file_stops_start_up_naming_the_field(tmp_path, old, new, field):
    broken = tmp_path / "loading.toml"
    broken.write_text(DEFAULT_LOADING_PATH.read_text().replace(old, new, 1))
    with pytest.raises(LoadingError, match=field.replace(".", r"\.")):
        load_loading(broken)


def test_barbell_loads_are_never_below_the_empty_bar_and_plates_add_up():
    for unit in Unit:
        profile = LOADING.equipment[unit]
        grid = grid_for(Gear.BARBELL, profile)
        assert grid.down(5) == profile.bar
        load = grid.up(profile.bar * 3.3)
        plates = plates_per_side(load, profile)
        assert plates is not None and profile.bar + 2 * sum(plates) == pytest.approx(load)


def test_the_warm_up_ramps_from_the_empty_bar_to_below_the_working_load():
    grid = grid_for(Gear.BARBELL, LOADING.equipment[Unit.KG])
    ramp = warmup_ramp(100, grid, LOADING.progression)
    assert [step.load for step in ramp] == [20, 40, 60, 80]
    assert warmup_ramp(20, grid, LOADING.progression) == ()

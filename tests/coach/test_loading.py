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


@pytest.mark.parametrize(("gear", "working", "expected"), [
    (Gear.DUMBBELL, 36, [14, 20, 28]), (Gear.MACHINE, 55, [20, 30, 40]), (Gear.KETTLEBELL, 24, [8, 14]),
])
def test_only_a_barbell_warm_up_starts_from_the_lightest_load(gear, working, expected):
    # Review: an 80 lb-per-hand dumbbell RDL warmed up with "5 lb × 8", a 55 kg lat pulldown with
    # "5 kg × 8": the empty-bar step belongs to the bar, not to the lightest dumbbell or stack plate.
    grid = grid_for(gear, LOADING.equipment[Unit.KG])
    assert [step.load for step in warmup_ramp(working, grid, LOADING.progression)] == expected


@pytest.mark.parametrize(("unit", "working", "expected"), [(Unit.KG, 57.5, [20, 32.5, 45]), (Unit.LB, 145, [45, 85, 115])])
def test_no_warm_up_set_is_a_token_step_above_the_one_before(unit, working, expected):
    # Review: a 57.5 kg bench warmed up with "20 kg × 8, 22.5 kg × 5, ...", a 145 lb squat with
    # "45 lb × 8, 55 lb × 5, ...": a set one plate pair above the empty bar warms nothing up.
    grid = grid_for(Gear.BARBELL, LOADING.equipment[unit])
    assert [step.load for step in warmup_ramp(working, grid, LOADING.progression)] == expected


@pytest.mark.parametrize("unit", list(Unit))
def test_every_kind_of_equipment_makes_only_loads_on_its_own_steps(unit):
    """Issue 8 real loading: barbell (bar + plate pairs), dumbbell (per hand, rack step), machine and
    cable (stack step), kettlebell (the sizes), weighted bodyweight (one plate at a time from 0),
    assisted (stack steps of assistance, at most 0); unloaded kinds have no grid."""
    profile = LOADING.profile(unit, machine_step=7.0, kettlebell_sizes=(8.0, 12.0, 16.0))
    for gear, lowest, step in (
        (Gear.BARBELL, profile.bar, profile.plate_pair), (Gear.DUMBBELL, profile.dumbbell_step, profile.dumbbell_step),
        (Gear.MACHINE, 7.0, 7.0), (Gear.CABLE, 7.0, 7.0), (Gear.WEIGHTED_BODYWEIGHT, 0.0, min(profile.plates)),
    ):
        grid = grid_for(gear, profile)
        for wanted in (0.0, 3.3, 17.0, 41.9, 99.0):
            for load in (grid.down(wanted), grid.up(wanted), grid.nearest(wanted)):
                assert load >= lowest and ((load - lowest) / step) == pytest.approx(round((load - lowest) / step)), gear
    bells = grid_for(Gear.KETTLEBELL, profile)
    assert {bells.down(15), bells.up(13), bells.next_above(16), bells.down(1)} <= {8.0, 12.0, 16.0}
    assisted = grid_for(Gear.ASSISTED, profile)
    assert assisted.up(5) == 0 and assisted.next_above(-7) == 0 and assisted.down(-20) == -21
    assert grid_for(Gear.BODYWEIGHT, profile) is None and grid_for(Gear.BAND, profile) is None

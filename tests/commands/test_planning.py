"""Which of a day's sets of a lift are its working sets (`bot.commands.planning.working_load_of_day`)."""

from __future__ import annotations

import pytest

from bot.coach.vocabulary import Unit
from bot.commands.planning import working_load_of_day
from bot.store.training_log import LogEntry


def sets(weight_kg: float, reps: int, count: int = 1, *, low: int = 3, prescribed: float | None = None,
         kind: str = "work") -> LogEntry:
    """`count` sets of `reps` at `weight_kg`, logged against a 3 x `low`+ prescription at `prescribed` kg."""
    return LogEntry(exercise="barbell-back-squat", weight_kg=weight_kg, entered_unit=Unit.KG, reps=reps, sets=count,
                    target_low=low, prescribed_sets=3, prescribed_kg=prescribed, kind=kind)


@pytest.mark.parametrize(("day", "load"), [
    pytest.param([sets(100, 5, 3)], 100, id="straight sets"),
    pytest.param([sets(110, 1), sets(100, 5, 3)], 100, id="a top single, then the working sets"),
    pytest.param([sets(100, 5, 3), sets(115, 1, 2)], 100, id="working sets, then two singles"),
    pytest.param([sets(20, 5, 2), sets(60, 5), sets(100, 5)], 100, id="warm-ups logged as work, day cut short"),
    pytest.param([sets(70, 5), sets(80, 5), sets(90, 8), sets(50, 10, 5)], 90, id="a top set, then lighter volume"),
    pytest.param([sets(105, 2), sets(100, 2)], 105, id="every set short of the range: the heaviest"),
    pytest.param([sets(100, 8, low=6), sets(70, 10, kind="drop"), sets(70, 8, kind="drop")], 100, id="drop sets"),
    pytest.param([sets(70, 10, low=6, kind="drop")], 70, id="nothing but a drop set"),
    pytest.param([sets(102.5, 4, low=6, prescribed=102.5), sets(100, 8, 3, low=6, prescribed=102.5)], 102.5,
                 id="the prescribed load missed, then finished lighter"),
    pytest.param([sets(110, 3, prescribed=100), sets(100, 5, 3, prescribed=100)], 100,
                 id="a top triple beside the prescribed sets"),
    pytest.param([sets(20, 5, 2, prescribed=100), sets(100, 5, prescribed=100)], 100,
                 id="warm-ups beside one prescribed set"),
    pytest.param([sets(105, 5, 3, prescribed=100)], 105, id="a load of the lifter's choosing"),
    pytest.param([sets(110, 1, 2, prescribed=100)], None, id="nothing but singles above the prescription"),
    pytest.param([sets(95, 2, prescribed=100)], 95, id="short of the range below the prescription"),
])
def test_the_working_sets_are_the_prescribed_load_else_the_heaviest_in_range(day, load):
    assert working_load_of_day(day) == load


def test_an_assisted_lifts_working_load_is_its_least_assistance_in_range():
    # Stored weights are assistance: 20 kg for the sets, 10 kg (less help, harder) for one rep.
    day = [sets(20, 8, 3, low=6), sets(10, 1, low=6)]
    assert working_load_of_day(day, sign=-1.0) == -20


def test_without_a_stored_range_the_plans_bottom_of_range_decides():
    day = [LogEntry(exercise="barbell-back-squat", weight_kg=weight, entered_unit=Unit.KG, reps=reps)
           for weight, reps in ((100, 5), (110, 1))]
    assert working_load_of_day(day, reps_low=3) == 100
    assert working_load_of_day(day) == 110  # no range known: a single is in it

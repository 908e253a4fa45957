"""Which of a day's sets of a lift are its working sets (`bot.commands.planning.working_load_of_day`)."""

from __future__ import annotations

import pytest

from bot.coach.vocabulary import Unit
from bot.commands.planning import working_load_of_day
from bot.store.training_log import LogEntry


def sets(weight_kg: float, reps: int, count: int = 1, prescribed: int | None = 3) -> LogEntry:
    return LogEntry(exercise="barbell-back-squat", weight_kg=weight_kg, entered_unit=Unit.KG, reps=reps, sets=count,
                    prescribed_sets=prescribed)


@pytest.mark.parametrize(("day", "load"), [
    pytest.param([sets(100, 5, 3)], 100, id="straight sets"),
    pytest.param([sets(110, 1), sets(100, 5, 3)], 100, id="a top single, then the working sets"),
    pytest.param([sets(100, 5, 3), sets(115, 1)], 100, id="working sets, then a test single"),
    pytest.param([sets(100, 5), sets(100, 5), sets(100, 5), sets(110, 1)], 100, id="one entry per set"),
    pytest.param([sets(105, 3), sets(100, 5, 2)], 100, id="the prescribed load tried once, finished lighter"),
    pytest.param([sets(110, 3, 2), sets(90, 8, 3)], 110, id="back-off sets outnumber the heavy ones"),
    pytest.param([sets(105, 3)], 105, id="one set of three"),
    pytest.param([sets(80, 8), sets(90, 5)], 90, id="no load done twice: the heaviest"),
    pytest.param([sets(60, 12, prescribed=1), sets(70, 8, prescribed=1)], 70, id="one set prescribed"),
    pytest.param([sets(100, 5, 3, prescribed=None), sets(120, 1, prescribed=None)], 100, id="logged off plan"),
])
def test_the_working_load_is_the_heaviest_load_done_more_than_once(day, load):
    assert working_load_of_day(day) == load


def test_an_assisted_lifts_working_load_is_its_least_assistance_done_more_than_once():
    # Stored weights are assistance: 20 kg for the sets, 10 kg (less help, harder) for one rep.
    day = [sets(20, 8, 3), sets(10, 1)]
    assert working_load_of_day(day, sign=-1.0) == -20

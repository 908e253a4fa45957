"""The training log's windowed reads: the latest sessions of a lift, and the records, whatever the log's length."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.coach.vocabulary import Unit
from bot.store.training_log import NewEntry
from tests.helpers import ALICE

SQUAT = "barbell-back-squat"


async def _log(app, moment: datetime, *entries: NewEntry) -> None:
    await app.users.ensure(ALICE.user_id, moment)
    await app.log.add(ALICE.user_id, list(entries), moment)


def _squat(weight: float, reps: int = 5, kind: str = "work") -> NewEntry:
    return NewEntry(exercise=SQUAT, weight_kg=weight, entered_unit=Unit.KG, reps=reps, kind=kind)


async def test_the_latest_sessions_are_whole_local_days_oldest_first(app, clock):
    zone = ZoneInfo("America/New_York")
    start = datetime(2026, 1, 5, 23, 30, tzinfo=UTC)  # 18:30 in New York: one local day per UTC day here
    for day in range(30):
        moment = start + timedelta(days=day)
        # A long day (one row per set, as imports write them) beside a warm-up and another lift.
        sets = [_squat(100 + day) for _ in range(12 if day in (20, 29) else 3)]
        await _log(app, moment, _squat(40, kind="warmup"), *sets,
                   NewEntry(exercise="barbell-bench-press", weight_kg=60, entered_unit=Unit.KG, reps=5))
        # Just after local midnight: the same UTC day, the next local day.
        await _log(app, moment + timedelta(hours=1, minutes=5), _squat(50 + day))

    def local_day(moment: datetime):
        return moment.astimezone(zone).date()

    everything = await app.log.entries(ALICE.user_id, exercise=SQUAT)
    # A window of one day reads fewer rows per page than that day holds: the page grows until it is whole.
    for sessions in (1, 2, 9, 21):
        window = await app.log.recent_sessions(ALICE.user_id, SQUAT, sessions, local_day)
        days = sorted({local_day(e.logged_at) for e in everything})[-sessions:]
        assert window == [e for e in everything if local_day(e.logged_at) in days]
        assert all(e.kind != "warmup" and e.exercise == SQUAT for e in window)
        assert [e.log_id for e in window] == sorted(e.log_id for e in window)

    assert await app.log.recent_sessions(ALICE.user_id, SQUAT, 100, local_day) == everything
    # Several lifts in one read: each gets its own window, however many rows a day it has.
    lifts = [SQUAT, "barbell-bench-press", "overhead-press"]
    for sessions in (1, 9, 40):
        together = await app.log.recent_sessions_of(ALICE.user_id, lifts, sessions, local_day)
        assert together == {lift: await app.log.recent_sessions(ALICE.user_id, lift, sessions, local_day)
                            for lift in lifts}
        assert len(together["barbell-bench-press"]) == min(sessions, 30)
    assert await app.log.recent_sessions(ALICE.user_id, "overhead-press", 5, local_day) == []


async def test_the_heaviest_load_by_reps_holds_every_record(app, clock):
    now = clock()
    await _log(app, now, _squat(100, 5), _squat(110, 5), _squat(90, 10), _squat(200, 1, kind="warmup"))
    await _log(app, now + timedelta(days=1), _squat(120, 2))
    assert await app.log.best_load_by_reps(ALICE.user_id, SQUAT) == {5: 110, 10: 90, 2: 120}
    assert await app.log.best_load_by_reps(ALICE.user_id, "overhead-press") == {}

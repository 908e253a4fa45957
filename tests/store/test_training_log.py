"""The training log's windowed reads (the latest sessions of a lift) and /log's read-back of records and the week."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.coach.vocabulary import Goal, Unit
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

    async def recent_sessions(lift: str, sessions: int):
        return (await app.log.recent_sessions_of(ALICE.user_id, [lift], sessions, local_day))[lift]

    everything = await app.log.entries(ALICE.user_id, exercise=SQUAT)
    # A window of one day reads fewer rows per page than that day holds: the page grows until it is whole.
    for sessions in (1, 2, 9, 21):
        window = await recent_sessions(SQUAT, sessions)
        days = sorted({local_day(e.logged_at) for e in everything})[-sessions:]
        assert window == [e for e in everything if local_day(e.logged_at) in days]
        assert all(e.kind != "warmup" and e.exercise == SQUAT for e in window)
        assert [e.log_id for e in window] == sorted(e.log_id for e in window)

    assert await recent_sessions(SQUAT, 100) == everything
    # Several lifts in one read: each gets its own window, however many rows a day it has.
    lifts = [SQUAT, "barbell-bench-press", "overhead-press"]
    for sessions in (1, 9, 40):
        together = await app.log.recent_sessions_of(ALICE.user_id, lifts, sessions, local_day)
        assert together == {lift: await recent_sessions(lift, sessions)
                            for lift in lifts}
        assert len(together["barbell-bench-press"]) == min(sessions, 30)
    assert await recent_sessions("overhead-press", 5) == []


async def test_a_logged_set_reads_back_what_the_whole_log_gives(app, clock):
    """`log_set`'s one read after its insert: records before the set, the week's sets, the day's
    exercises and the last completion, each equal to the same figure computed from the whole log."""
    now = clock()  # a Monday, 09:00 UTC
    week_start = now - timedelta(hours=9)
    await _log(app, now - timedelta(days=8), _squat(130, 3))  # last week: a record, not this week's set
    await _log(app, now - timedelta(days=1), _squat(100, 5), _squat(110, 5), _squat(90, 10),
               _squat(200, 1, kind="warmup"))
    await _log(app, week_start + timedelta(hours=1), _squat(120, 2),
               NewEntry(exercise="barbell-bench-press", weight_kg=60, entered_unit=Unit.KG, reps=5, sets=3),
               NewEntry(exercise="assisted-dip", weight_kg=20, entered_unit=Unit.KG, reps=8, kind="warmup"))
    completed = week_start + timedelta(hours=2)
    await app.users.complete_session(ALICE.user_id, 0, "Full body A", Goal.HYPERTROPHY, completed, source="logged")
    before = await app.log.entries(ALICE.user_id, exercise=SQUAT)

    stored = await app.log.log_set(ALICE.user_id, _squat(125, 2), now, week_start=week_start, hard_set_min_rpe=7)

    assert stored.entry == (await app.log.entries(ALICE.user_id, exercise=SQUAT))[-1]
    assert stored.heaviest_by_reps == {3: 130, 5: 110, 10: 90, 2: 120}
    for reps in stored.heaviest_by_reps:
        loads = [e.weight_kg for e in before if e.reps == reps]
        assert (stored.heaviest_by_reps[reps], stored.lightest_by_reps[reps]) == (max(loads), min(loads))
    assert stored.week_sets == await app.log.sets_by_exercise(ALICE.user_id, week_start) == {
        SQUAT: 2, "barbell-bench-press": 3}
    for since in (week_start, completed, now, now + timedelta(seconds=1)):
        assert stored.logged_since(since) == set(await app.log.sets_by_exercise(ALICE.user_id, since))
    assert stored.last_completed == await app.users.last_completed_at(ALICE.user_id) == completed


async def test_a_first_set_has_no_records_and_no_completed_session(app, clock):
    now = clock()
    await app.users.ensure(ALICE.user_id, now)
    stored = await app.log.log_set(ALICE.user_id, _squat(100), now, week_start=now - timedelta(hours=9), hard_set_min_rpe=7)
    assert (stored.heaviest_by_reps, stored.lightest_by_reps, stored.last_completed) == ({}, {}, None)
    assert stored.week_sets == {SQUAT: 1} and stored.logged_since(now) == {SQUAT}


async def test_a_logged_set_counts_into_the_week_as_a_hard_set_only_when_it_is_one(app, clock):
    """The read-back leaves the new set out and `log_set` counts it in: an easy set (RPE below the
    hard-set floor) is a logged exercise but no hard set, and one backfilled to last week is neither."""
    now = clock()
    week_start = now - timedelta(hours=9)
    await app.users.ensure(ALICE.user_id, now)

    async def log(entry: NewEntry, when: datetime):
        return await app.log.log_set(ALICE.user_id, entry, when, week_start=week_start, hard_set_min_rpe=7)

    easy = await log(replace(_squat(100), rpe=6), now)
    assert (easy.week_sets, easy.latest_this_week) == ({SQUAT: 0}, {SQUAT: now.isoformat()})
    backfilled = await log(_squat(140), week_start - timedelta(days=2))
    assert (backfilled.week_sets, backfilled.latest_this_week) == (easy.week_sets, easy.latest_this_week)
    hard = await log(replace(_squat(100, reps=3), rpe=7, sets=2), now + timedelta(minutes=3))
    assert hard.week_sets == {SQUAT: 2} and hard.logged_since(now + timedelta(minutes=3)) == {SQUAT}
    assert hard.heaviest_by_reps == {5: 140}

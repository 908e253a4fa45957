"""ReminderStore against a real, migrated database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from bot.coach.schedule import ScheduleError
from bot.store.database import Database
from bot.store.reminders import CLAIM_LEASE, ReminderStore, reminder_nonce
from bot.store.schema import reminder_deliveries, reminders, users

MON, THU = 0, 3
# Monday 2026-11-23, 17:00 UTC = 18:00 in Berlin.
MONDAY_SLOT = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
BEFORE = MONDAY_SLOT - timedelta(hours=2)


@pytest.fixture
async def db(database_url):
    database = await Database.open(database_url)
    await database.migrate()
    await database.write(
        sa.insert(users),
        [{"user_id": user_id, "created_at": BEFORE.isoformat(), "updated_at": BEFORE.isoformat()}
         for user_id in (1, 2, 3)],
    )
    yield database
    await database.close()


@pytest.fixture
def store(db) -> ReminderStore:
    return ReminderStore(db)


async def test_migration_creates_the_reminder_tables(db):
    async with db.connect() as connection:
        tables = set(await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names()))
    assert {"users", "reminders", "reminder_deliveries"} <= tables


async def test_set_and_get_schedule(store):
    assert await store.get(1) is None
    settings = await store.set_schedule(1, (THU, MON), time(18), "europe/berlin", BEFORE)
    assert settings.days == (MON, THU)
    assert settings.local_time == time(18)
    assert settings.timezone == "Europe/Berlin"
    assert settings.active
    assert settings.next_due_utc == MONDAY_SLOT
    assert settings.upcoming(3) == [MONDAY_SLOT, MONDAY_SLOT + timedelta(days=3), MONDAY_SLOT + timedelta(days=7)]


async def test_set_schedule_rejects_unknown_zone(store):
    with pytest.raises(ScheduleError):
        await store.set_schedule(1, (MON,), time(18), "Mars/Olympus", BEFORE)
    assert await store.get(1) is None


async def test_turn_off_stops_everything(store):
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    await store.snooze(1, BEFORE, timedelta(hours=1))
    assert await store.turn_off(1, BEFORE)
    settings = await store.get(1)
    assert not settings.enabled and settings.next_due_utc is None and settings.snooze_due_utc is None
    assert await store.claim_due(MONDAY_SLOT + timedelta(days=30), 10) == []
    assert not await store.turn_off(2, BEFORE)


async def test_claim_due_returns_each_slot_once(store):
    await store.set_schedule(1, (MON, THU), time(18), "Europe/Berlin", BEFORE)
    await store.set_dm_channel(1, 555, BEFORE)
    assert await store.claim_due(MONDAY_SLOT - timedelta(seconds=1), 10) == []

    [due] = await store.claim_due(MONDAY_SLOT, 10)
    assert (due.user_id, due.slot_utc, due.kind, due.dm_channel_id) == (1, MONDAY_SLOT, "regular", 555)
    assert due.nonce == reminder_nonce(1, MONDAY_SLOT) and len(due.nonce) <= 25
    assert not due.late and not due.resend and due.attempts == 0
    assert (await store.get(1)).next_due_utc == MONDAY_SLOT + timedelta(days=3)

    assert await store.mark_sending([due], MONDAY_SLOT)
    await store.mark_sent([due], MONDAY_SLOT)
    assert await store.delivery_state(1, MONDAY_SLOT) == "sent"
    assert await store.claim_due(MONDAY_SLOT + timedelta(minutes=1), 10) == []


async def test_claimed_rows_come_back_until_resolved(store, backend):
    """A claim that was never sent (crash before the send) is offered again by a later claim.

    On PostgreSQL, where other dispatchers may be claiming too, only once its lease is over.
    """
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    [first] = await store.claim_due(MONDAY_SLOT, 10)
    soon = await store.claim_due(MONDAY_SLOT + timedelta(seconds=5), 10)
    assert soon == ([] if backend == "postgresql" else [first])
    [again] = await store.claim_due(MONDAY_SLOT + CLAIM_LEASE, 10)
    assert again == first


async def test_in_flight_row_is_resent_inside_the_nonce_window_only(store):
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    await store.set_schedule(2, (MON,), time(18), "Europe/Berlin", BEFORE)
    due = await store.claim_due(MONDAY_SLOT, 10)
    for reminder in due:
        await store.mark_sending([reminder], MONDAY_SLOT)
    # A restart one minute later: both are offered again with the same nonce, flagged as resends.
    again = await store.claim_due(MONDAY_SLOT + timedelta(minutes=1), 10, nonce_window=timedelta(minutes=2))
    assert [(r.user_id, r.nonce, r.resend) for r in again] == [(r.user_id, r.nonce, True) for r in due]
    # Three minutes later Discord might not drop a copy any more: never twice wins.
    assert await store.claim_due(MONDAY_SLOT + timedelta(minutes=3), 10, nonce_window=timedelta(minutes=2)) == []
    assert await store.delivery_state(1, MONDAY_SLOT) == "unconfirmed"


async def test_claim_respects_the_limit(store):
    for user_id in (1, 2, 3):
        await store.set_schedule(user_id, (MON,), time(18), "Europe/Berlin", BEFORE)
    first = await store.claim_due(MONDAY_SLOT, 2)
    assert [r.user_id for r in first] == [1, 2]
    for reminder in first:
        await store.mark_sending([reminder], MONDAY_SLOT)
        await store.mark_sent([reminder], MONDAY_SLOT)
    assert [r.user_id for r in await store.claim_due(MONDAY_SLOT, 2)] == [3]


async def test_missed_by_less_than_grace_is_sent_late(store):
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    [late] = await store.claim_due(MONDAY_SLOT + timedelta(hours=2, minutes=59), 10, grace=timedelta(hours=3))
    assert late.late and late.slot_utc == MONDAY_SLOT


async def test_missed_by_more_than_grace_is_skipped(store):
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    assert await store.claim_due(MONDAY_SLOT + timedelta(hours=3), 10, grace=timedelta(hours=3)) == []
    assert await store.delivery_state(1, MONDAY_SLOT) == "skipped"
    assert (await store.get(1)).next_due_utc == MONDAY_SLOT + timedelta(weeks=1)


async def test_claimed_row_older_than_grace_is_not_sent_after_a_restart(store):
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    await store.claim_due(MONDAY_SLOT, 10)
    assert await store.claim_due(MONDAY_SLOT + timedelta(hours=5), 10) == []
    assert await store.delivery_state(1, MONDAY_SLOT) == "skipped"


async def test_long_downtime_catches_up_on_the_latest_slot_only(store):
    await store.set_schedule(1, tuple(range(7)), time(18), "Europe/Berlin", BEFORE)
    ten_days_later = MONDAY_SLOT + timedelta(days=10, hours=1)
    [due] = await store.claim_due(ten_days_later, 100)
    assert due.slot_utc == MONDAY_SLOT + timedelta(days=10) and due.late
    assert (await store.get(1)).next_due_utc == MONDAY_SLOT + timedelta(days=11)


async def test_snooze_adds_one_reminder_and_keeps_the_schedule(store):
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    snoozed = await store.snooze(1, BEFORE, timedelta(hours=1))
    assert snoozed == BEFORE + timedelta(hours=1)
    [due] = await store.claim_due(snoozed, 10)
    assert (due.kind, due.slot_utc) == ("snooze", snoozed)
    settings = await store.get(1)
    assert settings.snooze_due_utc is None and settings.next_due_utc == MONDAY_SLOT
    assert await store.snooze(3, BEFORE) is None  # no reminders set


async def test_snooze_and_regular_slot_due_together_make_one_dm(store):
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    await store.snooze(1, BEFORE, timedelta(hours=1, minutes=30))
    [due] = await store.claim_due(MONDAY_SLOT + timedelta(hours=1), 10)
    assert due.kind == "regular"


async def test_skip_a_future_slot_and_an_already_sent_one(store):
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    assert await store.skip(1, MONDAY_SLOT, "busy", BEFORE)
    assert await store.claim_due(MONDAY_SLOT, 10) == []
    assert await store.delivery_state(1, MONDAY_SLOT) == "skipped"

    next_week = MONDAY_SLOT + timedelta(weeks=1)
    [due] = await store.claim_due(next_week, 10)
    await store.mark_sending([due], next_week)
    await store.mark_sent([due], next_week)
    assert not await store.skip(1, next_week, "tired", next_week)
    assert await store.delivery_state(1, next_week) == "sent"


async def test_skip_cancels_a_claimed_but_unsent_slot(store):
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    [due] = await store.claim_due(MONDAY_SLOT, 10)
    assert await store.skip(1, MONDAY_SLOT, "busy", MONDAY_SLOT)
    assert not await store.mark_sending([due], MONDAY_SLOT)


async def test_dm_channel_is_kept_per_user(store):
    assert await store.get_dm_channel(1) is None
    await store.set_dm_channel(1, 42, BEFORE)
    assert await store.get_dm_channel(1) == 42
    assert await store.get(1) is None  # a known channel is not a schedule
    await store.set_schedule(1, (MON,), time(18), "UTC", BEFORE)
    assert (await store.get(1)).dm_channel_id == 42
    assert not await store.note_command(1, 43, BEFORE), "a command from a new DM channel owes no notice"
    assert await store.get_dm_channel(1) == 43
    await store.clear_dm_channel(1, BEFORE)
    assert await store.get_dm_channel(1) is None


async def test_pause_undeliverable_and_pending_notice(store):
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    [due] = await store.claim_due(MONDAY_SLOT, 10)
    await store.mark_sending([due], MONDAY_SLOT)
    await store.pause_undeliverable(1, MONDAY_SLOT)
    settings = await store.get(1)
    assert settings.paused_reason == "undeliverable" and not settings.active and settings.next_due_utc is None
    assert await store.delivery_state(1, MONDAY_SLOT) == "undeliverable"
    assert await store.note_command(1, None, MONDAY_SLOT)
    assert not await store.note_command(1, None, MONDAY_SLOT)
    assert await store.snooze(1, MONDAY_SLOT) is None
    # Setting the schedule again resumes.
    assert (await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", MONDAY_SLOT)).active


async def test_invalid_zone_in_a_row_pauses_only_that_user(store, db):
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    await store.set_schedule(2, (MON,), time(18), "Europe/Berlin", BEFORE)
    await db.write(sa.update(reminders).where(reminders.c.user_id == 2).values(timezone="Gone/Away"))
    due = await store.claim_due(MONDAY_SLOT, 10)
    assert [r.user_id for r in due] == [1]
    assert (await store.get(2)).paused_reason == "invalid_schedule"


async def test_failed_attempts_wait_for_their_retry_time(store):
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    [due] = await store.claim_due(MONDAY_SLOT, 10)
    await store.mark_sending([due], MONDAY_SLOT)
    await store.mark_failed(due, MONDAY_SLOT, "503", retry_at=MONDAY_SLOT + timedelta(seconds=5))
    assert await store.next_wakeup() == MONDAY_SLOT + timedelta(seconds=5)
    assert await store.claim_due(MONDAY_SLOT + timedelta(seconds=4), 10) == []
    [retry] = await store.claim_due(MONDAY_SLOT + timedelta(seconds=5), 10)
    assert retry.attempts == 1 and retry.nonce == due.nonce
    await store.mark_sending([retry], MONDAY_SLOT)
    await store.mark_failed(retry, MONDAY_SLOT, "503", retry_at=None)
    assert await store.delivery_state(1, MONDAY_SLOT) == "failed"


async def test_prune_keeps_open_rows(store):
    for user_id in (1, 2):
        await store.set_schedule(user_id, (MON,), time(18), "Europe/Berlin", BEFORE)
    due = await store.claim_due(MONDAY_SLOT, 10)
    await store.mark_sending([due[0]], MONDAY_SLOT)
    await store.mark_sent([due[0]], MONDAY_SLOT)
    assert await store.prune_deliveries(MONDAY_SLOT + timedelta(days=60)) == 1
    assert await store.delivery_state(2, MONDAY_SLOT) == "claimed"


async def test_deleting_a_user_deletes_their_reminders(store, db):
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    await store.claim_due(MONDAY_SLOT, 10)
    await db.write(sa.delete(users).where(users.c.user_id == 1))
    assert await store.get(1) is None
    assert await store.delivery_state(1, MONDAY_SLOT) is None


async def test_one_claim_covers_several_schedules_and_zones(store, db):
    """Users sharing a schedule are claimed together; each group gets its own slot and next due time."""
    await db.write(sa.insert(users), [{"user_id": user_id, "created_at": BEFORE.isoformat(),
                                       "updated_at": BEFORE.isoformat()} for user_id in (4, 5)])
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    await store.set_schedule(2, (MON,), time(12), "America/New_York", BEFORE)  # also 17:00 UTC
    await store.set_schedule(5, (MON,), time(12), "America/New_York", BEFORE)
    await store.set_schedule(3, (MON,), time(18), "Europe/Berlin", BEFORE)
    await store.snooze(3, BEFORE, timedelta(hours=1, minutes=30))  # due with the regular slot
    await store.set_schedule(4, (THU,), time(18), "Europe/Berlin", BEFORE)
    await store.snooze(4, BEFORE, timedelta(hours=1, minutes=45))  # due on its own

    due = await store.claim_due(MONDAY_SLOT, 10)
    assert sorted((r.user_id, r.kind, r.slot_utc) for r in due) == [
        (1, "regular", MONDAY_SLOT), (2, "regular", MONDAY_SLOT), (3, "regular", MONDAY_SLOT),
        (4, "snooze", BEFORE + timedelta(hours=1, minutes=45)), (5, "regular", MONDAY_SLOT),
    ]
    for user_id in (1, 2, 3, 5):
        assert (await store.get(user_id)).next_due_utc == MONDAY_SLOT + timedelta(weeks=1)
    assert (await store.get(3)).snooze_due_utc is None
    assert await store.delivery_state(3, BEFORE + timedelta(hours=1, minutes=30)) == "skipped"
    settings = await store.get(4)
    assert settings.snooze_due_utc is None and settings.next_due_utc == MONDAY_SLOT + timedelta(days=3)


async def test_new_slots_are_claimed_up_to_the_limit_across_schedules(store, db):
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    await store.set_schedule(2, (MON,), time(18), "Europe/Berlin", BEFORE)
    await store.set_schedule(3, (MON,), time(12), "America/New_York", BEFORE)

    async def deliveries() -> int:
        return await db.scalar(sa.select(sa.func.count()).select_from(reminder_deliveries))

    assert len(await store.claim_due(MONDAY_SLOT, 10, new_slots=2)) == 2
    assert await deliveries() == 2
    await store.claim_due(MONDAY_SLOT, 10, new_slots=2)
    assert await deliveries() == 3


async def test_a_claim_taken_over_after_its_lease_is_not_marked_by_the_first_claimer(store, backend):
    if backend != "postgresql":
        pytest.skip("leases hide claims from other dispatchers, which only PostgreSQL runs")
    await store.set_schedule(1, (MON,), time(18), "Europe/Berlin", BEFORE)
    [slow] = await store.claim_due(MONDAY_SLOT, 10)
    [taken_over] = await store.claim_due(MONDAY_SLOT + CLAIM_LEASE, 10)
    assert await store.mark_sending([slow], MONDAY_SLOT + CLAIM_LEASE) == set()
    assert await store.mark_sending([taken_over], MONDAY_SLOT + CLAIM_LEASE) == {(1, MONDAY_SLOT)}

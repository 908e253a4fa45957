"""The reminder dispatcher over a real database (SQLite and PostgreSQL), a fake clock and a fake Discord."""

from __future__ import annotations

import asyncio
import bisect
import math
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY

from bot.reminders import Delivery, DispatchStats, Pacer, ReminderDispatcher
from bot.store.database import Database
from bot.store.reminders import CLAIM_LEASE, NONCE_WINDOW, DueReminder, ReminderStore
from bot.store.schema import reminder_deliveries, reminders, users

EVERY_DAY = tuple(range(7))
# Monday 2026-11-23, 18:00 UTC.
SLOT = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


class FakeClock:
    """Time moves only when the code under test sleeps (or the test says so)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        await asyncio.sleep(0)


class ProcessKilled(BaseException):
    """Stands in for SIGKILL: nothing after it runs, not even `except Exception` handlers."""


class FakeDiscord:
    """The `deliver` callable; like Discord with `enforce_nonce`, a nonce repeated within the
    window returns the earlier message instead of creating a second DM."""

    def __init__(self, clock: FakeClock, window: timedelta = NONCE_WINDOW) -> None:
        self.clock = clock
        self.window = window
        self.calls: list[tuple[datetime, DueReminder]] = []
        self.messages: list[DueReminder] = []
        self._nonces: dict[str, datetime] = {}
        self.outcome: Callable[[DueReminder], Delivery] = lambda reminder: Delivery.SENT
        self.kill_after: int | None = None
        self.kill_before_send = False

    async def __call__(self, reminder: DueReminder) -> Delivery:
        if self.kill_after is not None and len(self.calls) == self.kill_after and self.kill_before_send:
            raise ProcessKilled
        self.calls.append((self.clock(), reminder))
        outcome = self.outcome(reminder)
        if outcome is Delivery.SENT:
            first = self._nonces.get(reminder.nonce)
            if first is None or self.clock() - first >= self.window:
                self._nonces[reminder.nonce] = self.clock()
                self.messages.append(reminder)
        if self.kill_after is not None and len(self.calls) == self.kill_after and not self.kill_before_send:
            raise ProcessKilled  # the DM reached Discord, but the process died before recording it
        return outcome

    def dms_per_user_slot(self) -> Counter[tuple[int, datetime]]:
        return Counter((m.user_id, m.slot_utc) for m in self.messages)


async def open_store(url: str) -> tuple[Database, ReminderStore]:
    db = await Database.open(url)
    await db.migrate()
    return db, ReminderStore(db)


@pytest.fixture
async def db(database_url):
    database, _ = await open_store(database_url)
    yield database
    await database.close()


@pytest.fixture
def store(db) -> ReminderStore:
    return ReminderStore(db)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(SLOT - timedelta(hours=1))


@pytest.fixture
def discord(clock) -> FakeDiscord:
    return FakeDiscord(clock)


def dispatcher(store: ReminderStore, discord: FakeDiscord, clock: FakeClock, **options) -> ReminderDispatcher:
    return ReminderDispatcher(store, discord, clock=clock, sleep=clock.sleep, **options)


async def add_users(db: Database, user_ids, now: datetime, days=EVERY_DAY, at=time(18), zone="UTC") -> None:
    """Users with a schedule and a known DM channel; the users rows (another store's table) go in directly."""
    await db.write(
        sa.insert(users),
        [{"user_id": user_id, "created_at": now.isoformat(), "updated_at": now.isoformat()} for user_id in user_ids],
    )
    # The first user's schedule goes through the store; everyone else gets a copy of that row
    # (same days, time and zone, own DM channel) in one statement, which keeps 10,000 users cheap.
    first, *others = user_ids
    store = ReminderStore(db)
    await store.set_schedule(first, days, at, zone, now)
    await store.set_dm_channel(first, 10_000 + first, now)
    if others:
        template = dict(await db.row(sa.select(reminders).where(reminders.c.user_id == first)))
        await db.write(sa.insert(reminders), [
            {**template, "user_id": user_id, "dm_channel_id": 10_000 + user_id} for user_id in others
        ])


def max_per_window(times: list[datetime], window: timedelta = timedelta(seconds=1)) -> int:
    """The most calls inside any half-open window [t, t + window) starting at a call."""
    ordered = sorted(times)
    return max((bisect.bisect_left(ordered, start + window) - i for i, start in enumerate(ordered)), default=0)


async def test_ten_thousand_users_in_one_minute_each_get_one_dm_within_the_rate_cap(db, store, clock, discord):
    users = range(1, 10_001)
    await add_users(db, users, clock())
    clock.now = SLOT
    stats = await dispatcher(store, discord, clock).run_once()

    assert stats.sent == stats.claimed == 10_000
    assert Counter(reminder.user_id for _, reminder in discord.calls) == {user: 1 for user in users}
    assert max_per_window([moment for moment, _ in discord.calls]) <= 40
    # 10,000 at 40/s take 250 s: paced, not late.
    assert clock() - SLOT < timedelta(seconds=251)
    assert not any(reminder.late for _, reminder in discord.calls)
    assert all(reminder.dm_channel_id == 10_000 + reminder.user_id for _, reminder in discord.calls)


@pytest.mark.parametrize("rate", [1.0, 7.0, 30.0, 49.5])
async def test_pacer_never_exceeds_its_rate_in_any_window(rate):
    clock = FakeClock(SLOT)
    pacer = Pacer(rate, clock, clock.sleep)
    starts = []
    for _ in range(200):
        await pacer.wait()
        starts.append(clock())
    assert max_per_window(starts) <= math.ceil(rate)


async def test_a_shared_pacer_paces_every_request_when_a_delivery_opens_a_dm_channel(db, store, clock, discord):
    """First DMs cost two requests (open the channel, send); the cap holds for requests, not deliveries."""
    await add_users(db, range(1, 201), clock())
    clock.now = SLOT
    pacer = Pacer(40.0, clock, clock.sleep)
    requests: list[datetime] = []

    async def open_channel_then_send(reminder: DueReminder) -> Delivery:
        requests.append(clock())  # opening the DM channel, in the slot the dispatcher paced
        await pacer.wait()
        requests.append(clock())  # the send, in a slot of its own
        return await discord(reminder)

    stats = await dispatcher(store, open_channel_then_send, clock, pacer=pacer).run_once()
    assert stats.sent == 200
    assert len(requests) == 400
    assert max_per_window(requests) <= 40


async def run_until_killed(
    store: ReminderStore, discord: FakeDiscord, clock: FakeClock, how: str, sends_in_flight: int = 1
) -> None:
    if how == "exception":
        with pytest.raises(ProcessKilled):
            await dispatcher(store, discord, clock, batch=50, sends_in_flight=sends_in_flight).run_once()
        return
    # Cancel the running task from outside while a send is in flight.
    in_flight, never = asyncio.Event(), asyncio.Event()

    async def hanging_deliver(reminder: DueReminder) -> Delivery:
        try:
            return await discord(reminder)
        except ProcessKilled:
            in_flight.set()
            await never.wait()
            raise

    dispatch = ReminderDispatcher(store, hanging_deliver, clock=clock, sleep=clock.sleep, batch=50,
                                  sends_in_flight=sends_in_flight)
    task = asyncio.create_task(dispatch.run_once())
    await in_flight.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


@pytest.mark.parametrize("how", ["exception", "cancel"])
async def test_killed_mid_dispatch_then_restarted_each_user_gets_exactly_one_dm(database_url, clock, discord, how):
    """One send at a time: exactly the one send in flight at the kill is sent again."""
    users = range(1, 301)
    db, store = await open_store(database_url)
    await add_users(db, users, clock())
    clock.now = SLOT
    discord.kill_after = 137
    await run_until_killed(store, discord, clock, how)
    assert len(discord.messages) == 137

    # A fresh process over the same database, once the dead one's claims are free again (at
    # once on SQLite; after CLAIM_LEASE on PostgreSQL), still inside the nonce window.
    discord.kill_after = None
    clock.now += CLAIM_LEASE + timedelta(seconds=10)
    assert CLAIM_LEASE + timedelta(seconds=10) < NONCE_WINDOW
    restarted_db, restarted_store = await open_store(database_url)
    await dispatcher(restarted_store, discord, clock, batch=50).run_once()

    # Counted: every user has exactly one DM for the slot; the one send in flight at the kill
    # was re-sent with the same nonce and dropped by (fake) Discord, hence 301 calls.
    assert discord.dms_per_user_slot() == {(user, SLOT): 1 for user in users}
    assert len(discord.calls) == 301
    [resent] = [reminder for _, reminder in discord.calls if reminder.resend]
    assert resent.nonce == discord.calls[136][1].nonce
    states = await restarted_db.rows(
        sa.select(reminder_deliveries.c.state, sa.func.count()).group_by(reminder_deliveries.c.state)
    )
    assert [tuple(row.values()) for row in states] == [("sent", 300)]
    await restarted_db.close()
    await db.close()


async def test_restart_after_the_nonce_window_never_sends_twice(database_url, clock, discord):
    users = range(1, 21)
    db, store = await open_store(database_url)
    await add_users(db, users, clock())
    clock.now = SLOT
    discord.kill_after = 5
    discord.kill_before_send = True  # the sixth DM (user 6) never reached Discord
    with pytest.raises(ProcessKilled):
        await dispatcher(store, discord, clock, batch=10, sends_in_flight=1).run_once()

    discord.kill_after = None
    clock.now += NONCE_WINDOW + timedelta(seconds=1)
    restarted_db, restarted_store = await open_store(database_url)
    await dispatcher(restarted_store, discord, clock).run_once()

    dms = discord.dms_per_user_slot()
    assert max(dms.values()) == 1  # never twice
    # The one in-flight send could have reached Discord and can no longer be de-duplicated:
    # it is written off as unconfirmed rather than risked twice. Everyone else got their DM.
    assert len(dms) == len(users) - 1
    assert await restarted_store.delivery_state(6, SLOT) == "unconfirmed"
    await restarted_db.close()
    await db.close()


@pytest.mark.parametrize("how", ["exception", "cancel"])
async def test_killed_with_many_sends_in_flight_each_user_still_gets_exactly_one_dm(database_url, clock, discord, how):
    """Ten sends at once: a kill leaves at most ten rows `sending`; within the nonce window they are
    sent again with their nonces, so each user still sees one DM."""
    users = range(1, 301)
    db, store = await open_store(database_url)
    await add_users(db, users, clock())
    clock.now = SLOT
    discord.kill_after = 137
    await run_until_killed(store, discord, clock, how, sends_in_flight=10)
    assert 137 <= len(discord.messages) < 137 + 10

    discord.kill_after = None
    clock.now += CLAIM_LEASE + timedelta(seconds=10)
    restarted_db, restarted_store = await open_store(database_url)
    await dispatcher(restarted_store, discord, clock, batch=50, sends_in_flight=10).run_once()

    assert discord.dms_per_user_slot() == {(user, SLOT): 1 for user in users}
    resent = [reminder for _, reminder in discord.calls if reminder.resend]
    assert 1 <= len(resent) <= 10
    assert len(discord.calls) - len(users) <= len(resent), "only rows left `sending` were called twice"
    states = await restarted_db.rows(
        sa.select(reminder_deliveries.c.state, sa.func.count()).group_by(reminder_deliveries.c.state)
    )
    assert [tuple(row.values()) for row in states] == [("sent", 300)]
    await restarted_db.close()
    await db.close()


async def test_sends_in_flight_share_their_sending_and_sent_writes(db, store, clock, discord, monkeypatch):
    """With the cap off, ten sends at once: far fewer `sending`/`sent` statements than reminders."""
    await add_users(db, range(1, 201), clock())
    clock.now = SLOT
    writes: list[int] = []
    for name in ("mark_sending", "mark_sent"):
        original = getattr(store, name)

        async def counted(reminders_, now_utc, original=original):
            writes.append(len(reminders_))
            return await original(reminders_, now_utc)

        monkeypatch.setattr(store, name, counted)
    stats = await dispatcher(store, discord, clock, rate_per_second=None, sends_in_flight=10).run_once()
    assert stats.sent == 200
    assert discord.dms_per_user_slot() == {(user, SLOT): 1 for user in range(1, 201)}
    assert sum(writes) == 400
    assert len(writes) < 100


async def test_several_dispatchers_on_postgresql_send_each_reminder_once(backend, database_url, clock, discord):
    """Three dispatchers (own connection pools, as in three processes) claim concurrently: FOR UPDATE
    SKIP LOCKED plus the claim lease give each delivery to exactly one of them."""
    if backend == "sqlite":
        pytest.skip("SQLite runs one dispatcher per database")
    users = range(1, 301)
    databases = [(await open_store(database_url)) for _ in range(3)]
    await add_users(databases[0][0], users, clock())
    clock.now = SLOT
    results = await asyncio.gather(*(dispatcher(store, discord, clock, batch=20).run_once()
                                     for _, store in databases))
    assert sum(stats.sent for stats in results) == 300
    assert all(stats.sent for stats in results), "every dispatcher took a share"
    assert Counter(reminder.user_id for _, reminder in discord.calls) == {user: 1 for user in users}
    for db, _ in databases:
        await db.close()


async def test_missed_by_less_than_grace_is_sent_once_late(db, store, clock, discord):
    await add_users(db, [1], clock())
    clock.now = SLOT + timedelta(hours=2)
    dispatch = dispatcher(store, discord, clock)
    await dispatch.run_once()
    await dispatch.run_once()
    [(_, reminder)] = discord.calls
    assert reminder.late and reminder.slot_utc == SLOT


async def test_missed_by_more_than_grace_is_skipped(db, store, clock, discord):
    await add_users(db, [1], clock())
    clock.now = SLOT + timedelta(hours=3, minutes=1)
    stats = await dispatcher(store, discord, clock).run_once()
    assert discord.calls == [] and stats.claimed == 0
    assert (await store.get(1)).next_due_utc == SLOT + timedelta(days=1)


async def test_long_downtime_sends_at_most_one_dm_per_user(db, store, clock, discord):
    await add_users(db, range(1, 51), clock())
    for user_id in range(1, 51, 2):
        await store.snooze(user_id, clock(), timedelta(hours=1))
    dispatch = dispatcher(store, discord, clock)
    clock.now = SLOT + timedelta(days=9, hours=1)  # nine daily slots and the snoozes missed
    await dispatch.run_once()
    assert Counter(r.user_id for _, r in discord.calls) == {user: 1 for user in range(1, 51)}
    assert all(r.late and r.slot_utc == SLOT + timedelta(days=9) for _, r in discord.calls)

    discord.calls.clear()
    clock.now = SLOT + timedelta(days=30, hours=5)  # the latest slot is past the grace period: nothing at all
    await dispatch.run_once()
    assert discord.calls == []


async def test_undeliverable_pauses_at_once_and_sets_one_notice(db, store, clock, discord):
    await add_users(db, [1, 2], clock())
    await store.snooze(1, clock(), timedelta(hours=2))
    discord.outcome = lambda r: Delivery.UNDELIVERABLE if r.user_id == 1 else Delivery.SENT
    dispatch = dispatcher(store, discord, clock)
    clock.now = SLOT
    stats = await dispatch.run_once()
    assert (stats.undeliverable, stats.sent) == (1, 1)
    for day in range(1, 8):
        clock.now = SLOT + timedelta(days=day)
        await dispatch.run_once()
    assert [r.user_id for _, r in discord.calls].count(1) == 1
    assert [r.user_id for _, r in discord.calls].count(2) == 8
    assert (await store.get(1)).paused_reason == "undeliverable"
    assert await store.note_command(1, None, clock())
    assert not await store.note_command(1, None, clock())
    assert not await store.note_command(2, None, clock())


async def test_retry_backs_off_exponentially_then_gives_up_on_the_slot(db, store, clock, discord):
    await add_users(db, [1], clock())
    discord.outcome = lambda r: Delivery.RETRY
    dispatch = dispatcher(store, discord, clock, max_attempts=5, backoff=timedelta(seconds=5))
    clock.now = SLOT
    total = DispatchStats()
    for _ in range(200):
        stats = await dispatch.run_once()
        total.retrying += stats.retrying
        total.failed += stats.failed
        clock.now += timedelta(seconds=1)
    attempts = [moment for moment, _ in discord.calls]
    assert len(attempts) == 5
    assert [(later - earlier).total_seconds() for earlier, later in zip(attempts, attempts[1:])] == [5, 10, 20, 40]
    assert (total.retrying, total.failed) == (4, 1)
    assert {r.nonce for _, r in discord.calls} == {discord.calls[0][1].nonce}
    assert await store.delivery_state(1, SLOT) == "failed"
    # The next slot is tried afresh.
    discord.outcome = lambda r: Delivery.SENT
    clock.now = SLOT + timedelta(days=1)
    await dispatch.run_once()
    assert discord.messages[-1].slot_utc == SLOT + timedelta(days=1)


async def test_an_exception_for_one_row_does_not_stop_the_others(db, store, clock, discord):
    await add_users(db, [1, 2, 3], clock())

    def outcome(reminder: DueReminder) -> Delivery:
        if reminder.user_id == 2:
            raise RuntimeError("renderer bug")
        return Delivery.SENT

    discord.outcome = outcome
    clock.now = SLOT
    stats = await dispatcher(store, discord, clock).run_once()
    assert {m.user_id for m in discord.messages} == {1, 3}
    assert (stats.sent, stats.errors, stats.retrying) == (2, 1, 1)


async def test_a_store_failure_for_one_row_does_not_stop_the_others(db, store, clock, discord, monkeypatch):
    await add_users(db, [1, 2, 3], clock())
    original = store.mark_sent

    async def flaky_mark_sent(reminders_, now_utc):
        if any(reminder.user_id == 1 for reminder in reminders_):
            raise OSError("disk full")
        await original(reminders_, now_utc)

    monkeypatch.setattr(store, "mark_sent", flaky_mark_sent)
    clock.now = SLOT
    # One send at a time, so user 1's `sent` mark is a write of its own (in flight together,
    # marks share a statement, and a failing one leaves all of them `sending`).
    dispatch = dispatcher(store, discord, clock, sends_in_flight=1)
    stats = await dispatch.run_once()
    assert discord.dms_per_user_slot() == {(1, SLOT): 1, (2, SLOT): 1, (3, SLOT): 1}
    assert (stats.sent, stats.errors) == (2, 1)

    # User 1's row stayed `sending`; a later run (after the claim lease on PostgreSQL) re-sends it
    # with the same nonce, which Discord drops.
    monkeypatch.setattr(store, "mark_sent", original)
    clock.now += CLAIM_LEASE + timedelta(seconds=10)
    await dispatch.run_once()
    assert len(discord.calls) == 4 and discord.calls[-1][1].resend
    assert discord.dms_per_user_slot() == {(1, SLOT): 1, (2, SLOT): 1, (3, SLOT): 1}
    assert await store.delivery_state(1, SLOT) == "sent"


async def test_snooze_and_skip_through_the_dispatcher(db, store, clock, discord):
    await add_users(db, [1], clock())
    dispatch = dispatcher(store, discord, clock)
    clock.now = SLOT
    await dispatch.run_once()
    await store.snooze(1, clock(), timedelta(hours=1))
    clock.now = SLOT + timedelta(hours=1)
    await dispatch.run_once()
    snoozed = SLOT + timedelta(hours=1)
    assert [(m.kind, m.slot_utc) for m in discord.messages] == [("regular", SLOT), ("snooze", snoozed)]

    tomorrow = SLOT + timedelta(days=1)
    assert await store.skip(1, tomorrow, "rest day", clock())
    clock.now = tomorrow
    await dispatch.run_once()
    clock.now = tomorrow + timedelta(days=1)
    await dispatch.run_once()
    assert [m.slot_utc for m in discord.messages][2:] == [tomorrow + timedelta(days=1)]


async def test_turning_off_between_claim_and_send_cancels_the_dm(db, store, clock, discord, monkeypatch):
    await add_users(db, [1, 2], clock())
    original_claim = store.claim_due

    async def claim_then_turn_off(*args, **kwargs):
        due = await original_claim(*args, **kwargs)
        await store.turn_off(2, clock())
        return due

    monkeypatch.setattr(store, "claim_due", claim_then_turn_off)
    clock.now = SLOT
    stats = await dispatcher(store, discord, clock).run_once()
    assert [m.user_id for m in discord.messages] == [1]
    assert stats.cancelled == 1


async def test_run_forever_sleeps_until_due_and_stops(db, store, clock, discord):
    await add_users(db, [1], clock(), days=(0,))
    stop = asyncio.Event()
    discord.outcome = lambda r: (stop.set(), Delivery.SENT)[1]
    dispatch = dispatcher(store, discord, clock, poll_interval=timedelta(minutes=10))
    await asyncio.wait_for(dispatch.run_forever(stop), timeout=10)
    [(moment, reminder)] = discord.calls
    assert moment == SLOT and reminder.slot_utc == SLOT


async def test_run_forever_survives_a_failing_store(db, store, clock, discord, monkeypatch):
    await add_users(db, [1], clock(), days=(0,))
    stop = asyncio.Event()
    failures = 0
    original = store.claim_due

    async def failing_twice(*args, **kwargs):
        nonlocal failures
        if failures < 2:
            failures += 1
            raise OSError("database is locked")
        return await original(*args, **kwargs)

    monkeypatch.setattr(store, "claim_due", failing_twice)
    discord.outcome = lambda r: (stop.set(), Delivery.SENT)[1]
    clock.now = SLOT
    await asyncio.wait_for(dispatcher(store, discord, clock).run_forever(stop), timeout=10)
    assert failures == 2 and len(discord.messages) == 1


async def test_reminders_are_counted_sent_paused_retrying_and_failed(db, store, clock, discord):
    outcomes = ("sent", "paused", "retrying", "failed")
    before = {outcome: REGISTRY.get_sample_value("liftcoach_reminders_total", {"outcome": outcome}) or 0.0
              for outcome in outcomes}
    await add_users(db, [1, 2, 3], clock())
    answers = {1: Delivery.SENT, 2: Delivery.UNDELIVERABLE, 3: Delivery.RETRY}
    discord.outcome = lambda reminder: answers[reminder.user_id]
    dispatch = dispatcher(store, discord, clock, max_attempts=2, backoff=timedelta(seconds=5))
    clock.now = SLOT
    await dispatch.run_once()
    clock.now = SLOT + timedelta(seconds=10)
    await dispatch.run_once()

    counted = {outcome: REGISTRY.get_sample_value("liftcoach_reminders_total", {"outcome": outcome}) - before[outcome]
               for outcome in outcomes}
    assert counted == {"sent": 1, "paused": 1, "retrying": 1, "failed": 1}

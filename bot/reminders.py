"""The reminder dispatcher: claims due reminders, paces the DMs, records what happened.

Transport-neutral: the Discord adapter supplies `deliver(reminder) -> Delivery`, which renders the
DM, sends it with `nonce=reminder.nonce, enforce_nonce=True` through the cached DM channel, and
maps Discord's answer (codes in `UNDELIVERABLE_ERROR_CODES` -> UNDELIVERABLE; 429/5xx/timeouts ->
RETRY).

Why no slot is sent twice, even if the process is killed at any point:
1. A slot is claimed by inserting a `reminder_deliveries` row keyed (user_id, slot_utc) and
   advancing the user's next due time, in one committed transaction (set-based: one statement
   per group of users sharing a schedule). A slot can only be claimed once; a crash before the
   commit leaves the slot due, to be claimed by the next run.
2. Just before each send (then it waits at most `sends_in_flight` turns of the pacer) the row is
   marked `sending` (committed, with the attempt time). A crash can therefore only leave behind rows that are `claimed` (never
   sent: send them) or `sending` (maybe sent, maybe not).
3. A `sending` row is sent again with the same deterministic nonce (`reminder_nonce`: user id +
   slot). With `enforce_nonce`, Discord answers a repeated nonce with the message it already
   created instead of a new one, so the user sees one DM either way. That holds only "within the
   past few minutes", so a `sending` row older than `NONCE_WINDOW` is marked `unconfirmed` and
   not re-sent: at most one DM beats exactly one when the two conflict. At most
   `sends_in_flight` rows are `sending` at a time, so a crash puts at most that many users in
   that position.
4. Retries (RETRY, or an exception from `deliver`) reuse the nonce too; the default backoff
   (5, 10, 20, 40 s) keeps every attempt of a slot inside the dedup window, so even an ambiguous
   timeout that did reach Discord cannot produce a second DM.
Several processes (PostgreSQL): claims read rows `FOR UPDATE SKIP LOCKED` and lease the
deliveries they hand out for `claim_lease`, so each delivery goes to one dispatcher; if that one
dies, the others take its deliveries over when the lease runs out (step 3 covers its `sending`
rows). SQLite has one dispatcher per database.

Throughput: up to `sends_in_flight` sends run at once, so the rate does not depend on Discord's
round trip; the `sending` and `sent` marks of sends that happen together share one statement.

Pacing: every `deliver` call (one REST request with a cached DM channel) waits for the pacer,
which lets at most `rate` calls start in any one-second window (rounded up when the rate is not a
whole number).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot import metrics
from bot.coach.schedule import DEFAULT_GRACE
from bot.store.reminders import CLAIM_LEASE, NONCE_WINDOW, DueReminder, ReminderStore

log = logging.getLogger(__name__)

# 50007 cannot send messages to this user, 50278 no mutual guilds, 50001 missing access.
UNDELIVERABLE_ERROR_CODES = frozenset({50007, 50278, 50001})

# Sends one dispatcher keeps in flight: enough to hold the rate cap while each send waits ~100 ms
# for Discord (10 x 1/0.1 s = 100/s > 50/s), few enough that a crash leaves few rows `sending`.
SENDS_IN_FLIGHT = 10


class Delivery(Enum):
    SENT = "sent"
    UNDELIVERABLE = "undeliverable"
    RETRY = "retry"


Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[object]]
Deliver = Callable[[DueReminder], Awaitable[Delivery]]
Prepare = Callable[[Sequence[DueReminder]], Awaitable[object]]


@dataclass
class DispatchStats:
    claimed: int = 0
    sent: int = 0
    undeliverable: int = 0
    retrying: int = 0
    failed: int = 0  # gave up after the last attempt
    cancelled: int = 0  # turned off, paused or skipped between claim and send, or taken over after the lease
    errors: int = 0  # unexpected exceptions, logged with a traceback


class Pacer:
    """At most `rate_per_second` calls per second: a call waits while the last ceil(rate) calls
    all started within ceil(rate)/rate seconds (>= 1 s) of now.

    So any one-second window holds at most ceil(rate) calls, and a waiter woken late by a busy
    event loop does not cost the next one its turn: the average stays at the rate (spacing each
    call 1/rate after the previous *actual* start lost every late wake-up for good). Waiters
    are served in arrival order. `rate_per_second=None` disables it.
    """

    def __init__(self, rate_per_second: float | None, clock: Clock, sleep: Sleep) -> None:
        if rate_per_second is not None and rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive (or None to disable pacing)")
        self._burst = 0 if rate_per_second is None else math.ceil(rate_per_second)
        # Rounded *up* to whole microseconds, so `burst` calls never fit in less than burst/rate.
        self._window = (
            None if rate_per_second is None
            else timedelta(microseconds=math.ceil(self._burst * 1_000_000 / rate_per_second))
        )
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[datetime] = deque()
        self._lock = asyncio.Lock()
        self.rate = rate_per_second

    async def wait(self) -> None:
        if self._window is None:
            return
        async with self._lock:
            now = self._clock()
            if len(self._starts) == self._burst:
                opens = self._starts[0] + self._window
                while now < opens:
                    await self._sleep((opens - now).total_seconds())
                    now = self._clock()
                self._starts.popleft()
            self._starts.append(now)


class _GroupCommit:
    """One statement for the rows that concurrent sends want written at the same moment.

    `submit(reminder)` waits for the next `write(rows)`; every row submitted while one write is
    running goes into the following one. At a low rate each row is written on its own; with many
    sends in flight they share a commit. Rows of a failing write get its exception.
    """

    def __init__(self, write: Callable[[list[DueReminder]], Awaitable[object]]) -> None:
        self._write = write
        self._queue: list[tuple[DueReminder, asyncio.Future[object]]] = []
        self._writing = False

    async def submit(self, reminder: DueReminder) -> object:
        waiter: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        self._queue.append((reminder, waiter))
        if not self._writing:
            self._writing = True
            try:
                while self._queue:
                    rows, self._queue = self._queue, []
                    try:
                        result = await self._write([row for row, _ in rows])
                    except Exception as error:
                        for _, other in rows:
                            other.set_exception(error)
                    else:
                        for _, other in rows:
                            other.set_result(result)
            except BaseException:
                # Cancelled (or killed) while writing: nobody is left to write for the others.
                for _, other in [*rows, *self._queue]:
                    other.cancel()
                self._queue = []
                raise
            finally:
                self._writing = False
        return await waiter


class ReminderDispatcher:
    def __init__(
        self,
        store: ReminderStore,
        deliver: Deliver,
        *,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        rate_per_second: float | None = 40.0,
        grace: timedelta = DEFAULT_GRACE,
        batch: int = 100,
        sends_in_flight: int = SENDS_IN_FLIGHT,
        claim_lease: timedelta = CLAIM_LEASE,
        max_attempts: int = 5,
        backoff: timedelta = timedelta(seconds=5),
        poll_interval: timedelta = timedelta(seconds=30),
        nonce_window: timedelta = NONCE_WINDOW,
        keep_deliveries: timedelta = timedelta(days=30),
        pacer: Pacer | None = None,
        prepare: Prepare | None = None,
    ) -> None:
        """`pacer` replaces the one built from `rate_per_second`: share it with `deliver` when a
        delivery can take more than one request (opening a DM channel), so every request is paced.

        `prepare(batch)` runs once per claimed batch before its sends (the Discord sender reads the
        batch's profiles in one statement there); if it raises, the error is logged and the batch
        is sent anyway.

        `batch` is how many deliveries one claim leases; it is lowered so that a batch is sent
        within half of `claim_lease` at the pacer's rate (a lease must not run out while its
        dispatcher is still working through the batch, or another would send the rest too).
        """
        if batch < 1 or max_attempts < 1 or sends_in_flight < 1:
            raise ValueError("batch, sends_in_flight and max_attempts must be at least 1")
        self._store = store
        self._deliver = deliver
        self._prepare = prepare
        self._clock = clock
        self._sleep = sleep
        self._pacer = pacer or Pacer(rate_per_second, clock, sleep)
        self._grace = grace
        rate = self._pacer.rate
        self._batch = batch if rate is None else max(1, min(batch, int(rate * claim_lease.total_seconds() / 2)))
        self._sends_in_flight = sends_in_flight
        self._claim_lease = claim_lease
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._poll_interval = poll_interval
        self._nonce_window = nonce_window
        self._keep_deliveries = keep_deliveries
        self._marking = _GroupCommit(lambda rows: self._store.mark_sending(rows, self._clock()))
        self._recording = _GroupCommit(lambda rows: self._store.mark_sent(rows, self._clock()))

    async def run_once(self) -> DispatchStats:
        """Claim and send everything due now, batch by batch; one row's failure never stops the rest."""
        stats = DispatchStats()
        # Each slot is tried at most once per run, so a row whose new state could not be written
        # cannot spin the loop; retries and leftovers are picked up by the next run.
        seen: set[tuple[int, datetime]] = set()
        while True:
            due = await self._store.claim_due(
                self._clock(), self._batch, grace=self._grace, nonce_window=self._nonce_window,
                lease=self._claim_lease,
            )
            fresh = [reminder for reminder in due if (reminder.user_id, reminder.slot_utc) not in seen]
            if not fresh:
                return stats
            stats.claimed += len(fresh)
            seen.update((reminder.user_id, reminder.slot_utc) for reminder in fresh)
            if self._prepare is not None:
                try:
                    await self._prepare(fresh)
                except Exception as error:
                    metrics.count_database_error(error)
                    log.exception("preparing %d reminders failed; sending them anyway", len(fresh))
                    stats.errors += 1
            await self._send_all(fresh, stats)

    async def _send_all(self, due: list[DueReminder], stats: DispatchStats) -> None:
        """Up to `sends_in_flight` sends at once, each started by the pacer; returns when all are done.

        Anything that is not an `Exception` (cancellation, a kill) stops every send at once."""
        pending = iter(due)

        async def sender() -> None:
            for reminder in pending:  # shared: each reminder is taken by one sender
                await self._dispatch(reminder, stats)

        senders = [asyncio.ensure_future(sender()) for _ in range(min(self._sends_in_flight, len(due)))]
        try:
            await asyncio.gather(*senders)
        finally:
            for task in senders:
                task.cancel()

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Dispatch until `stop` is set; sleeps until the next due time or `poll_interval`, whichever is sooner.

        Polling still matters: `/remind set` and snoozes from other tasks can add earlier due times.
        """
        last_prune: datetime | None = None
        while not stop.is_set():
            delay = self._poll_interval
            try:
                stats = await self.run_once()
                if stats.claimed:
                    log.info("reminders dispatched: %s", stats)
                now = self._clock()
                if last_prune is None or now - last_prune >= timedelta(days=1):
                    await self._store.prune_deliveries(now - self._keep_deliveries)
                    last_prune = now
                wakeup = await self._store.next_wakeup()
                if wakeup is not None:
                    delay = max(timedelta(0), min(delay, wakeup - self._clock()))
            except Exception as error:
                metrics.count_database_error(error)
                log.exception("reminder dispatch failed; trying again in %s", delay)
            await self._sleep_unless_stopped(delay, stop)

    async def _sleep_unless_stopped(self, delay: timedelta, stop: asyncio.Event) -> None:
        sleeper = asyncio.ensure_future(self._sleep(delay.total_seconds()))
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, stopper):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _dispatch(self, reminder: DueReminder, stats: DispatchStats) -> None:
        try:
            if (reminder.user_id, reminder.slot_utc) not in await self._marking.submit(reminder):
                stats.cancelled += 1
                return
            # Nothing may come between the pacer's turn and the request, or requests would bunch up.
            await self._pacer.wait()
            try:
                outcome, detail = await self._deliver(reminder), "deliver asked for a retry"
            except Exception as exception:
                # A bug in rendering or an unmapped HTTP error: retried like RETRY, within the same bound.
                log.exception("delivering the reminder for user %s failed", reminder.user_id)
                stats.errors += 1
                outcome, detail = Delivery.RETRY, repr(exception)
            await self._record(reminder, outcome, detail, stats)
        except Exception as error:
            metrics.count_database_error(error)
            log.exception("reminder for user %s at %s could not be processed", reminder.user_id, reminder.slot_utc)
            stats.errors += 1

    async def _record(self, reminder: DueReminder, outcome: Delivery, detail: str, stats: DispatchStats) -> None:
        now = self._clock()
        if outcome is Delivery.SENT:
            await self._recording.submit(reminder)
            stats.sent += 1
            metrics.REMINDERS.labels("sent").inc()
        elif outcome is Delivery.UNDELIVERABLE:
            await self._store.pause_undeliverable(reminder.user_id, now)
            stats.undeliverable += 1
            metrics.REMINDERS.labels("paused").inc()
        else:
            attempt = reminder.attempts + 1
            if attempt >= self._max_attempts:
                log.warning("giving up the reminder for user %s at %s after %d attempts",
                            reminder.user_id, reminder.slot_utc, attempt)
                await self._store.mark_failed(reminder, now, detail, retry_at=None)
                stats.failed += 1
                metrics.REMINDERS.labels("failed").inc()
            else:
                retry_at = now + self._backoff * 2 ** (attempt - 1)
                await self._store.mark_failed(reminder, now, detail, retry_at=retry_at)
                stats.retrying += 1
                metrics.REMINDERS.labels("retrying").inc()

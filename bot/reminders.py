"""The reminder dispatcher: claims due reminders, paces the DMs, records what happened.

Transport-neutral: the Discord adapter supplies `deliver(reminder) -> Delivery`, which renders the
DM, sends it with `nonce=reminder.nonce, enforce_nonce=True` through the cached DM channel, and
maps Discord's answer (codes in `UNDELIVERABLE_ERROR_CODES` -> UNDELIVERABLE; 429/5xx/timeouts ->
RETRY).

Why no slot is sent twice, even if the process is killed at any point:
1. A slot is claimed by inserting a `reminder_deliveries` row keyed (user_id, slot_utc) and
   advancing the user's next due time, in one committed transaction. A slot can only be claimed
   once; a crash before the commit leaves the slot due, to be claimed by the next run.
2. Just before each send the row is marked `sending` (committed, with the attempt time). A crash
   can therefore only leave behind rows that are `claimed` (never sent: send them) or `sending`
   (maybe sent, maybe not).
3. A `sending` row is sent again with the same deterministic nonce (`reminder_nonce`: user id +
   slot). With `enforce_nonce`, Discord answers a repeated nonce with the message it already
   created instead of a new one, so the user sees one DM either way. That holds only "within the
   past few minutes", so a `sending` row older than `NONCE_WINDOW` is marked `unconfirmed` and
   not re-sent: at most one DM beats exactly one when the two conflict. With sequential sends at
   most one row is `sending` at a time, so a crash puts at most one user in that position.
4. Retries (RETRY, or an exception from `deliver`) reuse the nonce too; the default backoff
   (5, 10, 20, 40 s) keeps every attempt of a slot inside the dedup window, so even an ambiguous
   timeout that did reach Discord cannot produce a second DM.
A single dispatcher per database is assumed (claims are exclusive through BEGIN IMMEDIATE; a
second process would at worst re-send within the nonce window, which Discord drops).

Pacing: every `deliver` call (one REST request with a cached DM channel) waits for the pacer,
which spaces starts at least 1/rate apart, so any one-second window holds at most `rate` sends
(rounded up when the rate is not a whole number).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from bot import metrics
from bot.coach.schedule import DEFAULT_GRACE
from bot.store.reminders import NONCE_WINDOW, DueReminder, ReminderStore

log = logging.getLogger(__name__)

# 50007 cannot send messages to this user, 50278 no mutual guilds, 50001 missing access.
UNDELIVERABLE_ERROR_CODES = frozenset({50007, 50278, 50001})


class Delivery(Enum):
    SENT = "sent"
    UNDELIVERABLE = "undeliverable"
    RETRY = "retry"


Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[object]]
Deliver = Callable[[DueReminder], Awaitable[Delivery]]


@dataclass
class DispatchStats:
    claimed: int = 0
    sent: int = 0
    undeliverable: int = 0
    retrying: int = 0
    failed: int = 0  # gave up after the last attempt
    cancelled: int = 0  # turned off, paused or skipped between claim and send
    errors: int = 0  # unexpected exceptions, logged with a traceback


class Pacer:
    """Spaces calls at least 1/rate apart (a token bucket that holds one token).

    The interval is rounded *up* to whole microseconds, so `rate` calls never fit in less than
    a second even with the clock's microsecond resolution. `rate_per_second=None` disables it.
    """

    def __init__(self, rate_per_second: float | None, clock: Clock, sleep: Sleep) -> None:
        if rate_per_second is not None and rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive (or None to disable pacing)")
        self._interval = (
            None if rate_per_second is None else timedelta(microseconds=math.ceil(1_000_000 / rate_per_second))
        )
        self._clock = clock
        self._sleep = sleep
        self._next_start: datetime | None = None

    async def wait(self) -> None:
        if self._interval is None:
            return
        now = self._clock()
        while self._next_start is not None and now < self._next_start:
            await self._sleep((self._next_start - now).total_seconds())
            now = self._clock()
        self._next_start = now + self._interval


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
        max_attempts: int = 5,
        backoff: timedelta = timedelta(seconds=5),
        poll_interval: timedelta = timedelta(seconds=30),
        nonce_window: timedelta = NONCE_WINDOW,
        keep_deliveries: timedelta = timedelta(days=30),
        pacer: Pacer | None = None,
    ) -> None:
        """`pacer` replaces the one built from `rate_per_second`: share it with `deliver` when a
        delivery can take more than one request (opening a DM channel), so every request is paced."""
        if batch < 1 or max_attempts < 1:
            raise ValueError("batch and max_attempts must be at least 1")
        self._store = store
        self._deliver = deliver
        self._clock = clock
        self._sleep = sleep
        self._pacer = pacer or Pacer(rate_per_second, clock, sleep)
        self._grace = grace
        self._batch = batch
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._poll_interval = poll_interval
        self._nonce_window = nonce_window
        self._keep_deliveries = keep_deliveries

    async def run_once(self) -> DispatchStats:
        """Claim and send everything due now, batch by batch; one row's failure never stops the rest."""
        stats = DispatchStats()
        # Each slot is tried at most once per run, so a row whose new state could not be written
        # cannot spin the loop; retries and leftovers are picked up by the next run.
        seen: set[tuple[int, datetime]] = set()
        while True:
            due = await self._store.claim_due(
                self._clock(), self._batch, grace=self._grace, nonce_window=self._nonce_window
            )
            fresh = [reminder for reminder in due if (reminder.user_id, reminder.slot_utc) not in seen]
            if not fresh:
                return stats
            stats.claimed += len(fresh)
            for reminder in fresh:
                seen.add((reminder.user_id, reminder.slot_utc))
                await self._dispatch(reminder, stats)

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
            if not await self._store.mark_sending(reminder, self._clock()):
                stats.cancelled += 1
                return
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
            await self._store.mark_sent(reminder, now)
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

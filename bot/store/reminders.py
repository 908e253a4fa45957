"""Reminder schedules and the delivery ledger (tables from migration 0002).

Every reminder slot gets a `reminder_deliveries` row keyed (user_id, slot_utc), created when the
slot is claimed and moved through `claimed -> sending -> sent`. The key makes a slot impossible to
claim twice; the `sending` mark, committed before the DM goes out, tells a restarted process
which sends may already have reached Discord (see `bot.reminders` for the whole argument).

Times are stored as ISO-8601 UTC text with whole seconds, so text order is time order.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal

import aiosqlite

from bot.coach.schedule import (
    DEFAULT_GRACE,
    catch_up,
    is_late,
    last_due,
    load_zone,
    next_due,
    upcoming,
)
from bot.store.database import Database

log = logging.getLogger(__name__)

# Discord drops a repeated `nonce` (with enforce_nonce) only "in the past few minutes"; the exact
# window is undocumented, so a crashed send is re-sent only while it is surely inside it.
NONCE_WINDOW = timedelta(minutes=2)

ReminderKind = Literal["regular", "snooze"]


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _days_text(days: Iterable[int]) -> str:
    return ",".join(str(day) for day in sorted(set(days)))


def _days(text: str) -> tuple[int, ...]:
    return tuple(int(day) for day in text.split(","))


def reminder_nonce(user_id: int, slot_utc: datetime) -> str:
    """Deterministic per (user, slot) and at most 25 characters (Discord's nonce limit).

    "r" + the id in hex (<= 16 chars for a 64-bit snowflake) + "." + the slot's unix seconds in
    base 36 (7 chars until the year 4453).
    """
    seconds = int(slot_utc.timestamp())
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    encoded = ""
    while True:
        seconds, remainder = divmod(seconds, 36)
        encoded = digits[remainder] + encoded
        if seconds == 0:
            break
    return f"r{user_id:x}.{encoded}"


@dataclass(frozen=True)
class ReminderSettings:
    user_id: int
    days: tuple[int, ...]
    local_time: time
    timezone: str
    enabled: bool
    paused_reason: str | None
    next_due_utc: datetime | None
    snooze_due_utc: datetime | None
    dm_channel_id: int | None

    @property
    def active(self) -> bool:
        return self.enabled and self.paused_reason is None

    def upcoming(self, count: int = 3) -> list[datetime]:
        """The next `count` regular slots, starting with the stored next due time (skips honoured)."""
        if not self.active or self.next_due_utc is None or count < 1:
            return []
        zone = load_zone(self.timezone)
        return [self.next_due_utc, *upcoming(self.next_due_utc, self.days, self.local_time, zone, count - 1)]


@dataclass(frozen=True)
class DueReminder:
    user_id: int
    slot_utc: datetime
    kind: ReminderKind
    dm_channel_id: int | None
    nonce: str
    late: bool  # sent well after its slot (the bot was down); the DM may say so
    attempts: int  # send attempts already made for this slot
    resend: bool  # a previous process may already have sent it; the nonce lets Discord drop the copy


class ReminderStore:
    """Schedules and deliveries. A schedule's `timezone` is a copy of the user's one time zone
    (`users.timezone`, set with /settings): callers pass the profile's zone to `set_schedule`, and
    `follow_timezone` moves the schedule when the user changes it."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @property
    def _connection(self) -> aiosqlite.Connection:
        return self._db.connection

    # --- schedule ---------------------------------------------------------------------------

    async def set_schedule(
        self, user_id: int, days: Iterable[int], local_time: time, timezone: str, now_utc: datetime
    ) -> ReminderSettings:
        """Turn reminders on (or change them); also lifts a pause. Raises ScheduleError for a bad zone."""
        zone = load_zone(timezone)
        day_tuple = tuple(sorted(set(days)))
        due = next_due(now_utc, day_tuple, local_time, zone)
        await self._db.write(
            """
            INSERT INTO reminders (user_id, days, local_time, timezone, enabled, paused_reason,
                                   next_due_utc, pending_notice, updated_at)
            VALUES (:user_id, :days, :local_time, :timezone, 1, NULL, :due, 0, :now)
            ON CONFLICT (user_id) DO UPDATE SET
                days = excluded.days, local_time = excluded.local_time, timezone = excluded.timezone,
                enabled = 1, paused_reason = NULL, next_due_utc = excluded.next_due_utc,
                pending_notice = 0, updated_at = excluded.updated_at
            """,
            {
                "user_id": user_id,
                "days": _days_text(day_tuple),
                "local_time": local_time.strftime("%H:%M"),
                "timezone": zone.key,
                "due": _iso(due),
                "now": _iso(now_utc),
            },
        )
        settings = await self.get(user_id)
        assert settings is not None
        return settings

    async def follow_timezone(self, user_id: int, timezone: str, now_utc: datetime) -> ReminderSettings | None:
        """Move the schedule to the user's new zone: same days and wall-clock time, next slot
        recomputed. Returns the schedule if reminders are on (and so were re-scheduled), else None."""
        settings = await self.get(user_id)
        if settings is None:
            return None
        zone = load_zone(timezone)
        due = next_due(now_utc, settings.days, settings.local_time, zone) if settings.active else None
        await self._db.write(
            "UPDATE reminders SET timezone = ?, next_due_utc = COALESCE(?, next_due_utc), updated_at = ? "
            "WHERE user_id = ?",
            (zone.key, _iso(due) if due else None, _iso(now_utc), user_id),
        )
        return await self.get(user_id) if settings.active else None

    async def turn_off(self, user_id: int, now_utc: datetime) -> bool:
        """Stop all reminders, including a pending snooze; False if none were set."""
        async with self._db.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE reminders SET enabled = 0, next_due_utc = NULL, snooze_due_utc = NULL, updated_at = ? "
                "WHERE user_id = ? AND days IS NOT NULL AND enabled = 1",
                (_iso(now_utc), user_id),
            )
            await connection.execute(
                "UPDATE reminder_deliveries SET state = 'cancelled', updated_at = ? "
                "WHERE user_id = ? AND state = 'claimed'",
                (_iso(now_utc), user_id),
            )
        return cursor.rowcount > 0

    async def get(self, user_id: int) -> ReminderSettings | None:
        """The user's schedule, or None if they never set one."""
        async with self._connection.execute(
            "SELECT * FROM reminders WHERE user_id = ? AND days IS NOT NULL", (user_id,)
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        return ReminderSettings(
            user_id=row["user_id"],
            days=_days(row["days"]),
            local_time=time.fromisoformat(row["local_time"]),
            timezone=row["timezone"],
            enabled=bool(row["enabled"]),
            paused_reason=row["paused_reason"],
            next_due_utc=_parse(row["next_due_utc"]),
            snooze_due_utc=_parse(row["snooze_due_utc"]),
            dm_channel_id=row["dm_channel_id"],
        )

    async def snooze(self, user_id: int, now_utc: datetime, delta: timedelta = timedelta(hours=1)) -> datetime | None:
        """A one-off extra reminder `delta` from now; the regular schedule is untouched.

        None when the user's reminders are off or paused (an old DM's button must not revive them).
        """
        due = now_utc + delta
        cursor = await self._db.write(
            "UPDATE reminders SET snooze_due_utc = ?, updated_at = ? "
            "WHERE user_id = ? AND enabled = 1 AND paused_reason IS NULL",
            (_iso(due), _iso(now_utc), user_id),
        )
        return due if cursor.rowcount else None

    async def skip(self, user_id: int, slot_utc: datetime, reason: str, now_utc: datetime) -> bool:
        """Mark a slot skipped and drop a pending snooze; True if a DM still to come was cancelled.

        A slot already sent keeps its state and only records the reason (the Skip button sits on
        the DM, so usually there is nothing left to cancel). A future slot gets a `skipped` row now,
        which the claim then leaves alone.
        """
        slot, now = _iso(slot_utc), _iso(now_utc)
        async with self._db.transaction() as connection:
            async with connection.execute(
                "SELECT state FROM reminder_deliveries WHERE user_id = ? AND slot_utc = ?", (user_id, slot)
            ) as cursor:
                row = await cursor.fetchone()
            async with connection.execute(
                "SELECT snooze_due_utc FROM reminders WHERE user_id = ?", (user_id,)
            ) as cursor:
                reminder = await cursor.fetchone()
            if reminder is None:
                return False
            await connection.execute(
                "UPDATE reminders SET snooze_due_utc = NULL, updated_at = ? WHERE user_id = ?", (now, user_id)
            )
            if row is None:
                kind = "snooze" if reminder["snooze_due_utc"] == slot else "regular"
                await connection.execute(
                    "INSERT INTO reminder_deliveries (user_id, slot_utc, kind, state, skip_reason, claimed_at, "
                    "updated_at) VALUES (?, ?, ?, 'skipped', ?, ?, ?)",
                    (user_id, slot, kind, reason, now, now),
                )
                return True
            cancelled = row["state"] == "claimed"
            await connection.execute(
                "UPDATE reminder_deliveries SET state = CASE WHEN state = 'claimed' THEN 'skipped' ELSE state END, "
                "skip_reason = ?, updated_at = ? WHERE user_id = ? AND slot_utc = ?",
                (reason, now, user_id, slot),
            )
            return cancelled

    # --- DM channel and undeliverable users -------------------------------------------------

    async def set_dm_channel(self, user_id: int, channel_id: int, now_utc: datetime) -> None:
        await self._db.write(
            "INSERT INTO reminders (user_id, dm_channel_id, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET dm_channel_id = excluded.dm_channel_id, "
            "updated_at = excluded.updated_at",
            (user_id, channel_id, _iso(now_utc)),
        )

    async def clear_dm_channel(self, user_id: int, now_utc: datetime) -> None:
        """Discord no longer knows the stored channel: open a new one next time."""
        await self._db.write(
            "UPDATE reminders SET dm_channel_id = NULL, updated_at = ? WHERE user_id = ?", (_iso(now_utc), user_id)
        )

    async def get_dm_channel(self, user_id: int) -> int | None:
        async with self._connection.execute(
            "SELECT dm_channel_id FROM reminders WHERE user_id = ?", (user_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else row["dm_channel_id"]

    async def pause_undeliverable(self, user_id: int, now_utc: datetime) -> None:
        """DMs are closed: stop at once, cancel what is claimed, and owe the user a notice."""
        async with self._db.transaction() as connection:
            await connection.execute(
                "UPDATE reminders SET paused_reason = 'undeliverable', next_due_utc = NULL, snooze_due_utc = NULL, "
                "pending_notice = 1, updated_at = ? WHERE user_id = ?",
                (_iso(now_utc), user_id),
            )
            await connection.execute(
                "UPDATE reminder_deliveries SET state = 'undeliverable', updated_at = ? "
                "WHERE user_id = ? AND state IN ('claimed', 'sending')",
                (_iso(now_utc), user_id),
            )

    async def pop_pending_notice(self, user_id: int) -> bool:
        """True once after reminders were paused for closed DMs (tell the user on their next command)."""
        cursor = await self._db.write(
            "UPDATE reminders SET pending_notice = 0 WHERE user_id = ? AND pending_notice = 1", (user_id,)
        )
        return cursor.rowcount > 0

    # --- dispatch ---------------------------------------------------------------------------

    async def claim_due(
        self,
        now_utc: datetime,
        limit: int,
        *,
        grace: timedelta = DEFAULT_GRACE,
        nonce_window: timedelta = NONCE_WINDOW,
    ) -> list[DueReminder]:
        """In one transaction: turn due schedules into delivery rows, then return open deliveries.

        Each due user gets at most one new delivery: the latest missed regular slot if it is within
        `grace` (sent late), otherwise nothing; the schedule always advances past `now_utc`, so a
        long downtime never floods. Open deliveries include retries whose backoff is over and rows
        a killed process left `sending` (re-sent with the same nonce while inside `nonce_window`,
        else marked `unconfirmed` and not re-sent).
        """
        async with self._db.transaction() as connection:
            await self._claim_new_slots(connection, now_utc, limit, grace)
            return await self._open_deliveries(connection, now_utc, limit, grace, nonce_window)

    async def _claim_new_slots(
        self, connection: aiosqlite.Connection, now_utc: datetime, limit: int, grace: timedelta
    ) -> None:
        now = _iso(now_utc)
        rows = await connection.execute_fetchall(
            "SELECT user_id, days, local_time, timezone, next_due_utc, snooze_due_utc FROM reminders "
            "WHERE next_due_utc <= :now OR snooze_due_utc <= :now LIMIT :limit",
            {"now": now, "limit": limit},
        )
        deliveries, schedules, invalid = [], [], []
        for row in rows:
            try:
                claims, next_regular, next_snooze = _plan_claim(row, now_utc, grace)
            except Exception:
                # One broken row (say, a zone removed from tzdata) must not block everyone else.
                log.exception("reminder schedule of user %s is invalid; pausing it", row["user_id"])
                invalid.append((now, row["user_id"]))
                continue
            for slot, kind, state, skip_reason in claims:
                next_attempt = now if state == "claimed" else None
                deliveries.append((row["user_id"], _iso(slot), kind, state, next_attempt, skip_reason, now, now))
            schedules.append((next_regular, next_snooze, now, row["user_id"]))
        await connection.executemany(
            "INSERT INTO reminder_deliveries (user_id, slot_utc, kind, state, next_attempt_utc, skip_reason, "
            "claimed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            deliveries,
        )
        await connection.executemany(
            "UPDATE reminders SET next_due_utc = ?, snooze_due_utc = ?, updated_at = ? WHERE user_id = ?",
            schedules,
        )
        await connection.executemany(
            "UPDATE reminders SET next_due_utc = NULL, snooze_due_utc = NULL, paused_reason = 'invalid_schedule', "
            "updated_at = ? WHERE user_id = ?",
            invalid,
        )
        skipped = sum(1 for delivery in deliveries if delivery[3] == "skipped")
        if skipped:
            log.info("skipped %d reminders missed by more than %s", skipped, grace)

    async def _open_deliveries(
        self,
        connection: aiosqlite.Connection,
        now_utc: datetime,
        limit: int,
        grace: timedelta,
        nonce_window: timedelta,
    ) -> list[DueReminder]:
        now = _iso(now_utc)
        rows = await connection.execute_fetchall(
            "SELECT d.user_id, d.slot_utc, d.kind, d.state, d.attempts, d.attempted_at, r.dm_channel_id "
            "FROM reminder_deliveries AS d LEFT JOIN reminders AS r ON r.user_id = d.user_id "
            "WHERE d.state IN ('claimed', 'sending') AND d.next_attempt_utc <= ? "
            "ORDER BY d.next_attempt_utc, d.user_id LIMIT ?",
            (now, limit),
        )
        due, closed = [], []
        for row in rows:
            slot = datetime.fromisoformat(row["slot_utc"])
            attempted_at = _parse(row["attempted_at"])
            in_flight = row["state"] == "sending"
            if in_flight and (attempted_at is None or now_utc - attempted_at >= nonce_window):
                # It may have reached the user; Discord would no longer drop a copy, so never twice wins.
                closed.append(("unconfirmed", None, now, row["user_id"], row["slot_utc"]))
            elif catch_up(now_utc, slot, grace) == "skip":
                closed.append(("skipped", "missed", now, row["user_id"], row["slot_utc"]))
            else:
                due.append(
                    DueReminder(
                        user_id=row["user_id"],
                        slot_utc=slot,
                        kind=row["kind"],
                        dm_channel_id=row["dm_channel_id"],
                        nonce=reminder_nonce(row["user_id"], slot),
                        late=is_late(now_utc, slot),
                        attempts=row["attempts"],
                        resend=in_flight,
                    )
                )
        if closed:
            log.warning("closed %d reminder deliveries left open by an earlier run", len(closed))
        await connection.executemany(
            "UPDATE reminder_deliveries SET state = ?, skip_reason = COALESCE(?, skip_reason), updated_at = ? "
            "WHERE user_id = ? AND slot_utc = ?",
            closed,
        )
        return due

    async def mark_sending(self, reminder: DueReminder, now_utc: datetime) -> bool:
        """Committed before each send; False if the slot was cancelled meanwhile (then do not send)."""
        cursor = await self._db.write(
            "UPDATE reminder_deliveries SET state = 'sending', attempts = attempts + 1, attempted_at = ?, "
            "updated_at = ? WHERE user_id = ? AND slot_utc = ? AND state IN ('claimed', 'sending')",
            (_iso(now_utc), _iso(now_utc), reminder.user_id, _iso(reminder.slot_utc)),
        )
        return cursor.rowcount > 0

    async def mark_sent(self, reminder: DueReminder, now_utc: datetime) -> None:
        await self._db.write(
            "UPDATE reminder_deliveries SET state = 'sent', error = NULL, updated_at = ? "
            "WHERE user_id = ? AND slot_utc = ? AND state = 'sending'",
            (_iso(now_utc), reminder.user_id, _iso(reminder.slot_utc)),
        )

    async def mark_failed(
        self, reminder: DueReminder, now_utc: datetime, error: str, retry_at: datetime | None
    ) -> None:
        """Retry at `retry_at`, or give the slot up for good when it is None."""
        await self._db.write(
            "UPDATE reminder_deliveries SET state = ?, next_attempt_utc = ?, error = ?, updated_at = ? "
            "WHERE user_id = ? AND slot_utc = ? AND state = 'sending'",
            (
                "failed" if retry_at is None else "claimed",
                None if retry_at is None else _iso(retry_at),
                error,
                _iso(now_utc),
                reminder.user_id,
                _iso(reminder.slot_utc),
            ),
        )

    async def next_wakeup(self) -> datetime | None:
        """The earliest moment anything becomes due (regular slot, snooze, or retry)."""
        async with self._connection.execute(
            "SELECT MIN(moment) AS moment FROM ("
            " SELECT MIN(next_due_utc) AS moment FROM reminders"
            " UNION ALL SELECT MIN(snooze_due_utc) FROM reminders"
            " UNION ALL SELECT MIN(next_attempt_utc) FROM reminder_deliveries WHERE state IN ('claimed', 'sending'))"
        ) as cursor:
            row = await cursor.fetchone()
        return _parse(row["moment"])

    async def delivery_state(self, user_id: int, slot_utc: datetime) -> str | None:
        async with self._connection.execute(
            "SELECT state FROM reminder_deliveries WHERE user_id = ? AND slot_utc = ?", (user_id, _iso(slot_utc))
        ) as cursor:
            row = await cursor.fetchone()
        return None if row is None else row["state"]

    async def prune_deliveries(self, before_utc: datetime) -> int:
        """Forget finished deliveries of slots before `before_utc`; the ledger grows by every slot."""
        cursor = await self._db.write(
            "DELETE FROM reminder_deliveries WHERE slot_utc < ? AND state NOT IN ('claimed', 'sending')",
            (_iso(before_utc),),
        )
        return cursor.rowcount


def _plan_claim(
    row: aiosqlite.Row, now_utc: datetime, grace: timedelta
) -> tuple[list[tuple[datetime, ReminderKind, str, str | None]], str | None, str | None]:
    """The delivery rows to create for one due user, and its next regular and snooze due times."""
    claims: list[tuple[datetime, ReminderKind, str, str | None]] = []
    next_regular, next_snooze = row["next_due_utc"], row["snooze_due_utc"]
    regular_due, snooze_due = _parse(next_regular), _parse(next_snooze)
    sending = False
    if regular_due is not None and regular_due <= now_utc:
        days, local_time, zone = _days(row["days"]), time.fromisoformat(row["local_time"]), load_zone(row["timezone"])
        # After downtime only the latest missed slot can still be worth a (late) DM.
        slot = max(regular_due, last_due(now_utc, days, local_time, zone))
        next_regular = _iso(next_due(now_utc, days, local_time, zone))
        sending = catch_up(now_utc, slot, grace) == "send"
        claims.append((slot, "regular", "claimed" if sending else "skipped", None if sending else "missed"))
    if snooze_due is not None and snooze_due <= now_utc:
        next_snooze = None
        if sending:
            # One DM per user per claim: the regular reminder already covers the snoozed one.
            claims.append((snooze_due, "snooze", "skipped", "superseded"))
        elif catch_up(now_utc, snooze_due, grace) == "send":
            claims.append((snooze_due, "snooze", "claimed", None))
        else:
            claims.append((snooze_due, "snooze", "skipped", "missed"))
    return claims, next_regular, next_snooze

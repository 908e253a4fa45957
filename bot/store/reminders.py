"""Reminder schedules and the delivery ledger (tables from revision 0002_reminders).

Every reminder slot gets a `reminder_deliveries` row keyed (user_id, slot_utc), created when the
slot is claimed and moved through `claimed -> sending -> sent`. The key makes a slot impossible to
claim twice; the `sending` mark, committed before the DM goes out, tells a restarted process
which sends may already have reached Discord (see `bot.reminders` for the whole argument).

Times are stored as ISO-8601 UTC text with whole seconds, so text order is time order.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

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
from bot.store.schema import OPEN_DELIVERY_STATES, reminder_deliveries, reminders, users
from bot.store.users import UserProfile, profile_of

log = logging.getLogger(__name__)

# Discord drops a repeated `nonce` (with enforce_nonce) only "in the past few minutes"; the exact
# window is undocumented, so a crashed send is re-sent only while it is surely inside it.
NONCE_WINDOW = timedelta(minutes=2)

# PostgreSQL, where several dispatchers share the ledger: an open delivery handed to one of them is
# hidden from the others for this long (it is sent within seconds; a batch of 100 at 40/s takes
# 2.5 s). If that dispatcher dies, another one picks the delivery up once the lease is over, well
# inside the grace period. SQLite has one dispatcher, so nothing is hidden there.
CLAIM_LEASE = timedelta(seconds=60)

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
    # The delivery row's `next_attempt_utc` as this claim left it (the lease's end on PostgreSQL):
    # marking it `sending` requires it unchanged, so a claim that another dispatcher took over after
    # the lease ran out is not sent by both.
    claim_token: str = field(default="", compare=False)


R = reminders
D = reminder_deliveries
# The states written into the SQL itself, not bound: SQLite uses the partial index
# `reminder_deliveries_open` only when it can see that a query's WHERE implies the index's, so with
# bound states every claim scanned and sorted the whole ledger.
_OPEN = D.c.state.in_(sa.bindparam("open_states", OPEN_DELIVERY_STATES, expanding=True, literal_execute=True))


# Statements every command runs, built once (building and keying one costs more than running it).
_DM_CHANNEL = sa.select(R.c.dm_channel_id).where(R.c.user_id == sa.bindparam("user_id"))
_BOOKKEEPING = sa.select(R.c.dm_channel_id, R.c.pending_notice).where(R.c.user_id == sa.bindparam("user_id"))


class ReminderStore:
    """Schedules and deliveries. A schedule's `timezone` is a copy of the user's one time zone
    (`users.timezone`, set with /settings): callers pass the profile's zone to `set_schedule`, and
    `follow_timezone` moves the schedule when the user changes it."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sql = _Statements(db.backend)

    # --- schedule ---------------------------------------------------------------------------

    async def set_schedule(
        self, user_id: int, days: Iterable[int], local_time: time, timezone: str, now_utc: datetime
    ) -> ReminderSettings:
        """Turn reminders on (or change them); also lifts a pause. Raises ScheduleError for a bad zone."""
        zone = load_zone(timezone)
        day_tuple = tuple(sorted(set(days)))
        due = next_due(now_utc, day_tuple, local_time, zone)
        statement = self._db.insert(R).values(
            user_id=user_id, days=_days_text(day_tuple), local_time=local_time.strftime("%H:%M"),
            timezone=zone.key, enabled=1, paused_reason=None, next_due_utc=_iso(due), pending_notice=0,
            updated_at=_iso(now_utc),
        )
        await self._db.write(statement.on_conflict_do_update(
            index_elements=[R.c.user_id],
            set_={
                "days": statement.excluded.days, "local_time": statement.excluded.local_time,
                "timezone": statement.excluded.timezone, "enabled": 1, "paused_reason": None,
                "next_due_utc": statement.excluded.next_due_utc, "pending_notice": 0,
                "updated_at": statement.excluded.updated_at,
            },
        ))
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
        changes = {"timezone": zone.key, "updated_at": _iso(now_utc)}
        if due is not None:
            changes["next_due_utc"] = _iso(due)
        await self._db.write(sa.update(R).where(R.c.user_id == user_id).values(**changes))
        return await self.get(user_id) if settings.active else None

    async def turn_off(self, user_id: int, now_utc: datetime) -> bool:
        """Stop all reminders, including a pending snooze; False if none were set."""
        now = _iso(now_utc)
        async with self._db.transaction() as connection:
            result = await connection.execute(
                sa.update(R)
                .where(R.c.user_id == user_id, R.c.days.is_not(None), R.c.enabled == 1)
                .values(enabled=0, next_due_utc=None, snooze_due_utc=None, updated_at=now)
            )
            await connection.execute(
                sa.update(D).where(D.c.user_id == user_id, D.c.state == "claimed").values(state="cancelled",
                                                                                          updated_at=now)
            )
        return result.rowcount > 0

    async def get(self, user_id: int) -> ReminderSettings | None:
        """The user's schedule, or None if they never set one."""
        row = await self._db.row(sa.select(R).where(R.c.user_id == user_id, R.c.days.is_not(None)))
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
        result = await self._db.write(
            sa.update(R)
            .where(R.c.user_id == user_id, R.c.enabled == 1, R.c.paused_reason.is_(None))
            .values(snooze_due_utc=_iso(due), updated_at=_iso(now_utc))
        )
        return due if result.rowcount else None

    async def skip(self, user_id: int, slot_utc: datetime, reason: str, now_utc: datetime) -> bool:
        """Mark a slot skipped and drop a pending snooze; True if a DM still to come was cancelled.

        A slot already sent keeps its state and only records the reason (the Skip button sits on
        the DM, so usually there is nothing left to cancel). A future slot gets a `skipped` row now,
        which the claim then leaves alone.
        """
        slot, now = _iso(slot_utc), _iso(now_utc)
        async with self._db.transaction() as connection:
            row = (await connection.execute(
                sa.select(D.c.state).where(D.c.user_id == user_id, D.c.slot_utc == slot)
            )).mappings().first()
            reminder = (await connection.execute(
                sa.select(R.c.snooze_due_utc).where(R.c.user_id == user_id)
            )).mappings().first()
            if reminder is None:
                return False
            await connection.execute(
                sa.update(R).where(R.c.user_id == user_id).values(snooze_due_utc=None, updated_at=now)
            )
            if row is None:
                kind = "snooze" if reminder["snooze_due_utc"] == slot else "regular"
                await connection.execute(sa.insert(D).values(
                    user_id=user_id, slot_utc=slot, kind=kind, state="skipped", skip_reason=reason,
                    claimed_at=now, updated_at=now,
                ))
                return True
            await connection.execute(
                sa.update(D)
                .where(D.c.user_id == user_id, D.c.slot_utc == slot)
                .values(state=sa.case((D.c.state == "claimed", "skipped"), else_=D.c.state), skip_reason=reason,
                        updated_at=now)
            )
            return row["state"] == "claimed"

    # --- DM channel and undeliverable users -------------------------------------------------

    async def set_dm_channel(self, user_id: int, channel_id: int, now_utc: datetime) -> None:
        """Remember the user's DM channel; writes nothing when it is already the stored one."""
        if await self.get_dm_channel(user_id) == channel_id:
            return
        await self._store_dm_channel(user_id, channel_id, now_utc)

    async def note_command(self, user_id: int, dm_channel_id: int | None, now_utc: datetime) -> bool:
        """Every command's bookkeeping, with one read: remember a new DM channel, pop the closed-DMs notice.

        Returns True once after reminders were paused for closed DMs (tell the user now). Writes
        only when the channel changed (when the command commits: `Database.write_at_commit`) or a
        notice was pending.
        """
        row = await self._db.row(_BOOKKEEPING, {"user_id": user_id})
        if dm_channel_id is not None and (row is None or row["dm_channel_id"] != dm_channel_id):
            await self._store_dm_channel(user_id, dm_channel_id, now_utc)
        if row is None or not row["pending_notice"]:
            return False
        result = await self._db.write(
            sa.update(R).where(R.c.user_id == user_id, R.c.pending_notice == 1).values(pending_notice=0)
        )
        return result.rowcount > 0

    async def _store_dm_channel(self, user_id: int, channel_id: int, now_utc: datetime) -> None:
        await self._db.write_at_commit(self._dm_channel_upsert,
                                       {"user_id": user_id, "dm_channel_id": channel_id, "updated_at": _iso(now_utc)})

    @functools.cached_property
    def _dm_channel_upsert(self) -> sa.Insert:
        # Built once per store (the dialect's INSERT): every first command from a DM runs it. It runs
        # when the command commits, so it stores nothing for a user the command deleted (/forget).
        user_id = sa.bindparam("user_id", type_=R.c.user_id.type)
        stored_user = sa.exists().where(users.c.user_id == user_id)
        statement = self._db.insert(R).from_select(
            [R.c.user_id, R.c.dm_channel_id, R.c.updated_at],
            sa.select(user_id, sa.bindparam("dm_channel_id", type_=R.c.dm_channel_id.type),
                      sa.bindparam("updated_at", type_=R.c.updated_at.type)).where(stored_user),
        )
        return statement.on_conflict_do_update(
            index_elements=[R.c.user_id],
            set_={"dm_channel_id": statement.excluded.dm_channel_id, "updated_at": statement.excluded.updated_at},
        )

    async def clear_dm_channel(self, user_id: int, now_utc: datetime) -> None:
        """Discord no longer knows the stored channel: open a new one next time."""
        await self._db.write(
            sa.update(R).where(R.c.user_id == user_id).values(dm_channel_id=None, updated_at=_iso(now_utc))
        )

    async def get_dm_channel(self, user_id: int) -> int | None:
        return await self._db.scalar(_DM_CHANNEL, {"user_id": user_id})

    async def pause_undeliverable(self, user_id: int, now_utc: datetime) -> None:
        """DMs are closed: stop at once, cancel what is claimed, and owe the user a notice."""
        now = _iso(now_utc)
        async with self._db.transaction() as connection:
            await connection.execute(
                sa.update(R).where(R.c.user_id == user_id).values(
                    paused_reason="undeliverable", next_due_utc=None, snooze_due_utc=None, pending_notice=1,
                    updated_at=now,
                )
            )
            await connection.execute(
                sa.update(D)
                .where(D.c.user_id == user_id, _OPEN)
                .values(state="undeliverable", updated_at=now)
            )

    # --- dispatch ---------------------------------------------------------------------------

    async def profiles(self, user_ids: Sequence[int]) -> dict[int, UserProfile]:
        """The profiles of `user_ids` in one statement (a claimed batch's, for its DMs), by user id;
        users without a profile are left out."""
        if not user_ids:
            return {}
        rows = await self._db.rows(self._sql.profiles, self._sql.id_parameters(user_ids))
        return {row["user_id"]: profile_of(row) for row in rows}

    async def claim_due(
        self,
        now_utc: datetime,
        limit: int,
        *,
        grace: timedelta = DEFAULT_GRACE,
        nonce_window: timedelta = NONCE_WINDOW,
        lease: timedelta = CLAIM_LEASE,
        new_slots: int | None = None,
    ) -> list[DueReminder]:
        """In one transaction: turn due schedules into delivery rows, then hand out open deliveries.

        Up to `new_slots` (default `limit`) due users get a delivery row: the latest missed regular
        slot if it is within `grace` (sent late), otherwise a `skipped` one; the schedule always
        advances past `now_utc`, so a long downtime never floods. Then up to `limit` open deliveries
        are returned: new ones, retries whose backoff is over, and rows a killed process left
        `sending` (re-sent with the same nonce while inside `nonce_window`, else marked
        `unconfirmed` and not re-sent).

        Several processes on PostgreSQL: rows are read `FOR UPDATE SKIP LOCKED`, so concurrent
        claims never wait for or take each other's rows, and the deliveries returned are hidden
        from other claims for `lease` (see `CLAIM_LEASE`), so each is sent by one process.
        """
        async with self._db.transaction() as connection:
            await self._claim_new_slots(connection, now_utc, limit if new_slots is None else new_slots, grace)
            return await self._open_deliveries(connection, now_utc, limit, grace, nonce_window, lease)

    async def _claim_new_slots(
        self, connection: AsyncConnection, now_utc: datetime, limit: int, grace: timedelta
    ) -> int:
        """Set-based: users due at the same moment with the same schedule (days, time, zone) share
        their slot and their next due time, so each such group is planned once in Python and
        claimed with one `UPDATE ... RETURNING` and one `INSERT ... SELECT`, however many users it
        holds. Returns the number of users claimed."""
        now = _iso(now_utc)
        claimed = 0
        snoozes_due = await connection.scalar(sa.select(sa.exists().where(R.c.snooze_due_utc <= now)))
        first_due = (
            sa.select(R.c.days, R.c.local_time, R.c.timezone, R.c.next_due_utc)
            .where(R.c.next_due_utc <= now)
            .order_by(R.c.next_due_utc)
            .limit(limit)
            .subquery()
        )
        groups = (await connection.execute(sa.select(first_due).distinct())).all()
        skipped = 0
        for days, local_time, timezone, due in groups:
            remaining = limit - claimed
            if remaining <= 0:
                break
            same_schedule = sa.and_(_equals(R.c.days, days), _equals(R.c.local_time, local_time),
                                    _equals(R.c.timezone, timezone), R.c.next_due_utc == due)
            try:
                slot, next_regular, sending = _plan_regular(days, local_time, timezone, due, now_utc, grace)
            except Exception:
                # One broken schedule (say, a zone removed from tzdata) must not block everyone else.
                log.exception("reminder schedule %s %s %s is invalid; pausing its users", days, local_time, timezone)
                await connection.execute(
                    sa.update(R).where(same_schedule).values(
                        next_due_utc=None, snooze_due_utc=None, paused_reason="invalid_schedule", updated_at=now,
                    )
                )
                continue
            users = await self._advance(connection, same_schedule, remaining, now, next_due_utc=next_regular)
            await self._insert_deliveries(
                connection, users, slot, "regular", "claimed" if sending else "skipped", None if sending else "missed",
                now,
            )
            if sending and snoozes_due:
                # One DM per user per claim: the regular reminder already covers a snooze due now.
                await self._supersede_snoozes(connection, users, now)
            claimed += len(users)
            skipped += 0 if sending else len(users)
        if snoozes_due and claimed < limit:
            claimed += await self._claim_snoozes(connection, now_utc, limit - claimed, grace)
        if skipped:
            log.info("skipped %d reminders missed by more than %s", skipped, grace)
        return claimed

    async def _claim_snoozes(
        self, connection: AsyncConnection, now_utc: datetime, limit: int, grace: timedelta
    ) -> int:
        """Snoozes due now of users whose regular slot is not also due (those are claimed with it)."""
        now = _iso(now_utc)
        alone = sa.and_(R.c.snooze_due_utc <= now, sa.or_(R.c.next_due_utc.is_(None), R.c.next_due_utc > now))
        first_due = sa.select(R.c.snooze_due_utc).where(alone).order_by(R.c.snooze_due_utc).limit(limit).subquery()
        claimed = 0
        for (moment,) in (await connection.execute(sa.select(first_due).distinct())).all():
            if claimed >= limit:
                break
            users = await self._advance(connection, sa.and_(alone, R.c.snooze_due_utc == moment), limit - claimed,
                                        now, snooze_due_utc=None)
            sending = catch_up(now_utc, datetime.fromisoformat(moment), grace) == "send"
            await self._insert_deliveries(connection, users, datetime.fromisoformat(moment), "snooze",
                                          "claimed" if sending else "skipped", None if sending else "missed", now)
            claimed += len(users)
        return claimed

    async def _advance(
        self, connection: AsyncConnection, where: sa.ColumnElement[bool], limit: int, now: str, **due_times: str | None
    ) -> list[int]:
        """Move up to `limit` users matching `where` to their next due times; returns their ids.

        PostgreSQL locks the rows `FOR UPDATE SKIP LOCKED` (another dispatcher's are skipped, not
        waited for); SQLite holds the one write lock already."""
        picked = (
            sa.select(R.c.user_id).where(where).order_by(R.c.user_id).limit(limit)
            .with_for_update(skip_locked=True).scalar_subquery()
        )
        result = await connection.execute(
            sa.update(R).where(R.c.user_id.in_(picked)).values(**due_times, updated_at=now).returning(R.c.user_id)
        )
        return list(result.scalars())

    async def _insert_deliveries(
        self, connection: AsyncConnection, users: list[int], slot: datetime, kind: ReminderKind, state: str,
        skip_reason: str | None, now: str,
    ) -> None:
        if not users:
            return
        ids = self._id_list(users)
        columns = {
            "user_id": ids.c.user_id,
            "slot_utc": sa.literal(_iso(slot), D.c.slot_utc.type),
            "kind": sa.literal(kind, D.c.kind.type),
            "state": sa.literal(state, D.c.state.type),
            "next_attempt_utc": sa.literal(now if state == "claimed" else None, D.c.next_attempt_utc.type),
            "skip_reason": sa.literal(skip_reason, D.c.skip_reason.type),
            "claimed_at": sa.literal(now, D.c.claimed_at.type),
            "updated_at": sa.literal(now, D.c.updated_at.type),
        }
        # A slot the user already skipped ahead of time keeps its row (the primary key says "once").
        # The WHERE is for SQLite's parser, which would read ON CONFLICT as a join's ON without it.
        await connection.execute(
            self._db.insert(D).from_select(list(columns), sa.select(*columns.values()).where(sa.true()))
            .on_conflict_do_nothing()
        )

    async def _supersede_snoozes(self, connection: AsyncConnection, users: list[int], now: str) -> None:
        ids = sa.select(self._id_list(users).c.user_id)
        snoozed = sa.and_(R.c.user_id.in_(ids), R.c.snooze_due_utc <= now)
        columns = {
            "user_id": R.c.user_id, "slot_utc": R.c.snooze_due_utc,
            "kind": sa.literal("snooze", D.c.kind.type), "state": sa.literal("skipped", D.c.state.type),
            "skip_reason": sa.literal("superseded", D.c.skip_reason.type),
            "claimed_at": sa.literal(now, D.c.claimed_at.type), "updated_at": sa.literal(now, D.c.updated_at.type),
        }
        await connection.execute(
            self._db.insert(D).from_select(list(columns), sa.select(*columns.values()).where(snoozed))
            .on_conflict_do_nothing()
        )
        await connection.execute(sa.update(R).where(snoozed).values(snooze_due_utc=None, updated_at=now))

    def _id_list(self, users: list[int]) -> sa.Subquery:
        backend = self._db.backend
        return _user_id_table(backend, sa.literal(_user_ids_value(backend, users), _user_ids_type(backend)))

    async def _open_deliveries(
        self,
        connection: AsyncConnection,
        now_utc: datetime,
        limit: int,
        grace: timedelta,
        nonce_window: timedelta,
        lease: timedelta,
    ) -> list[DueReminder]:
        now = _iso(now_utc)
        rows = (await connection.execute(
            sa.select(D.c.user_id, D.c.slot_utc, D.c.kind, D.c.state, D.c.attempts, D.c.attempted_at,
                      D.c.next_attempt_utc, R.c.dm_channel_id)
            .select_from(D.outerjoin(R, R.c.user_id == D.c.user_id))
            .where(_OPEN, D.c.next_attempt_utc <= now)
            .order_by(D.c.next_attempt_utc, D.c.user_id)
            .limit(limit)
            .with_for_update(of=D, skip_locked=True)
        )).mappings().all()
        due, closed = [], []
        for row in rows:
            slot = datetime.fromisoformat(row["slot_utc"])
            attempted_at = _parse(row["attempted_at"])
            in_flight = row["state"] == "sending"
            if in_flight and (attempted_at is None or now_utc - attempted_at >= nonce_window):
                # It may have reached the user; Discord would no longer drop a copy, so never twice wins.
                closed.append({"b_state": "unconfirmed", "b_reason": None, "b_now": now,
                               "b_user_id": row["user_id"], "b_slot": row["slot_utc"]})
            elif catch_up(now_utc, slot, grace) == "skip":
                closed.append({"b_state": "skipped", "b_reason": "missed", "b_now": now,
                               "b_user_id": row["user_id"], "b_slot": row["slot_utc"]})
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
                        claim_token=row["next_attempt_utc"],
                    )
                )
        if due and self._db.backend == "postgresql":
            leased = _iso(now_utc + lease)
            await connection.execute(self._sql.lease, {**self._sql.key_parameters(due), "leased": leased})
            due = [replace(reminder, claim_token=leased) for reminder in due]
        if closed:
            log.warning("closed %d reminder deliveries left open by an earlier run", len(closed))
            await connection.execute(
                sa.update(D)
                .where(D.c.user_id == sa.bindparam("b_user_id"), D.c.slot_utc == sa.bindparam("b_slot"))
                .values(state=sa.bindparam("b_state"),
                        skip_reason=sa.func.coalesce(sa.bindparam("b_reason", type_=sa.Text), D.c.skip_reason),
                        updated_at=sa.bindparam("b_now")),
                closed,
            )
        return due

    async def mark_sending(self, reminders_: Sequence[DueReminder], now_utc: datetime) -> set[tuple[int, datetime]]:
        """Committed just before the sends, one statement for all of `reminders_`; returns the
        (user_id, slot_utc) keys marked. A slot cancelled meanwhile, or claimed by another
        dispatcher once this one's lease ran out, is left out: do not send it."""
        if not reminders_:
            return set()
        result = await self._db.write(
            self._sql.mark_sending, {**self._sql.key_parameters(reminders_), "now": _iso(now_utc)}
        )
        return {(user_id, datetime.fromisoformat(slot)) for user_id, slot in result.all()}

    async def mark_sent(self, reminders_: Sequence[DueReminder], now_utc: datetime) -> None:
        """One statement for all of `reminders_`."""
        if reminders_:
            await self._db.write(self._sql.mark_sent, {**self._sql.key_parameters(reminders_), "now": _iso(now_utc)})

    async def mark_failed(
        self, reminder: DueReminder, now_utc: datetime, error: str, retry_at: datetime | None
    ) -> None:
        """Retry at `retry_at`, or give the slot up for good when it is None."""
        await self._db.write(
            sa.update(D)
            .where(D.c.user_id == reminder.user_id, D.c.slot_utc == _iso(reminder.slot_utc), D.c.state == "sending")
            .values(
                state="failed" if retry_at is None else "claimed",
                next_attempt_utc=None if retry_at is None else _iso(retry_at),
                error=error,
                updated_at=_iso(now_utc),
            )
        )

    async def next_wakeup(self) -> datetime | None:
        """The earliest moment anything becomes due (regular slot, snooze, or retry)."""
        moments = sa.union_all(
            sa.select(sa.func.min(R.c.next_due_utc).label("moment")),
            sa.select(sa.func.min(R.c.snooze_due_utc)),
            sa.select(sa.func.min(D.c.next_attempt_utc)).where(_OPEN),
        ).subquery()
        return _parse(await self._db.scalar(sa.select(sa.func.min(moments.c.moment))))

    async def delivery_state(self, user_id: int, slot_utc: datetime) -> str | None:
        return await self._db.scalar(
            sa.select(D.c.state).where(D.c.user_id == user_id, D.c.slot_utc == _iso(slot_utc))
        )

    async def prune_deliveries(self, before_utc: datetime) -> int:
        """Forget finished deliveries of slots before `before_utc`; the ledger grows by every slot."""
        result = await self._db.write(
            sa.delete(D).where(D.c.slot_utc < _iso(before_utc), D.c.state.not_in(OPEN_DELIVERY_STATES))
        )
        return result.rowcount


def _plan_regular(
    days: str, local_time: str, timezone: str, due: str, now_utc: datetime, grace: timedelta
) -> tuple[datetime, str, bool]:
    """For users whose regular slot `due` has come: the slot to claim, their next due time, and
    whether the slot is still worth a DM (within `grace`). Raises for a broken schedule."""
    day_tuple, at, zone = _days(days), time.fromisoformat(local_time), load_zone(timezone)
    # After downtime only the latest missed slot can still be worth a (late) DM.
    slot = max(datetime.fromisoformat(due), last_due(now_utc, day_tuple, at, zone))
    return slot, _iso(next_due(now_utc, day_tuple, at, zone)), catch_up(now_utc, slot, grace) == "send"


def _equals(column: sa.Column, value: object) -> sa.ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _user_id_table(backend: str, ids: sa.ColumnElement) -> sa.Subquery:
    """A one-column table (`user_id`) of the user ids in ONE value `ids` (bound or literal), so a
    statement covers any number of users: a bigint array on PostgreSQL, a JSON array on SQLite."""
    if backend == "postgresql":
        return sa.select(sa.func.unnest(ids).label("user_id")).subquery()
    values = sa.func.json_each(ids).table_valued("value")
    return sa.select(values.c.value.label("user_id")).subquery()


def _user_ids_type(backend: str) -> sa.types.TypeEngine:
    return postgresql.ARRAY(sa.BigInteger) if backend == "postgresql" else sa.Text()


def _user_ids_value(backend: str, user_ids: Sequence[int]) -> object:
    """`user_ids` as the one value `_user_id_table` reads."""
    return list(user_ids) if backend == "postgresql" else json.dumps(list(user_ids))


class _Statements:
    """The statements run for every batch of DMs, built once per store and executed with
    parameters: SQLAlchemy then reuses their compiled form (building a statement costs more CPU
    than SQLite needs to run it). A list of keys is bound as ONE parameter, joined as a table
    (`UPDATE ... FROM`), so each row is found by its primary key: a row-value `IN (VALUES ...)`
    made SQLite scan the whole ledger for every mark."""

    def __init__(self, backend: str) -> None:
        self._backend = backend
        if backend == "postgresql":
            keys = sa.func.unnest(
                sa.bindparam("user_ids", type_=postgresql.ARRAY(sa.BigInteger)),
                sa.bindparam("slots", type_=postgresql.ARRAY(sa.Text)),
                sa.bindparam("tokens", type_=postgresql.ARRAY(sa.Text)),
            ).table_valued("key_user", "key_slot", "key_token").render_derived()
            key = sa.select(keys).subquery("k")
        else:
            # `[[user_id, slot, token], ...]` as JSON text, read with json_each.
            each = sa.func.json_each(sa.bindparam("keys", type_=sa.Text)).table_valued("value")
            key = sa.select(*(sa.func.json_extract(each.c.value, f"$[{index}]").label(name)
                              for index, name in enumerate(("key_user", "key_slot", "key_token")))).subquery("k")
        same_row = sa.and_(D.c.user_id == key.c.key_user, D.c.slot_utc == key.c.key_slot)
        now = sa.bindparam("now", type_=sa.Text)
        self.mark_sending = (
            sa.update(D)
            .where(same_row, D.c.next_attempt_utc == key.c.key_token, _OPEN)
            .values(state="sending", attempts=D.c.attempts + 1, attempted_at=now, updated_at=now)
            .returning(D.c.user_id, D.c.slot_utc)
        )
        self.mark_sent = (
            sa.update(D).where(same_row, D.c.state == "sending").values(state="sent", error=None, updated_at=now)
        )
        self.lease = sa.update(D).where(same_row).values(next_attempt_utc=sa.bindparam("leased", type_=sa.Text))
        ids = _user_id_table(backend, sa.bindparam("ids", type_=_user_ids_type(backend)))
        self.profiles = sa.select(users).where(users.c.user_id.in_(sa.select(ids.c.user_id)))

    def key_parameters(self, reminders_: Iterable[DueReminder]) -> dict[str, object]:
        """The delivery keys (and claim tokens) of `reminders_` for the statements' `k` table."""
        keys = [(reminder.user_id, _iso(reminder.slot_utc), reminder.claim_token) for reminder in reminders_]
        if self._backend == "postgresql":
            user_ids, slots, tokens = (list(column) for column in zip(*keys, strict=True))
            return {"user_ids": user_ids, "slots": slots, "tokens": tokens}
        return {"keys": json.dumps(keys)}

    def id_parameters(self, user_ids: Sequence[int]) -> dict[str, object]:
        return {"ids": _user_ids_value(self._backend, user_ids)}

"""Per-user settings and the rotation position."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from bot.coach.vocabulary import Equipment, Experience, Goal, Unit
from bot.store.database import Database
from bot.store.schema import sessions, set_logs, users


@dataclass(frozen=True)
class UserProfile:
    user_id: int
    goal: Goal | None
    experience: Experience
    days_per_week: int
    equipment: Equipment
    units: Unit
    timezone: str
    rotation_index: int
    safety_notice_seen: bool
    created_at: str
    updated_at: str
    # Moved by the database on every change to what /today's plan reads (bot.store.schema.PLAN_INPUTS).
    plan_revision: int = 0


_EDITABLE = {"goal", "experience", "days_per_week", "equipment", "units", "timezone"}


def profile_of(row) -> UserProfile:
    """A `users` row (a mapping) as a profile."""
    return UserProfile(
        user_id=row["user_id"],
        goal=Goal(row["goal"]) if row["goal"] else None,
        experience=Experience(row["experience"]),
        days_per_week=row["days_per_week"],
        equipment=Equipment(row["equipment"]),
        units=Unit(row["units"]),
        timezone=row["timezone"],
        rotation_index=row["rotation_index"],
        safety_notice_seen=bool(row["safety_notice_seen"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        plan_revision=row["plan_revision"],
    )


# Statements every command runs, built once (building and keying one costs more than running it).
_PROFILE = sa.select(users).where(users.c.user_id == sa.bindparam("user_id"))
_ROW_LOCK = sa.select(users.c.user_id).where(users.c.user_id == sa.bindparam("user_id")).with_for_update()
_SAFETY_NOTICE_SEEN = (
    sa.update(users)
    .where(users.c.user_id == sa.bindparam("seen_by"), users.c.safety_notice_seen == 0)
    .values(safety_notice_seen=1)
)
_PLAN_REVISION = sa.select(users.c.plan_revision).where(users.c.user_id == sa.bindparam("user_id"))
_COMPLETED_SINCE = (
    sa.select(sessions.c.completed_at)
    .where(sessions.c.user_id == sa.bindparam("user_id"), sessions.c.completed_at >= sa.bindparam("since"))
    .order_by(sessions.c.completed_at)
)


class UserStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, user_id: int) -> UserProfile | None:
        row = await self.db.row(_PROFILE, {"user_id": user_id})
        return profile_of(row) if row else None

    async def ensure(self, user_id: int, now: datetime) -> UserProfile:
        """The user's profile, creating it with defaults on first contact (a write only then)."""
        profile = await self.get(user_id)
        if profile is not None:
            return profile
        stamp = now.isoformat()
        await self.db.write(
            self.db.insert(users)
            .values(user_id=user_id, created_at=stamp, updated_at=stamp)
            .on_conflict_do_nothing(index_elements=[users.c.user_id])
        )
        profile = await self.get(user_id)
        assert profile is not None
        return profile

    @staticmethod
    def row_lock(user_id: int) -> tuple[sa.Executable, dict[str, int]]:
        """A statement (and its parameters) that locks the user's row until the transaction ends
        (`SELECT ... FOR UPDATE`), for `Database.unit_of_work(lock_first=...)`."""
        return _ROW_LOCK, {"user_id": user_id}

    async def hold(self, user_id: int) -> None:
        """Take the user's row for the rest of the command's write transaction.

        A second command of the same user that holds it waits until this one is stored and then
        reads what it stored: for writes that depend on earlier reads and cannot guard themselves
        with a WHERE clause (a double click on "Log as prescribed" or on Import).
        """
        await self.db.write(sa.update(users).where(users.c.user_id == user_id).values(updated_at=users.c.updated_at))

    async def update(self, user_id: int, now: datetime, **changes: object) -> UserProfile:
        unknown = changes.keys() - _EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        if changes:
            values = {column: getattr(value, "value", value) for column, value in changes.items()}
            await self.db.write(
                sa.update(users).where(users.c.user_id == user_id).values(**values, updated_at=now.isoformat())
            )
        profile = await self.get(user_id)
        assert profile is not None
        return profile

    async def delete(self, user_id: int) -> bool:
        """Forget the user: settings, log, sessions and reminders go with the row (ON DELETE CASCADE)."""
        result = await self.db.write(sa.delete(users).where(users.c.user_id == user_id))
        return result.rowcount > 0

    async def mark_safety_notice_seen(self, user_id: int) -> None:
        """Bookkeeping: stored when the command's unit of work commits (`Database.write_at_commit`)."""
        await self.db.write_at_commit(_SAFETY_NOTICE_SEEN, {"seen_by": user_id})

    async def complete_session(
        self, user_id: int, expected_index: int, day_label: str, goal: Goal, now: datetime, source: str
    ) -> int | None:
        """Record the session at `expected_index` as done and advance the rotation.

        Returns the new session id, or None when the rotation already moved on (a second click
        on the same Done button, or two devices): the same session is never counted twice.
        """
        async with self.db.transaction() as connection:
            result = await connection.execute(
                sa.update(users)
                .where(users.c.user_id == user_id, users.c.rotation_index == expected_index)
                .values(rotation_index=users.c.rotation_index + 1, updated_at=now.isoformat())
            )
            if result.rowcount == 0:
                return None
            result = await connection.execute(
                sa.insert(sessions)
                .values(user_id=user_id, rotation_index=expected_index, day_label=day_label, goal=goal.value,
                        completed_at=now.isoformat(), source=source)
                .returning(sessions.c.session_id)
            )
            return result.scalar_one()

    async def session_labels(self, user_id: int, session_ids: list[int]) -> dict[int, str]:
        """Session id -> the plan's day label ("Full body A") for this user's sessions among `session_ids`."""
        if not session_ids:
            return {}
        rows = await self.db.rows(
            sa.select(sessions.c.session_id, sessions.c.day_label)
            .where(sessions.c.user_id == user_id, sessions.c.session_id.in_(session_ids))
        )
        return {row["session_id"]: row["day_label"] for row in rows}

    async def last_completed_at(self, user_id: int) -> datetime | None:
        """When the user's latest session was marked done, or None."""
        last = await self.db.scalar(sa.select(sa.func.max(sessions.c.completed_at)).where(sessions.c.user_id == user_id))
        return datetime.fromisoformat(last) if last else None

    async def plan_revision(self, user_id: int) -> int | None:
        """The user's `plan_revision` as this command sees it (its own uncommitted writes included)."""
        return await self.db.scalar(_PLAN_REVISION, {"user_id": user_id})

    async def recently_trained(self, since: datetime, limit: int) -> list[int]:
        """Up to `limit` users with a set logged at or after `since` (UTC), the most recent first."""
        latest = sa.func.max(set_logs.c.logged_at)
        query = (sa.select(set_logs.c.user_id).group_by(set_logs.c.user_id)
                 .having(latest >= since.isoformat()).order_by(latest.desc()).limit(limit))
        return await self.db.column(query)

    async def completed_session_times(self, user_id: int, since: datetime) -> list[datetime]:
        stamps = await self.db.column(_COMPLETED_SINCE, {"user_id": user_id, "since": since.isoformat()})
        return [datetime.fromisoformat(stamp) for stamp in stamps]

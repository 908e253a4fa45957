"""Per-user settings and the rotation position."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.coach.vocabulary import Equipment, Experience, Goal, Unit
from bot.store.database import Database


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


_EDITABLE = {"goal", "experience", "days_per_week", "equipment", "units", "timezone"}


def _profile(row) -> UserProfile:
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
    )


class UserStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, user_id: int) -> UserProfile | None:
        async with self.db.connection.execute("SELECT * FROM users WHERE user_id = ?", (user_id,)) as cursor:
            row = await cursor.fetchone()
        return _profile(row) if row else None

    async def ensure(self, user_id: int, now: datetime) -> UserProfile:
        stamp = now.isoformat()
        await self.db.connection.execute(
            "INSERT INTO users (user_id, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
            (user_id, stamp, stamp),
        )
        profile = await self.get(user_id)
        assert profile is not None
        return profile

    async def update(self, user_id: int, now: datetime, **changes: object) -> UserProfile:
        unknown = changes.keys() - _EDITABLE
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        if changes:
            # Column names come from the _EDITABLE whitelist above, never from user input.
            assignments = ", ".join(f"{column} = ?" for column in changes)
            values = [v.value if hasattr(v, "value") else v for v in changes.values()]
            await self.db.connection.execute(
                f"UPDATE users SET {assignments}, updated_at = ? WHERE user_id = ?",
                (*values, now.isoformat(), user_id),
            )
        profile = await self.get(user_id)
        assert profile is not None
        return profile

    async def delete(self, user_id: int) -> bool:
        """Forget the user: settings, log, sessions and reminders go with the row (ON DELETE CASCADE)."""
        cursor = await self.db.connection.execute("DELETE FROM users WHERE user_id = ?", (user_id,))
        return cursor.rowcount > 0

    async def mark_safety_notice_seen(self, user_id: int) -> None:
        await self.db.connection.execute("UPDATE users SET safety_notice_seen = 1 WHERE user_id = ?", (user_id,))

    async def complete_session(
        self, user_id: int, expected_index: int, day_label: str, goal: Goal, now: datetime, source: str
    ) -> int | None:
        """Record the session at `expected_index` as done and advance the rotation.

        Returns the new session id, or None when the rotation already moved on (a second click
        on the same Done button, or two devices): the same session is never counted twice.
        """
        async with self.db.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE users SET rotation_index = rotation_index + 1, updated_at = ? "
                "WHERE user_id = ? AND rotation_index = ?",
                (now.isoformat(), user_id, expected_index),
            )
            if cursor.rowcount == 0:
                return None
            cursor = await connection.execute(
                "INSERT INTO sessions (user_id, rotation_index, day_label, goal, completed_at, source) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (user_id, expected_index, day_label, goal.value, now.isoformat(), source),
            )
            return cursor.lastrowid

    async def session_labels(self, user_id: int, session_ids: list[int]) -> dict[int, str]:
        """Session id -> the plan's day label ("Full body A") for this user's sessions among `session_ids`."""
        if not session_ids:
            return {}
        marks = ", ".join("?" for _ in session_ids)
        async with self.db.connection.execute(
            f"SELECT session_id, day_label FROM sessions WHERE user_id = ? AND session_id IN ({marks})",
            (user_id, *session_ids),
        ) as cursor:
            return {row[0]: row[1] for row in await cursor.fetchall()}

    async def completed_session_times(self, user_id: int, since: datetime) -> list[datetime]:
        async with self.db.connection.execute(
            "SELECT completed_at FROM sessions WHERE user_id = ? AND completed_at >= ? ORDER BY completed_at",
            (user_id, since.isoformat()),
        ) as cursor:
            rows = await cursor.fetchall()
        return [datetime.fromisoformat(row[0]) for row in rows]

"""The training log: what each user lifted. Every query is scoped to one user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from bot.coach.vocabulary import Unit
from bot.store.database import Database
from bot.store.schema import set_logs


@dataclass(frozen=True)
class NewEntry:
    exercise: str
    weight_kg: float
    entered_unit: Unit
    reps: int
    sets: int = 1
    rpe: float | None = None
    note: str | None = None
    target_low: int | None = None
    target_high: int | None = None
    prescribed_sets: int | None = None
    deload: bool = False  # logged while /today prescribed a deload for this exercise


@dataclass(frozen=True)
class LogEntry(NewEntry):
    log_id: int = 0
    user_id: int = 0
    logged_at: datetime = datetime.min
    session_id: int | None = None


# A dict lookup: calling the Enum per row was a third of the cost of reading a year of logs.
_UNITS = {unit.value: unit for unit in Unit}


def _entry(row) -> LogEntry:
    return LogEntry(
        log_id=row["log_id"],
        user_id=row["user_id"],
        session_id=row["session_id"],
        exercise=row["exercise"],
        weight_kg=row["weight_kg"],
        entered_unit=_UNITS[row["entered_unit"]],
        reps=row["reps"],
        sets=row["sets"],
        rpe=row["rpe"],
        note=row["note"],
        target_low=row["target_low"],
        target_high=row["target_high"],
        prescribed_sets=row["prescribed_sets"],
        deload=bool(row["deload"]),
        logged_at=datetime.fromisoformat(row["logged_at"]),
    )


class TrainingLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self, user_id: int, entries: list[NewEntry], now: datetime, session_id: int | None = None
    ) -> list[LogEntry]:
        added = []
        async with self.db.transaction() as connection:
            for entry in entries:
                values = {**vars(entry), "entered_unit": entry.entered_unit.value, "deload": int(entry.deload)}
                result = await connection.execute(
                    sa.insert(set_logs)
                    .values(**values, user_id=user_id, session_id=session_id, logged_at=now.isoformat())
                    .returning(set_logs.c.log_id)
                )
                added.append(LogEntry(**vars(entry), log_id=result.scalar_one(), user_id=user_id, logged_at=now,
                                      session_id=session_id))
        return added

    async def undo_last(self, user_id: int) -> LogEntry | None:
        async with self.db.transaction() as connection:
            row = (
                await connection.execute(
                    sa.select(set_logs)
                    .where(set_logs.c.user_id == user_id)
                    .order_by(set_logs.c.logged_at.desc(), set_logs.c.log_id.desc())
                    .limit(1)
                )
            ).mappings().first()
            if row is None:
                return None
            await connection.execute(
                sa.delete(set_logs).where(set_logs.c.log_id == row["log_id"], set_logs.c.user_id == user_id)
            )
        return _entry(row)

    async def entries(
        self,
        user_id: int,
        *,
        exercise: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        newest_first: bool = False,
    ) -> list[LogEntry]:
        """Entries logged in [since, until) (either open), oldest first unless `newest_first`."""
        query = self._matching(sa.select(set_logs), user_id, exercise, since, until)
        order = [set_logs.c.logged_at, set_logs.c.log_id]
        query = query.order_by(*(column.desc() for column in order) if newest_first else order)
        return [_entry(row) for row in await self.db.rows(query)]

    async def logged_times(
        self, user_id: int, *, exercise: str | None = None, since: datetime | None = None
    ) -> list[datetime]:
        """When each matching entry was logged (UTC), newest first: enough to page by day without
        reading whole entries (read from the index alone)."""
        query = self._matching(sa.select(set_logs.c.logged_at), user_id, exercise, since, None)
        rows = await self.db.rows(query.order_by(set_logs.c.logged_at.desc()))
        return [datetime.fromisoformat(row["logged_at"]) for row in rows]

    @staticmethod
    def _matching(query, user_id: int, exercise: str | None, since: datetime | None, until: datetime | None):
        query = query.where(set_logs.c.user_id == user_id)
        if exercise is not None:
            query = query.where(set_logs.c.exercise == exercise)
        if since is not None:
            query = query.where(set_logs.c.logged_at >= since.isoformat())
        if until is not None:
            query = query.where(set_logs.c.logged_at < until.isoformat())
        return query

    async def exercises_logged(self, user_id: int) -> list[str]:
        """Distinct exercise keys this user has logged, most recent first."""
        last = sa.func.max(set_logs.c.logged_at).label("last")
        rows = await self.db.rows(
            sa.select(set_logs.c.exercise, last)
            .where(set_logs.c.user_id == user_id)
            .group_by(set_logs.c.exercise)
            .order_by(last.desc(), set_logs.c.exercise)
        )
        return [row["exercise"] for row in rows]
